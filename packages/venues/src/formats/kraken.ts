/**
 * Kraken spot WebSocket market data, both API versions.
 *
 * v1 (arrays `[channelID, payload…, channelName, pair]`): `book-N` — a snapshot `{as, bs}` of
 * `[price, volume, timestamp]`, then updates `{a}` / `{b}` (one or two objects, the last carrying
 * the checksum `c`; an entry may end with the republish flag "r": a level re-sent because it came
 * back into the subscribed depth, applied like any other); `trade` (`[price, volume, time, side,
 * orderType, misc]`); `spread` (`[bid, ask, timestamp, bidVolume, askVolume]`) and `ticker`
 * (`a`/`b` = `[price, wholeLotVolume, lotVolume]`) → bbo.
 *
 * v2 (`{"channel","type","data":[…]}`): `book` snapshot/update (`{price, qty}` numbers, `checksum`
 * on both), `trade` and `ticker` (`bid`, `bid_qty`, `ask`, `ask_qty`).
 *
 * Integrity: the CRC32 checksum of every update (v1) and every snapshot and update (v2), recomputed
 * from the rebuilt book: apply the whole message, truncate each side to the subscribed depth
 * (levels pushed out get no delete), then over the top 10 asks (low to high) and then the top 10
 * bids (high to low) concatenate price and volume with the decimal point and leading zeros
 * removed, CRC32, unsigned (Kraken "Spot Websockets (v1) Book Checksum" guide). v2 applies the
 * same rule to price and qty "with full precision" (Kraken "Spot Websockets (v2) Book Checksum"
 * guide): JSON numbers lose trailing zeros, so v2 values are written with the pair's price and
 * quantity decimals (instrument-spec.ts; the snapshot's own decimals for a pair not in the
 * table), as Kraken's FIX checksum guide does with the instrument's precision. A mismatch is a
 * `checksum_mismatch` naming the message; the book then waits for the next snapshot.
 *
 * Subscribed depth: v1 names it in the channel (`book-25`); v2 book messages do not: it is read
 * from the subscribe acknowledgement (`{"method":"subscribe","result":{"channel":"book","depth",
 * "symbol"}}`) when the capture holds it, else the smallest Kraken depth (10, 25, 100, 500, 1000)
 * holding the snapshot's longer side.
 *
 * Pair names become path-safe instrument names: "XBT/USD" → "XBT-USD" (v1 and v2 spell some
 * assets differently: v2 BTC/USD is BTC-USD).
 */
import { crc32 } from 'node:zlib';
import { instrumentSpec } from './instrument-spec.ts';
import { numberText } from './json-number.ts';
import { L2Book, type Level } from './l2-book.ts';
import type { NormalizedRecord, VenueId } from './records.ts';
import { syncIssue, toBigInt } from './sync-issue.ts';
import { isoToNs, secondsTextToNs } from './time-units.ts';
import { isObject, type JsonObject, type MapperOptions, type MessageContext, type VenueFormat, type VenueMapper } from './venue-mapper.ts';

const V1_CHANNEL = /^(book-\d+|trade|spread|ticker)$/;
const V2_CHANNELS = new Set(['book', 'trade', 'ticker']);
const DEPTHS = [10, 25, 100, 500, 1000];
/** Levels per side in the checksum. */
const CHECKSUM_LEVELS = 10;

type Pair = readonly [string, string];

/** Checksum text of one price or volume: no decimal point, no leading zeros. */
export function checksumField(text: string): string {
  return text.replace('.', '').replace(/^0+/, '');
}

/** Kraken's book checksum over the top 10 asks then bids of `book` (unsigned CRC32). */
export function krakenChecksum(book: L2Book): number {
  let text = '';
  for (const side of [book.asks.levels, book.bids.levels]) {
    const n = Math.min(CHECKSUM_LEVELS, side.length);
    for (let i = 0; i < n; i++) text += checksumField(side[i]!.price) + checksumField(side[i]!.size);
  }
  return crc32(text) >>> 0;
}

