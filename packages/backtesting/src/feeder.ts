/**
 * Historical input feeder (SPEC.md §5): merges ordered streams of canonical columnar batches
 * (one stream per dataset: an instrument's book_delta, trade or bbo data) into one stream of
 * market messages ordered by tsLocalNs.
 *
 * Tie rule at equal tsLocalNs (documented, stable): kind order book_delta < trade < bbo, then
 * source order (instruments in run-definition order), then row order within the source.
 *
 * Memory: one batch per source is held (plus the tail of a venue message that spans two
 * batches). A message is a slice of its batch's columns: the rows [row, end) of one venue message
 * (book_delta rows share a batchId) — no object per row.
 *
 * Time as numbers: the merge compares message times as float64 ns relative to the feed's epoch
 * (`epochNs`, the first message's tsLocalNs), read from the 32-bit words of the int64 columns, so
 * the hot path allocates no BigInt and makes no BigInt comparison. Relative times are exact
 * integers within ±2^53 ns (about 104 days) of the epoch and correctly rounded beyond (rounding
 * keeps their order, but may tie two far times). The epoch therefore moves: `rebase(deltaRel)`
 * shifts it forward by an exact integer and recomputes every head from its columns, so a feed
 * may span any length. A head is acted upon only while it lies within `rebaseAtRel` of the
 * epoch: the feed window and the timeline move the epoch of the whole run before (README
 * "Number clock"); `next()` moves the feeder's own epoch when used alone.
 *
 * Feed latency: when a dataset has no capture time, tsLocalNs = tsEventNs + feedLatencyNs.
 *
 * The API is pull-based and synchronous between refills so the run loop stays synchronous on
 * the hot path: `peek()` returns the next message's head (null either at the end or when
 * `needsRefill` is set, in which case the caller awaits `refill()` and continues), `advance()`
 * moves past it, `eventOf(...)` builds the core's MarketEvent for a message when one is needed;
 * `next()` does all three.
 */
import { ChassisError } from '@chassis/core';
import type { BookDeltaBatch, CanonicalBatch } from '@chassis/storage';
import type { BookDeltaEvent, MarketEvent, TradeEvent, BboEvent, Aggressor } from '@chassis/core';

export interface FeedSource {
  readonly instrument: string;
  readonly batches: AsyncIterable<CanonicalBatch>;
  /** Set when the dataset has no capture time: tsLocalNs = tsEventNs + this (ns). */
  readonly feedLatencyNs?: bigint | undefined;
}

/** Largest |offset|, feed window or feed latency (ns, about 13 days) used on the number clock. */
export const MAX_CLOCK_PARAM_NS = 2 ** 50;
/**
 * Default distance (ns after the epoch, 2^51: about 26 days) beyond which the epoch is moved
 * before a time is acted upon. Whatever is admitted then lies within 2^51 + MAX_CLOCK_PARAM_NS
 * < 2^53 of the epoch, where every integer is exact.
 */
export const REBASE_AT_NS = 2 ** 51;

export interface FeederOptions {
  /** Move the epoch before acting on a time this far (ns, 1 … REBASE_AT_NS) after it; tests set it small to move it often. */
  readonly rebaseAtNs?: number;
}
const TWO_32 = 4294967296;

const KIND_RANK = { book_delta: 0, trade: 1, bbo: 2 } as const;
const AGGRESSOR: readonly Aggressor[] = ['buy', 'sell', 'unknown'];

/**
 * A price or size in units read from a Float64Array column, as a small integer when it is one.
 * The value is the same number either way; what differs is how V8 stores it in the event: a
 * field that has only ever held small integers keeps them in the object, while one filled from
 * float64 loads becomes a double field with a 16-byte heap number per event (a BBO's four:
 * 64 of its 246 bytes, bench/quick/event-bytes.ts). A unit value beyond 32 bits turns the field
 * back into a double field for the rest of the process: correct, as before.
 */
function units(v: number): number {
  const i = v | 0;
  // -0 stays -0 (it equals 0, but it is not the small integer 0).
  return i === v && (i !== 0 || 1 / v > 0) ? i : v;
}

