/**
 * Coinbase spot market data, both public WebSocket feeds.
 *
 * Exchange feed (`{"type": …}`): `level2` / `level2_batch` — `snapshot` (`bids`/`asks` of
 * `[price, size]`) then `l2update` (`changes` of `[side buy|sell, price, size]`, size "0" removes);
 * `ticker` (→ bbo from `best_bid`, `best_bid_size`, `best_ask`, `best_ask_size`); `match` and
 * `last_match` (→ trade; `side` is the maker's side, so the aggressor is the other one).
 *
 * Advanced Trade (`{"channel", "timestamp", "sequence_num", "events": […]}`): `l2_data`
 * (subscribed as `level2`; events `snapshot` / `update` of `{side bid|offer, price_level,
 * new_quantity}`), `market_trades` (events of `trades`; `side` is the maker's side, as on the
 * Exchange feed) and `ticker` / `ticker_batch` (→ bbo from `best_bid`, `best_bid_quantity`,
 * `best_ask`, `best_ask_quantity`). `subscriptions` and `heartbeats` messages carry no market data
 * but are read for their `sequence_num`.
 *
 * Integrity:
 * - Advanced Trade sequence continuity: `sequence_num` counts every message of a connection
 *   (all channels), so each must be the previous + 1. A jump is a `gap` naming the message; every
 *   book then waits for its next `l2_data` snapshot. A number not after the last is a
 *   `duplicate`, dropped. `sequence_num` 0 after a higher one is a new connection: books wait for
 *   the snapshot the resubscription sends.
 * - Book vs ticker (both feeds, quote-sequence.ts): a product's tickers, in order, must be a
 *   subsequence of its rebuilt top-of-book states (best bid and ask, price and size, compared as
 *   numbers written without trailing zeros: the Exchange feed pads l2update prices to 8
 *   decimals). A ticker matching none within TICKER_WAIT_NS of capture time is a
 *   `checksum_mismatch` at its line and the book waits for a snapshot. Tickers stamped before the
 *   snapshot are not judged.
 */
import { L2Book } from './l2-book.ts';
import { describeMismatch, QuoteSequenceCheck, topKey, type QuoteMismatch } from './quote-sequence.ts';
import type { NormalizedRecord, VenueId } from './records.ts';
import { syncIssue, toBigInt } from './sync-issue.ts';
import { isoToNs } from './time-units.ts';
import { isObject, type JsonObject, type MapperOptions, type MessageContext, type VenueFormat, type VenueMapper } from './venue-mapper.ts';

const EXCHANGE_TYPES = new Set(['snapshot', 'l2update', 'ticker', 'match', 'last_match']);
const ADVANCED_CHANNELS = new Set(['l2_data', 'market_trades', 'ticker', 'ticker_batch', 'subscriptions', 'heartbeats']);

/** How long (capture time) a ticker may wait for the book change it describes. */
export const TICKER_WAIT_NS = 1_000_000_000n;

type Pair = readonly [string, string];