/** Instrument name of a Kraken pair: "XBT/USD" → "XBT-USD" (instrument names are path segments). */
export function krakenInstrument(pair: string): string {
  return pair.replace('/', '-');
}

interface BookState {
  synced: boolean;
  depth: number;
  /** v2: decimals values are written with (the checksum needs the wire's full precision). */
  priceDecimals: number;
  qtyDecimals: number;
  readonly book: L2Book;
  dropped: number;
  droppedSinceLine: number;
}

class KrakenMapper implements VenueMapper {
  private readonly venue: VenueId = 'kraken';
  private readonly books = new Map<string, BookState>();
  /** v2: depth by instrument from subscribe acknowledgements. */
  private readonly subscribedDepth = new Map<string, number>();

  constructor(_options: MapperOptions) {}

  private state(instrument: string): BookState {
    let s = this.books.get(instrument);
    if (s === undefined) {
      s = { synced: false, depth: 10, priceDecimals: 0, qtyDecimals: 0, book: new L2Book(), dropped: 0, droppedSinceLine: 0 };
      this.books.set(instrument, s);
    }
    return s;
  }

  map(message: unknown, ctx: MessageContext): NormalizedRecord[] {
    const out: NormalizedRecord[] = [];
    if (Array.isArray(message)) this.v1(message as unknown[], ctx, out);
    else if (isBookAck(message)) this.subscribedDepth.set(krakenInstrument(message.result.symbol), message.result.depth);
    else if (isObject(message)) this.v2(message, ctx, out);
    else out.push(syncIssue(this.venue, '', ctx, 'parse_error', 'Kraken message is neither a v1 array nor a v2 object'));
    return out;
  }

  // ---- v1 -------------------------------------------------------------------------------

  private v1(m: unknown[], ctx: MessageContext, out: NormalizedRecord[]): void {
    const channel = m[m.length - 2];
    const pair = m[m.length - 1];
    if (typeof channel !== 'string' || typeof pair !== 'string' || m.length < 4) {
      out.push(syncIssue(this.venue, '', ctx, 'parse_error', 'Kraken v1 message needs [channelID, payload…, channelName, pair]'));
      return;
    }
    const instrument = krakenInstrument(pair);
    const payloads = m.slice(1, -2);
    if (channel.startsWith('book-')) this.v1Book(instrument, channel, payloads, ctx, out);
    else if (channel === 'trade') this.v1Trades(instrument, payloads[0], ctx, out);
    else if (channel === 'spread') this.v1Spread(instrument, payloads[0], ctx, out);
    else this.v1Ticker(instrument, payloads[0], ctx, out);
  }

  private v1Book(instrument: string, channel: string, payloads: unknown[], ctx: MessageContext, out: NormalizedRecord[]): void {
    const s = this.state(instrument);
    const first = payloads[0];
    if (isObject(first) && ('as' in first || 'bs' in first)) {
      const asks = v1Levels(first['as'] ?? []);
      const bids = v1Levels(first['bs'] ?? []);
      if (typeof asks === 'string' || typeof bids === 'string') {
        out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', `Kraken ${channel} snapshot: ${typeof asks === 'string' ? asks : (bids as string)}`));
        return;
      }
      s.depth = Number(channel.slice(5));
      this.snapshot(instrument, s, bids.levels, asks.levels, ctx, out);
      return;
    }
    let asks: V1Levels = { levels: [], tsNs: null };
    let bids: V1Levels = { levels: [], tsNs: null };
    let checksum: string | null = null;
    for (const p of payloads) {
      if (!isObject(p)) continue;
      const a = 'a' in p ? v1Levels(p['a']) : null;
      const b = 'b' in p ? v1Levels(p['b']) : null;
      if (typeof a === 'string' || typeof b === 'string') {
        out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', `Kraken ${channel} update: ${typeof a === 'string' ? a : (b as string)}`));
        return;
      }
      if (a !== null) asks = a;
      if (b !== null) bids = b;
      if (typeof p['c'] === 'string') checksum = p['c'];
    }
    const tsEventNs = maxNs(asks.tsNs, bids.tsNs) ?? ctx.tsLocalNs ?? ctx.fallbackTsNs;
    if (checksum === null || !/^\d+$/.test(checksum)) {
      out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', `Kraken ${channel} update needs a checksum "c" of digits`, tsEventNs));
      return;
    }
    this.update(instrument, s, bids.levels, asks.levels, Number(checksum), tsEventNs, ctx, out);
  }