/** The next message of one source: rows [row, end) of `batch`, at `headLocalRel` (ns after the epoch). */
export interface FeedHead {
  /** Source position in the run definition (the tie rule's last key but row order). */
  readonly index: number;
  readonly instrument: string;
  readonly batch: CanonicalBatch | null;
  readonly row: number;
  readonly end: number;
  /** tsLocalNs − epochNs of the message (ns). */
  readonly headLocalRel: number;
  /** tsEventNs − epochNs of the message (ns). */
  readonly headEventRel: number;
}

interface SourceState extends FeedHead {
  readonly it: AsyncIterator<CanonicalBatch>;
  readonly latencyNs: bigint;
  /** latencyNs as a number (ns). */
  readonly latencyRel: number;
  readonly synthLocal: boolean;
  batch: CanonicalBatch | null;
  row: number;
  /** Exclusive end row of the current message (group of book_delta rows with one batchId). */
  end: number;
  eof: boolean;
  /** true when the current message cannot be delimited until the next batch arrives. */
  starved: boolean;
  /** The batch to continue with (at `afterRow`) once `batch` is used up: set when a message split by a batch cut was joined into a small batch of its own. */
  after: CanonicalBatch | null;
  afterRow: number;
  /** The next batch, already requested so storage reads overlap with processing. */
  prefetch: Promise<IteratorResult<CanonicalBatch>> | null;
  /** Whether `prefetch` has settled (a caller may then skip yielding to the event loop for it). */
  prefetchSettled: boolean;
  headLocalRel: number;
  headEventRel: number;
  rank: number;
  /** 32-bit word views of the current batch's columns (batchId for book_delta message bounds; the time columns). */
  wordsOf: CanonicalBatch | null;
  /** Time shift of the bound batch (repeatFeed; 0n for a batch read as is). */
  shiftNs: bigint;
  /** 32-bit words (high signed, low unsigned) of epochNs − shiftNs: a time column's value − this is its time after the epoch. */
  originHi: number;
  originLo: number;
  /** The batch whose shift `eventShiftNs` is (eventOf: a message of the previous batch may still be built after the source moved on). */
  eventBatch: CanonicalBatch | null;
  eventShiftNs: bigint;
  idWords: Int32Array | null;
  eventWords: Uint32Array | null;
  localWords: Uint32Array | null;
}

/** Rows [from, end) of `a` followed by rows [0, take) of `b`: one venue message split by a batch cut. */
function concatBookDelta(a: BookDeltaBatch, from: number, b: BookDeltaBatch, take: number): BookDeltaBatch {
  const n = a.length - from;
  const len = n + take;
  const cat = <T extends BigInt64Array | Uint8Array | Float64Array>(x: T, y: T, ctor: new (n: number) => T): T => {
    const out = new ctor(len);
    out.set(x.subarray(from) as never);
    out.set(y.subarray(0, take) as never, n);
    return out;
  };
  return {
    kind: 'book_delta',
    length: len,
    tsEventNs: cat(a.tsEventNs, b.tsEventNs, BigInt64Array),
    tsLocalNs: cat(a.tsLocalNs, b.tsLocalNs, BigInt64Array),
    updateId: cat(a.updateId, b.updateId, BigInt64Array),
    batchId: cat(a.batchId, b.batchId, BigInt64Array),
    isSnapshot: cat(a.isSnapshot, b.isSnapshot, Uint8Array),
    side: cat(a.side, b.side, Uint8Array),
    price: cat(a.price, b.price, Float64Array),
    size: cat(a.size, b.size, Float64Array),
  };
}

/** How many leading rows of `b` carry the message id whose 32-bit words are (lo, hi). */
function leadingRowsOf(b: BookDeltaBatch, lo: number, hi: number): number {
  const w = new Int32Array(b.batchId.buffer, b.batchId.byteOffset, b.length * 2);
  let k = 0;
  while (k < b.length && w[2 * k] === lo && w[2 * k + 1] === hi) k++;
  return k;
}

const wordsOf = (a: BigInt64Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length * 2);

/** (column[i] + the bound batch's shift − epochNs) as a number from the column's 32-bit words: exact within ±2^53, correctly rounded beyond (one rounding, in the final addition). */
function relNs(s: SourceState, words: Uint32Array, i: number): number {
  return ((words[2 * i + 1]! | 0) - s.originHi) * TWO_32 + (words[2 * i]! - s.originLo);
}

