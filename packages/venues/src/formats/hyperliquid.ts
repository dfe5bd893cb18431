/**
 * Hyperliquid WebSocket channels: `l2Book` (every message a full snapshot of up to 20 levels a
 * side, `levels: [bids, asks]` of `{px, sz, n}`), `trades`, `bbo` (`bbo: [bid | null, ask | null]`).
 * Instruments are the venue's coin names (`BTC`, `ETH`, spot `@107`).
 *
 * Integrity: Hyperliquid sends no sequence number or checksum, so each snapshot is checked for
 * the consistency a full book must have: prices and sizes positive decimals, `n` (orders at the
 * level) a positive integer, bids strictly descending and asks strictly ascending (no repeated
 * price), best bid < best ask (never crossed or locked), and `time` not before the previous
 * snapshot's. A snapshot failing one is dropped with `checksum_mismatch` (older than the last:
 * `gap`, the stream is out of order) and the next consistent snapshot resynchronises the book.
 *
 * Records: the first snapshot (and the first after a failure) is a `book_delta` with isSnapshot;
 * every later one is the delta from the previous snapshot (changed and new levels with their
 * size, levels gone from the 20 with size 0), so applying the records rebuilds each snapshot
 * exactly. A snapshot equal to the previous one yields no record.
 */
import type { NormalizedRecord, VenueId } from './records.ts';
import { syncIssue, unknownFields } from './sync-issue.ts';
import { msToNs } from './time-units.ts';
import { RecentIds } from './recent-ids.ts';
import { isObject, type JsonObject, type MapperOptions, type MessageContext, type VenueFormat, type VenueMapper } from './venue-mapper.ts';

const CHANNELS = new Set(['l2Book', 'trades', 'bbo']);
const CONTROL_CHANNELS = new Set(['subscriptionResponse', 'pong', 'error']);
const BOOK_FIELDS = new Set(['coin', 'levels', 'time']);
const LEVEL_FIELDS = new Set(['px', 'sz', 'n']);
const TRADE_FIELDS = new Set(['coin', 'side', 'px', 'sz', 'hash', 'time', 'tid', 'users']);
const BBO_FIELDS = new Set(['coin', 'time', 'bbo']);
const DECIMAL = /^\d+(\.\d+)?$/;

type Side = Map<string, string>;

interface CoinState {
  /** Previous consistent snapshot, price → size, or null when the next must be a snapshot record. */
  bids: Side | null;
  asks: Side | null;
  lastTimeMs: number;
  readonly tradeIds: RecentIds<number>;
}

/** A snapshot side parsed and checked; `problem` names the first rule it breaks. */
interface ParsedSide {
  readonly levels: (readonly [string, string])[];
  readonly problem: string | null;
}

function parseSide(raw: unknown, descending: boolean, name: string): ParsedSide {
  if (!Array.isArray(raw)) return { levels: [], problem: `${name} is not an array` };
  const levels: (readonly [string, string])[] = [];
  let prev = NaN;
  for (let i = 0; i < raw.length; i++) {
    const l: unknown = raw[i];
    if (!isObject(l)) return { levels, problem: `${name}[${i}] is not an object` };
    const { px, sz, n } = l;
    if (typeof px !== 'string' || !DECIMAL.test(px) || !(Number(px) > 0)) return { levels, problem: `${name}[${i}] px ${JSON.stringify(px)} is not a positive decimal` };
    if (typeof sz !== 'string' || !DECIMAL.test(sz) || !(Number(sz) > 0)) return { levels, problem: `${name}[${i}] sz ${JSON.stringify(sz)} at ${px} is not a positive decimal` };
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) return { levels, problem: `${name}[${i}] n ${JSON.stringify(n)} at ${px} is not a positive order count` };
    const key = Number(px);
    if (i > 0 && (descending ? key >= prev : key <= prev)) return { levels, problem: `${name} not strictly ${descending ? 'descending' : 'ascending'} at ${name}[${i}] px ${px}` };
    prev = key;
    levels.push([px, sz]);
  }
  return { levels, problem: null };
}

/** Levels of `next` that differ from `prev`, and size "0" for prices of `prev` not in `next`. */
function sideDelta(prev: Side, next: readonly (readonly [string, string])[]): (readonly [string, string])[] {
  const out: (readonly [string, string])[] = [];
  const seen = new Set<string>();
  for (const l of next) {
    seen.add(l[0]);
    if (prev.get(l[0]) !== l[1]) out.push(l);
  }
  for (const p of prev.keys()) if (!seen.has(p)) out.push([p, '0']);
  return out;
}

const toMap = (levels: readonly (readonly [string, string])[]): Side => new Map(levels.map((l) => [l[0], l[1]]));

