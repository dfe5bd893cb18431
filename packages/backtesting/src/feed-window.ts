/**
 * The market data of a backtest seen from both clocks (README "Clock model"): the feeder yields
 * messages in local-time (tsLocalNs) order; the exchange side needs them in exchange-time order.
 * The window reads the feed ahead just far enough to know both orders up to a time t, and no
 * further: every unread message has tsLocalNs ≥ the next unread one's, and its exchange time is
 * at most `feedWindowNs` before its tsLocalNs (exchange-clock.ts), so once the next unread
 * message's tsLocalNs − feedWindowNs is > t, nothing unread can come at or before t on either
 * clock. Memory: the messages of about one feed window.
 *
 * Order inside each side: exchange side by (exchange time, feed order); local side feed order
 * (tsLocalNs, then the feeder's tie rule).
 *
 * Representation: each admitted message is a slot of a ring of columns indexed by its feed
 * sequence number (batch, source, row range, local and exchange time as float64 ns after the
 * feeder's epoch), so reading ahead and merging the two sides compare numbers and allocate
 * nothing per message. The core's MarketEvent of a message is built once, when the first side
 * takes it (normally the exchange side: exchange time ≤ tsLocalNs), and handed to both sides.
 * The `…Rel` methods speak numbers (Infinity = none); the `…Ns` ones bigint ns (-1n = none).
 *
 * Moving epoch: before admitting a message more than the feeder's `rebaseAtRel` after the epoch
 * while nothing earlier is pending, the window moves the epoch up to the earliest pending time
 * (`rebase`: one exact integer shift of the ring, the exchange order and the feeder's heads) and
 * returns false from `readThroughRel`, so the caller re-reads its own times (`epochMoves` tells
 * it the epoch moved). Every admitted time is then within 2^51 + 2^50 < 2^53 ns of the epoch:
 * exact.
 */
import type { CanonicalBatch } from '@chassis/storage';
import type { MarketEvent } from '@chassis/core';
import { clockParamNs, type FeedHead, type HistoricalFeeder } from './feeder.ts';
import type { ExchangeClock } from './exchange-clock.ts';
import { ExchangeOrder } from './exchange-order.ts';

const NONE = -1n;
const TWO_32 = 4294967296;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** How a message's exchange time came out of the clamp (exchange-clock.ts). */
const MAPPED = 0;
const TO_RECEIPT = 1;
const TO_WINDOW = 2;
const LOCAL_TAKEN = 1;
const EXCHANGE_TAKEN = 2;

export class FeedWindow {
  // Ring of admitted messages: slot = seq & (capacity − 1); seqs [base, tail) are live.
  private capacity = 1024;
  private batches: (CanonicalBatch | undefined)[] = new Array(1024);
  private events: (MarketEvent | undefined)[] = new Array(1024);
  private source = new Int32Array(1024);
  private rowStart = new Int32Array(1024);
  private rowEnd = new Int32Array(1024);
  private localRel = new Float64Array(1024);
  private clampKind = new Uint8Array(1024);
  /** LOCAL_TAKEN | EXCHANGE_TAKEN bits: a slot is free once both sides took it. */
  private taken = new Uint8Array(1024);
  private base = 0;
  private tail = 0;
  /** Next seq for the core (local side). */
  private localHead = 0;
  /**
   * tsLocalNs − epoch of that message (Infinity: none), kept as messages come and go. A field, not
   * `localHead < tail ? localRel[…] : Infinity` at every read: where the empty case had not run
   * before optimisation, its `Infinity` (a global load without feedback) made the result a tagged
   * value, boxing the time (16 bytes) at every read on the hot path.
   */
  private localHeadT = Infinity;
  /** The exchange side's order; its `headTime` is the exchange time of the next message (Infinity: none). */
  private readonly exchange = new ExchangeOrder();
  private feedDone = false;
  /**
   * While the time read through stays below this, nothing is left to read (no feeder call): the
   * unread head's tsLocalNs − feedWindow when reading stopped, Infinity once the feed is done,
   * −Infinity after a refill or an epoch move (read again).
   */
  private readBound = -Infinity;
  /** The time readMore reads through (set by readThroughRel). */
  private readLimit = NaN;
  /** Exchange time of the message admitted last. */
  private admittedRel = NaN;
  private readonly offsetRel: number;
  private readonly offsetZero: boolean;
  private readonly windowRel: number;
  /** Exchange time (bigint ns, local clock) of the message `popExchange` returned last. */
  poppedExchangeNs = 0n;
  /** Messages whose mapped exchange time was after their receipt (exchange time clamped to tsLocalNs). */
  clampedToReceipt = 0;
  /** Messages received more than the feed window after their mapped exchange time (clamped to tsLocalNs − window). */
  clampedToWindow = 0;
  /** How many times the epoch moved (`rebase`): a caller keeping times on the number clock re-reads them when this changes. */
  epochMoves = 0;
  /** relOf's scratch: a bigint time as its two 32-bit words (low, then high: little-endian, as the feeder reads its columns). */
  private readonly timeBits = new BigInt64Array(1);
  private readonly timeWords = new Uint32Array(this.timeBits.buffer);
  /** The epoch whose words (high signed, low unsigned) relOf holds in epochHi / epochLo. */
  private wordsEpochNs = 0n;
  private wordsKnown = false;
  private epochHi = 0;
  private epochLo = 0;