/** The time shift of a batch yielded by repeatFeed (ns; registered per batch object, none for a batch read as is). */
const batchShift = new WeakMap<CanonicalBatch, bigint>();
const shiftOf = (b: CanonicalBatch): bigint => batchShift.get(b) ?? 0n;
function withShift<B extends CanonicalBatch>(b: B, shiftNs: bigint): B {
  if (shiftNs !== 0n) batchShift.set(b, shiftNs);
  return b;
}

/** A clock parameter (ns) as an exact number, or E_FEED_SPAN. */
export function clockParamNs(valueNs: bigint, what: string): number {
  if (valueNs > BigInt(MAX_CLOCK_PARAM_NS) || valueNs < -BigInt(MAX_CLOCK_PARAM_NS))
    throw new ChassisError('E_FEED_SPAN', `${what} of ${valueNs} ns is beyond the backtest clock's ±${MAX_CLOCK_PARAM_NS} ns (about 13 days)`);
  return Number(valueNs);
}

export class HistoricalFeeder {
  private readonly sources: SourceState[];
  private pending: SourceState[] = [];
  /** The head `peek()` chose, until `advance()` (null: choose again). */
  private best: SourceState | null = null;
  /** Messages advanced past so far. */
  emitted = 0;
  /** The number clock's origin (ns): the first message's tsLocalNs once opened, moved forward by `rebase`. */
  epochNs = 0n;
  private epochKnown = false;
  /** Times (ns after the epoch) beyond this are not acted upon before the epoch moves (FeederOptions.rebaseAtNs). */
  readonly rebaseAtRel: number;

  private constructor(sources: SourceState[], options: FeederOptions) {
    this.sources = sources;
    this.pending = [...sources];
    const at = options.rebaseAtNs ?? REBASE_AT_NS;
    if (!(Number.isInteger(at) && at >= 1 && at <= REBASE_AT_NS)) throw new RangeError(`HistoricalFeeder: rebaseAtNs must be an integer in [1, ${REBASE_AT_NS}], got ${at}`);
    this.rebaseAtRel = at;
  }

  /** Opens every source and loads its first batch. */
  static async open(sources: readonly FeedSource[], options: FeederOptions = {}): Promise<HistoricalFeeder> {
    const states = sources.map<SourceState>((s, index) => ({
      index,
      instrument: s.instrument,
      it: s.batches[Symbol.asyncIterator](),
      latencyNs: s.feedLatencyNs ?? 0n,
      latencyRel: clockParamNs(s.feedLatencyNs ?? 0n, `feed latency of source ${index} (${s.instrument})`),
      synthLocal: s.feedLatencyNs !== undefined,
      batch: null,
      row: 0,
      end: 0,
      eof: false,
      starved: true,
      after: null,
      afterRow: 0,
      prefetch: null,
      prefetchSettled: true,
      // Not a small integer to begin with (set before use): fields that will hold any float64 start as one, so optimised code is not thrown away when the first fraction or large value arrives.
      headLocalRel: NaN,
      headEventRel: NaN,
      rank: 0,
      wordsOf: null,
      shiftNs: 0n,
      originHi: NaN,
      originLo: NaN,
      eventBatch: null,
      eventShiftNs: 0n,
      idWords: null,
      eventWords: null,
      localWords: null,
    }));
    // `eof` changes once per source, at its end: a mutable field from the start (obligation-book.ts).
    for (const s of states) {
      s.eof = true;
      s.eof = false;
    }
    const feeder = new HistoricalFeeder(states, options);
    // Every source's first read starts before any is awaited: one source's file reads (the thread
    // pool) overlap another's checksum and decode on this thread, at a run's start.
    for (const s of states) feeder.requestNext(s);
    await feeder.refill();
    // The epoch is the first message's tsLocal in feed order (any source may start first, even far earlier than the one located first): every later head is then ≥ 0.
    for (let h = feeder.peek(); h !== null && h.headLocalRel !== 0; h = feeder.peek()) feeder.rebase(Math.floor(h.headLocalRel));
    return feeder;
  }

  get needsRefill(): boolean {
    return this.pending.length > 0;
  }

  /** Whether a source's read-ahead is still in flight (it advances only while the event loop turns). */
  get readAheadInFlight(): boolean {
    for (const s of this.sources) if (!s.prefetchSettled) return true;
    return false;
  }