  private v1Trades(instrument: string, payload: unknown, ctx: MessageContext, out: NormalizedRecord[]): void {
    if (!Array.isArray(payload)) {
      out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', 'Kraken trade payload is not an array'));
      return;
    }
    (payload as unknown[]).forEach((t, i) => {
      const tsNs = Array.isArray(t) && typeof t[2] === 'string' ? secondsTextToNs(t[2]) : null;
      if (!Array.isArray(t) || typeof t[0] !== 'string' || typeof t[1] !== 'string' || tsNs === null) {
        out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', `Kraken trade ${i} is not [price, volume, time, side, orderType, misc]`));
        return;
      }
      // v1 trades carry no id: time and position within the message identify one.
      out.push(this.trade(instrument, `${t[2] as string}-${i}`, t[0], t[1], t[3] === 'b' ? 'buy' : t[3] === 's' ? 'sell' : 'unknown', tsNs, ctx));
    });
  }

  private v1Spread(instrument: string, p: unknown, ctx: MessageContext, out: NormalizedRecord[]): void {
    const tsNs = Array.isArray(p) && typeof p[2] === 'string' ? secondsTextToNs(p[2]) : null;
    if (!Array.isArray(p) || ![0, 1, 3, 4].every((i) => typeof p[i] === 'string') || tsNs === null) {
      out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', 'Kraken spread is not [bid, ask, timestamp, bidVolume, askVolume]'));
      return;
    }
    out.push(this.bbo(instrument, p[0] as string, p[3] as string, p[1] as string, p[4] as string, tsNs, ctx));
  }

  private v1Ticker(instrument: string, p: unknown, ctx: MessageContext, out: NormalizedRecord[]): void {
    const a = isObject(p) ? p['a'] : undefined;
    const b = isObject(p) ? p['b'] : undefined;
    if (!Array.isArray(a) || !Array.isArray(b) || typeof a[0] !== 'string' || typeof a[2] !== 'string' || typeof b[0] !== 'string' || typeof b[2] !== 'string') {
      out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', 'Kraken ticker needs a and b as [price, wholeLotVolume, lotVolume]'));
      return;
    }
    // The ticker carries no time of its own.
    out.push(this.bbo(instrument, b[0], b[2], a[0], a[2], ctx.tsLocalNs ?? ctx.fallbackTsNs, ctx));
  }

  // ---- v2 -------------------------------------------------------------------------------

  private v2(m: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const channel = m['channel'];
    const data = m['data'];
    if (typeof channel !== 'string' || !V2_CHANNELS.has(channel) || !Array.isArray(data) || (m['type'] !== 'snapshot' && m['type'] !== 'update')) {
      out.push(syncIssue(this.venue, '', ctx, 'parse_error', 'Kraken v2 message needs channel book|trade|ticker, type snapshot|update and a data array'));
      return;
    }
    for (const d of data as unknown[]) {
      if (!isObject(d) || typeof d['symbol'] !== 'string') {
        out.push(syncIssue(this.venue, '', ctx, 'parse_error', `Kraken v2 ${channel} entry needs a symbol`));
        continue;
      }
      const instrument = krakenInstrument(d['symbol']);
      if (channel === 'book') this.v2Book(instrument, m['type'] === 'snapshot', d, ctx, out);
      else if (channel === 'trade') this.v2Trade(instrument, d, ctx, out);
      else this.v2Ticker(instrument, d, ctx, out);
    }
  }