  constructor(
    private readonly feeder: HistoricalFeeder,
    private readonly clock: ExchangeClock,
  ) {
    this.offsetRel = clockParamNs(clock.offsetNs, 'exchange clock offset');
    this.offsetZero = clock.offsetNs === 0n;
    this.windowRel = clockParamNs(clock.feedWindowNs, 'feed window');
    // Fields that change once or rarely are stored twice here so V8 tracks them as mutable from the
    // start (obligation-book.ts): otherwise the end of the data or the first epoch move throws away
    // the optimised code of the loop that reads them.
    this.feedDone = true;
    this.feedDone = false;
    this.epochMoves = -1;
    this.epochMoves = 0;
  }

  /** The feeder's epoch: every `…Rel` time is ns after it. */
  get epochNs(): bigint {
    return this.feeder.epochNs;
  }

  /** A bigint time (-1n = none) on the number clock (Infinity = none). */
  relOf(tNs: bigint): number {
    if (tNs === NONE) return Infinity;
    const epochNs = this.feeder.epochNs;
    // Number(tNs − epochNs) without the BigInt difference (an allocation per call): from the
    // 32-bit words as the feeder's relNs, the same number (exact within ±2^53, beyond it one
    // rounding of the exact difference, in the final addition). Outside int64 the words would wrap.
    if (tNs < INT64_MIN || tNs > INT64_MAX || epochNs < INT64_MIN || epochNs > INT64_MAX) return Number(tNs - epochNs);
    const bits = this.timeBits;
    const words = this.timeWords;
    if (!this.wordsKnown || epochNs !== this.wordsEpochNs) {
      bits[0] = epochNs;
      this.epochLo = words[0]!;
      this.epochHi = words[1]! | 0;
      this.wordsEpochNs = epochNs;
      this.wordsKnown = true;
    }
    bits[0] = tNs;
    return ((words[1]! | 0) - this.epochHi) * TWO_32 + (words[0]! - this.epochLo);
  }

  /** A time of the number clock (Infinity = none) as bigint ns (-1n = none). */
  nsOf(tRel: number): bigint {
    return tRel === Infinity ? NONE : this.feeder.epochNs + BigInt(tRel);
  }

  /** readThroughRel with a bigint time (-1n = none). */
  readThrough(tNs: bigint): boolean {
    return this.readThroughRel(this.relOf(tNs));
  }