class HyperliquidMapper implements VenueMapper {
  private readonly venue: VenueId = 'hyperliquid';
  private readonly states = new Map<string, CoinState>();

  constructor(_options: MapperOptions) {}

  private state(coin: string): CoinState {
    let s = this.states.get(coin);
    if (s === undefined) {
      s = { bids: null, asks: null, lastTimeMs: -1, tradeIds: new RecentIds() };
      this.states.set(coin, s);
    }
    return s;
  }

  map(message: unknown, ctx: MessageContext): NormalizedRecord[] {
    if (!isObject(message) || typeof message['channel'] !== 'string') return [syncIssue(this.venue, '', ctx, 'parse_error', 'Hyperliquid message needs a channel')];
    const out: NormalizedRecord[] = [];
    const data = message['data'];
    switch (message['channel']) {
      case 'l2Book':
        if (isObject(data)) this.book(data, ctx, out);
        else out.push(syncIssue(this.venue, '', ctx, 'parse_error', 'Hyperliquid l2Book message needs a data object'));
        break;
      case 'trades':
        if (Array.isArray(data)) for (const t of data as unknown[]) this.trade(t, ctx, out);
        else out.push(syncIssue(this.venue, '', ctx, 'parse_error', 'Hyperliquid trades message needs a data array'));
        break;
      case 'bbo':
        if (isObject(data)) this.bbo(data, ctx, out);
        else out.push(syncIssue(this.venue, '', ctx, 'parse_error', 'Hyperliquid bbo message needs a data object'));
        break;
    }
    return out;
  }

  private book(data: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const coin = typeof data['coin'] === 'string' ? data['coin'] : '';
    const time = data['time'];
    const levels = data['levels'];
    if (coin === '' || typeof time !== 'number' || !Number.isSafeInteger(time) || !Array.isArray(levels) || levels.length !== 2) {
      out.push(syncIssue(this.venue, coin, ctx, 'parse_error', 'Hyperliquid l2Book data needs coin, integer time (ms) and levels [bids, asks]'));
      return;
    }
    const tsEventNs = msToNs(time);
    const extra = [...unknownFields(data, BOOK_FIELDS)];
    for (const side of levels as unknown[]) if (Array.isArray(side)) for (const l of side as unknown[]) if (isObject(l)) extra.push(...unknownFields(l, LEVEL_FIELDS).map((k) => `levels[].${k}`));
    if (extra.length > 0) out.push(syncIssue(this.venue, coin, ctx, 'unknown_field', `unknown field(s) ${[...new Set(extra)].join(', ')} in Hyperliquid l2Book data`, tsEventNs));
    const s = this.state(coin);
    if (time < s.lastTimeMs) {
      out.push(syncIssue(this.venue, coin, ctx, 'gap', `Hyperliquid l2Book snapshot time ${time} is before the previous snapshot's ${s.lastTimeMs}: out of order; dropped, the book waits for the next consistent snapshot`, tsEventNs));
      this.unsync(s);
      return;
    }
    const bids = parseSide(levels[0], true, 'bids');
    const asks = parseSide(levels[1], false, 'asks');
    const problem = bids.problem ?? asks.problem ?? crossing(bids.levels, asks.levels);
    if (problem !== null) {
      out.push(syncIssue(this.venue, coin, ctx, 'checksum_mismatch', `Hyperliquid l2Book snapshot at time ${time} is inconsistent: ${problem}; dropped, the book waits for the next consistent snapshot`, tsEventNs));
      this.unsync(s);
      return;
    }
    s.lastTimeMs = time;
    const header = { venue: this.venue, instrument: coin, tsEventNs, tsLocalNs: ctx.tsLocalNs ?? tsEventNs, source: { file: ctx.file, line: ctx.line }, updateId: null };
    if (s.bids === null || s.asks === null) {
      out.push({ kind: 'book_delta', ...header, isSnapshot: true, bids: bids.levels, asks: asks.levels });
    } else {
      const db = sideDelta(s.bids, bids.levels);
      const da = sideDelta(s.asks, asks.levels);
      if (db.length > 0 || da.length > 0) out.push({ kind: 'book_delta', ...header, isSnapshot: false, bids: db, asks: da });
    }
    s.bids = toMap(bids.levels);
    s.asks = toMap(asks.levels);
  }

  private unsync(s: CoinState): void {
    s.bids = null;
    s.asks = null;
  }