  private v2Book(instrument: string, isSnapshot: boolean, d: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const bidsRaw = v2Levels(d['bids']);
    const asksRaw = v2Levels(d['asks']);
    const checksum = toBigInt(d['checksum']);
    const tsEventNs = (typeof d['timestamp'] === 'string' ? isoToNs(d['timestamp']) : null) ?? ctx.tsLocalNs ?? ctx.fallbackTsNs;
    if (bidsRaw === null || asksRaw === null || checksum === null) {
      out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', 'Kraken v2 book needs bids and asks of {price, qty} numbers and an integer checksum', tsEventNs));
      return;
    }
    const s = this.state(instrument);
    if (isSnapshot) {
      const spec = instrumentSpec('kraken', instrument, { priceDecimals: maxDecimals(bidsRaw, asksRaw, 0), sizeDecimals: maxDecimals(bidsRaw, asksRaw, 1) });
      s.priceDecimals = spec.priceDecimals;
      s.qtyDecimals = spec.sizeDecimals;
      const longest = Math.max(bidsRaw.length, asksRaw.length);
      s.depth = this.subscribedDepth.get(instrument) ?? DEPTHS.find((n) => n >= longest) ?? longest;
    }
    const written = (levels: Pair[]): Pair[] => levels.map(([p, q]) => [withDecimals(p, s.priceDecimals), withDecimals(q, s.qtyDecimals)]);
    if (isSnapshot) this.snapshot(instrument, s, written(bidsRaw), written(asksRaw), ctx, out, Number(checksum), tsEventNs);
    else this.update(instrument, s, written(bidsRaw), written(asksRaw), Number(checksum), tsEventNs, ctx, out);
  }

  private v2Trade(instrument: string, d: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const price = numberText(d['price']);
    const qty = numberText(d['qty']);
    const tsNs = typeof d['timestamp'] === 'string' ? isoToNs(d['timestamp']) : null;
    const id = toBigInt(d['trade_id']);
    if (price === null || qty === null || tsNs === null || id === null) {
      out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', 'Kraken v2 trade needs numeric price and qty, trade_id and an ISO timestamp'));
      return;
    }
    out.push(this.trade(instrument, String(id), price, qty, d['side'] === 'buy' ? 'buy' : d['side'] === 'sell' ? 'sell' : 'unknown', tsNs, ctx));
  }

  private v2Ticker(instrument: string, d: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const [bid, bidQty, ask, askQty] = [d['bid'], d['bid_qty'], d['ask'], d['ask_qty']].map(numberText);
    if (bid == null || bidQty == null || ask == null || askQty == null) {
      out.push(syncIssue(this.venue, instrument, ctx, 'parse_error', 'Kraken v2 ticker needs numeric bid, bid_qty, ask and ask_qty'));
      return;
    }
    const tsNs = (typeof d['timestamp'] === 'string' ? isoToNs(d['timestamp']) : null) ?? ctx.tsLocalNs ?? ctx.fallbackTsNs;
    out.push(this.bbo(instrument, bid, bidQty, ask, askQty, tsNs, ctx));
  }

  // ---- book -----------------------------------------------------------------------------

  private snapshot(instrument: string, s: BookState, bids: readonly (V1Level | Pair)[], asks: readonly (V1Level | Pair)[], ctx: MessageContext, out: NormalizedRecord[], checksum?: number, tsNs?: bigint): void {
    const bidPairs = bids.map(pairOf);
    const askPairs = asks.map(pairOf);
    const tsEventNs = tsNs ?? maxNs(latest(bids), latest(asks)) ?? ctx.tsLocalNs ?? ctx.fallbackTsNs;
    if (s.dropped > 0) out.push(syncIssue(this.venue, instrument, ctx, 'gap', `${s.dropped} Kraken book updates since line ${s.droppedSinceLine} were dropped after a checksum mismatch; resynchronised by this snapshot`, tsEventNs));
    s.dropped = 0;
    s.book.apply(bidPairs, askPairs, true);
    truncate(s.book, s.depth);
    s.synced = true;
    out.push(this.bookRecord(instrument, true, bidPairs, askPairs, tsEventNs, ctx));
    if (checksum !== undefined) this.verify(instrument, s, checksum, tsEventNs, ctx, out);
  }

