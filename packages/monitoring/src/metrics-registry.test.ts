import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createQualityProbe,
  createRunProbe,
  createSweepProbe,
  eventsPerSecond,
  exportedMetricNames,
  instrumentLabels,
  instrumentProbe,
  isExportedSeries,
  metricCatalog,
  MetricsRegistry,
  qualityLabels,
  recordBatch,
  recordLabels,
  registerCatalogMetric,
  recordDatasetTransition,
  recordDenial,
  recordSweepTransition,
  setRunState,
  stepDurationBucketsSeconds,
  sweepLabels,
} from './index.ts';

/** Parses exposition text into `name{labels} value` → value, plus names seen. */
function parse(text: string): { samples: Map<string, number>; names: Set<string> } {
  const samples = new Map<string, number>();
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const series = line.slice(0, space);
    samples.set(series, Number(line.slice(space + 1)));
    names.add(series.split('{')[0]!);
  }
  return { samples, names };
}

function attachedRegistry() {
  const metrics = new MetricsRegistry();
  const run = createRunProbe({ component: 'backtest', runId: 'r1', strategy: 'mm' });
  const slot = instrumentProbe(run, 'binance', 'BTCUSDT');
  metrics.attachRun(run);
  const sweep = createSweepProbe({ component: 'sweep', sweepId: 's1' });
  metrics.attachSweep(sweep);
  const quality = createQualityProbe({ component: 'quality', venue: 'binance' });
  metrics.attachQuality(quality);
  metrics.watchDataRoot(mkdtempSync(join(tmpdir(), 'chassis-root-')), 'backtest');
  return { metrics, run, slot, sweep, quality };
}

describe('the metric catalog', () => {
  it('names every metric with the chassis_ prefix, counters ending in _total and never twice', () => {
    const names = metricCatalog.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const spec of metricCatalog) {
      expect(spec.name).toMatch(/^chassis_[a-z][a-z0-9_]*$/);
      expect(spec.name.endsWith('_total')).toBe(spec.type === 'counter');
      expect(spec.help.length).toBeGreaterThan(10);
    }
  });

  it('uses only the shared label vocabulary plus one enumerating label per metric', () => {
    const vocabulary = new Set<string>([...instrumentLabels, ...sweepLabels, ...qualityLabels, ...recordLabels, 'path']);
    const enumerating = new Set(['decision', 'reason', 'type', 'state', 'status', 'kind', 'bucket']);
    for (const spec of metricCatalog) {
      expect(spec.labels).toContain('component');
      for (const label of spec.labels) expect(vocabulary.has(label) || enumerating.has(label), `${spec.name}:${label}`).toBe(true);
    }
  });

  it('has a reader in the exporter for exactly the catalog metrics no other package registers', () => {
    expect([...exportedMetricNames].sort()).toEqual(metricCatalog.filter((s) => s.registeredBy === undefined).map((s) => s.name).sort());
  });

  it('leaves the recorder metrics (chassis_record_*) to @chassis/recording and the session metrics (chassis_live_*) to @chassis/live, and only those', () => {
    const delegated = metricCatalog.filter((s) => s.registeredBy !== undefined);
    expect(delegated.filter((s) => s.registeredBy === 'recording').length).toBeGreaterThan(0);
    expect(delegated.filter((s) => s.registeredBy === 'live').length).toBeGreaterThan(0);
    for (const spec of delegated) {
      const owner = spec.name.startsWith('chassis_record_') ? 'recording' : spec.name.startsWith('chassis_live_') ? 'live' : 'none';
      expect(spec.registeredBy, spec.name).toBe(owner);
    }
  });

  it('recognises histogram suffixes and default metrics but not unknown chassis names', () => {
    expect(isExportedSeries('chassis_step_duration_seconds_bucket')).toBe(true);
    expect(isExportedSeries('process_cpu_seconds_total')).toBe(true);
    expect(isExportedSeries('chassis_events_processed_total_bucket')).toBe(false);
    expect(isExportedSeries('chassis_made_up_total')).toBe(false);
  });
});

