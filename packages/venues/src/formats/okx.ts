/**
 * OKX v5 public channels: `books` / `books5` / `books-l2-tbt` / `books50-l2-tbt`
 * (snapshot + update, CRC32 checksum), `trades`, `tickers` and `bbo-tbt` (→ bbo).
 * Checksum: signed CRC32 of "bidPx:bidSz:askPx:askSz:..." over the top 25 levels, interleaved
 * bid/ask, with the venue's own strings. A mismatch or a seqId break is reported and the
 * instrument drops updates until the next snapshot (OKX resends one on resubscribe).
 */
import { crc32 } from 'node:zlib';
import { L2Book } from './l2-book.ts';
import type { BookDeltaRecord, NormalizedRecord, VenueId } from './records.ts';
import { isLevelList, pairs, syncIssue, toBigInt, unknownFields } from './sync-issue.ts';
import { msToNs } from './time-units.ts';
import { topOfBookRecord } from './top-of-book.ts';
import { isObject, type JsonObject, type MapperOptions, type MessageContext, type VenueFormat, type VenueMapper } from './venue-mapper.ts';

const BOOK_CHANNELS = new Set(['books', 'books5', 'books-l2-tbt', 'books50-l2-tbt', 'books-elp']);
const CHANNELS = new Set([...BOOK_CHANNELS, 'bbo-tbt', 'trades', 'trades-all', 'tickers']);
const MESSAGE_FIELDS = new Set(['arg', 'action', 'data']);
const ARG_FIELDS = new Set(['channel', 'instId', 'instType', 'instFamily', 'uid']);
const BOOK_FIELDS = new Set(['asks', 'bids', 'ts', 'checksum', 'seqId', 'prevSeqId', 'instId']);
const TRADE_FIELDS = new Set(['instId', 'tradeId', 'px', 'sz', 'side', 'ts', 'count', 'source', 'seqId']);
const TICKER_FIELDS = new Set(['instType', 'instId', 'last', 'lastSz', 'askPx', 'askSz', 'bidPx', 'bidSz', 'open24h', 'high24h', 'low24h', 'sodUtc0', 'sodUtc8', 'volCcy24h', 'vol24h', 'ts']);
const CHECKSUM_DEPTH = 25;

/** OKX book checksum of the current book, as the signed 32-bit integer OKX sends. */
export function okxChecksum(book: L2Book): number {
  const parts: string[] = [];
  const bids = book.bids.levels;
  const asks = book.asks.levels;
  for (let i = 0; i < CHECKSUM_DEPTH; i++) {
    const b = bids[i];
    const a = asks[i];
    if (b !== undefined) parts.push(b.price, b.size);
    if (a !== undefined) parts.push(a.price, a.size);
  }
  return crc32(parts.join(':')) | 0;
}

interface InstrumentState {
  readonly book: L2Book;
  synced: boolean;
  lastSeq: bigint | null;
  droppedSinceLine: number;
  dropped: number;
  lastTradeId: bigint;
}

class OkxMapper implements VenueMapper {
  private readonly venue: VenueId = 'okx';
  private readonly states = new Map<string, InstrumentState>();

  constructor(_options: MapperOptions) {}

  private state(instId: string): InstrumentState {
    let s = this.states.get(instId);
    if (s === undefined) {
      s = { book: new L2Book(), synced: false, lastSeq: null, droppedSinceLine: 0, dropped: 0, lastTradeId: -1n };
      this.states.set(instId, s);
    }
    return s;
  }

  unknownFrame(): void {
    for (const s of this.states.values()) s.synced = false;
  }

