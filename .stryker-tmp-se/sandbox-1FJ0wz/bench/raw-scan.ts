/**
 * The physical-limit denominator (issue 7, figure 1): one pass over the same canonical columns
 * a backtest consumes, already in typed arrays, doing nothing but touching every value. It is
 * the ONE definition canonical-read, full-backtest and the scaling sections divide by.
 *
 * Columns touched per kind (as the feeder and venue read them): book_delta ts_local_ns,
 * batch_id, side, price, size; trade ts_local_ns, price, size, aggressor; bbo ts_local_ns,
 * bid/ask price and size. 64-bit timestamp/id columns are read as two 32-bit words of the same
 * bytes (a BigInt read would measure V8's BigInt boxing, not the memory scan).
 */
// @ts-nocheck

import type { BboBatch, BookDeltaBatch, TradeBatch } from '@chassis/storage';
import { median, sample, type Clock } from './types.ts';

export interface ScanInput {
  readonly bookDelta: readonly BookDeltaBatch[];
  readonly trades: readonly TradeBatch[];
  readonly bbos: readonly BboBatch[];
  /** Rows over the three kinds. */
  readonly rows: number;
  /** Market events (book_delta messages + trades + BBOs). */
  readonly events: number;
}

function words(a: BigInt64Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
}

/** One pass over every value of the input's columns; returns a checksum so nothing is elided. */
export function rawScan(input: ScanInput): number {
  let acc = 0;
  for (const b of input.bookDelta) {
    const ts = words(b.tsLocalNs);
    const id = words(b.batchId);
    const { side, price, size } = b;
    for (let i = 0, n = b.length; i < n; i++) acc += ts[2 * i]! + ts[2 * i + 1]! + id[2 * i]! + side[i]! + price[i]! * size[i]!;
  }
  for (const b of input.trades) {
    const ts = words(b.tsLocalNs);
    const { price, size, aggressor } = b;
    for (let i = 0, n = b.length; i < n; i++) acc += ts[2 * i]! + ts[2 * i + 1]! + price[i]! * size[i]! + aggressor[i]!;
  }
  for (const b of input.bbos) {
    const ts = words(b.tsLocalNs);
    const { bidPrice, bidSize, askPrice, askSize } = b;
    for (let i = 0, n = b.length; i < n; i++) acc += ts[2 * i]! + ts[2 * i + 1]! + bidPrice[i]! * bidSize[i]! + askPrice[i]! * askSize[i]!;
  }
  return acc;
}

export interface RawScanFigures {
  /** Per-sample rows/s and events/s (same timings, two counts). */
  readonly rowsPerSecond: number[];
  readonly eventsPerSecond: number[];
  readonly medianRowsPerSecond: number;
  readonly medianEventsPerSecond: number;
}

/** Measures rawScan on `input` (warm-up 3, ≥ 9 samples; each sample repeats the scan so it lasts ≥ ~50 ms), in CPU time by default. */
export function measureRawScan(input: ScanInput, samples = 9, clock: Clock = 'cpu'): RawScanFigures {
  let sink = 0;
  const t0 = performance.now();
  sink += rawScan(input);
  const once = Math.max(0.01, performance.now() - t0);
  const reps = Math.max(1, Math.ceil(50 / once));
  const secs = sample(
    () => {
      for (let r = 0; r < reps; r++) sink += rawScan(input);
    },
    (ms) => ms / 1000 / reps,
    { warmup: 3, samples, clock },
  );
  if (sink === -1) process.stderr.write('');
  const rowsPerSecond = secs.map((s) => input.rows / s);
  const eventsPerSecond = secs.map((s) => input.events / s);
  return { rowsPerSecond, eventsPerSecond, medianRowsPerSecond: median(rowsPerSecond), medianEventsPerSecond: median(eventsPerSecond) };
}