  /** Loads the next batch of every starved source (keeping the tail of a spanning message). */
  async refill(): Promise<void> {
    const todo = this.pending;
    this.pending = [];
    this.best = null;
    for (const s of todo) {
      while (s.starved && !s.eof) {
        const r = await (s.prefetch ?? s.it.next());
        s.prefetch = null;
        if (r.done) {
          s.eof = true;
          break;
        }
        this.requestNext(s);
        const next = r.value;
        if (next.length === 0) continue;
        const cur = s.batch;
        if (cur && cur.kind === 'book_delta' && next.kind === 'book_delta' && s.row < cur.length) this.join(s, cur, next);
        else {
          s.batch = next;
          s.row = 0;
          this.locate(s);
        }
      }
      if (s.eof && s.starved) {
        // End of stream: a trailing book_delta group is complete now.
        const b = s.batch;
        if (b && s.row < b.length) {
          s.end = b.length;
          s.starved = false;
          this.setHead(s);
        } else {
          s.batch = null;
        }
      }
    }
  }

  private requestNext(s: SourceState): void {
    s.prefetchSettled = false;
    const p = s.it.next();
    s.prefetch = p;
    const settled = (): void => {
      if (s.prefetch === p) s.prefetchSettled = true;
    };
    p.then(settled, settled);
  }

  /**
   * The message at cur's rows [s.row, end) (one message id: it reached the end of cur) may go on
   * in `next`. Only that message is copied into a small batch of its own — cur's tail plus next's
   * leading rows with the same id — and the source goes on with `next` after them; when all of
   * `next` is that message, the two are joined and the source stays starved.
   */
  private join(s: SourceState, cur: BookDeltaBatch, next: BookDeltaBatch): void {
    const w = s.idWords!;
    const shiftNs = shiftOf(cur);
    // A repetition's first message never continues the previous repetition's last (repeatFeed).
    const k = shiftOf(next) === shiftNs ? leadingRowsOf(next, w[2 * s.row]!, w[2 * s.row + 1]!) : 0;
    if (k === next.length) {
      s.batch = withShift(concatBookDelta(cur, s.row, next, k), shiftNs);
      s.row = 0;
      this.locate(s);
      return;
    }
    if (k > 0) {
      s.batch = withShift(concatBookDelta(cur, s.row, next, k), shiftNs);
      s.row = 0;
    }
    s.after = next;
    s.afterRow = k;
    s.end = s.batch!.length;
    s.starved = false;
    this.bindWords(s, s.batch!);
    this.setHead(s);
  }

  /** Delimits the message starting at s.row; marks the source starved if it needs the next batch. */
  private locate(s: SourceState): void {
    let b = s.batch;
    if (b && s.row >= b.length && s.after !== null) {
      b = s.batch = s.after;
      s.row = s.afterRow;
      s.after = null;
    }
    if (!b || s.row >= b.length) {
      s.starved = true;
      return;
    }
    this.bindWords(s, b);
    if (b.kind === 'book_delta') {
      // Compare message ids on their 32-bit words: reading a BigInt64Array element allocates.
      const w = s.idWords!;
      const lo = w[2 * s.row]!;
      const hi = w[2 * s.row + 1]!;
      let e = s.row + 1;
      const n = b.length;
      while (e < n && w[2 * e] === lo && w[2 * e + 1] === hi) e++;
      if (e === n && !s.eof) {
        s.starved = true;
        return;
      }
      s.end = e;
    } else {
      s.end = s.row + 1;
    }
    s.starved = false;
    this.setHead(s);
  }

  /** Points the source's 32-bit word views at batch b's columns and takes its kind's rank (tie rule). */
  private bindWords(s: SourceState, b: CanonicalBatch): void {
    if (s.wordsOf === b) return;
    s.wordsOf = b;
    s.rank = KIND_RANK[b.kind];
    const shiftNs = shiftOf(b);
    if (shiftNs !== s.shiftNs) {
      s.shiftNs = shiftNs;
      if (this.epochKnown) this.setOrigin(s);
    }
    s.idWords = b.kind === 'book_delta' ? new Int32Array(b.batchId.buffer, b.batchId.byteOffset, b.length * 2) : null;
    s.eventWords = wordsOf(b.tsEventNs);
    s.localWords = wordsOf(b.tsLocalNs);
  }

