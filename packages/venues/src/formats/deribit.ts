/**
 * Deribit JSON-RPC subscription notifications (`{"jsonrpc":"2.0","method":"subscription",
 * "params":{"channel","data"}}`): `book.{instrument}.raw` and `book.{instrument}.100ms`
 * (entries `[action, price, amount]`, action new | change | delete), `trades.{instrument}.{interval}`
 * (and `trades.{kind}.{currency}.{interval}`: each trade names its instrument), `ticker.{instrument}.{interval}`
 * (→ bbo). Futures, perpetuals and options alike; prices and amounts are JSON numbers, kept as
 * their decimal text. Amounts are the venue's: USD for inverse futures and perpetuals (multiples
 * of the 10 USD contract on BTC), base coin for options and linear contracts.
 *
 * Integrity: the change-id chain. A `snapshot` (sent on every (re)subscribe) sets the book and
 * its `change_id`; each `change` must carry `prev_change_id` == the previous `change_id` of that
 * instrument. A break is a `gap`: changes are dropped until the next snapshot (the recorder
 * resubscribes). A change whose `change_id` is not after the last is a `duplicate`, dropped.
 * Within a synchronised book, an entry contradicting it (`new` at a price already held,
 * `change` or `delete` of a price not held) is a `checksum_mismatch`: the rebuilt book no longer
 * matches the venue's, so it too waits for the next snapshot.
 *
 * Book vs `ticker` (quote-sequence.ts): a ticker arrives just before the book change carrying
 * its timestamp, so tickers are checked as a subsequence of the rebuilt book's top-of-book
 * states; one matching none within TICKER_WAIT_NS of capture time is a `checksum_mismatch` at
 * the ticker's line, naming the closest book state's line, and the book waits for a snapshot.
 * Judged only against a `.raw` book (a `.100ms` book aggregates changes, so it can skip a state a
 * ticker shows) and only tickers stamped at or after the snapshot (older ones describe an earlier book).
 *
 * A ticker with an empty side (best price 0 or null) has no canonical BBO form and yields no bbo
 * record; the book channel carries the empty side.
 */
import { numberText } from './json-number.ts';
import { L2Book } from './l2-book.ts';
import { bookTopKey, describeMismatch, QuoteSequenceCheck, topKey, type QuoteMismatch } from './quote-sequence.ts';
import type { NormalizedRecord, VenueId } from './records.ts';
import { syncIssue, toBigInt, unknownFields } from './sync-issue.ts';
import { msToNs } from './time-units.ts';
import { isObject, type JsonObject, type MapperOptions, type MessageContext, type VenueFormat, type VenueMapper } from './venue-mapper.ts';

const CHANNEL = /^(book|trades|ticker)\./;
const BOOK_FIELDS = new Set(['type', 'timestamp', 'instrument_name', 'change_id', 'prev_change_id', 'bids', 'asks']);
const TRADE_FIELDS = new Set([
  'trade_seq', 'trade_id', 'timestamp', 'tick_direction', 'price', 'mark_price', 'iv', 'instrument_name', 'index_price', 'direction', 'amount', 'contracts',
  'liquidation', 'block_trade_id', 'block_trade_leg_count', 'block_rfq_id', 'combo_id', 'combo_trade_id',
]);

type Level = readonly [string, string];

/** How long (capture time) a ticker may wait for the book change it describes. */
export const TICKER_WAIT_NS = 1_000_000_000n;

interface InstrumentState {
  synced: boolean;
  lastChangeId: bigint;
  /** price text → amount text, per side, of the synchronised book. */
  readonly bids: Map<string, string>;
  readonly asks: Map<string, string>;
  /** The same book, sorted, for its best levels. */
  readonly book: L2Book;
  readonly tickers: QuoteSequenceCheck;
  /** Venue time of the last snapshot: only tickers stamped at or after it are judged. */
  snapshotAtNs: bigint;
  /** True when the book comes from a `.raw` channel: an aggregated (`.100ms`) book skips states a ticker may show. */
  bookIsRaw: boolean;
  dropped: number;
  droppedSinceLine: number;
  lastTradeSeq: bigint;
}

class DeribitMapper implements VenueMapper {
  private readonly venue: VenueId = 'deribit';
  private readonly states = new Map<string, InstrumentState>();

  constructor(_options: MapperOptions) {}

