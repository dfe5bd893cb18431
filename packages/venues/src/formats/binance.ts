/**
 * Binance spot, USD-M and COIN-M market data: combined-stream envelopes or bare messages
 * (depthUpdate, trade, aggTrade, bookTicker) and REST depth snapshots, with the documented
 * local-book procedure:
 *   buffer diffs → apply a snapshot (lastUpdateId = L) → drop stale diffs
 *   (spot u <= L; futures u < L) → the first applied diff straddles the snapshot
 *   (spot U <= L+1 <= u; futures U <= L <= u) → continuity (spot U == prev u + 1;
 *   futures pu == prev u). A break is a `gap` issue and the symbol waits for the next snapshot.
 * COIN-M sizes are contracts; the mapper passes them through unchanged.
 */
import type { BboRecord, BookDeltaRecord, NormalizedRecord, TradeRecord, VenueId } from './records.ts';
import { isLevelList, syncIssue, toBigInt, unknownFields } from './sync-issue.ts';
import { msToNs } from './time-units.ts';
import { isObject, type JsonObject, type MapperOptions, type MessageContext, type VenueFormat, type VenueMapper } from './venue-mapper.ts';

const DEPTH_FIELDS = new Set(['e', 'E', 'T', 's', 'U', 'u', 'pu', 'b', 'a', 'ps']);
const TRADE_FIELDS = new Set(['e', 'E', 'T', 's', 't', 'p', 'q', 'b', 'a', 'm', 'M', 'X', 'ps']);
const AGG_TRADE_FIELDS = new Set(['e', 'E', 'T', 's', 'a', 'p', 'q', 'f', 'l', 'm', 'M', 'nq', 'ps']);
const BOOK_TICKER_FIELDS = new Set(['e', 'E', 'T', 'u', 's', 'b', 'B', 'a', 'A', 'ps']);
const SNAPSHOT_FIELDS = new Set(['lastUpdateId', 'E', 'T', 'bids', 'asks', 'symbol', 'pair']);
const ENVELOPE_FIELDS = new Set(['stream', 'data']);
/** Streams that carry no book, trade or BBO information we normalise; skipped on purpose. */
const IGNORED_EVENTS = new Set(['kline', 'continuous_kline', '24hrTicker', '24hrMiniTicker', 'markPriceUpdate', 'forceOrder', 'indexPriceUpdate', 'contractInfo', 'compositeIndex', 'assetIndexUpdate']);
/** Diffs kept while waiting for a snapshot; older ones are superseded by any usable snapshot anyway. */
const MAX_BUFFERED_DIFFS = 100_000;

interface BufferedDiff {
  readonly U: bigint;
  readonly u: bigint;
  /** Futures only: the previous message's u. */
  readonly pu: bigint | null;
  readonly record: BookDeltaRecord;
  readonly ctx: MessageContext;
}

interface SymbolSync {
  /** awaiting: no usable snapshot yet; first: snapshot applied, first diff must straddle it; live: continuity checks. */
  state: 'awaiting' | 'first' | 'live';
  /** Update id of the book as last emitted (snapshot L or last applied u). */
  lastU: bigint;
  buffer: BufferedDiff[];
  droppedFromBuffer: number;
  lastTradeId: bigint;
  lastAggId: bigint;
  lastBboU: bigint;
}

function isFuturesVenue(v: VenueId): boolean {
  return v === 'binance-usdm' || v === 'binance-coinm';
}

/** COIN-M symbols are `<base>USD_PERP` or `<base>USD_<yymmdd>`; USD-M quarterlies are `<base>USDT_<yymmdd>`. */
function futuresVenueForSymbol(symbol: string): VenueId {
  return /USD_/.test(symbol) ? 'binance-coinm' : 'binance-usdm';
}

function unwrap(message: unknown): { data: JsonObject; stream: string | null; envelope: JsonObject | null } | null {
  if (!isObject(message)) return null;
  if (typeof message['stream'] === 'string' && isObject(message['data'])) return { data: message['data'], stream: message['stream'], envelope: message };
  return { data: message, stream: null, envelope: null };
}

class BinanceMapper implements VenueMapper {
  private readonly venue: VenueId;
  private readonly futures: boolean;
  private readonly symbols = new Map<string, SymbolSync>();
  private readonly defaultInstrument: string | undefined;
  private lastDepthSymbol: string | null = null;