  private setHead(s: SourceState): void {
    const b = s.batch!;
    const r = s.row;
    if (!this.epochKnown) this.setEpoch((s.synthLocal ? b.tsEventNs[r]! + s.latencyNs : b.tsLocalNs[r]!) + s.shiftNs);
    const ev = relNs(s, s.eventWords!, r);
    s.headEventRel = ev;
    s.headLocalRel = s.synthLocal ? ev + s.latencyRel : relNs(s, s.localWords!, r);
  }

  private setEpoch(epochNs: bigint): void {
    this.epochKnown = true;
    this.epochNs = epochNs;
    for (const s of this.sources) this.setOrigin(s);
  }

  private setOrigin(s: SourceState): void {
    const origin = this.epochNs - s.shiftNs;
    s.originLo = Number(BigInt.asUintN(32, origin));
    s.originHi = Number(BigInt.asIntN(32, origin >> 32n));
  }

  /**
   * Moves the epoch `deltaRel` ns (an integer) forward and recomputes every head from its columns
   * (exact again if now within 2^53 ns). The caller shifts whatever else it keeps on this clock.
   */
  rebase(deltaRel: number): void {
    this.setEpoch(this.epochNs + BigInt(deltaRel));
    this.best = null;
    for (const s of this.sources) if (!s.starved && s.batch !== null) this.setHead(s);
  }

  /** The next message's head (the earliest by the tie rule), or null at the end or when a refill is needed. Valid until `advance()`. */
  peek(): FeedHead | null {
    if (this.best !== null) return this.best;
    if (this.pending.length) return null;
    let best: SourceState | null = null;
    for (const s of this.sources) {
      if (s.starved) continue;
      if (
        best === null ||
        s.headLocalRel < best.headLocalRel ||
        (s.headLocalRel === best.headLocalRel && (s.rank < best.rank || (s.rank === best.rank && s.index < best.index)))
      )
        best = s;
    }
    this.best = best;
    return best;
  }

  /** Moves past the message `peek()` returned (which must not be null). */
  advance(): void {
    const best = this.best!;
    this.best = null;
    best.row = best.end;
    this.emitted++;
    this.locate(best);
    if (best.starved) {
      if (!best.eof) this.pending.push(best);
      // One store for both outcomes: optimised code has its feedback before the source's end.
      best.batch = best.eof ? null : best.batch;
    }
  }

  /** The next market event (a fresh object, seq 0 until the runtime assigns it), or null at the end or when a refill is needed. */
  next(): MarketEvent | null {
    let h = this.peek();
    if (h === null) return null;
    // Alone, the feeder may move its epoch whenever the next head is too far to be exact.
    if (h.headLocalRel > this.rebaseAtRel) {
      this.rebase(Math.floor(h.headLocalRel));
      h = this.peek()!;
    }
    const ev = this.eventOf(h.index, h.batch!, h.row, h.end);
    this.advance();
    return ev;
  }

  /** The core's event for the message at rows [row, end) of source `index`'s `batch` (a fresh object, seq 0). */
  eventOf(index: number, b: CanonicalBatch, r: number, end: number): MarketEvent {
    const s = this.sources[index]!;
    if (b !== s.eventBatch) {
      s.eventBatch = b;
      s.eventShiftNs = shiftOf(b);
    }
    const shiftNs = s.eventShiftNs;
    const tsEventNs = shiftNs === 0n ? b.tsEventNs[r]! : b.tsEventNs[r]! + shiftNs;
    const tsLocalNs = s.synthLocal ? tsEventNs + s.latencyNs : shiftNs === 0n ? b.tsLocalNs[r]! : b.tsLocalNs[r]! + shiftNs;
    switch (b.kind) {
      case 'book_delta': {
        const ev: BookDeltaEvent = {
          kind: 'book_delta',
          seq: 0,
          tsEventNs,
          tsLocalNs,
          instrument: s.instrument,
          updateId: b.updateId[r]!,
          isSnapshot: b.isSnapshot[r] === 1,
          offset: r,
          count: end - r,
          sides: b.side,
          prices: b.price,
          sizes: b.size,
        };
        return ev;
      }
      case 'trade': {
        const ev: TradeEvent = {
          kind: 'trade',
          seq: 0,
          tsEventNs,
          tsLocalNs,
          instrument: s.instrument,
          tradeId: b.tradeId[r]!,
          priceUnits: units(b.price[r]!),
          qtyUnits: units(b.size[r]!),
          aggressor: AGGRESSOR[b.aggressor[r]!] ?? 'unknown',
        };
        return ev;
      }
      case 'bbo': {
        const ev: BboEvent = {
          kind: 'bbo',
          seq: 0,
          tsEventNs,
          tsLocalNs,
          instrument: s.instrument,
          updateId: b.updateId[r]!,
          bidPriceUnits: units(b.bidPrice[r]!),
          bidQtyUnits: units(b.bidSize[r]!),
          askPriceUnits: units(b.askPrice[r]!),
          askQtyUnits: units(b.askSize[r]!),
        };
        return ev;
      }
    }
  }
}