  map(message: unknown, ctx: MessageContext): NormalizedRecord[] {
    const out: NormalizedRecord[] = [];
    if (!isObject(message) || !isObject(message['arg']) || !Array.isArray(message['data'])) {
      return [syncIssue(this.venue, '', ctx, 'parse_error', 'OKX message needs arg {channel, instId} and a data array')];
    }
    const arg = message['arg'];
    const channel = String(arg['channel']);
    const instId = typeof arg['instId'] === 'string' ? arg['instId'] : '';
    const extra = [...unknownFields(message, MESSAGE_FIELDS), ...unknownFields(arg, ARG_FIELDS).map((k) => `arg.${k}`)];
    if (extra.length > 0) out.push(syncIssue(this.venue, instId, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in OKX ${channel} message`));
    for (const item of message['data'] as unknown[]) {
      if (!isObject(item)) {
        out.push(syncIssue(this.venue, instId, ctx, 'parse_error', `OKX ${channel} data entry is not an object`));
        continue;
      }
      if (BOOK_CHANNELS.has(channel)) this.book(channel, message['action'], instId, item, ctx, out);
      else if (channel === 'bbo-tbt') this.bboTbt(instId, item, ctx, out);
      else if (channel === 'trades' || channel === 'trades-all') this.trade(instId, item, ctx, out);
      else if (channel === 'tickers') this.ticker(instId, item, ctx, out);
    }
    return out;
  }

  private book(channel: string, action: unknown, instId: string, item: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const tsEventNs = typeof item['ts'] === 'string' && /^\d+$/.test(item['ts']) ? msToNs(item['ts']) : (ctx.tsLocalNs ?? ctx.fallbackTsNs);
    const extra = unknownFields(item, BOOK_FIELDS);
    if (extra.length > 0) out.push(syncIssue(this.venue, instId, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in OKX ${channel} data`, tsEventNs));
    if (!isLevelList(item['bids']) || !isLevelList(item['asks'])) {
      out.push(syncIssue(this.venue, instId, ctx, 'parse_error', `OKX ${channel} data needs [price, size, ...] string levels in bids/asks`, tsEventNs));
      return;
    }
    // books5 sends no action: every message is a full top-5 snapshot.
    const isSnapshot = action === 'snapshot' || action === undefined;
    const seqId = toBigInt(item['seqId']);
    const prevSeqId = toBigInt(item['prevSeqId']);
    const s = this.state(instId);
    if (!isSnapshot) {
      if (!s.synced) {
        if (s.dropped === 0) s.droppedSinceLine = ctx.line;
        s.dropped++;
        return;
      }
      if (seqId !== null && prevSeqId !== null && s.lastSeq !== null && prevSeqId !== s.lastSeq) {
        if (seqId <= s.lastSeq) {
          out.push(syncIssue(this.venue, instId, ctx, 'duplicate', `OKX ${channel} update seqId=${seqId} was already applied (book at seqId ${s.lastSeq}); dropped`, tsEventNs));
          return;
        }
        out.push(syncIssue(this.venue, instId, ctx, 'gap', `OKX ${channel} prevSeqId=${prevSeqId} != previous seqId=${s.lastSeq}; dropping updates until the next snapshot`, tsEventNs));
        s.synced = false;
        s.dropped = 1;
        s.droppedSinceLine = ctx.line;
        return;
      }
    } else if (s.dropped > 0) {
      out.push(syncIssue(this.venue, instId, ctx, 'gap', `${s.dropped} OKX ${channel} updates since line ${s.droppedSinceLine} were dropped while the book was unsynchronised; resynchronised by this snapshot`, tsEventNs));
      s.dropped = 0;
    }
    const bids = pairs(item['bids']);
    const asks = pairs(item['asks']);
    s.book.apply(bids, asks, isSnapshot);
    s.synced = true;
    if (seqId !== null) s.lastSeq = seqId;
    const record: BookDeltaRecord = {
      kind: 'book_delta',
      venue: this.venue,
      instrument: instId,
      tsEventNs,
      tsLocalNs: ctx.tsLocalNs ?? tsEventNs,
      source: { file: ctx.file, line: ctx.line },
      updateId: seqId,
      isSnapshot,
      bids,
      asks,
    };
    out.push(record);
    const expected = item['checksum'];
    if (typeof expected === 'number') {
      const actual = okxChecksum(s.book);
      if (actual !== expected) {
        out.push(syncIssue(this.venue, instId, ctx, 'checksum_mismatch', `OKX ${channel} checksum ${expected} != ${actual} computed over the rebuilt top ${CHECKSUM_DEPTH}; dropping updates until the next snapshot`, tsEventNs));
        s.synced = false;
      }
    }
  }

