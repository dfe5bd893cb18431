/**
 * The time grid of a dataset report: equal buckets of event time (ts_event_ns), aligned to
 * multiples of the bucket width since the epoch, wide enough that a window has at most
 * `maxBuckets` of them. The width is the smallest "round" duration (1, 2, 5 × 10^k ms up to
 * 1 s, then 1/2/5/10/15/30 s, minutes, hours) that fits, so the same window always gets the
 * same grid and bucket edges read well on the time axis.
 */
export interface TimeGrid {
  /** Start of bucket 0 (ns since epoch, a multiple of `bucketNs`). */
  readonly startNs: bigint;
  /** Bucket width (ns). */
  readonly bucketNs: bigint;
  readonly buckets: number;
}

const MS = 1_000_000n;
const ROUND_WIDTHS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000,
  21_600_000, 43_200_000, 86_400_000,
].map((ms) => BigInt(ms) * MS);

/** Grid covering [fromNs, toNs] (both inclusive) with at most `maxBuckets` buckets. */
export function timeGrid(fromNs: bigint, toNs: bigint, maxBuckets: number): TimeGrid {
  const span = toNs - fromNs + 1n;
  const need = (span + BigInt(maxBuckets) - 1n) / BigInt(maxBuckets);
  let bucketNs = ROUND_WIDTHS_MS.find((w) => w >= need);
  // Beyond a day per bucket: whole days.
  bucketNs ??= ((need + 86_400_000n * MS - 1n) / (86_400_000n * MS)) * 86_400_000n * MS;
  const startNs = floorTo(fromNs, bucketNs);
  const buckets = Number((floorTo(toNs, bucketNs) - startNs) / bucketNs) + 1;
  return { startNs, bucketNs, buckets };
}

function floorTo(ns: bigint, step: bigint): bigint {
  const r = ns % step;
  return r < 0n ? ns - r - step : ns - r;
}

/** Bucket index of an event time (may be outside 0..buckets-1 for times off the grid). */
export function bucketOf(grid: TimeGrid, tsNs: bigint): number {
  // One bigint subtraction, then doubles: offsets below 2^53 ns (104 days) are exact.
  return Math.floor(Number(tsNs - grid.startNs) / Number(grid.bucketNs));
}

/** Start of bucket `k` in ms since epoch (chart x values). */
export function bucketStartMs(grid: TimeGrid, k: number): number {
  return Number((grid.startNs + BigInt(k) * grid.bucketNs) / MS);
}

/** Bucket width in seconds (for per-second rates). */
export function bucketSeconds(grid: TimeGrid): number {
  return Number(grid.bucketNs) / 1e9;
}

/** A feed quiet for this long (event time) is drawn as a break in the lines. */
export const QUIET_FEED_NS = 1_000_000_000n;

/** Empty buckets in a row that make a break: ⌈1 s / bucket width⌉, at least one. */
export function gapBuckets(grid: TimeGrid): number {
  return Math.max(1, Number((QUIET_FEED_NS + grid.bucketNs - 1n) / grid.bucketNs));
}
