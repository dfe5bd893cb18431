/**
 * The book over time, rebuilt from canonical book_delta with the core's L2Book (the one book
 * of Chassis; BBO rows are not applied, so what is shown is the depth feed alone).
 *
 * - Mid and spread are taken after every complete venue message (one batch_id) while the book
 *   is valid and both sides have a level; per time bucket the minimum and maximum are kept
 *   (BucketExtremes), and every spread goes into an exact histogram of integer price units,
 *   from which the percentiles are read (nearest rank, no interpolation).
 * - Best-level sizes and depth within 1, 5 and 25 bps of mid are sampled once per bucket: the
 *   book as it stands at the end of the bucket (before the first message of the next one).
 *   A level counts when its price is within x bps of mid, inclusive.
 * - Datasets of different precision are brought to the finest one (exact integer scaling).
 * - The book is valid from a snapshot on; a dataset that neither starts with a snapshot nor
 *   continues the previous one without a gap (`continuesFrom`) makes it invalid until the next
 *   snapshot, so nothing is drawn where the book cannot be known.
 */
import { L2Book, type BookDeltaEvent } from '@chassis/core';
import { readCanonical, type BookDeltaBatch, type DatasetMeta, type Storage } from '@chassis/storage';
import { BucketExtremes } from '../downsample.ts';
import { bucketOf, bucketStartMs, type TimeGrid } from './time-grid.ts';

export const DEPTH_BPS = [1, 5, 25] as const;

/** Per-bucket end-of-bucket samples (qty units; NaN where the book was not valid). */
export interface BookSamples {
  readonly bestBidQty: Float64Array;
  readonly bestAskQty: Float64Array;
  /** depth[side][i]: within DEPTH_BPS[i] bps, side 0 = bid, 1 = ask. */
  readonly depth: readonly [readonly Float64Array[], readonly Float64Array[]];
}

export interface BookTimeline {
  /** Price per unit of the dataset's price (10^-priceDecimals). */
  readonly priceDecimals: number;
  readonly sizeDecimals: number;
  /** Per bucket extremes of bid + ask (price units: twice the mid, so it stays an integer). */
  readonly mid: BucketExtremes;
  /** Per bucket extremes of ask − bid (price units). */
  readonly spread: BucketExtremes;
  /** Spread (price units) → number of book states with that spread. */
  readonly spreadHistogram: ReadonlyMap<number, number>;
  /** Book states measured (complete messages with a valid two-sided book). */
  readonly states: number;
  /** Of those, states with ask ≤ bid. */
  readonly crossed: number;
  readonly samples: BookSamples;
  /** Messages (batch ids) and rows read from book_delta inside the window. */
  readonly messages: number;
  readonly rows: number;
}

function floatsOf(n: number): Float64Array {
  return new Float64Array(n).fill(NaN);
}

class BookTimelineBuilder {
  readonly book: L2Book;
  valid = false;
  states = 0;
  crossed = 0;
  messages = 0;
  rows = 0;
  readonly histogram = new Map<number, number>();
  readonly mid: BucketExtremes;
  readonly spread: BucketExtremes;
  readonly samples: BookSamples;
  /** Bucket of the last complete message (-1 = none yet). */
  private lastBucket = -1;

  constructor(
    private readonly grid: TimeGrid,
    private readonly fromNs: bigint,
    private readonly toNs: bigint,
  ) {
    this.book = new L2Book('report');
    const x = (k: number) => bucketStartMs(grid, k);
    this.mid = new BucketExtremes(grid.buckets, x);
    this.spread = new BucketExtremes(grid.buckets, x);
    const n = grid.buckets;
    this.samples = {
      bestBidQty: floatsOf(n),
      bestAskQty: floatsOf(n),
      depth: [DEPTH_BPS.map(() => floatsOf(n)), DEPTH_BPS.map(() => floatsOf(n))],
    };
  }

  /** Called before the first row of a message: closes the previous bucket's sample when the bucket changes. */
  beginMessage(tsNs: bigint): void {
    const k = bucketOf(this.grid, tsNs);
    if (k !== this.lastBucket) this.sampleBucketEnd();
  }

  /** A snapshot message begins: the book is cleared and is valid from here on. */
  startSnapshot(clear: BookDeltaEvent): void {
    this.book.applyDelta(clear);
    this.valid = true;
  }

  /** The book cannot be known until the next snapshot (a dataset after a gap). */
  invalidate(): void {
    this.sampleBucketEnd();
    this.valid = false;
  }

  /** Called after the last row of a message (`rows` of it). */
  endMessage(tsNs: bigint, rows: number): void {
    if (tsNs < this.fromNs || tsNs > this.toNs) return;
    this.messages++;
    this.rows += rows;
    const k = bucketOf(this.grid, tsNs);
    this.lastBucket = k;
    if (!this.valid) return;
    const bid = this.book.bids.bestPrice();
    const ask = this.book.asks.bestPrice();
    if (Number.isNaN(bid) || Number.isNaN(ask)) return;
    const spreadUnits = ask - bid;
    this.states++;
    if (spreadUnits <= 0) this.crossed++;
    this.histogram.set(spreadUnits, (this.histogram.get(spreadUnits) ?? 0) + 1);
    const xMs = Number(tsNs / 1_000_000n);
    this.mid.add(k, xMs, bid + ask);
    this.spread.add(k, xMs, spreadUnits);
  }