  private state(instrument: string): InstrumentState {
    let s = this.states.get(instrument);
    if (s === undefined) {
      s = { synced: false, lastChangeId: -1n, bids: new Map(), asks: new Map(), book: new L2Book(), tickers: new QuoteSequenceCheck(TICKER_WAIT_NS), snapshotAtNs: 0n, bookIsRaw: false, dropped: 0, droppedSinceLine: 0, lastTradeSeq: -1n };
      this.states.set(instrument, s);
    }
    return s;
  }

  map(message: unknown, ctx: MessageContext): NormalizedRecord[] {
    const params = isObject(message) ? message['params'] : undefined;
    if (!isObject(params) || typeof params['channel'] !== 'string') return [syncIssue(this.venue, '', ctx, 'parse_error', 'Deribit notification needs params {channel, data}')];
    const channel = params['channel'];
    const data = params['data'];
    const out: NormalizedRecord[] = [];
    const instrument = channel.split('.')[1] ?? '';
    if (channel.startsWith('book.')) {
      if (isObject(data) && typeof data['type'] === 'string') this.book(channel, data, ctx, out);
      else out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', `Deribit ${channel}: only the change-id book channels (book.{instrument}.raw / .100ms) are supported, not grouped snapshots`));
    } else if (channel.startsWith('trades.')) {
      if (Array.isArray(data)) for (const t of data as unknown[]) this.trade(channel, t, ctx, out);
      else out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', `Deribit ${channel} needs a data array`));
    } else if (isObject(data)) this.ticker(channel, data, ctx, out);
    else out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', `Deribit ${channel} needs a data object`));
    return out;
  }

