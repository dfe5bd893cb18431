/**
 * Historical input feeder (SPEC.md §5): merges ordered streams of canonical columnar batches
 * (one stream per dataset: an instrument's book_delta, trade or bbo data) into one stream of
 * market events ordered by tsLocalNs.
 *
 * Tie rule at equal tsLocalNs (documented, stable): kind order book_delta < trade < bbo, then
 * source order (instruments in run-definition order), then row order within the source.
 *
 * Memory: one batch per source is held (plus the tail of a venue message that spans two
 * batches). A book_delta event points at a slice of the batch columns (offset/count): the rows
 * of one venue message (same batchId) — no per-level objects.
 *
 * Feed latency: when a dataset has no capture time, tsLocalNs = tsEventNs + feedLatencyNs.
 *
 * The API is pull-based and synchronous between refills so the run loop stays synchronous on
 * the hot path: `next()` returns null either at the end or when `needsRefill` is set, in which
 * case the caller awaits `refill()` and continues.
 */
// @ts-nocheck

import type { BookDeltaBatch, CanonicalBatch } from '@chassis/storage';
import type { BookDeltaEvent, MarketEvent, TradeEvent, BboEvent, Aggressor } from '@chassis/core';

export interface FeedSource {
  readonly instrument: string;
  readonly batches: AsyncIterable<CanonicalBatch>;
  /** Set when the dataset has no capture time: tsLocalNs = tsEventNs + this (ns). */
  readonly feedLatencyNs?: bigint | undefined;
}

const KIND_RANK = { book_delta: 0, trade: 1, bbo: 2 } as const;
const AGGRESSOR: readonly Aggressor[] = ['buy', 'sell', 'unknown'];

interface SourceState {
  readonly index: number;
  readonly instrument: string;
  readonly it: AsyncIterator<CanonicalBatch>;
  readonly latencyNs: bigint;
  readonly synthLocal: boolean;
  batch: CanonicalBatch | null;
  row: number;
  /** Exclusive end row of the current event (group of book_delta rows with one batchId). */
  end: number;
  eof: boolean;
  /** true when the current event cannot be delimited until the next batch arrives. */
  starved: boolean;
  /** The next batch, already requested so storage reads overlap with processing. */
  prefetch: Promise<IteratorResult<CanonicalBatch>> | null;
  headLocalNs: bigint;
  rank: number;
  /** 32-bit word view of `idWordsOf.batchId` (the current book_delta batch). */
  idWords: Int32Array | null;
  idWordsOf: CanonicalBatch | null;
}

function concatBookDelta(a: BookDeltaBatch, from: number, b: BookDeltaBatch): BookDeltaBatch {
  const n = a.length - from;
  const len = n + b.length;
  const cat = <T extends BigInt64Array | Uint8Array | Float64Array>(x: T, y: T, ctor: new (n: number) => T): T => {
    const out = new ctor(len);
    out.set(x.subarray(from) as never);
    out.set(y as never, n);
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

export class HistoricalFeeder {
  private readonly sources: SourceState[];
  private pending: SourceState[] = [];
  /** Market events emitted so far. */
  emitted = 0;

  private constructor(sources: SourceState[]) {
    this.sources = sources;
    this.pending = [...sources];
  }

  /** Opens every source and loads its first batch. */
  static async open(sources: readonly FeedSource[]): Promise<HistoricalFeeder> {
    const states = sources.map<SourceState>((s, index) => ({
      index,
      instrument: s.instrument,
      it: s.batches[Symbol.asyncIterator](),
      latencyNs: s.feedLatencyNs ?? 0n,
      synthLocal: s.feedLatencyNs !== undefined,
      batch: null,
      row: 0,
      end: 0,
      eof: false,
      starved: true,
      prefetch: null,
      headLocalNs: 0n,
      rank: 0,
      idWords: null,
      idWordsOf: null,
    }));
    const feeder = new HistoricalFeeder(states);
    await feeder.refill();
    return feeder;
  }

  get needsRefill(): boolean {
    return this.pending.length > 0;
  }

  /** Loads the next batch of every starved source (keeping the tail of a spanning message). */
  async refill(): Promise<void> {
    const todo = this.pending;
    this.pending = [];
    for (const s of todo) {
      while (s.starved && !s.eof) {
        const r = await (s.prefetch ?? s.it.next());
        s.prefetch = null;
        if (r.done) {
          s.eof = true;
          break;
        }
        s.prefetch = s.it.next();
        const next = r.value;
        if (next.length === 0) continue;
        const cur = s.batch;
        if (cur && cur.kind === 'book_delta' && next.kind === 'book_delta' && s.row < cur.length) {
          s.batch = concatBookDelta(cur, s.row, next);
        } else {
          s.batch = next;
        }
        s.row = 0;
        this.locate(s);
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

  /** Delimits the event starting at s.row; marks the source starved if it needs the next batch. */
  private locate(s: SourceState): void {
    const b = s.batch;
    if (!b || s.row >= b.length) {
      s.starved = true;
      return;
    }
    if (b.kind === 'book_delta') {
      // Compare message ids on their 32-bit words: reading a BigInt64Array element allocates.
      if (s.idWordsOf !== b) {
        s.idWordsOf = b;
        s.idWords = new Int32Array(b.batchId.buffer, b.batchId.byteOffset, b.length * 2);
      }
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

  private setHead(s: SourceState): void {
    const b = s.batch!;
    s.headLocalNs = s.synthLocal ? b.tsEventNs[s.row]! + s.latencyNs : b.tsLocalNs[s.row]!;
    s.rank = KIND_RANK[b.kind];
  }

  /** The next market event (a fresh object, seq 0 until the runtime assigns it), or null at the end or when a refill is needed. */
  next(): MarketEvent | null {
    if (this.pending.length) return null;
    let best: SourceState | null = null;
    for (const s of this.sources) {
      if (s.starved) continue;
      if (
        best === null ||
        s.headLocalNs < best.headLocalNs ||
        (s.headLocalNs === best.headLocalNs && (s.rank < best.rank || (s.rank === best.rank && s.index < best.index)))
      )
        best = s;
    }
    if (best === null) return null;
    const ev = this.materialise(best);
    best.row = best.end;
    this.emitted++;
    this.locate(best);
    if (best.starved && !best.eof) this.pending.push(best);
    else if (best.starved) best.batch = null;
    return ev;
  }

  private materialise(s: SourceState): MarketEvent {
    const b = s.batch!;
    const r = s.row;
    const tsEventNs = b.tsEventNs[r]!;
    const tsLocalNs = s.headLocalNs;
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
          count: s.end - r,
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
          priceUnits: b.price[r]!,
          qtyUnits: b.size[r]!,
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
          bidPriceUnits: b.bidPrice[r]!,
          bidQtyUnits: b.bidSize[r]!,
          askPriceUnits: b.askPrice[r]!,
          askQtyUnits: b.askSize[r]!,
        };
        return ev;
      }
    }
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
  for (let i = 0, n = a.length * 2; i < n; i += 2) {
    const low = w[i]! + lo;
    w[i] = low;
    w[i + 1] = w[i + 1]! + hi + (low >= 4294967296 ? 1 : 0);
  }
}