/**
 * Repeats a batch stream `times` times for the HistoricalFeeder, every time of repetition k
 * shifted by k × shiftNs, without touching a column: each batch is yielded as read, its shift
 * registered with it, and the feeder adds the shift to the times it reads (one exact integer in
 * its number clock's origin per source, one bigint addition per event it builds). A repetition's
 * first book_delta message never continues the previous one's last. Other consumers see the
 * columns unshifted: they use repeatBatches. The shift is kept per batch object, so each call of
 * `open()` must yield batch objects of its own (readCanonical does: one per decoded chunk).
 */
export async function* repeatFeed(open: () => AsyncIterable<CanonicalBatch>, times: number, shiftNs: bigint): AsyncIterable<CanonicalBatch> {
  // The shift tells repetitions apart (message bounds at the seam): it must be positive.
  if (shiftNs <= 0n) throw new RangeError(`repeatFeed: shiftNs must be > 0, got ${shiftNs}`);
  for (let k = 0; k < times; k++) {
    const shift = shiftNs * BigInt(k);
    for await (const b of open()) yield withShift(b, shift);
  }
}

/**
 * Repeats a batch stream `times` times, shifting every timestamp of repetition k by
 * k × shiftNs (benchmarks: a long input without a giant file). Shifts the time columns (and
 * book_delta message ids, offset by k × 2^40 so messages never merge at the seam) in place:
 * each call of `open()` must yield batches the caller owns — readCanonical does (fresh arrays per
 * read) — so no column is copied and no per-batch arrays are allocated.
 */
export async function* repeatBatches(open: () => AsyncIterable<CanonicalBatch>, times: number, shiftNs: bigint): AsyncIterable<CanonicalBatch> {
  if (shiftNs < 0n) throw new RangeError(`repeatBatches: shiftNs must be >= 0, got ${shiftNs}`);
  for (let k = 0; k < times; k++) {
    const shift = shiftNs * BigInt(k);
    const shiftLo = Number(shift & 0xffffffffn);
    const shiftHi = Number((shift >> 32n) & 0xffffffffn);
    for await (const b of open()) {
      if (k === 0) {
        yield b;
        continue;
      }
      shiftInPlace(b.tsEventNs, shiftHi, shiftLo);
      shiftInPlace(b.tsLocalNs, shiftHi, shiftLo);
      // + k × 2^40: k × 2^8 in the high word.
      if (b.kind === 'book_delta') shiftInPlace(b.batchId, k * 256, 0);
      yield b;
    }
  }
}

/**
 * a[i] += hi × 2^32 + lo for every element, as 64-bit two's complement addition on the 32-bit
 * words (little-endian), so no BigInt is allocated per element. Typed-array stores wrap mod 2^32.
 */
function shiftInPlace(a: BigInt64Array, hi: number, lo: number): void {
  const w = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  const loU = lo >>> 0;
  const hiU = hi >>> 0;
  // Everything stays uint32 (`>>> 0`), so the optimiser keeps it in 32-bit registers; a carry is a wrapped low word.
  for (let i = 0, n = a.length * 2; i < n; i += 2) {
    const x = w[i]!;
    const low = (x + loU) >>> 0;
    w[i] = low;
    w[i + 1] = (w[i + 1]! + hiU + (low < x ? 1 : 0)) >>> 0;
  }
}