  private update(instrument: string, s: BookState, bids: readonly (V1Level | Pair)[], asks: readonly (V1Level | Pair)[], checksum: number, tsEventNs: bigint, ctx: MessageContext, out: NormalizedRecord[]): void {
    if (!s.synced) {
      if (s.dropped++ === 0) s.droppedSinceLine = ctx.line;
      return;
    }
    const bidPairs = bids.map(pairOf);
    const askPairs = asks.map(pairOf);
    s.book.apply(bidPairs, askPairs, false);
    truncate(s.book, s.depth);
    out.push(this.bookRecord(instrument, false, bidPairs, askPairs, tsEventNs, ctx));
    this.verify(instrument, s, checksum, tsEventNs, ctx, out);
  }

  private verify(instrument: string, s: BookState, expected: number, tsEventNs: bigint, ctx: MessageContext, out: NormalizedRecord[]): void {
    const actual = krakenChecksum(s.book);
    if (actual === expected) return;
    out.push(syncIssue(this.venue, instrument, ctx, 'checksum_mismatch', `Kraken book checksum ${expected} != ${actual} computed over the rebuilt top ${CHECKSUM_LEVELS} (depth ${s.depth}); dropping updates until the next snapshot`, tsEventNs));
    s.synced = false;
    s.dropped = 0;
    s.droppedSinceLine = ctx.line;
  }

  private bookRecord(instrument: string, isSnapshot: boolean, bids: Pair[], asks: Pair[], tsEventNs: bigint, ctx: MessageContext): NormalizedRecord {
    return { kind: 'book_delta', venue: this.venue, instrument, tsEventNs, tsLocalNs: ctx.tsLocalNs ?? tsEventNs, source: { file: ctx.file, line: ctx.line }, updateId: null, isSnapshot, bids, asks };
  }

  private trade(instrument: string, tradeId: string, price: string, size: string, aggressor: 'buy' | 'sell' | 'unknown', tsEventNs: bigint, ctx: MessageContext): NormalizedRecord {
    return { kind: 'trade', venue: this.venue, instrument, tsEventNs, tsLocalNs: ctx.tsLocalNs ?? tsEventNs, source: { file: ctx.file, line: ctx.line }, tradeId, price, size, aggressor };
  }

  private bbo(instrument: string, bidPrice: string, bidSize: string, askPrice: string, askSize: string, tsEventNs: bigint, ctx: MessageContext): NormalizedRecord {
    return { kind: 'bbo', venue: this.venue, instrument, tsEventNs, tsLocalNs: ctx.tsLocalNs ?? tsEventNs, source: { file: ctx.file, line: ctx.line }, updateId: null, bidPrice, bidSize, askPrice, askSize };
  }

  finish(ctx: MessageContext): NormalizedRecord[] {
    const out: NormalizedRecord[] = [];
    for (const [instrument, s] of this.books) {
      if (!s.synced) out.push(syncIssue(this.venue, instrument, { ...ctx, line: s.droppedSinceLine }, 'gap', `${s.dropped} Kraken book updates after line ${s.droppedSinceLine} were dropped: no snapshot followed before the end of ${ctx.file}`));
    }
    return out;
  }
}

/** A v1 level `[price, volume, timestamp, "r"?]` with its time in ns. */
type V1Level = readonly [string, string, bigint];
interface V1Levels {
  readonly levels: V1Level[];
  readonly tsNs: bigint | null;
}

function v1Levels(raw: unknown): V1Levels | string {
  if (!Array.isArray(raw)) return 'levels are not an array';
  const levels: V1Level[] = [];
  let tsNs: bigint | null = null;
  for (let i = 0; i < raw.length; i++) {
    const l: unknown = raw[i];
    const t = Array.isArray(l) && typeof l[2] === 'string' ? secondsTextToNs(l[2]) : null;
    if (!Array.isArray(l) || typeof l[0] !== 'string' || typeof l[1] !== 'string' || t === null || (l.length > 3 && l[3] !== 'r')) return `level ${i} is not [price, volume, timestamp] with an optional republish flag "r"`;
    levels.push([l[0], l[1], t]);
    if (tsNs === null || t > tsNs) tsNs = t;
  }
  return { levels, tsNs };
}

