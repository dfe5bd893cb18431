/**
 * A histogram kept as plain numbers (per-bucket counts, sum, count) and emitted at scrape time
 * through `emitHistogram`: observing is a bucket search and three additions, no prom-client call.
 */
import { emitHistogram, type EmitSample, type MetricLabels } from './computed-metric.ts';

export class BucketHistogram {
  /** Observations per bucket: counts[i] in (bounds[i-1], bounds[i]], counts[bounds.length] above the last bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  /** `bounds`: ascending upper bounds (Prometheus `le`), in the metric's unit. */
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one value; NaN and infinities are ignored (they would poison the sum). */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    this.counts[i] = this.counts[i]! + 1;
    this.sum += value;
    this.count++;
  }

  /** Emits the cumulative _bucket series, _sum and _count of metric `name` with `labels`. */
  emit(emit: EmitSample, name: string, labels: MetricLabels): void {
    emitHistogram(emit, name, labels, this.bounds, this.counts, this.sum, this.count);
  }
}