  /** The book at the end of the last bucket that had a message, into that bucket's samples. */
  sampleBucketEnd(): void {
    const k = this.lastBucket;
    if (k < 0 || k >= this.grid.buckets || !this.valid) return;
    const { bids, asks } = this.book;
    const bid = bids.bestPrice();
    const ask = asks.bestPrice();
    if (Number.isNaN(bid) || Number.isNaN(ask)) return;
    this.samples.bestBidQty[k] = bids.sizeOf(bids.first());
    this.samples.bestAskQty[k] = asks.sizeOf(asks.first());
    // Exact in integer units: a level at price p is within x bps of mid = (bid + ask) / 2 when
    // |bid + ask − 2p| × 10^4 ≤ x × (bid + ask) (all below 2^53 for realistic prices).
    const twiceMid = bid + ask;
    const widest = DEPTH_BPS.length - 1;
    for (const [side, levels] of [[0, bids] as const, [1, asks] as const]) {
      const sign = side === 0 ? 1 : -1;
      const sums = DEPTH_BPS.map(() => 0);
      for (let h = levels.first(); h !== -1; h = levels.next(h)) {
        const distance = sign * (twiceMid - 2 * levels.priceOf(h)) * 1e4;
        if (distance > DEPTH_BPS[widest]! * twiceMid) break;
        const size = levels.sizeOf(h);
        for (let i = 0; i <= widest; i++) if (distance <= DEPTH_BPS[i]! * twiceMid) sums[i]! += size;
      }
      for (let i = 0; i <= widest; i++) this.samples.depth[side][i]![k] = sums[i]!;
    }
  }
}

/** An event over a slice of one columnar batch (views, no copy of the level rows). */
function deltaEvent(b: BookDeltaBatch, offset: number, count: number, isSnapshot: boolean): BookDeltaEvent {
  return {
    kind: 'book_delta',
    seq: 0,
    tsEventNs: b.tsEventNs[offset]!,
    tsLocalNs: b.tsLocalNs[offset]!,
    instrument: 'report',
    updateId: b.updateId[offset]!,
    isSnapshot,
    offset,
    count,
    sides: b.side,
    prices: b.price,
    sizes: b.size,
  };
}

/**
 * Replays one dataset's rows message by message. A message may span two read batches, so its
 * rows are applied as runs; a snapshot message first clears the book (an empty snapshot event)
 * and its rows are then set like any other.
 */
async function replayDataset(builder: BookTimelineBuilder, storage: Storage, meta: DatasetMeta, toNs: bigint, scale: { price: number; size: number }): Promise<void> {
  // The current message's batch id as its two 32-bit words: comparing words reads no BigInt
  // per row (each BigInt64Array read allocates one).
  let currentLo = 0;
  let currentHi = 0;
  let started = false;
  let currentTs = 0n;
  let currentRows = 0;
  for await (const batch of readCanonical(storage, meta, { to: toNs + 1n })) {
    const b = batch as BookDeltaBatch;
    // Datasets of one instrument may differ in precision: units are brought to the finest
    // (exact: integer × 10^k below 2^53). Each read yields fresh arrays, so in place is safe.
    if (scale.price !== 1) for (let i = 0; i < b.length; i++) b.price[i]! *= scale.price;
    if (scale.size !== 1) for (let i = 0; i < b.length; i++) b.size[i]! *= scale.size;
    const words = new Int32Array(b.batchId.buffer, b.batchId.byteOffset, b.length * 2);
    let runStart = 0;
    const applyRun = (end: number) => {
      if (end > runStart) builder.book.applyDelta(deltaEvent(b, runStart, end - runStart, false));
      currentRows += end - runStart;
      runStart = end;
    };
    for (let i = 0; i < b.length; i++) {
      if (started && words[2 * i] === currentLo && words[2 * i + 1] === currentHi) continue;
      applyRun(i);
      if (started) builder.endMessage(currentTs, currentRows);
      started = true;
      currentLo = words[2 * i]!;
      currentHi = words[2 * i + 1]!;
      currentTs = b.tsEventNs[i]!;
      currentRows = 0;
      builder.beginMessage(currentTs);
      if (b.isSnapshot[i] === 1) builder.startSnapshot(deltaEvent(b, i, 0, true));
    }
    applyRun(b.length);
  }
  if (started) builder.endMessage(currentTs, currentRows);
}

/** Rebuilds the book over the book_delta datasets (in order) and measures it on the grid. */
export async function buildBookTimeline(storage: Storage, datasets: readonly DatasetMeta[], grid: TimeGrid, window: { readonly fromNs: bigint; readonly toNs: bigint }): Promise<BookTimeline> {
  const books = datasets.filter((d) => d.kind === 'book_delta');
  const priceDecimals = Math.max(0, ...books.map((d) => d.instrument.priceDecimals));
  const sizeDecimals = Math.max(0, ...books.map((d) => d.instrument.sizeDecimals));
  const builder = new BookTimelineBuilder(grid, window.fromNs, window.toNs);
  let previousId: string | undefined;
  for (const meta of books) {
    if (!(meta.continuesFrom !== undefined && meta.continuesFrom === previousId)) builder.invalidate();
    const scale = { price: 10 ** (priceDecimals - meta.instrument.priceDecimals), size: 10 ** (sizeDecimals - meta.instrument.sizeDecimals) };
    await replayDataset(builder, storage, meta, window.toNs, scale);
    previousId = meta.id;
  }
  builder.sampleBucketEnd();
  return {
    priceDecimals,
    sizeDecimals,
    mid: builder.mid,
    spread: builder.spread,
    spreadHistogram: builder.histogram,
    states: builder.states,
    crossed: builder.crossed,
    samples: builder.samples,
    messages: builder.messages,
    rows: builder.rows,
  };
}
