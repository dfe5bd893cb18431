/**
 * Min/max-per-bucket downsampling: splits the time range into `buckets` equal slices and keeps,
 * per slice, the first-occurring of its min and max then the other — at most 2 × buckets
 * points, extremes (spikes, drawdown troughs) preserved. Linear, one output allocation.
 * NaN values (gaps, e.g. no quote) are skipped. Used so a 10-million-event run yields a chart
 * of a few thousand points.
 */
// @ts-nocheck

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