  constructor(options: MapperOptions) {
    this.venue = options.venue;
    this.futures = isFuturesVenue(options.venue);
    this.defaultInstrument = options.instrument;
  }

  private sync(symbol: string): SymbolSync {
    let s = this.symbols.get(symbol);
    if (s === undefined) {
      s = { state: 'awaiting', lastU: -1n, buffer: [], droppedFromBuffer: 0, lastTradeId: -1n, lastAggId: -1n, lastBboU: -1n };
      this.symbols.set(symbol, s);
    }
    return s;
  }

  unknownFrame(): void {
    for (const s of this.symbols.values()) {
      s.state = 'awaiting';
      s.buffer = [];
      s.droppedFromBuffer = 0;
    }
  }

  map(message: unknown, ctx: MessageContext): NormalizedRecord[] {
    const un = unwrap(message);
    const fallbackSymbol = this.defaultInstrument ?? this.lastDepthSymbol ?? '';
    if (un === null) return [syncIssue(this.venue, fallbackSymbol, ctx, 'parse_error', 'Binance message is not a JSON object')];
    const { data, stream, envelope } = un;
    const out: NormalizedRecord[] = [];
    if (envelope !== null) {
      const extra = unknownFields(envelope, ENVELOPE_FIELDS);
      if (extra.length > 0) out.push(syncIssue(this.venue, fallbackSymbol, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in Binance stream envelope`));
    }
    if ('lastUpdateId' in data) {
      // Partial-depth streams (@depth5/10/20) look like REST snapshots but hold only the top levels.
      if (stream !== null && /@depth\d+/.test(stream)) return out;
      this.snapshot(data, ctx, out);
      return out;
    }
    const e = data['e'];
    if (e === 'depthUpdate') this.diff(data, ctx, out);
    else if (e === 'trade' || e === 'aggTrade') this.trade(data, e, ctx, out);
    else if (e === 'bookTicker' || (e === undefined && 'u' in data && 'b' in data && 'B' in data)) this.bookTicker(data, ctx, out);
    else if (typeof e === 'string' && IGNORED_EVENTS.has(e)) return out;
    else if ('result' in data && 'id' in data) return out; // subscription acknowledgement
    else out.push(syncIssue(this.venue, typeof data['s'] === 'string' ? data['s'] : fallbackSymbol, ctx, 'parse_error', `unrecognised Binance message${typeof e === 'string' ? ` with event type "${e}"` : ''}`));
    return out;
  }

  private checkFields(data: JsonObject, known: ReadonlySet<string>, what: string, symbol: string, ctx: MessageContext, out: NormalizedRecord[], tsEventNs?: bigint): void {
    const extra = unknownFields(data, known);
    if (extra.length > 0) out.push(syncIssue(this.venue, symbol, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in Binance ${what}`, tsEventNs));
  }

  private snapshotSymbol(data: JsonObject, ctx: MessageContext): string | null {
    if (typeof data['symbol'] === 'string') return data['symbol'];
    if (ctx.instrumentHint !== undefined) return ctx.instrumentHint;
    if (ctx.requestUrl !== undefined) {
      const m = /[?&]symbol=([^&]+)/.exec(ctx.requestUrl);
      if (m) return decodeURIComponent(m[1]!).toUpperCase();
    }
    if (this.defaultInstrument !== undefined) return this.defaultInstrument;
    if (this.symbols.size === 1) return this.symbols.keys().next().value!;
    return null;
  }

  private snapshot(data: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const symbol = this.snapshotSymbol(data, ctx);
    const L = toBigInt(data['lastUpdateId']);
    const tsEventNs = typeof data['E'] === 'number' ? msToNs(data['E']) : (ctx.tsLocalNs ?? ctx.fallbackTsNs);
    if (symbol === null) {
      out.push(syncIssue(this.venue, '', ctx, 'parse_error', 'Binance depth snapshot names no symbol and the capture holds several; pass the instrument explicitly', tsEventNs));
      return;
    }
    this.checkFields(data, SNAPSHOT_FIELDS, 'depth snapshot', symbol, ctx, out, tsEventNs);
    if (L === null || !isLevelList(data['bids']) || !isLevelList(data['asks'])) {
      out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', 'Binance depth snapshot needs integer lastUpdateId and [price, size] string levels in bids/asks', tsEventNs));
      return;
    }
    const s = this.sync(symbol);
    if (s.state !== 'awaiting' && L <= s.lastU) {
      out.push(syncIssue(this.venue, symbol, ctx, 'stale_dropped', `snapshot lastUpdateId ${L} is not newer than the live book (u=${s.lastU}); ignored`, tsEventNs));
      return;
    }
    // Diffs that survive the snapshot: the first one must straddle it, or the snapshot is too old to use.
    const L1 = this.futures ? L : L + 1n;
    let firstKept = -1;
    for (let i = 0; i < s.buffer.length; i++) {
      if (this.isStale(s.buffer[i]!.u, L)) continue;
      firstKept = i;
      break;
    }
    if (firstKept >= 0 && s.buffer[firstKept]!.U > L1) {
      out.push(syncIssue(this.venue, symbol, ctx, 'gap', `snapshot lastUpdateId ${L} is older than the first buffered diff (U=${s.buffer[firstKept]!.U}, line ${s.buffer[firstKept]!.ctx.line}); waiting for a newer snapshot`, tsEventNs));
      return;
    }
    const tsLocalNs = ctx.tsLocalNs ?? tsEventNs;
    const snap: BookDeltaRecord = {
      kind: 'book_delta',
      venue: this.venue,
      instrument: symbol,
      tsEventNs,
      tsLocalNs,
      source: { file: ctx.file, line: ctx.line },
      updateId: L,
      isSnapshot: true,
      bids: data['bids'],
      asks: data['asks'],
    };
    out.push(snap);
    s.state = 'first';
    s.lastU = L;
    const buffered = s.buffer;
    s.buffer = [];
    if (s.droppedFromBuffer > 0) {
      out.push(syncIssue(this.venue, symbol, ctx, 'stale_dropped', `${s.droppedFromBuffer} diffs were dropped from the sync buffer (over ${MAX_BUFFERED_DIFFS}) before this snapshot`, tsEventNs));
      s.droppedFromBuffer = 0;
    }
    for (const d of buffered) {
      // Released diffs became usable only now: their local time is the snapshot's arrival.
      const rec = d.record.tsLocalNs < tsLocalNs ? { ...d.record, tsLocalNs } : d.record;
      this.applyDiff(s, d.U, d.u, d.pu, rec, d.ctx, out);
    }
  }

  private isStale(u: bigint, L: bigint): boolean {
    return this.futures ? u < L : u <= L;
  }

  private diff(data: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const symbol = typeof data['s'] === 'string' ? data['s'] : '';
    const U = toBigInt(data['U']);
    const u = toBigInt(data['u']);
    const pu = this.futures ? toBigInt(data['pu']) : null;
    const tsEventNs = typeof data['E'] === 'number' ? msToNs(data['E']) : (ctx.tsLocalNs ?? ctx.fallbackTsNs);
    this.checkFields(data, DEPTH_FIELDS, 'depthUpdate', symbol, ctx, out, tsEventNs);
    if (symbol === '' || U === null || u === null || (this.futures && pu === null) || !isLevelList(data['b']) || !isLevelList(data['a'])) {
      out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', `Binance depthUpdate needs s, integer U/u${this.futures ? '/pu' : ''} and [price, size] string levels in b/a`, tsEventNs));
      return;
    }
    this.lastDepthSymbol = symbol;
    const record: BookDeltaRecord = {
      kind: 'book_delta',
      venue: this.venue,
      instrument: symbol,
      tsEventNs,
      tsLocalNs: ctx.tsLocalNs ?? tsEventNs,
      source: { file: ctx.file, line: ctx.line },
      updateId: u,
      isSnapshot: false,
      bids: data['b'],
      asks: data['a'],
    };
    const s = this.sync(symbol);
    if (s.state === 'awaiting') {
      const last = s.buffer[s.buffer.length - 1];
      if (last !== undefined && u <= last.u) {
        out.push(syncIssue(this.venue, symbol, ctx, 'duplicate', `depthUpdate u=${u} repeats or precedes the buffered diff u=${last.u} (line ${last.ctx.line}); dropped`, tsEventNs));
        return;
      }
      if (s.buffer.length >= MAX_BUFFERED_DIFFS) {
        s.buffer.shift();
        s.droppedFromBuffer++;
      }
      s.buffer.push({ U, u, pu, record, ctx });
      return;
    }
    this.applyDiff(s, U, u, pu, record, ctx, out);
  }

  /** Applies one diff to a synced symbol (state first or live); pu is null on spot. */
  private applyDiff(s: SymbolSync, U: bigint, u: bigint, pu: bigint | null, record: BookDeltaRecord, ctx: MessageContext, out: NormalizedRecord[]): void {
    const symbol = record.instrument;
    if (s.state === 'awaiting') {
      s.buffer.push({ U, u, pu, record, ctx });
      return;
    }
    if (s.state === 'first') {
      if (this.isStale(u, s.lastU)) {
        out.push(syncIssue(this.venue, symbol, ctx, 'stale_dropped', `depthUpdate u=${u} is covered by the snapshot (lastUpdateId ${s.lastU}); dropped as the sync procedure requires`, record.tsEventNs));
        return;
      }
      const L1 = this.futures ? s.lastU : s.lastU + 1n;
      if (U <= L1 && L1 <= u) {
        s.state = 'live';
        s.lastU = u;
        out.push(record);
        return;
      }
      out.push(syncIssue(this.venue, symbol, ctx, 'gap', `first depthUpdate after the snapshot (U=${U}, u=${u}) does not straddle ${this.futures ? 'lastUpdateId' : 'lastUpdateId+1'} = ${L1}; waiting for a new snapshot`, record.tsEventNs));
      s.state = 'awaiting';
      s.buffer.push({ U, u, pu, record, ctx });
      return;
    }
    if (u <= s.lastU) {
      out.push(syncIssue(this.venue, symbol, ctx, 'duplicate', `depthUpdate u=${u} was already applied (book is at u=${s.lastU}); dropped`, record.tsEventNs));
      return;
    }
    const contiguous = this.futures ? pu === s.lastU : U === s.lastU + 1n;
    if (contiguous) {
      s.lastU = u;
      out.push(record);
      return;
    }
    out.push(
      syncIssue(
        this.venue,
        symbol,
        ctx,
        'gap',
        this.futures ? `depthUpdate pu=${pu} != previous u=${s.lastU} (missing updates); waiting for a new snapshot` : `depthUpdate U=${U} != previous u+1=${s.lastU + 1n} (missing updates); waiting for a new snapshot`,
        record.tsEventNs,
      ),
    );
    s.state = 'awaiting';
    s.buffer = [{ U, u, pu, record, ctx }];
  }

  private trade(data: JsonObject, e: 'trade' | 'aggTrade', ctx: MessageContext, out: NormalizedRecord[]): void {
    const symbol = typeof data['s'] === 'string' ? data['s'] : '';
    const id = toBigInt(e === 'trade' ? data['t'] : data['a']);
    const tsRaw = data['T'] ?? data['E'];
    const tsEventNs = typeof tsRaw === 'number' ? msToNs(tsRaw) : (ctx.tsLocalNs ?? ctx.fallbackTsNs);
    this.checkFields(data, e === 'trade' ? TRADE_FIELDS : AGG_TRADE_FIELDS, e, symbol, ctx, out, tsEventNs);
    const p = data['p'];
    const q = data['q'];
    if (symbol === '' || id === null || typeof p !== 'string' || typeof q !== 'string') {
      out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', `Binance ${e} needs s, integer ${e === 'trade' ? 't' : 'a'}, string p and q`, tsEventNs));
      return;
    }
    const s = this.sync(symbol);
    const last = e === 'trade' ? s.lastTradeId : s.lastAggId;
    if (id <= last) {
      out.push(syncIssue(this.venue, symbol, ctx, 'duplicate', `${e} id ${id} is not after the previous id ${last}; dropped`, tsEventNs));
      return;
    }
    if (e === 'trade') s.lastTradeId = id;
    else s.lastAggId = id;
    const rec: TradeRecord = {
      kind: 'trade',
      venue: this.venue,
      instrument: symbol,
      tsEventNs,
      tsLocalNs: ctx.tsLocalNs ?? tsEventNs,
      source: { file: ctx.file, line: ctx.line },
      tradeId: String(id),
      price: p,
      size: q,
      // m = buyer is the maker, so the seller was the aggressor.
      aggressor: data['m'] === true ? 'sell' : data['m'] === false ? 'buy' : 'unknown',
    };
    out.push(rec);
  }

  private bookTicker(data: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const symbol = typeof data['s'] === 'string' ? data['s'] : '';
    const u = toBigInt(data['u']);
    const tsRaw = data['E'] ?? data['T'];
    // Spot bookTicker carries no time: capture time, else the last event time seen.
    const tsEventNs = typeof tsRaw === 'number' ? msToNs(tsRaw) : (ctx.tsLocalNs ?? ctx.fallbackTsNs);
    this.checkFields(data, BOOK_TICKER_FIELDS, 'bookTicker', symbol, ctx, out, tsEventNs);
    const { b, B, a, A } = data;
    if (symbol === '' || u === null || typeof b !== 'string' || typeof B !== 'string' || typeof a !== 'string' || typeof A !== 'string') {
      out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', 'Binance bookTicker needs s, integer u and string b/B/a/A', tsEventNs));
      return;
    }
    const s = this.sync(symbol);
    if (u <= s.lastBboU) {
      out.push(syncIssue(this.venue, symbol, ctx, 'duplicate', `bookTicker u=${u} is not after the previous u=${s.lastBboU}; dropped`, tsEventNs));
      return;
    }
    s.lastBboU = u;
    const rec: BboRecord = {
      kind: 'bbo',
      venue: this.venue,
      instrument: symbol,
      tsEventNs,
      tsLocalNs: ctx.tsLocalNs ?? tsEventNs,
      source: { file: ctx.file, line: ctx.line },
      updateId: u,
      bidPrice: b,
      bidSize: B,
      askPrice: a,
      askSize: A,
    };
    out.push(rec);
  }

  finish(ctx: MessageContext): NormalizedRecord[] {
    const out: NormalizedRecord[] = [];
    for (const [symbol, s] of this.symbols) {
      if (s.state !== 'awaiting' || s.buffer.length === 0) continue;
      const first = s.buffer[0]!;
      const last = s.buffer[s.buffer.length - 1]!;
      out.push(
        syncIssue(this.venue, symbol, last.ctx, 'gap', `${s.buffer.length + s.droppedFromBuffer} depthUpdates (lines ${first.ctx.line}-${last.ctx.line}, u ${first.u}-${last.u}) were never synchronised: no usable snapshot followed before the end of ${ctx.file}`, last.record.tsEventNs),
      );
    }
    return out;
  }
}

export const binanceFormat: VenueFormat = {
  family: 'binance',
  canHandle(message: unknown): boolean {
    const un = unwrap(message);
    if (un === null) return false;
    const d = un.data;
    if (un.stream !== null && un.stream.includes('@')) return true;
    const e = d['e'];
    if (e === 'depthUpdate' || e === 'trade' || e === 'aggTrade' || e === 'bookTicker') return typeof d['s'] === 'string';
    if ('lastUpdateId' in d && 'bids' in d) return true;
    return e === undefined && 'u' in d && 's' in d && 'B' in d && 'A' in d;
  },
  inferVenue(message: unknown, url?: string): VenueId | null {
    if (url !== undefined) {
      if (/\/\/(stream|api|data-stream|data-api)\.binance\.(com|us)/.test(url) || url.includes('/api/v3/')) return 'binance-spot';
      if (/\/\/(fstream|fapi)\.binance\.com/.test(url)) return 'binance-usdm';
      if (/\/\/(dstream|dapi)\.binance\.com/.test(url)) return 'binance-coinm';
    }
    const un = unwrap(message);
    if (un === null) return null;
    const d = un.data;
    const symbol = typeof d['s'] === 'string' ? d['s'] : typeof d['symbol'] === 'string' ? d['symbol'] : null;
    const e = d['e'];
    if ('ps' in d || 'pair' in d) return 'binance-coinm';
    // pu only on futures diffs; futures bookTicker/trade carry e and T where spot's do not.
    if (e === 'depthUpdate') return 'pu' in d ? futuresVenueForSymbol(symbol ?? '') : 'binance-spot';
    if (e === 'bookTicker' && 'T' in d) return futuresVenueForSymbol(symbol ?? '');
    if (e === undefined && 'u' in d && 'B' in d) return 'binance-spot';
    if (e === 'trade') return 'X' in d ? futuresVenueForSymbol(symbol ?? '') : 'M' in d ? 'binance-spot' : null;
    if (e === 'aggTrade') return 'M' in d ? 'binance-spot' : null;
    return null;
  },
  inferInstrument(message: unknown): string | null {
    const un = unwrap(message);
    if (un === null) return null;
    const s = un.data['s'] ?? un.data['symbol'];
    return typeof s === 'string' ? s : null;
  },
  createMapper(options: MapperOptions): VenueMapper {
    return new BinanceMapper(options);
  },
};
