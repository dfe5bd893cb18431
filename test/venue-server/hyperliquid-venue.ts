/**
 * Hyperliquid public WebSocket (`/ws`), as hyperliquid.gitbook.io/hyperliquid-docs
 * (for-developers/api/websocket: "Subscriptions", "Heartbeats") describes it:
 * - `{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}}` →
 *   `{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{..}}}`;
 *   unknown coin or type → `{"channel":"error","data":"Invalid subscription .."}`;
 *   `unsubscribe` likewise; `{"method":"ping"}` → `{"channel":"pong"}`.
 * - `l2Book`: every message a full snapshot; a subscriber joining mid-stream gets the latest one
 *   at once. `trades` as captured. `bbo` (which the capture does not hold) is derived from the
 *   books: one message whenever an l2Book changes the top level, `{"channel":"bbo","data":
 *   {"coin","time","bbo":[best bid level, best ask level]}}` with the capture's level objects.
 */
import type { TimelineEntry } from './capture-timeline.ts';
import type { VenueConnection } from './venue-connection.ts';
import type { HttpAnswer, VenueHost, VenueProtocol } from './venue-protocol.ts';

interface L2Book {
  readonly coin: string;
  readonly time: number;
  readonly levels: readonly [readonly unknown[], readonly unknown[]];
}

export class HyperliquidVenue implements VenueProtocol {
  readonly timeline: readonly TimelineEntry[];
  /** Topics (`type:coin`) the capture can serve. */
  private readonly known: ReadonlySet<string>;
  /** Latest l2Book text and bbo text per coin. */
  private readonly latestBook = new Map<string, string>();
  private readonly latestBbo = new Map<string, string>();

  constructor(private readonly o: { entries: readonly TimelineEntry[]; host: VenueHost }) {
    this.timeline = o.entries;
    const topics = o.entries.map((e) => e.topic);
    this.known = new Set([
      ...topics,
      ...topics.filter((t) => t.startsWith('l2Book:')).map((t) => `bbo:${t.slice('l2Book:'.length)}`),
    ]);
  }

  acceptsWebSocket(url: URL): boolean {
    return url.pathname === '/ws';
  }

  open(_conn: VenueConnection): void {}

  message(conn: VenueConnection, text: string): void {
    let req: { method?: unknown; subscription?: { type?: unknown; coin?: unknown } };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      conn.sendReply(`{"channel":"error","data":${JSON.stringify(`Invalid message: ${text}`)}}`);
      return;
    }
    if (req.method === 'ping') {
      conn.sendReply('{"channel":"pong"}');
      return;
    }
    const sub = req.subscription;
    const topic = `${String(sub?.type)}:${String(sub?.coin)}`;
    if ((req.method !== 'subscribe' && req.method !== 'unsubscribe') || !this.known.has(topic)) {
      conn.sendReply(`{"channel":"error","data":${JSON.stringify(`Invalid subscription ${text}`)}}`);
      return;
    }
    const ack = `{"channel":"subscriptionResponse","data":{"method":"${req.method}","subscription":{"type":${JSON.stringify(sub!.type)},"coin":${JSON.stringify(sub!.coin)}}}}`;
    if (req.method === 'unsubscribe') {
      this.o.host.unsubscribe(conn, topic);
      conn.sendReply(ack);
      return;
    }
    this.o.host.subscribe(conn, topic);
    conn.sendReply(ack);
    const latest =
      sub!.type === 'l2Book'
        ? this.latestBook.get(String(sub!.coin))
        : sub!.type === 'bbo'
          ? this.latestBbo.get(String(sub!.coin))
          : undefined;
    if (latest !== undefined) conn.sendData(latest, false);
    this.o.host.onFirstSubscription();
  }

  publish(entry: TimelineEntry): void {
    for (const conn of this.o.host.subscribers(entry.topic)) conn.sendData(entry.text, false);
    if (entry.kind !== 'depth') return;
    this.latestBook.set(entry.symbol, entry.text);
    const book = (JSON.parse(entry.text) as { data: L2Book }).data;
    const bbo = `{"channel":"bbo","data":{"coin":${JSON.stringify(book.coin)},"time":${book.time},"bbo":[${JSON.stringify(book.levels[0][0] ?? null)},${JSON.stringify(book.levels[1][0] ?? null)}]}}`;
    const top = (t: string | undefined) => t?.slice(t.indexOf('"bbo":['));
    if (top(this.latestBbo.get(entry.symbol)) === top(bbo)) return;
    this.latestBbo.set(entry.symbol, bbo);
    for (const conn of this.o.host.subscribers(`bbo:${entry.symbol}`)) conn.sendData(bbo, false);
  }

  rest(_req: unknown, _url: URL): HttpAnswer | null {
    return null;
  }

  close(): void {}
}