  /**
   * Reads messages until none unread can have an exchange or local time ≤ the earliest of tRel
   * (ns after the epoch: the next time of everything outside the window — requests, answers,
   * obligations; Infinity for none) and the window's own heads. Returns false when the feeder
   * must be refilled first: `await refill()` and call again.
   *
   * Small, so that it is inlined into the caller's loop: a time (float64, not a small integer)
   * passed to or returned from a call that is not inlined is boxed (a 16-byte HeapNumber), so the
   * reading part gets its limit through a field and admits a message without time arguments.
   */
  readThroughRel(tRel: number): boolean {
    const t = Math.min(tRel, this.exchange.headTime, this.localHeadRel());
    if (t < this.readBound) return true;
    this.readLimit = t;
    return this.readMore();
  }

  /** readThroughRel's reading part, up to `readLimit`. */
  private readMore(): boolean {
    let t = this.readLimit;
    const windowRel = this.windowRel;
    const feeder = this.feeder;
    for (;;) {
      const h = feeder.peek();
      if (h === null && feeder.needsRefill) {
        this.readBound = -Infinity;
        return false;
      }
      // The end of the feed stops reading through the same stores as a head beyond t, so that code
      // optimised before the end has type feedback for them (a never-run branch would deoptimise it).
      const bound = h === null ? Infinity : h.headLocalRel - windowRel;
      if (h === null || bound > t) {
        this.readBound = bound;
        this.feedDone = h === null;
        return true;
      }
      if (h.headLocalRel > feeder.rebaseAtRel && t > feeder.rebaseAtRel) {
        // Everything pending is at or after min(t, head): move the epoch there before the head is admitted (it may be inexact now).
        this.rebase(Math.floor(Math.min(t, h.headLocalRel)));
        return false;
      }
      this.admit(h);
      feeder.advance();
      if (this.admittedRel < t) t = this.admittedRel;
    }
  }

  refill(): Promise<void> {
    this.readBound = -Infinity;
    return this.feeder.refill();
  }

  /**
   * Moves the epoch `deltaRel` ns (an integer, at most the earliest time still pending) forward:
   * the feeder recomputes its heads, every live slot's times and the exchange order shift by
   * the same exact integer, so their order is unchanged.
   */
  rebase(deltaRel: number): void {
    this.feeder.rebase(deltaRel);
    const mask = this.capacity - 1;
    for (let seq = this.base; seq < this.tail; seq++) {
      const i = seq & mask;
      this.localRel[i]! -= deltaRel;
    }
    this.localHeadT -= deltaRel;
    this.exchange.rebase(deltaRel);
    this.readBound = -Infinity;
    this.epochMoves++;
  }

  /** Adds the feeder's head message to both sides; its exchange time is then `admittedRel`. */
  private admit(h: FeedHead): void {
    if (this.tail - this.base === this.capacity) this.grow();
    const seq = this.tail++;
    const i = seq & (this.capacity - 1);
    const localRel = h.headLocalRel;
    const mapped = h.headEventRel + this.offsetRel;
    let x = mapped;
    let clamp = MAPPED;
    if (mapped > localRel) {
      x = localRel;
      clamp = TO_RECEIPT;
      this.clampedToReceipt++;
    } else if (mapped < localRel - this.windowRel) {
      x = localRel - this.windowRel;
      clamp = TO_WINDOW;
      this.clampedToWindow++;
    }
    this.batches[i] = h.batch!;
    this.source[i] = h.index;
    this.rowStart[i] = h.row;
    this.rowEnd[i] = h.end;
    this.localRel[i] = localRel;
    if (seq === this.localHead) this.localHeadT = localRel;
    this.clampKind[i] = clamp;
    this.taken[i] = 0;
    this.exchange.push(seq, x);
    this.admittedRel = x;
  }

  /** Exchange time (ns after the epoch) of the next market message for the venue, or Infinity. */
  exchangeHeadRel(): number {
    return this.exchange.headTime;
  }

  /** Exchange time (ns, local clock) of the next market event for the venue, or -1n. */
  exchangeHeadNs(): bigint {
    return this.nsOf(this.exchangeHeadRel());
  }

