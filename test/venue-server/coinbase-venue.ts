/**
 * Coinbase Advanced Trade market data WebSocket (`/`), as docs.cdp.coinbase.com/advanced-trade/docs/ws-overview
 * and ws-channels describe it:
 * - `{"type":"subscribe","product_ids":["BTC-USD"],"channel":"level2"|"market_trades"|"ticker"}`,
 *   `{"type":"subscribe","channel":"heartbeats"}` → a `subscriptions` message listing the
 *   connection's product subscriptions; an unknown channel or product → `{"type":"error","message"}`.
 * - Every message carries `sequence_num`, counted per connection from 0 over every message it
 *   is sent: the server rewrites the fixture's number for each connection, so a skipped frame
 *   is a gap in that count.
 * - `level2` publishes `l2_data`: a `snapshot` then `update` events. A subscriber after the
 *   fixture's snapshot gets a snapshot rendered from the server's book (level texts as served).
 * - `market_trades`, `ticker` and `heartbeats` as the fixture holds them.
 */
import type { TimelineEntry } from './capture-timeline.ts';
import type { VenueConnection } from './venue-connection.ts';
import type { HttpAnswer, VenueHost, VenueProtocol } from './venue-protocol.ts';

/** Subscribe channel → the `channel` of the messages it publishes. */
const MESSAGE_CHANNEL: Readonly<Record<string, string>> = { level2: 'l2_data', market_trades: 'market_trades', ticker: 'ticker', heartbeats: 'heartbeats' };
const UPDATE = /\{"side":"(bid|offer)","event_time":"[^"]*","price_level":"([^"]+)","new_quantity":"([^"]+)"\}/g;

class CoinbaseBook {
  readonly levels = { bid: new Map<string, string>(), offer: new Map<string, string>() };

  apply(text: string): void {
    if (text.includes('"type":"snapshot"')) for (const side of Object.values(this.levels)) side.clear();
    for (const m of text.matchAll(UPDATE)) {
      const side = this.levels[m[1] as 'bid' | 'offer'];
      if (Number(m[3]) === 0) side.delete(m[2]!);
      else side.set(m[2]!, m[3]!);
    }
  }

  snapshot(product: string, timestamp: string): string {
    const side = (name: 'bid' | 'offer', descending: boolean) =>
      [...this.levels[name]]
        .sort((a, b) => (descending ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])))
        .map(([p, q]) => `{"side":"${name}","event_time":"1970-01-01T00:00:00Z","price_level":"${p}","new_quantity":"${q}"}`);
    const updates = [...side('bid', true), ...side('offer', false)].join(',');
    return `{"channel":"l2_data","client_id":"","timestamp":"${timestamp}","sequence_num":0,"events":[{"type":"snapshot","product_id":${JSON.stringify(product)},"updates":[${updates}]}]}`;
  }
}

export class CoinbaseVenue implements VenueProtocol {
  readonly timeline: readonly TimelineEntry[];
  private readonly known: ReadonlySet<string>;
  private readonly books = new Map<string, CoinbaseBook>();
  /** The next sequence_num of each connection. */
  private readonly sequence = new WeakMap<VenueConnection, number>();
  /** Product subscriptions of each connection, by subscribe channel. */
  private readonly subscriptions = new WeakMap<VenueConnection, Map<string, Set<string>>>();

  constructor(private readonly o: { entries: readonly TimelineEntry[]; host: VenueHost }) {
    this.timeline = o.entries;
    this.known = new Set(o.entries.map((e) => e.topic));
  }

  acceptsWebSocket(url: URL): boolean {
    return url.pathname === '/';
  }

  open(conn: VenueConnection): void {
    this.sequence.set(conn, 0);
    this.subscriptions.set(conn, new Map());
  }

  /** The message with this connection's next sequence_num in place of the one it holds. */
  private numbered(conn: VenueConnection, text: string): string {
    const n = this.sequence.get(conn) ?? 0;
    this.sequence.set(conn, n + 1);
    return text.replace(/"sequence_num":\d+/, `"sequence_num":${n}`);
  }

  message(conn: VenueConnection, text: string): void {
    let req: { type?: unknown; channel?: unknown; product_ids?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      conn.sendReply('{"type":"error","message":"failure to parse message"}');
      return;
    }
    const channel = String(req.channel);
    const products = Array.isArray(req.product_ids) ? req.product_ids.map(String) : [];
    const topics = channel === 'heartbeats' ? ['heartbeats'] : products.map((p) => `${MESSAGE_CHANNEL[channel]}:${p}`);
    if ((req.type !== 'subscribe' && req.type !== 'unsubscribe') || topics.length === 0 || !topics.every((t) => this.known.has(t))) {
      conn.sendReply(`{"type":"error","message":${JSON.stringify(`Failure to subscribe: ${text}`)}}`);
      return;
    }
    const mine = this.subscriptions.get(conn)!;
    const subscribed = mine.get(channel) ?? new Set<string>();
    for (const t of topics) {
      if (req.type === 'subscribe') this.o.host.subscribe(conn, t);
      else this.o.host.unsubscribe(conn, t);
    }
    for (const p of products) {
      if (req.type === 'subscribe') subscribed.add(p);
      else subscribed.delete(p);
    }
    if (channel !== 'heartbeats') mine.set(channel, subscribed);
    const now = new Date(this.o.host.nowMs()).toISOString();
    const list = [...mine].filter(([, s]) => s.size > 0).map(([c, s]) => `${JSON.stringify(c)}:${JSON.stringify([...s])}`);
    conn.sendReply(this.numbered(conn, `{"channel":"subscriptions","client_id":"","timestamp":"${now}","sequence_num":0,"events":[{"subscriptions":{${list.join(',')}}}]}`));
    if (req.type !== 'subscribe') return;
    if (channel === 'level2') {
      for (const p of products) {
        const book = this.books.get(p);
        if (book !== undefined) conn.sendData(this.numbered(conn, book.snapshot(p, now)), true);
      }
    }
    this.o.host.onFirstSubscription();
  }

  publish(entry: TimelineEntry): void {
    if (entry.kind === 'depth') {
      let book = this.books.get(entry.symbol);
      if (book === undefined) this.books.set(entry.symbol, (book = new CoinbaseBook()));
      book.apply(entry.text);
    }
    for (const conn of this.o.host.subscribers(entry.topic)) conn.sendData(this.numbered(conn, entry.text), entry.kind === 'depth');
  }

  rest(_req: unknown, _url: URL): HttpAnswer | null {
    return null;
  }

  close(): void {}
}
