/**
 * Bybit v5 public WebSocket (`/v5/public/linear`, `/v5/public/spot`), per
 * bybit-exchange.github.io/docs/v5/ws/connect and /docs/v5/websocket/public/{orderbook,trade}:
 * - `{"op":"subscribe","args":["orderbook.500.BTCUSDT","publicTrade.BTCUSDT"],"req_id":..}` →
 *   `{"success":true,"ret_msg":"","conn_id":..,"req_id":..,"op":"subscribe"}` (an unknown topic:
 *   success false, `error:handler not found,topic:..`; spot takes at most 10 args per request);
 * - `{"op":"ping","req_id":..}` → `{"success":true,"ret_msg":"pong","conn_id":..,"req_id":..,"op":"ping"}`;
 * - `orderbook.{depth}.{symbol}` (depths 1, 50, 200, 500, 1000): a snapshot on subscribe, then
 *   deltas of the top-`depth` view (levels that changed, entered, or left it with size "0"),
 *   `u` +1 per message for the topic, `seq` the cross sequence; depth 1 sends snapshots only;
 * - `publicTrade.{symbol}`: one trade per message, `S` the taker side, `i` the trade id (a UUID
 *   on linear), `L` the tick direction (linear only).
 * THERE IS NO BYBIT CAPTURE: the server re-encodes the real Binance capture (USD-M for linear,
 * spot for spot) in Bybit's protocol: the book is Binance's (snapshot + served diffs), `seq` is
 * Binance's update id u, `ts` its event time E and `cts` its transaction time T; trades are
 * Binance's trades. The protocol is Bybit's; the market is Binance's.
 * Not emulated: the 3 s repeat of an unchanged orderbook.1 snapshot.
 */
import type { BinanceSymbolBook, DepthDiff } from './binance-book.ts';
import type { BinanceVenue } from './binance-venue.ts';
import type { TimelineEntry } from './capture-timeline.ts';
import type { VenueConnection } from './venue-connection.ts';
import type { HttpAnswer, VenueHost, VenueProtocol } from './venue-protocol.ts';

export type BybitCategory = 'linear' | 'spot';

const DEPTHS = new Set([1, 50, 200, 500, 1000]);
/** First `u` of a topic (any value but 1, which Bybit reserves for a service-restart snapshot). */
const FIRST_U = 1_000_000;
const MAX_SPOT_ARGS = 10;

type Level = [string, string];

/** One side of a topic's top-`depth` view: the levels as published, best first. */
class ViewSide {
  levels: Level[] = [];

  constructor(
    private readonly depth: number,
    private readonly bids: boolean,
  ) {}

  /**
   * True if a diff's levels can change this view: some level is at or better than the view's
   * worst level, or the view is not full (a level anywhere enters it).
   */
  touchedBy(diffLevels: readonly (readonly [string, string])[]): boolean {
    if (diffLevels.length === 0) return false;
    if (this.levels.length < this.depth) return true;
    const worst = Number(this.levels[this.levels.length - 1]![0]);
    return diffLevels.some(([p]) => (this.bids ? Number(p) >= worst : Number(p) <= worst));
  }

  /** Replaces the view with `next`; returns the levels that changed, entered, or left it (size "0"), best first. */
  replace(next: Level[]): Level[] {
    const prev = new Map(this.levels);
    const out: Level[] = [];
    const seen = new Set<string>();
    for (const [p, s] of next) {
      seen.add(p);
      if (prev.get(p) !== s) out.push([p, s]);
    }
    let gone = false;
    for (const p of prev.keys()) {
      if (seen.has(p)) continue;
      out.push([p, '0']);
      gone = true;
    }
    this.levels = next;
    return gone ? out.sort((x, y) => (this.bids ? Number(y[0]) - Number(x[0]) : Number(x[0]) - Number(y[0]))) : out;
  }
}

