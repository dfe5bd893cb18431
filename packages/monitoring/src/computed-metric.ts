/**
 * A metric family whose samples are computed when Prometheus scrapes (or a job pushes), from
 * plain numbers the runtime updated in place — never a prom-client call per event. Implements
 * the part of prom-client's Metric contract its Registry uses (name, help, type, get, reset).
 */
import type { Metric, Registry } from 'prom-client';
import { ChassisError } from '@chassis/core';
import { metricSpec, type MetricSpec, type MetricType } from './catalog.ts';

export type MetricLabels = Record<string, string>;
/** Emits one sample; `metricName` names a histogram's _bucket/_sum/_count series. */
export type EmitSample = (labels: MetricLabels, value: number, metricName?: string) => void;

interface Sample {
  value: number;
  labels: MetricLabels;
  metricName?: string;
}

class ComputedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly aggregator = 'sum';
  private readonly collect: (emit: EmitSample) => void;

  constructor(spec: MetricSpec, collect: (emit: EmitSample) => void) {
    this.name = spec.name;
    this.help = spec.help;
    this.type = spec.type;
    this.collect = collect;
  }

  get(): { name: string; help: string; type: MetricType; aggregator: string; values: Sample[] } {
    const values: Sample[] = [];
    this.collect((labels, value, metricName) => {
      values.push(metricName === undefined ? { labels, value } : { labels, value, metricName });
    });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    // Values live with the runtime that updates them; there is nothing to reset here.
  }
}

/** Registers `spec` as a computed family in a prom-client registry. */
export function registerComputedMetric(registry: Registry, spec: MetricSpec, collect: (emit: EmitSample) => void): void {
  registry.registerMetric(new ComputedMetric(spec, collect) as unknown as Metric);
}

/**
 * Registers the catalog metric `name` (help, type and labels from the catalog, the one source of
 * truth); a name the catalog does not list is an error, so no undocumented metric is exported.
 */
export function registerCatalogMetric(registry: Registry, name: string, collect: (emit: EmitSample) => void): void {
  const spec = metricSpec(name);
  if (spec === undefined) throw new ChassisError('E_METRIC_UNKNOWN', `metric ${name} is not in the monitoring catalog (packages/monitoring/src/catalog.ts)`);
  registerComputedMetric(registry, spec, collect);
}

/**
 * Emits a histogram's cumulative _bucket series (le = each bound, then +Inf), _sum and _count
 * from per-bucket counts (counts[i] = observations in (bounds[i-1], bounds[i]], counts[bounds.length] = above the last).
 */
export function emitHistogram(emit: EmitSample, name: string, labels: MetricLabels, boundsSeconds: readonly number[], counts: ArrayLike<number>, sum: number, count: number): void {
  let cumulative = 0;
  for (let i = 0; i < boundsSeconds.length; i++) {
    cumulative += counts[i]!;
    emit({ ...labels, le: String(boundsSeconds[i]) }, cumulative, `${name}_bucket`);
  }
  emit({ ...labels, le: '+Inf' }, count, `${name}_bucket`);
  emit(labels, sum, `${name}_sum`);
  emit(labels, count, `${name}_count`);
}
