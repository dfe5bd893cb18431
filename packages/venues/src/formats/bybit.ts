/**
 * Bybit v5 public channels for spot and linear: `orderbook.{depth}.{symbol}` (snapshot / delta
 * with `u` update id and `seq` cross sequence), `orderbook.1.{symbol}` (best bid/offer → bbo records,
 * its own `u`, never touching a deeper book's state) and `publicTrade.{symbol}`.
 * Sync: a snapshot replaces the book (also the `u = 1` snapshot Bybit sends after a service
 * restart); each delta must carry u == previous u + 1, else `gap` and deltas are dropped until
 * the next snapshot. Spot and linear share a message format: the venue comes from the stream
 * URL, the raw layout, or the caller.
 */
import type { BookDeltaRecord, NormalizedRecord, VenueId } from './records.ts';
import { isLevelList, syncIssue, toBigInt, unknownFields } from './sync-issue.ts';
import { msToNs } from './time-units.ts';
import { topOfBookRecord } from './top-of-book.ts';
import { RecentIds } from './recent-ids.ts';
import { isObject, type JsonObject, type MapperOptions, type MessageContext, type VenueFormat, type VenueMapper } from './venue-mapper.ts';

const MESSAGE_FIELDS = new Set(['topic', 'type', 'ts', 'data', 'cts', 'id', 'cs']);
const BOOK_FIELDS = new Set(['s', 'b', 'a', 'u', 'seq']);
const TRADE_FIELDS = new Set(['T', 's', 'S', 'v', 'p', 'L', 'i', 'BT', 'RPI', 'seq', 'mP', 'iP', 'mIv', 'iv']);

interface SymbolState {
  synced: boolean;
  lastU: bigint;
  dropped: number;
  droppedSinceLine: number;
  lastTradeSeq: bigint;
  lastTradeIds: RecentIds<string>;
}

class BybitMapper implements VenueMapper {
  private readonly venue: VenueId;
  private readonly states = new Map<string, SymbolState>();

  constructor(options: MapperOptions) {
    this.venue = options.venue;
  }

  private state(symbol: string): SymbolState {
    let s = this.states.get(symbol);
    if (s === undefined) {
      s = { synced: false, lastU: 0n, dropped: 0, droppedSinceLine: 0, lastTradeSeq: -1n, lastTradeIds: new RecentIds() };
      this.states.set(symbol, s);
    }
    return s;
  }

  unknownFrame(): void {
    for (const s of this.states.values()) s.synced = false;
  }

  map(message: unknown, ctx: MessageContext): NormalizedRecord[] {
    if (!isObject(message) || typeof message['topic'] !== 'string') return [syncIssue(this.venue, '', ctx, 'parse_error', 'Bybit message needs a topic')];
    const topic = message['topic'];
    const symbol = topic.slice(topic.lastIndexOf('.') + 1);
    const tsEventNs = typeof message['ts'] === 'number' ? msToNs(message['ts']) : (ctx.tsLocalNs ?? ctx.fallbackTsNs);
    const out: NormalizedRecord[] = [];
    const extra = unknownFields(message, MESSAGE_FIELDS);
    if (extra.length > 0) out.push(syncIssue(this.venue, symbol, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in Bybit ${topic} message`, tsEventNs));
    // orderbook.1 is the best bid/offer stream with its own u; it is recorded beside a deeper book.
    if (topic.startsWith('orderbook.1.')) this.bbo(message, symbol, tsEventNs, ctx, out);
    else if (topic.startsWith('orderbook.')) this.book(message, symbol, tsEventNs, ctx, out);
    else if (topic.startsWith('publicTrade.')) this.trades(message, symbol, ctx, out);
    return out;
  }

  private bbo(message: JsonObject, symbol: string, tsEventNs: bigint, ctx: MessageContext, out: NormalizedRecord[]): void {
    const data = message['data'];
    if (!isObject(data) || !isLevelList(data['b']) || !isLevelList(data['a'])) {
      out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', 'Bybit orderbook.1 data needs [price, size] string levels in b and a', tsEventNs));
      return;
    }
    const record = topOfBookRecord(this.venue, symbol, data['b'], data['a'], toBigInt(data['u']), tsEventNs, ctx);
    if (record !== null) out.push(record); // an empty side has no canonical bbo form
  }

  private book(message: JsonObject, symbol: string, tsEventNs: bigint, ctx: MessageContext, out: NormalizedRecord[]): void {
    const data = message['data'];
    const type = message['type'];
    if (!isObject(data) || (type !== 'snapshot' && type !== 'delta')) {
      out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', 'Bybit orderbook message needs type snapshot|delta and a data object', tsEventNs));
      return;
    }
    const extra = unknownFields(data, BOOK_FIELDS);
    if (extra.length > 0) out.push(syncIssue(this.venue, symbol, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in Bybit orderbook data`, tsEventNs));
    const u = toBigInt(data['u']);
    if (u === null || !isLevelList(data['b']) || !isLevelList(data['a'])) {
      out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', 'Bybit orderbook data needs integer u and [price, size] string levels in b/a', tsEventNs));
      return;
    }
    const s = this.state(symbol);
    const isSnapshot = type === 'snapshot';
    if (isSnapshot) {
      if (s.dropped > 0) {
        out.push(syncIssue(this.venue, symbol, ctx, 'gap', `${s.dropped} Bybit orderbook deltas since line ${s.droppedSinceLine} were dropped while unsynchronised; resynchronised by this snapshot`, tsEventNs));
        s.dropped = 0;
      }
    } else if (!s.synced) {
      if (s.dropped === 0) s.droppedSinceLine = ctx.line;
      s.dropped++;
      return;
    } else if (u !== s.lastU + 1n) {
      if (u <= s.lastU) {
        out.push(syncIssue(this.venue, symbol, ctx, 'duplicate', `Bybit orderbook delta u=${u} was already applied (book at u=${s.lastU}); dropped`, tsEventNs));
        return;
      }
      out.push(syncIssue(this.venue, symbol, ctx, 'gap', `Bybit orderbook delta u=${u} != previous u+1=${s.lastU + 1n}; dropping deltas until the next snapshot`, tsEventNs));
      s.synced = false;
      s.dropped = 1;
      s.droppedSinceLine = ctx.line;
      return;
    }
    s.synced = true;
    s.lastU = u;
    const record: BookDeltaRecord = {
      kind: 'book_delta',
      venue: this.venue,
      instrument: symbol,
      tsEventNs,
      tsLocalNs: ctx.tsLocalNs ?? tsEventNs,
      source: { file: ctx.file, line: ctx.line },
      updateId: u,
      isSnapshot,
      bids: data['b'],
      asks: data['a'],
    };
    out.push(record);
  }