/** The top-`depth` view of one symbol's book that one orderbook topic publishes. */
class BookTopic {
  u = FIRST_U;
  private readonly bids: ViewSide;
  private readonly asks: ViewSide;

  constructor(
    readonly depth: number,
    readonly symbol: string,
    book: BinanceSymbolBook,
  ) {
    this.bids = new ViewSide(depth, true);
    this.asks = new ViewSide(depth, false);
    const top = book.top(depth);
    this.bids.replace(top.bids);
    this.asks.replace(top.asks);
  }

  get name(): string {
    return `orderbook.${this.depth}.${this.symbol}`;
  }

  /** The topic's message after the book took `diff`; null if the top-`depth` view did not change. */
  update(book: BinanceSymbolBook, diff: DepthDiff): string | null {
    const bidsMoved = this.bids.touchedBy(diff.bids);
    const asksMoved = this.asks.touchedBy(diff.asks);
    if (!bidsMoved && !asksMoved) return null;
    const top = book.top(this.depth);
    const b = bidsMoved ? this.bids.replace(top.bids) : [];
    const a = asksMoved ? this.asks.replace(top.asks) : [];
    if (b.length === 0 && a.length === 0) return null;
    this.u++;
    return this.depth === 1 ? this.snapshot(book) : this.text('delta', b, a, book.lastUpdateId, diff.eventMs, diff.transactMs ?? diff.eventMs);
  }

  snapshot(book: BinanceSymbolBook): string {
    return this.text('snapshot', this.bids.levels, this.asks.levels, book.lastUpdateId, book.eventMs ?? 0, book.transactMs ?? book.eventMs ?? 0);
  }

  private text(type: 'snapshot' | 'delta', b: readonly Level[], a: readonly Level[], seq: bigint, tsMs: number, ctsMs: number): string {
    return `{"topic":"${this.name}","type":"${type}","ts":${tsMs},"data":{"s":"${this.symbol}","b":${JSON.stringify(b)},"a":${JSON.stringify(a)},"u":${this.u},"seq":${seq}},"cts":${ctsMs}}`;
  }
}

interface BinanceTrade {
  E: number;
  T?: number;
  s: string;
  t?: number;
  a?: number;
  p: string;
  q: string;
  m: boolean;
}

export class BybitVenue implements VenueProtocol {
  readonly timeline: readonly TimelineEntry[];
  private readonly topics = new Map<string, BookTopic>();
  private readonly lastTradePrice = new Map<string, { price: number; tick: string }>();

  constructor(private readonly o: { category: BybitCategory; source: BinanceVenue; host: VenueHost }) {
    this.timeline = o.source.timeline;
  }

  acceptsWebSocket(url: URL): boolean {
    return url.pathname === `/v5/public/${this.o.category}`;
  }

  open(_conn: VenueConnection): void {}

  message(conn: VenueConnection, text: string): void {
    let req: { op?: unknown; args?: unknown; req_id?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      conn.sendReply(`{"success":false,"ret_msg":"error:unmarshal request failed","conn_id":"${conn.id}","op":""}`);
      return;
    }
    const reqId = typeof req.req_id === 'string' ? req.req_id : '';
    const reply = (success: boolean, retMsg: string, op: string) => conn.sendReply(`{"success":${success},"ret_msg":${JSON.stringify(retMsg)},"conn_id":"${conn.id}","req_id":${JSON.stringify(reqId)},"op":"${op}"}`);
    if (req.op === 'ping') return reply(true, 'pong', 'ping');
    if ((req.op !== 'subscribe' && req.op !== 'unsubscribe') || !Array.isArray(req.args)) return reply(false, `error:unknown op ${String(req.op)}`, String(req.op));
    const args = req.args.map(String);
    if (this.o.category === 'spot' && args.length > MAX_SPOT_ARGS) return reply(false, `error:args size >${MAX_SPOT_ARGS}`, req.op);
    const bad = args.find((t) => !this.isTopic(t));
    if (bad !== undefined) return reply(false, `error:handler not found,topic:${bad}`, req.op);
    if (req.op === 'unsubscribe') {
      for (const t of args) this.o.host.unsubscribe(conn, t);
      return reply(true, '', 'unsubscribe');
    }
    reply(true, '', 'subscribe');
    for (const t of args) {
      this.o.host.subscribe(conn, t);
      if (t.startsWith('orderbook.')) {
        const topic = this.bookTopic(t);
        conn.sendData(topic.snapshot(this.o.source.book(topic.symbol)!), false);
      }
    }
    this.o.host.onFirstSubscription();
  }

