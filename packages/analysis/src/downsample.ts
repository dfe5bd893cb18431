/**
 * Min/max-per-bucket downsampling: splits the time range into `buckets` equal slices and keeps,
 * per slice, the first-occurring of its min and max then the other — at most 2 × buckets
 * points, extremes (spikes, drawdown troughs) preserved. Linear, one output allocation.
 * NaN values (gaps, e.g. no quote) are skipped. Used so a 10-million-event run yields a chart
 * of a few thousand points.
 */
export interface Series {
  readonly x: Float64Array;
  readonly y: Float64Array;
}

export const DEFAULT_BUCKETS = 1500;

export function downsampleMinMax(x: ArrayLike<number>, y: ArrayLike<number>, buckets = DEFAULT_BUCKETS): Series {
  const n = x.length;
  if (n <= buckets * 2) {
    let m = 0;
    for (let i = 0; i < n; i++) if (!Number.isNaN(y[i]!)) m++;
    const ox = new Float64Array(m);
    const oy = new Float64Array(m);
    for (let i = 0, k = 0; i < n; i++) {
      if (Number.isNaN(y[i]!)) continue;
      ox[k] = x[i]!;
      oy[k++] = y[i]!;
    }
    return { x: ox, y: oy };
  }
  const x0 = x[0]!;
  const span = x[n - 1]! - x0 || 1;
  const ox = new Float64Array(buckets * 2);
  const oy = new Float64Array(buckets * 2);
  let k = 0;
  let i = 0;
  for (let b = 0; b < buckets; b++) {
    const end = b === buckets - 1 ? Infinity : x0 + ((b + 1) * span) / buckets;
    let iMin = -1;
    let iMax = -1;
    for (; i < n && x[i]! < end; i++) {
      const v = y[i]!;
      if (Number.isNaN(v)) continue;
      if (iMin < 0 || v < y[iMin]!) iMin = i;
      if (iMax < 0 || v > y[iMax]!) iMax = i;
    }
    if (iMin < 0) continue;
    const a = Math.min(iMin, iMax);
    const c = Math.max(iMin, iMax);
    ox[k] = x[a]!;
    oy[k++] = y[a]!;
    if (c !== a) {
      ox[k] = x[c]!;
      oy[k++] = y[c]!;
    }
  }
  return { x: ox.subarray(0, k), y: oy.subarray(0, k) };
}

/** Keeps every ⌈n/max⌉-th point of a point cloud (e.g. fills) — a deterministic stride sample. */
export function strideIndices(n: number, max: number): Uint32Array {
  const stride = Math.max(1, Math.ceil(n / max));
  const out = new Uint32Array(Math.ceil(n / stride));
  for (let i = 0, k = 0; i < n; i += stride) out[k++] = i;
  return out;
}

/**
 * The same min/max rule as `downsampleMinMax`, streamed over a fixed grid of `buckets` time
 * buckets known up front, so a series of any length never has to sit in memory: `add` each
 * sample (bucket index, x, y) in time order; `points()` gives, per bucket that had samples,
 * its minimum and maximum in the order they occurred (one point if they are the same sample),
 * and a `null` y at the start of each long enough run of empty buckets, which ECharts draws as
 * a break in the line — a quiet feed is a visible gap, never an interpolated line.
 */
export class BucketExtremes {
  private readonly minY: Float64Array;
  private readonly maxY: Float64Array;
  private readonly minX: Float64Array;
  private readonly maxX: Float64Array;
  private readonly minSeq: Float64Array;
  private readonly maxSeq: Float64Array;
  private seq = 0;

  constructor(
    readonly buckets: number,
    /** x of the start of bucket k (for the gap markers). */
    private readonly bucketX: (k: number) => number,
  ) {
    this.minY = new Float64Array(buckets).fill(NaN);
    this.maxY = new Float64Array(buckets).fill(NaN);
    this.minX = new Float64Array(buckets);
    this.maxX = new Float64Array(buckets);
    this.minSeq = new Float64Array(buckets);
    this.maxSeq = new Float64Array(buckets);
  }

  add(k: number, x: number, y: number): void {
    if (k < 0 || k >= this.buckets || Number.isNaN(y)) return;
    const s = this.seq++;
    if (!(y >= this.minY[k]!)) {
      this.minY[k] = y;
      this.minX[k] = x;
      this.minSeq[k] = s;
    }
    if (!(y <= this.maxY[k]!)) {
      this.maxY[k] = y;
      this.maxX[k] = x;
      this.maxSeq[k] = s;
    }
  }

  /** Whether bucket k has at least one sample. */
  has(k: number): boolean {
    return !Number.isNaN(this.minY[k]!);
  }

  /** Smallest / largest sample of bucket k (NaN when empty). */
  minOf(k: number): number {
    return this.minY[k]!;
  }

  maxOf(k: number): number {
    return this.maxY[k]!;
  }

  /**
   * The chart points; `scale` maps a stored y to the plotted value (e.g. units → price). A run
   * of at least `minGapBuckets` empty buckets becomes one `null` point (a break in the line);
   * shorter runs are bridged, so a sparse but live feed still draws a line.
   */
  points(scale: (y: number) => number = (y) => y, minGapBuckets = 1, precision = 10): [number, number | null][] {
    const out: [number, number | null][] = [];
    for (let k = 0; k < this.buckets; k++) {
      if (!this.has(k)) {
        let end = k;
        while (end < this.buckets && !this.has(end)) end++;
        if (end - k >= minGapBuckets && out.length > 0) out.push([this.bucketX(k), null]);
        k = end - 1;
        continue;
      }
      const minFirst = this.minSeq[k]! <= this.maxSeq[k]!;
      const a: [number, number] = minFirst ? [this.minX[k]!, this.minY[k]!] : [this.maxX[k]!, this.maxY[k]!];
      const b: [number, number] = minFirst ? [this.maxX[k]!, this.maxY[k]!] : [this.minX[k]!, this.minY[k]!];
      out.push([a[0], Number(scale(a[1]).toPrecision(precision))]);
      if (this.minSeq[k] !== this.maxSeq[k]) out.push([b[0], Number(scale(b[1]).toPrecision(precision))]);
    }
    return out;
  }
}
