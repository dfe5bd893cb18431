/**
 * KuCoin spot market data: WebSocket `/market/level2:{symbol}` (subject `trade.l2update`,
 * `changes.asks/bids` as `[price, size, sequence]`, the message spanning
 * `sequenceStart`..`sequenceEnd`), the REST level2 snapshot
 * (`/api/v2|v3/market/orderbook/level2?symbol=…` → `{"code":"200000","data":{sequence,time,bids,asks}}`,
 * symbol taken from the request URL), `/market/ticker:{symbol}` (→ bbo) and `/market/match:{symbol}`
 * (subject `trade.l3match`, → trade). A change with price "0" only advances the sequence
 * (KuCoin's rule: ignore it, update the sequence); size "0" removes the level.
 *
 * Integrity: sequence continuity from the snapshot (KuCoin's level2 procedure). Updates before
 * the first snapshot are buffered; the snapshot sets the book at `sequence` S; buffered and live
 * updates with `sequenceEnd` <= S are stale (dropped), and each applied update must start at or
 * before the book's sequence + 1. A later start is a `gap`: updates are dropped until the next
 * snapshot, and the gap names the message. Changes inside one message whose own sequence is
 * not after the book's are skipped, so an update straddling S applies only its new part.
 *
 * Book vs ticker: a ticker's `sequence` is the level2 sequence its best bid/ask describes (all
 * 8 tickers after the snapshot in the bundled capture equal the rebuilt book at their
 * sequence, price and size). Tickers are compared with the rebuilt top of book at exactly that
 * sequence (waiting for the book to reach it if they arrive first); a difference is a
 * `checksum_mismatch` at the ticker's line and the book waits for a new snapshot.
 */
import { L2Book } from './l2-book.ts';
import { bookTopKey, topKey } from './quote-sequence.ts';
import type { NormalizedRecord, VenueId } from './records.ts';
import { syncIssue, toBigInt, unknownFields } from './sync-issue.ts';
import { msToNs } from './time-units.ts';
import { isObject, type JsonObject, type MapperOptions, type MessageContext, type VenueFormat, type VenueMapper } from './venue-mapper.ts';

const TOPIC = /^\/market\/(level2|ticker|match):([^,]+)$/;
const L2_FIELDS = new Set(['sequenceStart', 'sequenceEnd', 'symbol', 'changes', 'time']);
const TICKER_FIELDS = new Set(['sequence', 'bestAsk', 'bestAskSize', 'bestBid', 'bestBidSize', 'price', 'size', 'time']);
const MATCH_FIELDS = new Set(['sequence', 'symbol', 'side', 'size', 'price', 'takerOrderId', 'makerOrderId', 'time', 'type', 'tradeId']);
/** Updates kept while waiting for the first snapshot, and book tops kept for late tickers. */
const MAX_BUFFERED = 100_000;
const MAX_TOPS = 4096;

type Level = readonly [string, string];

/** One level2 update, parsed: its sequence span and changes with their own sequence. */
interface Update {
  readonly start: bigint;
  readonly end: bigint;
  readonly bids: readonly (readonly [string, string, bigint])[];
  readonly asks: readonly (readonly [string, string, bigint])[];
  readonly tsEventNs: bigint;
  readonly ctx: MessageContext;
}

interface PendingTicker {
  readonly sequence: bigint;
  readonly key: string;
  readonly ctx: MessageContext;
}

interface SymbolState {
  /** Book sequence after the last applied update; -1 before the first snapshot. */
  seq: bigint;
  synced: boolean;
  buffer: Update[];
  /** Updates dropped while unsynchronised, and the line of the first. */
  dropped: number;
  droppedSinceLine: number;
  readonly book: L2Book;
  /** Top of book after each applied sequence (the last MAX_TOPS). */
  readonly tops: Map<bigint, string>;
  readonly pending: PendingTicker[];
  lastMatchSeq: bigint;
}

class KucoinMapper implements VenueMapper {
  private readonly venue: VenueId = 'kucoin';
  private readonly states = new Map<string, SymbolState>();

  constructor(private readonly options: MapperOptions) {}

  private state(symbol: string): SymbolState {
    let s = this.states.get(symbol);
    if (s === undefined) {
      s = { seq: -1n, synced: false, buffer: [], dropped: 0, droppedSinceLine: 0, book: new L2Book(), tops: new Map(), pending: [], lastMatchSeq: -1n };
      this.states.set(symbol, s);
    }
    return s;
  }