  private isTopic(t: string): boolean {
    const m = /^(?:orderbook\.(\d+)|publicTrade)\.([A-Z0-9]+)$/.exec(t);
    if (!m || this.o.source.book(m[2]!) === undefined) return false;
    return m[1] === undefined || DEPTHS.has(Number(m[1]));
  }

  /** The topic's view, created (from the book as it stands) on its first subscription and kept. */
  private bookTopic(name: string): BookTopic {
    let topic = this.topics.get(name);
    if (topic === undefined) {
      const [, depth, symbol] = name.split('.');
      topic = new BookTopic(Number(depth), symbol!, this.o.source.book(symbol!)!);
      this.topics.set(name, topic);
    }
    return topic;
  }

  publish(entry: TimelineEntry): void {
    if (entry.kind === 'depth') {
      const applied = this.o.source.applyToBook(entry);
      if (applied === null) return;
      for (const topic of this.topics.values()) {
        if (topic.symbol !== entry.symbol) continue;
        const text = topic.update(applied.book, applied.diff);
        if (text === null) continue;
        for (const conn of this.o.host.subscribers(topic.name)) conn.sendData(text, topic.depth !== 1);
      }
    } else if (entry.kind === 'trade') {
      const name = `publicTrade.${entry.symbol}`;
      const trade = (JSON.parse(entry.text) as { data: BinanceTrade }).data;
      // The tick direction follows every trade, listened to or not.
      const tick = this.tickDirection(trade.s, Number(trade.p));
      const subs = this.o.host.subscribers(name);
      if (subs.size === 0) return;
      const text = this.tradeText(name, trade, tick);
      for (const conn of subs) conn.sendData(text, false);
    }
  }

  private tradeText(topic: string, t: BinanceTrade, tickDirection: string): string {
    const id = String(t.t ?? t.a ?? 0);
    const seq = this.o.source.book(t.s)?.lastUpdateId ?? 0n;
    // m: the buyer was the maker, so the taker sold.
    const side = t.m ? 'Sell' : 'Buy';
    const tick = this.o.category === 'linear' ? `"L":"${tickDirection}",` : '';
    const i = this.o.category === 'linear' ? `00000000-0000-4000-8000-${id.padStart(12, '0')}` : id;
    return `{"topic":"${topic}","type":"snapshot","ts":${t.E},"data":[{"T":${t.T ?? t.E},"s":"${t.s}","S":"${side}","v":"${t.q}","p":"${t.p}",${tick}"i":"${i}","BT":false,"RPI":false,"seq":${seq}}]}`;
  }

  /** Bybit's tick direction: against the previous trade's price (equal keeps the last direction's sign). */
  private tickDirection(symbol: string, price: number): string {
    const last = this.lastTradePrice.get(symbol);
    let tick = 'ZeroPlusTick';
    if (last !== undefined) {
      if (price > last.price) tick = 'PlusTick';
      else if (price < last.price) tick = 'MinusTick';
      else tick = last.tick.includes('Minus') ? 'ZeroMinusTick' : 'ZeroPlusTick';
    }
    this.lastTradePrice.set(symbol, { price, tick });
    return tick;
  }

  rest(_req: unknown, _url: URL): HttpAnswer | null {
    return null;
  }

  close(): void {}
}