  private trade(t: unknown, ctx: MessageContext, out: NormalizedRecord[]): void {
    if (!isObject(t)) {
      out.push(syncIssue(this.venue, '', ctx, 'parse_error', 'Hyperliquid trades entry is not an object'));
      return;
    }
    const { coin, side, px, sz, tid, time } = t;
    if (typeof coin !== 'string' || typeof px !== 'string' || !DECIMAL.test(px) || typeof sz !== 'string' || !DECIMAL.test(sz) || typeof tid !== 'number' || typeof time !== 'number' || !Number.isSafeInteger(time)) {
      out.push(syncIssue(this.venue, typeof coin === 'string' ? coin : '', ctx, 'parse_error', 'Hyperliquid trade needs coin, decimal px and sz, numeric tid and integer time (ms)'));
      return;
    }
    const tsEventNs = msToNs(time);
    const extra = unknownFields(t, TRADE_FIELDS);
    if (extra.length > 0) out.push(syncIssue(this.venue, coin, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in Hyperliquid trade`, tsEventNs));
    const s = this.state(coin);
    // On (re)subscribe Hyperliquid replays recent trades: a tid already seen is a repeat.
    if (s.tradeIds.seen(tid)) {
      out.push(syncIssue(this.venue, coin, ctx, 'duplicate', `Hyperliquid trade ${tid} was already seen; dropped`, tsEventNs));
      return;
    }
    out.push({
      kind: 'trade',
      venue: this.venue,
      instrument: coin,
      tsEventNs,
      tsLocalNs: ctx.tsLocalNs ?? tsEventNs,
      source: { file: ctx.file, line: ctx.line },
      tradeId: String(tid),
      price: px,
      size: sz,
      // `side` is the aggressor: B = bid (buyer took the ask), A = ask (seller hit the bid).
      aggressor: side === 'B' ? 'buy' : side === 'A' ? 'sell' : 'unknown',
    });
  }

  private bbo(data: JsonObject, ctx: MessageContext, out: NormalizedRecord[]): void {
    const coin = typeof data['coin'] === 'string' ? data['coin'] : '';
    const time = data['time'];
    const pair = data['bbo'];
    if (coin === '' || typeof time !== 'number' || !Number.isSafeInteger(time) || !Array.isArray(pair) || pair.length !== 2) {
      out.push(syncIssue(this.venue, coin, ctx, 'parse_error', 'Hyperliquid bbo data needs coin, integer time (ms) and bbo [bid, ask]'));
      return;
    }
    const tsEventNs = msToNs(time);
    const extra = unknownFields(data, BBO_FIELDS);
    if (extra.length > 0) out.push(syncIssue(this.venue, coin, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in Hyperliquid bbo data`, tsEventNs));
    // An empty side (null) has no canonical BBO form; the l2Book channel carries it.
    if (pair[0] === null || pair[1] === null) return;
    const bid = parseSide([pair[0]], true, 'bbo bid');
    const ask = parseSide([pair[1]], false, 'bbo ask');
    const problem = bid.problem ?? ask.problem;
    if (problem !== null) {
      out.push(syncIssue(this.venue, coin, ctx, 'parse_error', `Hyperliquid bbo: ${problem}`, tsEventNs));
      return;
    }
    out.push({
      kind: 'bbo',
      venue: this.venue,
      instrument: coin,
      tsEventNs,
      tsLocalNs: ctx.tsLocalNs ?? tsEventNs,
      source: { file: ctx.file, line: ctx.line },
      updateId: null,
      bidPrice: bid.levels[0]![0],
      bidSize: bid.levels[0]![1],
      askPrice: ask.levels[0]![0],
      askSize: ask.levels[0]![1],
    });
  }

  finish(): NormalizedRecord[] {
    return [];
  }
}

/** A problem description if the best bid is at or above the best ask. */
function crossing(bids: readonly (readonly [string, string])[], asks: readonly (readonly [string, string])[]): string | null {
  const b = bids[0];
  const a = asks[0];
  if (b === undefined || a === undefined || Number(b[0]) < Number(a[0])) return null;
  return `${Number(b[0]) === Number(a[0]) ? 'locked' : 'crossed'}: best bid ${b[0]} >= best ask ${a[0]}`;
}

export const hyperliquidFormat: VenueFormat = {
  family: 'hyperliquid',
  canHandle(message: unknown): boolean {
    return isObject(message) && CHANNELS.has(String(message['channel'])) && 'data' in message && !('table' in message);
  },
  isControl(message: unknown): boolean {
    return isObject(message) && CONTROL_CHANNELS.has(String(message['channel']));
  },
  inferVenue(): VenueId {
    return 'hyperliquid';
  },
  inferInstrument(message: unknown): string | null {
    if (!isObject(message)) return null;
    const d = message['data'];
    const first: unknown = Array.isArray(d) ? d[0] : d;
    return isObject(first) && typeof first['coin'] === 'string' ? first['coin'] : null;
  },
  createMapper(options: MapperOptions): VenueMapper {
    return new HyperliquidMapper(options);
  },
};