  map(message: unknown, ctx: MessageContext): NormalizedRecord[] {
    const out: NormalizedRecord[] = [];
    if (!isObject(message) || !isObject(message['data'])) return [syncIssue(this.venue, '', ctx, 'parse_error', 'KuCoin message needs a data object')];
    const data = message['data'];
    if (message['code'] === '200000') {
      this.snapshot(data, ctx, out);
      return out;
    }
    const m = TOPIC.exec(typeof message['topic'] === 'string' ? message['topic'] : '');
    if (m === null) return [syncIssue(this.venue, '', ctx, 'parse_error', `KuCoin topic ${JSON.stringify(message['topic'])} is not /market/level2|ticker|match:{symbol}`)];
    const [, channel, symbol] = m as unknown as [string, 'level2' | 'ticker' | 'match', string];
    const extra = unknownFields(data, channel === 'level2' ? L2_FIELDS : channel === 'ticker' ? TICKER_FIELDS : MATCH_FIELDS);
    if (extra.length > 0) out.push(syncIssue(this.venue, symbol, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in KuCoin ${channel} data`));
    if (channel === 'level2') this.update(symbol, data, ctx, out);
    else if (channel === 'ticker') this.ticker(symbol, data, ctx, out);
    else this.match(symbol, data, ctx, out);
    return out;
  }

  private update(symbol: string, data: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const start = toBigInt(data['sequenceStart']);
    const end = toBigInt(data['sequenceEnd']);
    const changes = data['changes'];
    const bids = isObject(changes) ? parseChanges(changes['bids']) : null;
    const asks = isObject(changes) ? parseChanges(changes['asks']) : null;
    if (start === null || end === null || end < start || bids === null || asks === null) {
      out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', 'KuCoin level2 update needs integer sequenceStart <= sequenceEnd and changes {asks, bids} of [price, size, sequence]'));
      return;
    }
    const time = data['time'];
    const tsEventNs = typeof time === 'number' && Number.isSafeInteger(time) ? msToNs(time) : (ctx.tsLocalNs ?? ctx.fallbackTsNs);
    const u: Update = { start, end, bids, asks, tsEventNs, ctx };
    const s = this.state(symbol);
    if (s.seq < 0n) {
      if (s.buffer.length >= MAX_BUFFERED) s.buffer.shift();
      s.buffer.push(u);
      return;
    }
    if (!s.synced) {
      if (s.dropped++ === 0) s.droppedSinceLine = ctx.line;
      return;
    }
    this.applyUpdate(symbol, s, u, out);
  }

  /** Applies one update to a synchronised book, or reports why it cannot be. */
  private applyUpdate(symbol: string, s: SymbolState, u: Update, out: NormalizedRecord[]): void {
    if (u.end <= s.seq) {
      out.push(syncIssue(this.venue, symbol, u.ctx, 'stale_dropped', `KuCoin level2 update ${u.start}-${u.end} is covered by the book at sequence ${s.seq}; dropped`, u.tsEventNs));
      return;
    }
    if (u.start > s.seq + 1n) {
      out.push(syncIssue(this.venue, symbol, u.ctx, 'gap', `KuCoin level2 sequenceStart ${u.start} != book sequence ${s.seq} + 1 (${u.start - s.seq - 1n} sequence(s) missing); dropping updates until the next snapshot`, u.tsEventNs));
      this.unsync(s, u.ctx);
      return;
    }
    const bids = newLevels(u.bids, s.seq);
    const asks = newLevels(u.asks, s.seq);
    s.seq = u.end;
    s.book.apply(bids, asks, false);
    this.rememberTop(s);
    if (bids.length + asks.length > 0) out.push(this.bookRecord(symbol, u.ctx, u.tsEventNs, u.end, false, bids, asks));
    this.judgeTickers(symbol, s, out);
  }

  private snapshot(data: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const symbol = this.options.instrument ?? ctx.instrumentHint ?? /[?&]symbol=([^&]+)/.exec(ctx.requestUrl ?? '')?.[1] ?? '';
    const seq = toBigInt(data['sequence']);
    const time = data['time'];
    const bids = parseLevels(data['bids']);
    const asks = parseLevels(data['asks']);
    if (symbol === '' || seq === null || typeof time !== 'number' || bids === null || asks === null) {
      out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', 'KuCoin level2 snapshot needs a symbol (request URL symbol=), sequence, time (ms) and bids/asks of [price, size]'));
      return;
    }
    const tsEventNs = msToNs(time);
    const s = this.state(symbol);
    if (s.synced && seq <= s.seq) {
      out.push(syncIssue(this.venue, symbol, ctx, 'stale_dropped', `KuCoin level2 snapshot sequence ${seq} is not newer than the live book (sequence ${s.seq}); ignored`, tsEventNs));
      return;
    }
    if (s.dropped > 0) out.push(syncIssue(this.venue, symbol, ctx, 'gap', `${s.dropped} KuCoin level2 updates since line ${s.droppedSinceLine} were dropped while the book was unsynchronised; resynchronised by this snapshot`, tsEventNs));
    s.dropped = 0;
    s.seq = seq;
    s.synced = true;
    s.tops.clear();
    s.pending.length = 0;
    s.book.apply(bids, asks, true);
    this.rememberTop(s);
    out.push(this.bookRecord(symbol, ctx, tsEventNs, seq, true, bids, asks));
    const buffered = s.buffer;
    s.buffer = [];
    for (const u of buffered) if (s.synced) this.applyUpdate(symbol, s, u, out);
  }

  private ticker(symbol: string, data: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const seq = toBigInt(data['sequence']);
    const time = data['time'];
    const { bestBid, bestBidSize, bestAsk, bestAskSize } = data;
    if (seq === null || typeof time !== 'number' || typeof bestBid !== 'string' || typeof bestBidSize !== 'string' || typeof bestAsk !== 'string' || typeof bestAskSize !== 'string') {
      out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', 'KuCoin ticker needs sequence, time (ms) and string bestBid, bestBidSize, bestAsk, bestAskSize'));
      return;
    }
    const tsEventNs = msToNs(time);
    const s = this.state(symbol);
    if (s.synced && seq >= s.seq - BigInt(MAX_TOPS)) {
      s.pending.push({ sequence: seq, key: topKey(bestBid, bestBidSize, bestAsk, bestAskSize), ctx });
      this.judgeTickers(symbol, s, out);
    }
    out.push({ kind: 'bbo', venue: this.venue, instrument: symbol, tsEventNs, tsLocalNs: ctx.tsLocalNs ?? tsEventNs, source: { file: ctx.file, line: ctx.line }, updateId: seq, bidPrice: bestBid, bidSize: bestBidSize, askPrice: bestAsk, askSize: bestAskSize });
  }

  private match(symbol: string, data: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const seq = toBigInt(data['sequence']);
    const time = toBigInt(data['time']);
    const { price, size, side, tradeId } = data;
    if (seq === null || time === null || typeof price !== 'string' || typeof size !== 'string' || typeof tradeId !== 'string') {
      out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', 'KuCoin match needs sequence, time (ns) and string price, size and tradeId'));
      return;
    }
    const s = this.state(symbol);
    if (seq <= s.lastMatchSeq) {
      out.push(syncIssue(this.venue, symbol, ctx, 'duplicate', `KuCoin match ${tradeId} (sequence ${seq}) is not after sequence ${s.lastMatchSeq}; dropped`, time));
      return;
    }
    s.lastMatchSeq = seq;
    // `side` is the taker's side; `time` is nanoseconds.
    const aggressor = side === 'buy' ? 'buy' : side === 'sell' ? 'sell' : 'unknown';
    out.push({ kind: 'trade', venue: this.venue, instrument: symbol, tsEventNs: time, tsLocalNs: ctx.tsLocalNs ?? time, source: { file: ctx.file, line: ctx.line }, tradeId, price, size, aggressor });
  }

  private rememberTop(s: SymbolState): void {
    s.tops.set(s.seq, bookTopKey(s.book));
    if (s.tops.size > MAX_TOPS) s.tops.delete(s.tops.keys().next().value!);
  }

  /** Compares each waiting ticker whose sequence the book has reached with the top at that sequence. */
  private judgeTickers(symbol: string, s: SymbolState, out: NormalizedRecord[]): void {
    let kept = 0;
    for (const t of s.pending) {
      if (t.sequence > s.seq) {
        s.pending[kept++] = t;
        continue;
      }
      const top = s.tops.get(t.sequence);
      if (top === undefined || top === t.key) continue; // before the snapshot or forgotten: not judged
      out.push(syncIssue(this.venue, symbol, t.ctx, 'checksum_mismatch', `KuCoin ticker at sequence ${t.sequence} (${t.key}) differs from the rebuilt book at that sequence (${top}); dropping updates until the next snapshot`));
      this.unsync(s, t.ctx, 0);
      return;
    }
    s.pending.length = kept;
  }

  private unsync(s: SymbolState, ctx: MessageContext, dropped = 1): void {
    s.synced = false;
    s.dropped = dropped;
    s.droppedSinceLine = ctx.line;
    s.pending.length = 0;
  }

  private bookRecord(symbol: string, ctx: MessageContext, tsEventNs: bigint, seq: bigint, isSnapshot: boolean, bids: readonly Level[], asks: readonly Level[]): NormalizedRecord {
    return { kind: 'book_delta', venue: this.venue, instrument: symbol, tsEventNs, tsLocalNs: ctx.tsLocalNs ?? tsEventNs, source: { file: ctx.file, line: ctx.line }, updateId: seq, isSnapshot, bids, asks };
  }

  finish(ctx: MessageContext): NormalizedRecord[] {
    const out: NormalizedRecord[] = [];
    for (const [symbol, s] of this.states) {
      const first = s.buffer[0];
      if (first !== undefined) out.push(syncIssue(this.venue, symbol, first.ctx, 'gap', `${s.buffer.length} KuCoin level2 updates from line ${first.ctx.line} on were never synchronised: no snapshot followed before the end of ${ctx.file}`));
      if (s.dropped > 0) out.push(syncIssue(this.venue, symbol, { ...ctx, line: s.droppedSinceLine }, 'gap', `${s.dropped} KuCoin level2 updates from line ${s.droppedSinceLine} on were dropped: no snapshot followed before the end of ${ctx.file}`));
    }
    return out;
  }
}

/** `[price, size, sequence]` changes, or null if malformed. */
function parseChanges(raw: unknown): (readonly [string, string, bigint])[] | null {
  if (!Array.isArray(raw)) return null;
  const out: (readonly [string, string, bigint])[] = [];
  for (const c of raw as unknown[]) {
    if (!Array.isArray(c) || typeof c[0] !== 'string' || typeof c[1] !== 'string') return null;
    const seq = toBigInt(c[2]);
    if (seq === null) return null;
    out.push([c[0], c[1], seq]);
  }
  return out;
}

/** `[price, size]` snapshot levels, or null if malformed. */
function parseLevels(raw: unknown): Level[] | null {
  if (!Array.isArray(raw)) return null;
  const out: Level[] = [];
  for (const l of raw as unknown[]) {
    if (!Array.isArray(l) || typeof l[0] !== 'string' || typeof l[1] !== 'string') return null;
    out.push([l[0], l[1]]);
  }
  return out;
}

/** Changes after sequence `after`, as levels; price "0" changes only advance the sequence. */
function newLevels(changes: readonly (readonly [string, string, bigint])[], after: bigint): Level[] {
  const out: Level[] = [];
  for (const [price, size, seq] of changes) if (seq > after && Number(price) !== 0) out.push([price, size]);
  return out;
}

export const kucoinFormat: VenueFormat = {
  family: 'kucoin',
  canHandle(message: unknown): boolean {
    if (!isObject(message) || !isObject(message['data'])) return false;
    if (message['code'] === '200000') return 'sequence' in message['data'] && Array.isArray(message['data']['bids']);
    return message['type'] === 'message' && typeof message['topic'] === 'string' && TOPIC.test(message['topic']);
  },
  isControl(message: unknown): boolean {
    // Session frames: welcome on connect, ack of a subscribe, pong of our ping.
    return isObject(message) && (message['type'] === 'welcome' || message['type'] === 'ack' || message['type'] === 'pong');
  },
  inferVenue(): VenueId {
    return 'kucoin';
  },
  inferInstrument(message: unknown): string | null {
    if (!isObject(message) || typeof message['topic'] !== 'string') return null;
    return TOPIC.exec(message['topic'])?.[2] ?? null;
  },
  createMapper(options: MapperOptions): VenueMapper {
    return new KucoinMapper(options);
  },
};
