/**
 * A real capture as the venue server replays it: the venue's own messages in capture order,
 * each with its capture time (ns) and what it is (stream, symbol, kind), plus the REST depth
 * snapshots the capture holds (the book the server starts from).
 *
 * Layouts read (examples/data/README.md):
 * - hftbacktest `<capture ns> <json>` lines (gzip): Binance combined-stream messages and one
 *   inline REST snapshot `{"lastUpdateId":..}`;
 * - cryptofeed `.ws.*` text (`<seconds>: <json>` inbound, `<url> <- ..` outbound, `<url> <-> ..`
 *   header) with the REST answers in the sibling `.http.*` file (`<url> -> <seconds>: <body>`).
 * The parsing is written here on purpose (not the venues package's reader): the server is the
 * oracle the recorder and the importer are checked against, so it must not share their code.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export type EntryKind = 'depth' | 'trade' | 'bbo' | 'other';

/** One venue message of the capture, served as is (Binance) or re-encoded (Bybit, OKX seq ids). */
export interface TimelineEntry {
  /** Capture time of the message in the source file, ns since epoch. */
  readonly tsNs: bigint;
  /** The message text exactly as captured. */
  readonly text: string;
  /** Binance stream name (`btcusdt@depth@0ms`) or OKX `channel:instId`. */
  readonly topic: string;
  /** Venue symbol (`BTCUSDT`, `BTC-USDT`). */
  readonly symbol: string;
  readonly kind: EntryKind;
}

/** A REST depth snapshot found in the capture, with its capture time. */
export interface CaptureSnapshot {
  readonly tsNs: bigint;
  readonly symbol: string;
  /** The response body exactly as captured. */
  readonly text: string;
}

export interface CaptureTimeline {
  readonly entries: readonly TimelineEntry[];
  readonly snapshots: readonly CaptureSnapshot[];
}

/** Decimal seconds as text (cryptofeed) → ns, exactly. */
export function secondsToNs(text: string): bigint {
  const [whole, frac = ''] = text.split('.');
  return BigInt(whole!) * 1_000_000_000n + BigInt(frac.slice(0, 9).padEnd(9, '0'));
}

function readText(path: string): string {
  const bytes = readFileSync(path);
  return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
}

const STREAM_PREFIX = '{"stream":"';

/** Kind of a Binance stream by its name (`<symbol>@<type>[@<speed>]`). */
export function binanceStreamKind(stream: string): EntryKind {
  const type = stream.slice(stream.indexOf('@') + 1);
  if (type.startsWith('depth') && !/^depth\d/.test(type)) return 'depth';
  if (type === 'trade' || type === 'aggTrade') return 'trade';
  if (type === 'bookTicker') return 'bbo';
  return 'other';
}

function binanceEntry(tsNs: bigint, text: string): TimelineEntry | null {
  if (!text.startsWith(STREAM_PREFIX)) return null;
  const topic = text.slice(STREAM_PREFIX.length, text.indexOf('"', STREAM_PREFIX.length));
  return { tsNs, text, topic, symbol: topic.slice(0, topic.indexOf('@')).toUpperCase(), kind: binanceStreamKind(topic) };
}

/** hftbacktest Binance capture: `<ns> <json>` per line; the inline snapshot names no symbol (the file holds one). */
export function loadHftbacktestCapture(path: string): CaptureTimeline {
  const entries: TimelineEntry[] = [];
  const pending: { tsNs: bigint; text: string }[] = [];
  for (const line of readText(path).split('\n')) {
    const sp = line.indexOf(' ');
    if (sp <= 0) continue;
    const tsNs = BigInt(line.slice(0, sp));
    const text = line.slice(sp + 1);
    const entry = binanceEntry(tsNs, text);
    if (entry !== null) entries.push(entry);
    else if (text.startsWith('{"lastUpdateId"')) pending.push({ tsNs, text });
  }
  const symbols = new Set(entries.map((e) => e.symbol));
  if (symbols.size !== 1) throw new Error(`${path}: an hftbacktest capture holds one symbol, found ${[...symbols].join(', ')}`);
  const symbol = [...symbols][0]!;
  return { entries, snapshots: pending.map((p) => ({ ...p, symbol })) };
}

const CRYPTOFEED_IN = /^(\d+(?:\.\d+)?): /;
const CRYPTOFEED_HTTP = /^(\S+) -> (\d+(?:\.\d+)?): /;

/** cryptofeed Binance capture: the `.ws.*` file and its `.http.*` sibling with the REST snapshots. */
export function loadCryptofeedBinanceCapture(wsPath: string, httpPath: string): CaptureTimeline {
  const entries: TimelineEntry[] = [];
  for (const line of readText(wsPath).split('\n')) {
    const m = CRYPTOFEED_IN.exec(line);
    if (!m) continue;
    const entry = binanceEntry(secondsToNs(m[1]!), line.slice(m[0].length));
    if (entry !== null) entries.push(entry);
  }
  const snapshots: CaptureSnapshot[] = [];
  for (const line of readText(httpPath).split('\n')) {
    const m = CRYPTOFEED_HTTP.exec(line);
    if (!m) continue;
    const symbol = /[?&]symbol=([^&]+)/.exec(m[1]!)?.[1];
    if (symbol === undefined) continue;
    snapshots.push({ tsNs: secondsToNs(m[2]!), symbol: symbol.toUpperCase(), text: line.slice(m[0].length) });
  }
  return { entries, snapshots };
}

/** OKX topic kind by channel. */
function okxKind(channel: string): EntryKind {
  if (channel === 'books') return 'depth';
  if (channel === 'trades') return 'trade';
  if (channel === 'tickers') return 'bbo';
  return 'other';
}

const OKX_ARG = /^\{"arg":\{"channel":"([^"]+)","instId":"([^"]+)"\}/;

/** cryptofeed OKX capture: push messages only (the server answers subscribe and ping itself). */
export function loadCryptofeedOkxCapture(path: string): CaptureTimeline {
  const entries: TimelineEntry[] = [];
  for (const line of readText(path).split('\n')) {
    const m = CRYPTOFEED_IN.exec(line);
    if (!m) continue;
    const text = line.slice(m[0].length);
    const arg = OKX_ARG.exec(text);
    if (!arg) continue; // {"event":"subscribe",..} replies of the capture's own session
    entries.push({ tsNs: secondsToNs(m[1]!), text, topic: `${arg[1]}:${arg[2]}`, symbol: arg[2]!, kind: okxKind(arg[1]!) });
  }
  return { entries, snapshots: [] };
}