  private book(channel: string, data: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const instrument = typeof data['instrument_name'] === 'string' ? data['instrument_name'] : (channel.split('.')[1] ?? '');
    const type = data['type'];
    const ts = data['timestamp'];
    const changeId = toBigInt(data['change_id']);
    if ((type !== 'snapshot' && type !== 'change') || typeof ts !== 'number' || !Number.isSafeInteger(ts) || changeId === null) {
      out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', `Deribit ${channel} needs type snapshot|change, integer timestamp (ms) and change_id`));
      return;
    }
    const tsEventNs = msToNs(ts);
    const extra = unknownFields(data, BOOK_FIELDS);
    if (extra.length > 0) out.push(syncIssue(this.venue, instrument, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in Deribit ${channel} data`, tsEventNs));
    const bids = parseEntries(data['bids']);
    const asks = parseEntries(data['asks']);
    if (typeof bids === 'string' || typeof asks === 'string') {
      out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', `Deribit ${channel} ${typeof bids === 'string' ? `bids: ${bids}` : `asks: ${asks as string}`}`, tsEventNs));
      return;
    }
    const s = this.state(instrument);
    const isSnapshot = type === 'snapshot';
    if (isSnapshot) {
      if (s.dropped > 0) out.push(syncIssue(this.venue, instrument, ctx, 'gap', `${s.dropped} Deribit ${channel} changes since line ${s.droppedSinceLine} were dropped while the book was unsynchronised; resynchronised by this snapshot`, tsEventNs));
      s.dropped = 0;
      s.bids.clear();
      s.asks.clear();
      s.book.clear();
      s.tickers.reset();
      s.snapshotAtNs = tsEventNs;
      s.bookIsRaw = channel.endsWith('.raw');
    } else {
      const prev = toBigInt(data['prev_change_id']);
      if (!s.synced) {
        if (s.dropped++ === 0) s.droppedSinceLine = ctx.line;
        return;
      }
      if (prev !== s.lastChangeId) {
        if (changeId <= s.lastChangeId) {
          out.push(syncIssue(this.venue, instrument, ctx, 'duplicate', `Deribit ${channel} change_id ${changeId} was already applied (book at change_id ${s.lastChangeId}); dropped`, tsEventNs));
          return;
        }
        out.push(syncIssue(this.venue, instrument, ctx, 'gap', `Deribit ${channel} prev_change_id ${prev ?? 'missing'} != previous change_id ${s.lastChangeId}; dropping changes until the next snapshot`, tsEventNs));
        this.unsync(s, ctx);
        return;
      }
    }
    const problem = applyEntries(s.bids, bids, 'bid', isSnapshot) ?? applyEntries(s.asks, asks, 'ask', isSnapshot);
    if (problem !== null) {
      out.push(syncIssue(this.venue, instrument, ctx, 'checksum_mismatch', `Deribit ${channel} change_id ${changeId} contradicts the rebuilt book: ${problem}; dropping changes until the next snapshot`, tsEventNs));
      this.unsync(s, ctx);
      return;
    }
    s.synced = true;
    s.lastChangeId = changeId;
    const bidLevels = bids.map((e) => e.level);
    const askLevels = asks.map((e) => e.level);
    s.book.apply(bidLevels, askLevels, false);
    out.push({
      kind: 'book_delta',
      venue: this.venue,
      instrument,
      tsEventNs,
      tsLocalNs: ctx.tsLocalNs ?? tsEventNs,
      source: { file: ctx.file, line: ctx.line },
      updateId: changeId,
      isSnapshot,
      bids: bidLevels,
      asks: askLevels,
    });
    this.onMismatch(instrument, s, ctx, s.tickers.onBook(bookTopKey(s.book), ctx.line, ctx.tsLocalNs ?? tsEventNs), out);
  }

  /** A ticker that matched no book state: the rebuilt book is not the venue's; wait for a snapshot. */
  private onMismatch(instrument: string, s: InstrumentState, ctx: MessageContext, m: QuoteMismatch | null, out: NormalizedRecord[]): void {
    if (m === null) return;
    const at = { ...ctx, line: m.quoteLine };
    out.push(syncIssue(this.venue, instrument, at, 'checksum_mismatch', `${describeMismatch(m, 'Deribit ticker')}; dropping changes until the next snapshot`));
    this.unsync(s, at, 0);
  }

  /** Drops changes until the next snapshot; `dropped` counts the message that broke it, if it is one. */
  private unsync(s: InstrumentState, ctx: MessageContext, dropped = 1): void {
    s.synced = false;
    s.dropped = dropped;
    s.droppedSinceLine = ctx.line;
    s.tickers.reset();
  }

  private trade(channel: string, t: unknown, ctx: MessageContext, out: NormalizedRecord[]): void {
    if (!isObject(t)) {
      out.push(syncIssue(this.venue, '', ctx, 'parse_error', `Deribit ${channel} entry is not an object`));
      return;
    }
    const instrument = typeof t['instrument_name'] === 'string' ? t['instrument_name'] : '';
    const price = numberText(t['price']);
    const amount = numberText(t['amount']);
    const ts = t['timestamp'];
    const seq = toBigInt(t['trade_seq']);
    if (instrument === '' || price === null || amount === null || typeof t['trade_id'] !== 'string' || typeof ts !== 'number' || !Number.isSafeInteger(ts)) {
      out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', `Deribit ${channel} trade needs instrument_name, numeric price and amount, string trade_id and integer timestamp (ms)`));
      return;
    }
    const tsEventNs = msToNs(ts);
    const extra = unknownFields(t, TRADE_FIELDS);
    if (extra.length > 0) out.push(syncIssue(this.venue, instrument, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in Deribit ${channel} trade`, tsEventNs));
    const s = this.state(instrument);
    if (seq !== null) {
      if (seq <= s.lastTradeSeq) {
        out.push(syncIssue(this.venue, instrument, ctx, 'duplicate', `Deribit trade ${t['trade_id']} (trade_seq ${seq}) is not after trade_seq ${s.lastTradeSeq}; dropped`, tsEventNs));
        return;
      }
      s.lastTradeSeq = seq;
    }
    out.push({
      kind: 'trade',
      venue: this.venue,
      instrument,
      tsEventNs,
      tsLocalNs: ctx.tsLocalNs ?? tsEventNs,
      source: { file: ctx.file, line: ctx.line },
      tradeId: t['trade_id'],
      price,
      size: amount,
      // `direction` is the taker's side.
      aggressor: t['direction'] === 'buy' ? 'buy' : t['direction'] === 'sell' ? 'sell' : 'unknown',
    });
  }