  private trade(instId: string, item: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const tsEventNs = typeof item['ts'] === 'string' && /^\d+$/.test(item['ts']) ? msToNs(item['ts']) : (ctx.tsLocalNs ?? ctx.fallbackTsNs);
    const extra = unknownFields(item, TRADE_FIELDS);
    if (extra.length > 0) out.push(syncIssue(this.venue, instId, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in OKX trades data`, tsEventNs));
    const { tradeId, px, sz, side } = item;
    const id = toBigInt(tradeId);
    if (typeof tradeId !== 'string' || typeof px !== 'string' || typeof sz !== 'string') {
      out.push(syncIssue(this.venue, instId, ctx, 'parse_error', 'OKX trade needs string tradeId, px and sz', tsEventNs));
      return;
    }
    const s = this.state(instId);
    if (id !== null) {
      if (id <= s.lastTradeId) {
        out.push(syncIssue(this.venue, instId, ctx, 'duplicate', `OKX trade ${id} is not after the previous trade ${s.lastTradeId}; dropped`, tsEventNs));
        return;
      }
      s.lastTradeId = id;
    }
    out.push({
      kind: 'trade',
      venue: this.venue,
      instrument: instId,
      tsEventNs,
      tsLocalNs: ctx.tsLocalNs ?? tsEventNs,
      source: { file: ctx.file, line: ctx.line },
      tradeId,
      price: px,
      size: sz,
      // OKX side is the taker's side.
      aggressor: side === 'buy' ? 'buy' : side === 'sell' ? 'sell' : 'unknown',
    });
  }

  /** `bbo-tbt`: best bid/offer (one level per side), recorded beside `books`; never touches the book. */
  private bboTbt(instId: string, item: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const tsEventNs = typeof item['ts'] === 'string' && /^\d+$/.test(item['ts']) ? msToNs(item['ts']) : (ctx.tsLocalNs ?? ctx.fallbackTsNs);
    const extra = unknownFields(item, BOOK_FIELDS);
    if (extra.length > 0) out.push(syncIssue(this.venue, instId, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in OKX bbo-tbt data`, tsEventNs));
    if (!isLevelList(item['bids']) || !isLevelList(item['asks'])) {
      out.push(syncIssue(this.venue, instId, ctx, 'parse_error', 'OKX bbo-tbt needs [price, size, ...] string levels in bids and asks', tsEventNs));
      return;
    }
    const record = topOfBookRecord(this.venue, instId, item['bids'], item['asks'], toBigInt(item['seqId']), tsEventNs, ctx);
    if (record !== null) out.push(record); // an empty side has no canonical bbo form
  }

  private ticker(instId: string, item: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const tsEventNs = typeof item['ts'] === 'string' && /^\d+$/.test(item['ts']) ? msToNs(item['ts']) : (ctx.tsLocalNs ?? ctx.fallbackTsNs);
    const extra = unknownFields(item, TICKER_FIELDS);
    if (extra.length > 0) out.push(syncIssue(this.venue, instId, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in OKX tickers data`, tsEventNs));
    const { bidPx, bidSz, askPx, askSz } = item;
    if (typeof bidPx !== 'string' || typeof bidSz !== 'string' || typeof askPx !== 'string' || typeof askSz !== 'string') {
      out.push(syncIssue(this.venue, instId, ctx, 'parse_error', 'OKX ticker needs string bidPx, bidSz, askPx and askSz', tsEventNs));
      return;
    }
    out.push({
      kind: 'bbo',
      venue: this.venue,
      instrument: instId,
      tsEventNs,
      tsLocalNs: ctx.tsLocalNs ?? tsEventNs,
      source: { file: ctx.file, line: ctx.line },
      updateId: null,
      bidPrice: bidPx,
      bidSize: bidSz,
      askPrice: askPx,
      askSize: askSz,
    });
  }

  finish(ctx: MessageContext): NormalizedRecord[] {
    const out: NormalizedRecord[] = [];
    for (const [instId, s] of this.states) {
      if (s.dropped > 0) out.push(syncIssue(this.venue, instId, { ...ctx, line: s.droppedSinceLine }, 'gap', `${s.dropped} OKX book updates from line ${s.droppedSinceLine} on were never synchronised: no snapshot followed before the end of ${ctx.file}`));
    }
    return out;
  }
}

export const okxFormat: VenueFormat = {
  family: 'okx',
  canHandle(message: unknown): boolean {
    return isObject(message) && isObject(message['arg']) && CHANNELS.has(String(message['arg']['channel'])) && Array.isArray(message['data']);
  },
  inferVenue(): VenueId {
    return 'okx';
  },
  inferInstrument(message: unknown): string | null {
    if (!isObject(message) || !isObject(message['arg'])) return null;
    const id = message['arg']['instId'];
    return typeof id === 'string' ? id : null;
  },
  createMapper(options: MapperOptions): VenueMapper {
    return new OkxMapper(options);
  },
};