/** v2 levels `{price, qty}` as decimal text pairs, or null if malformed. */
function v2Levels(raw: unknown): Pair[] | null {
  if (!Array.isArray(raw)) return null;
  const out: Pair[] = [];
  for (const l of raw as unknown[]) {
    const price = isObject(l) ? numberText(l['price']) : null;
    const qty = isObject(l) ? numberText(l['qty']) : null;
    if (price === null || qty === null) return null;
    out.push([price, qty]);
  }
  return out;
}

const pairOf = (l: V1Level | Pair): Pair => (l.length === 2 ? l : [l[0], l[1]]);
const latest = (levels: readonly (V1Level | Pair)[]): bigint | null => levels.reduce<bigint | null>((m, l) => (l.length === 3 && (m === null || l[2] > m) ? l[2] : m), null);
const maxNs = (a: bigint | null, b: bigint | null): bigint | null => (a === null ? b : b === null || a > b ? a : b);

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

function maxDecimals(bids: readonly Pair[], asks: readonly Pair[], field: 0 | 1): number {
  let n = 0;
  for (const l of bids) n = Math.max(n, decimalsOf(l[field]));
  for (const l of asks) n = Math.max(n, decimalsOf(l[field]));
  return n;
}

/** `text` padded with trailing zeros to `decimals` places (never shortened). */
export function withDecimals(text: string, decimals: number): string {
  const have = decimalsOf(text);
  if (have >= decimals) return text;
  return (have === 0 ? `${text}.` : text) + '0'.repeat(decimals - have);
}

/** Drops levels beyond the subscribed depth: Kraken sends no delete for them. */
function truncate(book: L2Book, depth: number): void {
  for (const levels of [book.bids.levels, book.asks.levels] as Level[][]) if (levels.length > depth) levels.length = depth;
}

/** A v2 subscribe acknowledgement of a book channel, which names the subscribed depth. */
function isBookAck(m: unknown): m is { result: { channel: 'book'; depth: number; symbol: string } } {
  if (!isObject(m) || m['method'] !== 'subscribe' || m['success'] !== true || !isObject(m['result'])) return false;
  const r = m['result'];
  return r['channel'] === 'book' && typeof r['depth'] === 'number' && typeof r['symbol'] === 'string';
}

export const krakenFormat: VenueFormat = {
  family: 'kraken',
  canHandle(message: unknown): boolean {
    if (Array.isArray(message)) {
      const m = message as unknown[];
      const channel = m[m.length - 2];
      return m.length >= 4 && typeof channel === 'string' && V1_CHANNEL.test(channel) && typeof m[m.length - 1] === 'string';
    }
    return (isObject(message) && typeof message['channel'] === 'string' && V2_CHANNELS.has(message['channel']) && Array.isArray(message['data'])) || isBookAck(message);
  },
  isControl(message: unknown): boolean {
    // v1 `{"event": heartbeat | systemStatus | subscriptionStatus}`; v2 heartbeat/status channels and method replies.
    if (!isObject(message) || isBookAck(message)) return false;
    return typeof message['event'] === 'string' || message['channel'] === 'heartbeat' || message['channel'] === 'status' || typeof message['method'] === 'string';
  },
  inferVenue(): VenueId {
    return 'kraken';
  },
  inferInstrument(message: unknown): string | null {
    if (Array.isArray(message)) {
      const pair = (message as unknown[])[message.length - 1];
      return typeof pair === 'string' ? krakenInstrument(pair) : null;
    }
    if (!isObject(message) || !Array.isArray(message['data'])) return null;
    const first: unknown = message['data'][0];
    return isObject(first) && typeof first['symbol'] === 'string' ? krakenInstrument(first['symbol']) : null;
  },
  createMapper(options: MapperOptions): VenueMapper {
    return new KrakenMapper(options);
  },
};