  private trades(message: JsonObject, symbol: string, ctx: MessageContext, out: NormalizedRecord[]): void {
    const data = message['data'];
    if (!Array.isArray(data)) {
      out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', 'Bybit publicTrade message needs a data array'));
      return;
    }
    const s = this.state(symbol);
    for (const t of data as unknown[]) {
      if (!isObject(t)) {
        out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', 'Bybit publicTrade entry is not an object'));
        continue;
      }
      const tsEventNs = typeof t['T'] === 'number' ? msToNs(t['T']) : (ctx.tsLocalNs ?? ctx.fallbackTsNs);
      const extra = unknownFields(t, TRADE_FIELDS);
      if (extra.length > 0) out.push(syncIssue(this.venue, symbol, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in Bybit publicTrade entry`, tsEventNs));
      const { i, p, v, S } = t;
      if (typeof i !== 'string' || typeof p !== 'string' || typeof v !== 'string') {
        out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', 'Bybit publicTrade entry needs string i, p and v', tsEventNs));
        continue;
      }
      // Trade ids are UUIDs on linear: duplicates are detected against the recent ids.
      if (s.lastTradeIds.seen(i)) {
        out.push(syncIssue(this.venue, symbol, ctx, 'duplicate', `Bybit trade ${i} was already seen; dropped`, tsEventNs));
        continue;
      }
      out.push({
        kind: 'trade',
        venue: this.venue,
        instrument: symbol,
        tsEventNs,
        tsLocalNs: ctx.tsLocalNs ?? tsEventNs,
        source: { file: ctx.file, line: ctx.line },
        tradeId: i,
        price: p,
        size: v,
        // S is the taker side.
        aggressor: S === 'Buy' ? 'buy' : S === 'Sell' ? 'sell' : 'unknown',
      });
    }
  }

  finish(ctx: MessageContext): NormalizedRecord[] {
    const out: NormalizedRecord[] = [];
    for (const [symbol, s] of this.states) {
      if (s.dropped > 0) out.push(syncIssue(this.venue, symbol, { ...ctx, line: s.droppedSinceLine }, 'gap', `${s.dropped} Bybit orderbook deltas from line ${s.droppedSinceLine} on were never synchronised: no snapshot followed before the end of ${ctx.file}`));
    }
    return out;
  }
}

export const bybitFormat: VenueFormat = {
  family: 'bybit',
  canHandle(message: unknown): boolean {
    if (!isObject(message) || typeof message['topic'] !== 'string') return false;
    const t = message['topic'];
    return t.startsWith('orderbook.') || t.startsWith('publicTrade.');
  },
  inferVenue(_message: unknown, url?: string): VenueId | null {
    if (url === undefined) return null;
    if (/\/v5\/public\/spot/.test(url)) return 'bybit-spot';
    if (/\/v5\/public\/linear/.test(url)) return 'bybit-linear';
    return null;
  },
  inferInstrument(message: unknown): string | null {
    if (!isObject(message) || typeof message['topic'] !== 'string') return null;
    const t = message['topic'];
    return t.slice(t.lastIndexOf('.') + 1);
  },
  createMapper(options: MapperOptions): VenueMapper {
    return new BybitMapper(options);
  },
};