describe('the metrics registry', () => {
  it('exports every catalog metric it reads from probes, with exactly its catalog labels, once probes are attached', async () => {
    const { metrics } = attachedRegistry();
    const text = await metrics.text();
    const { samples, names } = parse(text);
    for (const spec of metricCatalog.filter((s) => s.registeredBy === undefined)) {
      const family = spec.type === 'histogram' ? `${spec.name}_count` : spec.name;
      expect(names.has(family), spec.name).toBe(true);
      expect(text).toContain(`# TYPE ${spec.name} ${spec.type}`);
      const series = [...samples.keys()].find((k) => k.startsWith(`${family}{`))!;
      const labelNames = [...series.matchAll(/([a-z_]+)="/g)].map((m) => m[1]).filter((l) => l !== 'le');
      expect(labelNames.sort(), spec.name).toEqual([...spec.labels].sort());
    }
  });

  it('includes the default process and nodejs metrics', async () => {
    const { names } = parse(await new MetricsRegistry().text());
    expect(names.has('process_cpu_seconds_total')).toBe(true);
    expect([...names].some((n) => n.startsWith('nodejs_'))).toBe(true);
  });

  it('shows the values a runtime wrote into the probe at the next scrape', async () => {
    const { metrics, run, slot, sweep, quality } = attachedRegistry();
    setRunState(run, 'running', 1_000);
    recordBatch(run, 100, 0.001);
    recordDenial(run, 'max_position', 3);
    run.intentsAllowed = 7;
    run.requestsCancel = 2;
    slot.position = -0.25;
    slot.realizedPnl = 12.5;
    recordSweepTransition(sweep, null, 'queued', 2_000);
    recordSweepTransition(sweep, 'queued', 'running', 3_000);
    recordDatasetTransition(quality, null, 'discovered');
    recordDatasetTransition(quality, 'discovered', 'quarantined');
    const { samples } = parse(await metrics.text());
    const r = 'component="backtest",run_id="r1",strategy="mm"';
    expect(samples.get(`chassis_events_processed_total{${r}}`)).toBe(100);
    expect(samples.get(`chassis_intents_total{${r},decision="denied",reason="max_position"}`)).toBe(3);
    expect(samples.get(`chassis_intents_total{${r},decision="allowed",reason="none"}`)).toBe(7);
    expect(samples.get(`chassis_requests_sent_total{${r},type="cancel"}`)).toBe(2);
    expect(samples.get(`chassis_run_state{${r},state="running"}`)).toBe(1);
    expect(samples.get(`chassis_run_state{${r},state="pending"}`)).toBe(0);
    expect(samples.get(`chassis_position{${r},venue="binance",instrument="BTCUSDT"}`)).toBe(-0.25);
    expect(samples.get(`chassis_pnl{${r},venue="binance",instrument="BTCUSDT",kind="realized"}`)).toBe(12.5);
    expect(samples.get('chassis_sweep_runs{component="sweep",sweep_id="s1",status="running"}')).toBe(1);
    expect(samples.get('chassis_sweep_runs{component="sweep",sweep_id="s1",status="queued"}')).toBe(0);
    expect(samples.get('chassis_sweep_last_progress_timestamp_seconds{component="sweep",sweep_id="s1"}')).toBe(3);
    expect(samples.get('chassis_quality_quarantined_total{component="quality",venue="binance"}')).toBe(1);
    expect(samples.get('chassis_quality_datasets{component="quality",venue="binance",state="quarantined"}')).toBe(1);
    const free = [...samples.entries()].find(([k]) => k.startsWith('chassis_data_root_free_bytes{'))![1];
    const size = [...samples.entries()].find(([k]) => k.startsWith('chassis_data_root_size_bytes{'))![1];
    expect(free).toBeGreaterThan(0);
    expect(free).toBeLessThanOrEqual(size);
  });

  it('stops exporting a run after it is detached', async () => {
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    const detach = metrics.attachRun(createRunProbe({ component: 'worker', runId: 'gone', strategy: 'x' }));
    expect(await metrics.text()).toContain('run_id="gone"');
    detach();
    expect(await metrics.text()).not.toContain('run_id="gone"');
  });

  it('refuses to register a metric the catalog does not document', () => {
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    expect(() => registerCatalogMetric(metrics.registry, 'chassis_made_up_total', () => {})).toThrow(/chassis_made_up_total is not in the monitoring catalog/);
  });

  it('keeps histogram buckets cumulative with +Inf equal to the count and the sum equal to the time recorded', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 30 }), async (batches) => {
        const metrics = new MetricsRegistry({ defaultMetrics: false });
        const run = createRunProbe({ component: 'backtest', runId: 'h', strategy: 's' });
        metrics.attachRun(run);
        let events = 0;
        let seconds = 0;
        for (const [n, s] of batches) {
          recordBatch(run, n, s);
          events += n;
          seconds += s;
        }
        const { samples } = parse(await metrics.text());
        const base = 'component="backtest",run_id="h",strategy="s"';
        let previous = 0;
        for (const le of stepDurationBucketsSeconds) {
          const v = samples.get(`chassis_step_duration_seconds_bucket{${base},le="${le}"}`)!;
          expect(v).toBeGreaterThanOrEqual(previous);
          previous = v;
        }
        expect(samples.get(`chassis_step_duration_seconds_bucket{${base},le="+Inf"}`)).toBe(events);
        expect(samples.get(`chassis_step_duration_seconds_count{${base}}`)).toBe(events);
        expect(samples.get(`chassis_step_duration_seconds_sum{${base}}`)).toBeCloseTo(seconds, 9);
        expect(samples.get(`chassis_events_processed_total{${base}}`)).toBe(events);
      }),
      { numRuns: 50 },
    );
  });

  it('reports mean events per second between running and completion', () => {
    const run = createRunProbe({ component: 'backtest', runId: 'e', strategy: 's' });
    setRunState(run, 'running', 10_000);
    run.eventsProcessed = 5_000;
    expect(eventsPerSecond(run, 11_000)).toBe(5_000);
    setRunState(run, 'completed', 12_000);
    expect(eventsPerSecond(run, 99_000)).toBe(2_500);
  });
});