  private ticker(channel: string, data: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const instrument = typeof data['instrument_name'] === 'string' ? data['instrument_name'] : (channel.split('.')[1] ?? '');
    const ts = data['timestamp'];
    if (typeof ts !== 'number' || !Number.isSafeInteger(ts)) {
      out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', `Deribit ${channel} needs an integer timestamp (ms)`));
      return;
    }
    // The ticker is a wide summary (greeks, funding, stats) whose fields vary by instrument kind:
    // only the four best-level fields are read, so its other fields are not schema-checked.
    const bidPrice = numberText(data['best_bid_price'] ?? 0);
    const bidSize = numberText(data['best_bid_amount'] ?? 0);
    const askPrice = numberText(data['best_ask_price'] ?? 0);
    const askSize = numberText(data['best_ask_amount'] ?? 0);
    const tsEventNs = msToNs(ts);
    if (bidPrice === null || bidSize === null || askPrice === null || askSize === null) {
      out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', `Deribit ${channel} best_bid/ask price and amount must be numbers`, tsEventNs));
      return;
    }
    const hasBid = Number(bidSize) > 0;
    const hasAsk = Number(askSize) > 0;
    const s = this.state(instrument);
    if (s.synced && s.bookIsRaw && tsEventNs >= s.snapshotAtNs) {
      const key = topKey(hasBid ? bidPrice : '', hasBid ? bidSize : '', hasAsk ? askPrice : '', hasAsk ? askSize : '');
      this.onMismatch(instrument, s, ctx, s.tickers.onQuote(key, ctx.line, ctx.tsLocalNs ?? tsEventNs), out);
    }
    if (!hasBid || !hasAsk) return;
    out.push({
      kind: 'bbo',
      venue: this.venue,
      instrument,
      tsEventNs,
      tsLocalNs: ctx.tsLocalNs ?? tsEventNs,
      source: { file: ctx.file, line: ctx.line },
      updateId: null,
      bidPrice,
      bidSize,
      askPrice,
      askSize,
    });
  }

  finish(ctx: MessageContext): NormalizedRecord[] {
    const out: NormalizedRecord[] = [];
    for (const [instrument, s] of this.states) {
      if (s.dropped > 0) out.push(syncIssue(this.venue, instrument, { ...ctx, line: s.droppedSinceLine }, 'gap', `${s.dropped} Deribit book changes from line ${s.droppedSinceLine} on were never synchronised: no snapshot followed before the end of ${ctx.file}`));
    }
    return out;
  }
}

interface Entry {
  readonly action: 'new' | 'change' | 'delete';
  /** [price, amount]; amount "0" for delete. */
  readonly level: Level;
}

/** Book entries `[action, price, amount]`, or a description of the first malformed one. */
function parseEntries(raw: unknown): Entry[] | string {
  if (!Array.isArray(raw)) return 'not an array';
  const out: Entry[] = [];
  for (let i = 0; i < raw.length; i++) {
    const e: unknown = raw[i];
    if (!Array.isArray(e) || (e[0] !== 'new' && e[0] !== 'change' && e[0] !== 'delete')) return `entry ${i} is not [new|change|delete, price, amount]`;
    const price = numberText(e[1]);
    const amount = numberText(e[2]);
    if (price === null || amount === null || !(Number(price) > 0) || Number(amount) < 0) return `entry ${i} needs a positive price and a non-negative amount`;
    if (e[0] !== 'delete' && !(Number(amount) > 0)) return `entry ${i} (${e[0] as string} ${price}) has amount ${amount}`;
    out.push({ action: e[0], level: [price, e[0] === 'delete' ? '0' : amount] });
  }
  return out;
}

/** Applies entries to one side; a description if one contradicts it (snapshots hold only `new`). */
function applyEntries(side: Map<string, string>, entries: readonly Entry[], name: string, isSnapshot: boolean): string | null {
  for (const { action, level } of entries) {
    const [price, amount] = level;
    const held = side.has(price);
    if (action === 'new' && held) return `new ${name} at ${price} already held (amount ${side.get(price)!})`;
    if (action !== 'new' && (isSnapshot || !held)) return `${action} of ${name} ${price} not held`;
    if (action === 'delete') side.delete(price);
    else side.set(price, amount);
  }
  return null;
}

export const deribitFormat: VenueFormat = {
  family: 'deribit',
  canHandle(message: unknown): boolean {
    if (!isObject(message) || message['jsonrpc'] !== '2.0' || message['method'] !== 'subscription') return false;
    const params = message['params'];
    return isObject(params) && typeof params['channel'] === 'string' && CHANNEL.test(params['channel']);
  },
  isControl(message: unknown): boolean {
    // Replies to our requests (subscribe results, errors) and heartbeats carry no market data.
    return isObject(message) && message['jsonrpc'] === '2.0' && (('id' in message && !('method' in message)) || message['method'] === 'heartbeat');
  },
  inferVenue(): VenueId {
    return 'deribit';
  },
  inferInstrument(message: unknown): string | null {
    if (!isObject(message) || !isObject(message['params'])) return null;
    const channel = message['params']['channel'];
    if (typeof channel !== 'string') return null;
    const parts = channel.split('.');
    // trades.{kind}.{currency}.{interval} names no single instrument.
    return parts.length === 3 ? (parts[1] ?? null) : null;
  },
  createMapper(options: MapperOptions): VenueMapper {
    return new DeribitMapper(options);
  },
};
