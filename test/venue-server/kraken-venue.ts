/**
 * Kraken spot WebSocket v2 (`/v2`), as docs.kraken.com/api/docs/websocket-v2 ("book", "trade",
 * "ticker", "ping") describes it:
 * - `{"method":"subscribe","params":{"channel":"book"|"trade"|"ticker","symbol":["BTC/USD"],..}}`
 *   → one ack per symbol `{"method":"subscribe","result":{"channel","symbol",..},"success":true,
 *   "time_in","time_out"}`; an unknown channel or symbol → `"success":false` with `"error"`.
 *   `{"method":"ping"}` → `{"method":"pong","time_in","time_out"}`.
 * - `book`: a snapshot, then updates each carrying the CRC32 `checksum` of the top 10 levels.
 *   The fixture is a depth-10 book, so the ack names `depth: 10` whatever depth was asked
 *   (Kraken would serve the depth asked; the fixture holds no deeper levels). A subscriber after
 *   the fixture's snapshot gets a snapshot rendered from the server's book (the level texts as
 *   served, its checksum computed here), which the next update continues.
 * - `trade`, `ticker` as the fixture holds them. Not emulated: the `status` message on connect
 *   and the `heartbeat` channel.
 */
import { crc32 } from 'node:zlib';
import type { TimelineEntry } from './capture-timeline.ts';
import type { VenueConnection } from './venue-connection.ts';
import type { HttpAnswer, VenueHost, VenueProtocol } from './venue-protocol.ts';

/** The depth of the documentation fixture's book. */
const FIXTURE_DEPTH = 10;
const LEVEL = /\{"price":([0-9.]+),"qty":([0-9.]+)\}/g;

/** One side of the book: price text → qty text, as served. */
type Side = Map<string, string>;

const sortedTop = (side: Side, descending: boolean): [string, string][] =>
  [...side].sort((a, b) => (descending ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0]))).slice(0, FIXTURE_DEPTH);

/** Kraken's checksum text of one number: the decimal point removed, then leading zeros. */
const checksumText = (n: string): string => n.replace('.', '').replace(/^0+/, '');

/** CRC32 over asks (ascending) then bids (descending), top 10 each (the v2 "book" checksum rule). */
export function krakenBookChecksum(bids: Side, asks: Side): number {
  const text = [...sortedTop(asks, false), ...sortedTop(bids, true)].map(([p, q]) => checksumText(p) + checksumText(q)).join('');
  return crc32(text);
}

function applyLevels(side: Side, json: string): void {
  for (const m of json.matchAll(LEVEL)) {
    if (Number(m[2]) === 0) side.delete(m[1]!);
    else side.set(m[1]!, m[2]!);
  }
}

class KrakenBook {
  readonly bids: Side = new Map();
  readonly asks: Side = new Map();

  apply(text: string, snapshot: boolean): void {
    if (snapshot) {
      this.bids.clear();
      this.asks.clear();
    }
    const bidsAt = text.indexOf('"bids":[');
    const asksAt = text.indexOf('"asks":[');
    this.update(this.bids, text.slice(bidsAt, text.indexOf(']', bidsAt) + 1), true);
    this.update(this.asks, text.slice(asksAt, text.indexOf(']', asksAt) + 1), false);
  }

  private update(side: Side, json: string, descending: boolean): void {
    applyLevels(side, json);
    const keep = new Set(sortedTop(side, descending).map(([p]) => p));
    for (const p of side.keys()) if (!keep.has(p)) side.delete(p);
  }

  snapshot(symbol: string): string {
    const levels = (side: Side, descending: boolean) =>
      sortedTop(side, descending)
        .map(([p, q]) => `{"price":${p},"qty":${q}}`)
        .join(',');
    return `{"channel":"book","type":"snapshot","data":[{"symbol":${JSON.stringify(symbol)},"bids":[${levels(this.bids, true)}],"asks":[${levels(this.asks, false)}],"checksum":${krakenBookChecksum(this.bids, this.asks)}}]}`;
  }
}

export class KrakenVenue implements VenueProtocol {
  readonly timeline: readonly TimelineEntry[];
  private readonly known: ReadonlySet<string>;
  private readonly books = new Map<string, KrakenBook>();

  constructor(private readonly o: { entries: readonly TimelineEntry[]; host: VenueHost }) {
    this.timeline = o.entries;
    this.known = new Set(o.entries.map((e) => e.topic));
  }

  acceptsWebSocket(url: URL): boolean {
    return url.pathname === '/v2';
  }

  open(_conn: VenueConnection): void {}

  message(conn: VenueConnection, text: string): void {
    const now = new Date(this.o.host.nowMs()).toISOString();
    let req: { method?: unknown; params?: { channel?: unknown; symbol?: unknown } };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      conn.sendReply(`{"error":"Malformed request","success":false,"time_in":"${now}","time_out":"${now}"}`);
      return;
    }
    if (req.method === 'ping') {
      conn.sendReply(`{"method":"pong","time_in":"${now}","time_out":"${now}"}`);
      return;
    }
    const method = req.method;
    const channel = String(req.params?.channel);
    const symbols = Array.isArray(req.params?.symbol) ? (req.params.symbol as unknown[]).map(String) : [];
    if ((method !== 'subscribe' && method !== 'unsubscribe') || symbols.length === 0) {
      conn.sendReply(`{"error":"Invalid request","method":${JSON.stringify(method ?? null)},"success":false,"time_in":"${now}","time_out":"${now}"}`);
      return;
    }
    for (const symbol of symbols) this.subscription(conn, method, channel, symbol, now);
    if (method === 'subscribe') this.o.host.onFirstSubscription();
  }

  private subscription(conn: VenueConnection, method: 'subscribe' | 'unsubscribe', channel: string, symbol: string, now: string): void {
    const topic = `${channel}:${symbol}`;
    if (!this.known.has(topic)) {
      conn.sendReply(`{"error":"Currency pair not supported ${symbol}","method":"${method}","success":false,"symbol":${JSON.stringify(symbol)},"time_in":"${now}","time_out":"${now}"}`);
      return;
    }
    const depth = channel === 'book' ? `"depth":${FIXTURE_DEPTH},` : '';
    conn.sendReply(`{"method":"${method}","result":{"channel":"${channel}",${depth}"snapshot":true,"symbol":${JSON.stringify(symbol)}},"success":true,"time_in":"${now}","time_out":"${now}"}`);
    if (method === 'unsubscribe') {
      this.o.host.unsubscribe(conn, topic);
      return;
    }
    this.o.host.subscribe(conn, topic);
    const book = channel === 'book' ? this.books.get(symbol) : undefined;
    if (book !== undefined) conn.sendData(book.snapshot(symbol), true);
  }

  publish(entry: TimelineEntry): void {
    if (entry.kind === 'depth') {
      let book = this.books.get(entry.symbol);
      if (book === undefined) this.books.set(entry.symbol, (book = new KrakenBook()));
      book.apply(entry.text, entry.text.includes('"type":"snapshot"'));
    }
    for (const conn of this.o.host.subscribers(entry.topic)) conn.sendData(entry.text, entry.kind === 'depth');
  }

  rest(_req: unknown, _url: URL): HttpAnswer | null {
    return null;
  }

  close(): void {}
}
