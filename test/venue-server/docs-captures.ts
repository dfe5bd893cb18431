/**
 * The documentation-shaped fixtures of examples/data/venue-docs as timelines (no real Kraken v2
 * or Coinbase Advanced Trade capture exists; the fixtures are written from the venues'
 * documentation, checksums and sequence numbers valid — see that folder's README). Parsing is
 * written here, not shared with the importer (the server is an oracle, see capture-timeline.ts).
 * Replies of the fixture's own session (subscribe acks, `subscriptions`) are left out: the venue answers itself.
 */
import { readFileSync } from 'node:fs';
import type { CaptureTimeline, EntryKind, TimelineEntry } from './capture-timeline.ts';

const KRAKEN_KIND: Readonly<Record<string, EntryKind>> = { book: 'depth', trade: 'trade', ticker: 'bbo' };

const isoToNs = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n + BigInt(/\.\d{3}(\d{0,6})/.exec(iso)?.[1]?.padEnd(6, '0') ?? '0');

/**
 * Kraken v2 plain JSON lines; topic `book:BTC/USD`. Time: the message's `timestamp`; messages
 * without one (snapshot, ticker) take the previous message's time.
 */
export function loadKrakenDocsCapture(path: string): CaptureTimeline {
  const entries: TimelineEntry[] = [];
  let tsNs = 0n;
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    const time = /"(?:timestamp|time_out)":"([^"]+)"/.exec(text);
    if (time) tsNs = isoToNs(time[1]!);
    const m = /^\{"channel":"([a-z]+)","type":"(?:snapshot|update)","data":\[\{"symbol":"([^"]+)"/.exec(text);
    if (!m) continue;
    entries.push({ tsNs, text, topic: `${m[1]}:${m[2]}`, symbol: m[2]!, kind: KRAKEN_KIND[m[1]!] ?? 'other' });
  }
  return { entries, snapshots: [] };
}

const COINBASE_KIND: Readonly<Record<string, EntryKind>> = { l2_data: 'depth', market_trades: 'trade', ticker: 'bbo' };

/** Coinbase Advanced Trade chassis-raw lines; topic `l2_data:BTC-USD`, or `heartbeats`. */
export function loadCoinbaseDocsCapture(path: string): CaptureTimeline {
  const entries: TimelineEntry[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.length === 0) continue;
    const raw = JSON.parse(line) as { tsLocalNs: string };
    const text = line.slice(line.indexOf(',"message":') + ',"message":'.length, -1);
    const channel = /^\{"channel":"([a-z_0-9]+)"/.exec(text)?.[1];
    if (channel === undefined || channel === 'subscriptions') continue;
    const product = /"product_id":"([^"]+)"/.exec(text)?.[1];
    const topic = channel === 'heartbeats' ? 'heartbeats' : `${channel}:${product}`;
    entries.push({ tsNs: BigInt(raw.tsLocalNs), text, topic, symbol: product ?? '', kind: COINBASE_KIND[channel] ?? 'other' });
  }
  return { entries, snapshots: [] };
}