/** A decimal written without trailing fraction zeros ("10101.80000000" → "10101.8"), for comparing texts. */
export function plainDecimal(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

function plainTopKey(book: L2Book): string {
  const b = book.bestBid();
  const a = book.bestAsk();
  return topKey(plainDecimal(b?.price ?? ''), plainDecimal(b?.size ?? ''), plainDecimal(a?.price ?? ''), plainDecimal(a?.size ?? ''));
}

interface ProductState {
  synced: boolean;
  readonly book: L2Book;
  readonly tickers: QuoteSequenceCheck;
  snapshotAtNs: bigint;
  dropped: number;
  droppedSinceLine: number;
}

class CoinbaseMapper implements VenueMapper {
  private readonly venue: VenueId = 'coinbase';
  private readonly products = new Map<string, ProductState>();
  /** Advanced Trade `sequence_num` of the last message; null before the first. */
  private lastSequenceNum: bigint | null = null;

  constructor(_options: MapperOptions) {}

  private state(product: string): ProductState {
    let s = this.products.get(product);
    if (s === undefined) {
      s = { synced: false, book: new L2Book(), tickers: new QuoteSequenceCheck(TICKER_WAIT_NS), snapshotAtNs: 0n, dropped: 0, droppedSinceLine: 0 };
      this.products.set(product, s);
    }
    return s;
  }

  map(message: unknown, ctx: MessageContext): NormalizedRecord[] {
    const out: NormalizedRecord[] = [];
    if (!isObject(message)) return [syncIssue(this.venue, '', ctx, 'parse_error', 'Coinbase message is not an object')];
    if (typeof message['channel'] === 'string') this.advanced(message, ctx, out);
    else this.exchange(message, ctx, out);
    return out;
  }

  // ---- Exchange feed --------------------------------------------------------------------

  private exchange(m: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const product = typeof m['product_id'] === 'string' ? m['product_id'] : '';
    const tsNs = (typeof m['time'] === 'string' ? isoToNs(m['time']) : null) ?? ctx.tsLocalNs ?? ctx.fallbackTsNs;
    switch (m['type']) {
      case 'snapshot': {
        const bids = levels(m['bids']);
        const asks = levels(m['asks']);
        if (product === '' || bids === null || asks === null) out.push(syncIssue(this.venue, product, ctx, 'parse_error', 'Coinbase snapshot needs product_id and bids/asks of [price, size]'));
        else this.snapshot(product, bids, asks, tsNs, ctx, out);
        return;
      }
      case 'l2update': {
        const changes = exchangeChanges(m['changes']);
        if (product === '' || changes === null) out.push(syncIssue(this.venue, product, ctx, 'parse_error', 'Coinbase l2update needs product_id and changes of [buy|sell, price, size]'));
        else this.update(product, changes.bids, changes.asks, tsNs, ctx, out);
        return;
      }
      case 'ticker':
        this.ticker(product, m['best_bid'], m['best_bid_size'], m['best_ask'], m['best_ask_size'], m['sequence'], tsNs, ctx, out);
        return;
      default: {
        // match / last_match
        const { price, size, side } = m;
        const id = toBigInt(m['trade_id']);
        if (product === '' || typeof price !== 'string' || typeof size !== 'string' || id === null || (side !== 'buy' && side !== 'sell')) {
          out.push(syncIssue(this.venue, product, ctx, 'parse_error', `Coinbase ${String(m['type'])} needs product_id, trade_id, string price and size, side buy|sell`));
          return;
        }
        out.push(this.trade(product, String(id), price, size, side === 'buy' ? 'sell' : 'buy', tsNs, ctx));
      }
    }
  }

  // ---- Advanced Trade -------------------------------------------------------------------

  private advanced(m: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const channel = m['channel'] as string;
    const seq = toBigInt(m['sequence_num']);
    const tsNs = typeof m['timestamp'] === 'string' ? isoToNs(m['timestamp']) : null;
    const events = m['events'];
    if (seq === null || tsNs === null || !Array.isArray(events)) {
      out.push(syncIssue(this.venue, '', ctx, 'parse_error', `Coinbase Advanced Trade ${channel} needs sequence_num, an ISO timestamp and an events array`));
      return;
    }
    if (!this.checkSequence(seq, channel, events, tsNs, ctx, out)) return;
    for (const e of events as unknown[]) {
      if (!isObject(e)) continue;
      if (channel === 'l2_data') this.l2Event(e, tsNs, ctx, out);
      else if (channel === 'market_trades') this.tradesEvent(e, tsNs, ctx, out);
      else if (channel === 'ticker' || channel === 'ticker_batch') {
        const tickers = Array.isArray(e['tickers']) ? (e['tickers'] as unknown[]) : [];
        for (const t of tickers) if (isObject(t)) this.ticker(typeof t['product_id'] === 'string' ? t['product_id'] : '', t['best_bid'], t['best_bid_quantity'], t['best_ask'], t['best_ask_quantity'], null, tsNs, ctx, out);
      }
    }
  }

  /** `sequence_num` continuity; false if the message is to be dropped. */
  private checkSequence(seq: bigint, channel: string, events: unknown[], tsNs: bigint, ctx: MessageContext, out: NormalizedRecord[]): boolean {
    const last = this.lastSequenceNum;
    if (last !== null && seq !== last + 1n) {
      if (seq === 0n) {
        // A new connection: its subscriptions send fresh snapshots.
        for (const s of this.products.values()) this.unsync(s, ctx, 0);
      } else if (seq <= last) {
        out.push(syncIssue(this.venue, productOf(events), ctx, 'duplicate', `Coinbase Advanced Trade ${channel} sequence_num ${seq} is not after ${last}; dropped`, tsNs));
        return false;
      } else {
        const missing = seq - last - 1n;
        const synced = [...this.products].filter(([, s]) => s.synced);
        const text = `Coinbase Advanced Trade sequence_num ${seq} after ${last}: ${missing} message(s) of the connection missing before this ${channel}; books wait for their next snapshot`;
        if (synced.length === 0) out.push(syncIssue(this.venue, productOf(events), ctx, 'gap', text, tsNs));
        for (const [product, s] of synced) {
          out.push(syncIssue(this.venue, product, ctx, 'gap', text, tsNs));
          this.unsync(s, ctx, 0);
        }
      }
    }
    this.lastSequenceNum = seq;
    return true;
  }

  private l2Event(e: JsonObject, tsNs: bigint, ctx: MessageContext, out: NormalizedRecord[]): void {
    const product = typeof e['product_id'] === 'string' ? e['product_id'] : '';
    const updates = advancedUpdates(e['updates']);
    if (product === '' || updates === null || (e['type'] !== 'snapshot' && e['type'] !== 'update')) {
      out.push(syncIssue(this.venue, product, ctx, 'parse_error', 'Coinbase l2_data event needs type snapshot|update, product_id and updates of {side bid|offer, price_level, new_quantity}'));
      return;
    }
    if (e['type'] === 'snapshot') this.snapshot(product, updates.bids, updates.asks, tsNs, ctx, out);
    else this.update(product, updates.bids, updates.asks, tsNs, ctx, out);
  }

  private tradesEvent(e: JsonObject, tsNs: bigint, ctx: MessageContext, out: NormalizedRecord[]): void {
    const trades = Array.isArray(e['trades']) ? (e['trades'] as unknown[]) : [];
    for (const t of trades) {
      const ok = isObject(t) && typeof t['product_id'] === 'string' && typeof t['trade_id'] === 'string' && typeof t['price'] === 'string' && typeof t['size'] === 'string';
      if (!ok) {
        out.push(syncIssue(this.venue, '', ctx, 'parse_error', 'Coinbase market_trades trade needs string product_id, trade_id, price and size'));
        continue;
      }
      const time = typeof t['time'] === 'string' ? isoToNs(t['time']) : null;
      // `side` is the maker's side (BUY: a resting bid was hit, so the aggressor sold).
      const aggressor = t['side'] === 'BUY' ? 'sell' : t['side'] === 'SELL' ? 'buy' : 'unknown';
      out.push(this.trade(t['product_id'] as string, t['trade_id'] as string, t['price'] as string, t['size'] as string, aggressor, time ?? tsNs, ctx));
    }
  }

  // ---- book and ticker ------------------------------------------------------------------

  private snapshot(product: string, bids: Pair[], asks: Pair[], tsNs: bigint, ctx: MessageContext, out: NormalizedRecord[]): void {
    const s = this.state(product);
    if (s.dropped > 0) out.push(syncIssue(this.venue, product, ctx, 'gap', `${s.dropped} Coinbase book updates since line ${s.droppedSinceLine} were dropped while the book was unsynchronised; resynchronised by this snapshot`, tsNs));
    s.dropped = 0;
    s.synced = true;
    s.snapshotAtNs = tsNs;
    s.tickers.reset();
    s.book.apply(bids, asks, true);
    out.push(this.bookRecord(product, true, bids, asks, tsNs, ctx));
    this.onMismatch(product, s, ctx, s.tickers.onBook(plainTopKey(s.book), ctx.line, ctx.tsLocalNs ?? tsNs), out);
  }

  private update(product: string, bids: Pair[], asks: Pair[], tsNs: bigint, ctx: MessageContext, out: NormalizedRecord[]): void {
    const s = this.state(product);
    if (!s.synced) {
      if (s.dropped++ === 0) s.droppedSinceLine = ctx.line;
      return;
    }
    s.book.apply(bids, asks, false);
    out.push(this.bookRecord(product, false, bids, asks, tsNs, ctx));
    this.onMismatch(product, s, ctx, s.tickers.onBook(plainTopKey(s.book), ctx.line, ctx.tsLocalNs ?? tsNs), out);
  }

  private ticker(product: string, bid: unknown, bidSize: unknown, ask: unknown, askSize: unknown, sequence: unknown, tsNs: bigint, ctx: MessageContext, out: NormalizedRecord[]): void {
    if (product === '' || typeof bid !== 'string' || typeof bidSize !== 'string' || typeof ask !== 'string' || typeof askSize !== 'string') {
      out.push(syncIssue(this.venue, product, ctx, 'parse_error', 'Coinbase ticker needs product_id and string best bid/ask prices and sizes'));
      return;
    }
    const s = this.state(product);
    if (s.synced && tsNs >= s.snapshotAtNs) {
      const key = topKey(plainDecimal(bid), plainDecimal(bidSize), plainDecimal(ask), plainDecimal(askSize));
      this.onMismatch(product, s, ctx, s.tickers.onQuote(key, ctx.line, ctx.tsLocalNs ?? tsNs), out);
    }
    out.push({ kind: 'bbo', venue: this.venue, instrument: product, tsEventNs: tsNs, tsLocalNs: ctx.tsLocalNs ?? tsNs, source: { file: ctx.file, line: ctx.line }, updateId: toBigInt(sequence), bidPrice: bid, bidSize, askPrice: ask, askSize });
  }

  /** A ticker that matched no book state: the rebuilt book is not the venue's; wait for a snapshot. */
  private onMismatch(product: string, s: ProductState, ctx: MessageContext, m: QuoteMismatch | null, out: NormalizedRecord[]): void {
    if (m === null) return;
    const at = { ...ctx, line: m.quoteLine };
    out.push(syncIssue(this.venue, product, at, 'checksum_mismatch', `${describeMismatch(m, 'Coinbase ticker')}; dropping updates until the next snapshot`));
    this.unsync(s, at, 0);
  }

  private unsync(s: ProductState, ctx: MessageContext, dropped: number): void {
    s.synced = false;
    s.dropped = dropped;
    s.droppedSinceLine = ctx.line;
    s.tickers.reset();
  }

  private bookRecord(product: string, isSnapshot: boolean, bids: Pair[], asks: Pair[], tsEventNs: bigint, ctx: MessageContext): NormalizedRecord {
    return { kind: 'book_delta', venue: this.venue, instrument: product, tsEventNs, tsLocalNs: ctx.tsLocalNs ?? tsEventNs, source: { file: ctx.file, line: ctx.line }, updateId: null, isSnapshot, bids, asks };
  }

  private trade(product: string, tradeId: string, price: string, size: string, aggressor: 'buy' | 'sell' | 'unknown', tsEventNs: bigint, ctx: MessageContext): NormalizedRecord {
    return { kind: 'trade', venue: this.venue, instrument: product, tsEventNs, tsLocalNs: ctx.tsLocalNs ?? tsEventNs, source: { file: ctx.file, line: ctx.line }, tradeId, price, size, aggressor };
  }

  finish(ctx: MessageContext): NormalizedRecord[] {
    const out: NormalizedRecord[] = [];
    for (const [product, s] of this.products) {
      if (s.dropped > 0) out.push(syncIssue(this.venue, product, { ...ctx, line: s.droppedSinceLine }, 'gap', `${s.dropped} Coinbase book updates from line ${s.droppedSinceLine} on were dropped: no snapshot followed before the end of ${ctx.file}`));
    }
    return out;
  }
}

/** The product an Advanced Trade message is about, for issues not tied to a book. */
function productOf(events: unknown[]): string {
  const e: unknown = events[0];
  if (!isObject(e)) return '';
  if (typeof e['product_id'] === 'string') return e['product_id'];
  for (const list of [e['trades'], e['tickers']]) {
    const first: unknown = Array.isArray(list) ? list[0] : undefined;
    if (isObject(first) && typeof first['product_id'] === 'string') return first['product_id'];
  }
  return '';
}

function levels(raw: unknown): Pair[] | null {
  if (!Array.isArray(raw)) return null;
  const out: Pair[] = [];
  for (const l of raw as unknown[]) {
    if (!Array.isArray(l) || typeof l[0] !== 'string' || typeof l[1] !== 'string') return null;
    out.push([l[0], l[1]]);
  }
  return out;
}

function exchangeChanges(raw: unknown): { bids: Pair[]; asks: Pair[] } | null {
  if (!Array.isArray(raw)) return null;
  const bids: Pair[] = [];
  const asks: Pair[] = [];
  for (const c of raw as unknown[]) {
    if (!Array.isArray(c) || (c[0] !== 'buy' && c[0] !== 'sell') || typeof c[1] !== 'string' || typeof c[2] !== 'string') return null;
    (c[0] === 'buy' ? bids : asks).push([c[1], c[2]]);
  }
  return { bids, asks };
}

function advancedUpdates(raw: unknown): { bids: Pair[]; asks: Pair[] } | null {
  if (!Array.isArray(raw)) return null;
  const bids: Pair[] = [];
  const asks: Pair[] = [];
  for (const u of raw as unknown[]) {
    if (!isObject(u) || (u['side'] !== 'bid' && u['side'] !== 'offer') || typeof u['price_level'] !== 'string' || typeof u['new_quantity'] !== 'string') return null;
    (u['side'] === 'bid' ? bids : asks).push([u['price_level'], u['new_quantity']]);
  }
  return { bids, asks };
}

export const coinbaseFormat: VenueFormat = {
  family: 'coinbase',
  canHandle(message: unknown): boolean {
    if (!isObject(message)) return false;
    if (typeof message['channel'] === 'string') return ADVANCED_CHANNELS.has(message['channel']) && 'sequence_num' in message;
    return typeof message['type'] === 'string' && EXCHANGE_TYPES.has(message['type']) && typeof message['product_id'] === 'string';
  },
  isControl(message: unknown): boolean {
    // Exchange feed session replies; Advanced Trade's subscriptions/heartbeats are mapped for their sequence_num.
    return isObject(message) && (message['type'] === 'subscriptions' || message['type'] === 'heartbeat' || message['type'] === 'error');
  },
  inferVenue(): VenueId {
    return 'coinbase';
  },
  inferInstrument(message: unknown): string | null {
    if (!isObject(message)) return null;
    if (typeof message['product_id'] === 'string') return message['product_id'];
    const product = Array.isArray(message['events']) ? productOf(message['events'] as unknown[]) : '';
    return product === '' ? null : product;
  },
  createMapper(options: MapperOptions): VenueMapper {
    return new CoinbaseMapper(options);
  },
};