  /** The next market event for the venue; its exchange time (bigint ns) is then `poppedExchangeNs`. */
  popExchange(): MarketEvent {
    const seq = this.exchange.pop();
    const i = seq & (this.capacity - 1);
    const e = this.eventAt(i);
    const clamp = this.clampKind[i];
    // The exchange time as bigint from the event's own fields: no arithmetic (no allocation) in the common case.
    if (clamp === MAPPED) this.poppedExchangeNs = this.offsetZero ? e.tsEventNs : e.tsEventNs + this.clock.offsetNs;
    else if (clamp === TO_RECEIPT) this.poppedExchangeNs = e.tsLocalNs;
    else this.poppedExchangeNs = e.tsLocalNs - this.clock.feedWindowNs;
    this.take(seq, i, EXCHANGE_TAKEN);
    return e;
  }

  /** tsLocalNs − epoch of the next market event for the core, or Infinity. */
  localHeadRel(): number {
    return this.localHeadT;
  }

  /** tsLocalNs of the next market event for the core, or -1n. */
  localHeadNs(): bigint {
    return this.nsOf(this.localHeadRel());
  }

  popLocal(): MarketEvent {
    const seq = this.localHead++;
    const i = seq & (this.capacity - 1);
    if (this.localHead < this.tail) this.localHeadT = this.localRel[this.localHead & (this.capacity - 1)]!;
    else this.localHeadT = Infinity;
    const e = this.eventAt(i);
    this.take(seq, i, LOCAL_TAKEN);
    return e;
  }

  /** No market event is left for the core (read or unread). The exchange side is then empty too: exchange time ≤ tsLocalNs, and the exchange goes first at equal times. */
  get drained(): boolean {
    // Both loads on every call, so the one of feedDone has type feedback before the end (a
    // short-circuited load that first runs there deoptimises the timeline loop).
    const done = this.feedDone;
    const empty = this.localHead === this.tail;
    return done && empty;
  }

  private eventAt(i: number): MarketEvent {
    let e = this.events[i];
    if (e === undefined) {
      e = this.feeder.eventOf(this.source[i]!, this.batches[i]!, this.rowStart[i]!, this.rowEnd[i]!);
      this.events[i] = e;
    }
    return e;
  }

  /** Marks one side's take of slot i; frees the slots both sides took (no reference kept to their batch or event). */
  private take(seq: number, i: number, side: number): void {
    this.taken[i]! |= side;
    if (seq !== this.base) return;
    const mask = this.capacity - 1;
    while (this.base < this.tail && this.taken[this.base & mask] === (LOCAL_TAKEN | EXCHANGE_TAKEN)) {
      const k = this.base & mask;
      this.batches[k] = undefined;
      this.events[k] = undefined;
      this.base++;
    }
  }

  /** Doubles the ring, keeping every live slot at its seq's new position. */
  private grow(): void {
    const oldMask = this.capacity - 1;
    const cap = this.capacity * 2;
    const mask = cap - 1;
    const batches: (CanonicalBatch | undefined)[] = new Array(cap);
    const events: (MarketEvent | undefined)[] = new Array(cap);
    const source = new Int32Array(cap);
    const rowStart = new Int32Array(cap);
    const rowEnd = new Int32Array(cap);
    const localRel = new Float64Array(cap);
    const clampKind = new Uint8Array(cap);
    const taken = new Uint8Array(cap);
    for (let seq = this.base; seq < this.tail; seq++) {
      const a = seq & oldMask;
      const b = seq & mask;
      batches[b] = this.batches[a];
      events[b] = this.events[a];
      source[b] = this.source[a]!;
      rowStart[b] = this.rowStart[a]!;
      rowEnd[b] = this.rowEnd[a]!;
      localRel[b] = this.localRel[a]!;
      clampKind[b] = this.clampKind[a]!;
      taken[b] = this.taken[a]!;
    }
    this.capacity = cap;
    this.batches = batches;
    this.events = events;
    this.source = source;
    this.rowStart = rowStart;
    this.rowEnd = rowEnd;
    this.localRel = localRel;
    this.clampKind = clampKind;
    this.taken = taken;
  }
}

/** The earlier of two times, -1n meaning none. */
export function earliest(a: bigint, b: bigint): bigint {
  if (a === NONE) return b;
  if (b === NONE) return a;
  return a < b ? a : b;
}
