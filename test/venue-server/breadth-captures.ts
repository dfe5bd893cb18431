/**
 * The real captures of the issue-14 venues as timelines (parsing written here, not shared with
 * the importer: the server is an oracle, see capture-timeline.ts):
 * - Hyperliquid: hftbacktest `<capture ns> <json>` lines (gzip) of `{"channel":"l2Book"|"trades","data":..}`;
 * - Deribit: cryptofeed `DERIBIT.ws.*` (`<seconds>: <json>`), JSON-RPC `subscription` notifications.
 *   The capture subscribed the `.raw` channels, which Deribit now serves to authorised users only;
 *   the timeline renames them to `.100ms` (the channel a public recorder subscribes), bytes otherwise unchanged;
 * - BitMEX: cryptofeed `BITMEX.ws.*`, `{"table":..,"action":..,"data":[..]}` pushes.
 * Replies of the capture's own session (subscribe results, welcome) are left out: the venue answers itself.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { secondsToNs, type CaptureTimeline, type EntryKind, type TimelineEntry } from './capture-timeline.ts';

function readText(path: string): string {
  const bytes = readFileSync(path);
  return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
}

const CRYPTOFEED_IN = /^(\d+(?:\.\d+)?): /;

/** Each `<seconds>: <json>` inbound line of a cryptofeed capture. */
function cryptofeedLines(path: string): { tsNs: bigint; text: string }[] {
  const out: { tsNs: bigint; text: string }[] = [];
  for (const line of readText(path).split('\n')) {
    const m = CRYPTOFEED_IN.exec(line);
    if (m) out.push({ tsNs: secondsToNs(m[1]!), text: line.slice(m[0].length) });
  }
  return out;
}

const HYPERLIQUID_KIND: Readonly<Record<string, EntryKind>> = { l2Book: 'depth', trades: 'trade', bbo: 'bbo' };

/** Hyperliquid hftbacktest capture; topic `l2Book:BTC`, `trades:BTC`. */
export function loadHyperliquidCapture(path: string): CaptureTimeline {
  const entries: TimelineEntry[] = [];
  for (const line of readText(path).split('\n')) {
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    const text = line.slice(sp + 1);
    const msg = JSON.parse(text) as { channel: string; data: { coin?: string } | { coin: string }[] };
    const coin = Array.isArray(msg.data) ? msg.data[0]?.coin : msg.data.coin;
    if (coin === undefined) continue;
    entries.push({
      tsNs: BigInt(line.slice(0, sp)),
      text,
      topic: `${msg.channel}:${coin}`,
      symbol: coin,
      kind: HYPERLIQUID_KIND[msg.channel] ?? 'other',
    });
  }
  return { entries, snapshots: [] };
}

const DERIBIT_KIND: Readonly<Record<string, EntryKind>> = { book: 'depth', trades: 'trade', ticker: 'bbo' };

/** Deribit cryptofeed capture; topic = the channel (`book.BTC-24SEP21-8000-P.100ms`). */
export function loadCryptofeedDeribitCapture(path: string): CaptureTimeline {
  const entries: TimelineEntry[] = [];
  for (const { tsNs, text: captured } of cryptofeedLines(path)) {
    const m = /^\{"jsonrpc":"2\.0","method":"subscription","params":\{"channel":"(([a-z]+)\.([^".]+)\.raw)"/.exec(
      captured,
    );
    if (!m) continue;
    const topic = `${m[2]}.${m[3]}.100ms`;
    const text = captured.replace(`"channel":"${m[1]}"`, `"channel":"${topic}"`);
    entries.push({ tsNs, text, topic, symbol: m[3]!, kind: DERIBIT_KIND[m[2]!] ?? 'other' });
  }
  return { entries, snapshots: [] };
}

const BITMEX_KIND: Readonly<Record<string, EntryKind>> = { orderBookL2: 'depth', trade: 'trade', quote: 'bbo' };

/** BitMEX cryptofeed capture; topic `orderBookL2:XBTUSD`. Every push holds rows of one symbol. */
export function loadCryptofeedBitmexCapture(path: string): CaptureTimeline {
  const entries: TimelineEntry[] = [];
  for (const { tsNs, text } of cryptofeedLines(path)) {
    if (!text.startsWith('{"table":"')) continue;
    const msg = JSON.parse(text) as { table: string; filter?: { symbol?: string }; data: { symbol: string }[] };
    const symbols = new Set(msg.data.map((r) => r.symbol));
    if (msg.filter?.symbol !== undefined) symbols.add(msg.filter.symbol);
    if (symbols.size !== 1) throw new Error(`${path}: a BitMEX push with rows of ${symbols.size} symbols at ${tsNs}`);
    const symbol = [...symbols][0]!;
    entries.push({ tsNs, text, topic: `${msg.table}:${symbol}`, symbol, kind: BITMEX_KIND[msg.table] ?? 'other' });
  }
  return { entries, snapshots: [] };
}
