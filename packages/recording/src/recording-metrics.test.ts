import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { metricCatalog, MetricsRegistry, recordLagBucketsSeconds, startMetricsServer, type MetricsServer } from '@chassis/monitoring';
import { createRecordingMetrics, readDiskFreeBytes } from './recording-metrics.ts';

/** Exposition text → `name{labels}` → value (one line per sample). */
function samplesOf(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

const usdm = 'component="record",venue="binance-usdm",feed="depth+trade+bbo"';
const okx = 'component="record",venue="okx",feed="trade"';

let server: MetricsServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function scrapeOverHttp(metrics: MetricsRegistry): Promise<Map<string, number>> {
  server = await startMetricsServer({ metrics, port: 0 });
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  return samplesOf(await res.text());
}

describe('the recording metrics', () => {
  it('serve on /metrics the counts, bytes, drops and buffer fill the recorder reported, per feed', async () => {
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    const rec = createRecordingMetrics(metrics.registry);
    rec.frame('binance-usdm', 'depth+trade+bbo', 120, 3);
    rec.frame('binance-usdm', 'depth+trade+bbo', 80, null);
    rec.frame('okx', 'trade', 300, 40);
    rec.dropped('binance-usdm', 'depth+trade+bbo', 7);
    rec.bufferFill('binance-usdm', 'depth+trade+bbo', 0.25);
    rec.bufferFill('binance-usdm', 'depth+trade+bbo', 0.75);
    rec.diskFreeBytes(123_456_789);
    const s = await scrapeOverHttp(metrics);
    expect(s.get(`chassis_record_messages_total{${usdm}}`)).toBe(2);
    expect(s.get(`chassis_record_bytes_total{${usdm}}`)).toBe(200);
    expect(s.get(`chassis_record_messages_total{${okx}}`)).toBe(1);
    expect(s.get(`chassis_record_bytes_total{${okx}}`)).toBe(300);
    expect(s.get(`chassis_record_dropped_messages_total{${usdm}}`)).toBe(7);
    expect(s.get(`chassis_record_dropped_messages_total{${okx}}`)).toBe(0);
    expect(s.get(`chassis_record_buffer_fill_ratio{${usdm}}`)).toBe(0.75);
    expect(s.get('chassis_record_disk_free_bytes{component="record"}')).toBe(123_456_789);
  });

  it('count reconnects, gaps and every connection event by type', async () => {
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    const rec = createRecordingMetrics(metrics.registry);
    const events = ['connecting', 'open', 'subscribed', 'gap', 'closed', 'reconnect-scheduled', 'connecting', 'open', 'gap', 'gap', 'silent', 'reconnect-scheduled'] as const;
    for (const type of events) rec.connectionEvent('binance-usdm', 'depth+trade+bbo', type);
    rec.connectionEvent('okx', 'trade', 'open');
    const s = samplesOf(await metrics.text());
    expect(s.get(`chassis_record_reconnects_total{${usdm}}`)).toBe(2);
    expect(s.get(`chassis_record_gaps_total{${usdm}}`)).toBe(3);
    expect(s.get(`chassis_record_gaps_total{${okx}}`)).toBe(0);
    for (const type of new Set(events)) {
      expect(s.get(`chassis_record_connection_events_total{${usdm},type="${type}"}`), type).toBe(events.filter((e) => e === type).length);
    }
    expect(s.get(`chassis_record_connection_events_total{${okx},type="open"}`)).toBe(1);
  });

  it('stamp the last-message time at each frame, and at first sight of a feed that has sent nothing yet', async () => {
    let nowMs = 1_700_000_000_000;
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    const rec = createRecordingMetrics(metrics.registry, { nowMs: () => nowMs });
    rec.connectionEvent('okx', 'trade', 'connecting');
    nowMs += 90_000;
    rec.frame('binance-usdm', 'depth+trade+bbo', 10, null);
    let s = samplesOf(await metrics.text());
    expect(s.get(`chassis_record_last_message_timestamp_seconds{${okx}}`)).toBe(1_700_000_000);
    expect(s.get(`chassis_record_last_message_timestamp_seconds{${usdm}}`)).toBe(1_700_000_090);
    nowMs += 1_500;
    rec.frame('binance-usdm', 'depth+trade+bbo', 10, null);
    s = samplesOf(await metrics.text());
    expect(s.get(`chassis_record_last_message_timestamp_seconds{${usdm}}`)).toBe(1_700_000_091.5);
  });

  it('bucket lags exactly as a prom-client Histogram with the same bounds does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.constant(null), fc.double({ min: -50, max: 30_000, noNaN: true }), fc.constantFrom(...recordLagBucketsSeconds.map((b) => b * 1000))), { maxLength: 60 }), async (lagsMs) => {
        const metrics = new MetricsRegistry({ defaultMetrics: false });
        const rec = createRecordingMetrics(metrics.registry);
        const reference = new Registry();
        const histogram = new Histogram({ name: 'reference_lag_seconds', help: 'oracle', labelNames: ['component', 'venue', 'feed'], buckets: [...recordLagBucketsSeconds], registers: [reference] });
        const child = histogram.labels({ component: 'record', venue: 'binance-usdm', feed: 'depth+trade+bbo' });
        child.observe(0); // both sides must show the series even when no frame carried a lag
        rec.frame('binance-usdm', 'depth+trade+bbo', 1, 0);
        for (const lagMs of lagsMs) {
          rec.frame('binance-usdm', 'depth+trade+bbo', 1, lagMs);
          if (lagMs !== null) child.observe(lagMs / 1000);
        }
        const ours = samplesOf(await metrics.text());
        const theirs = samplesOf(await reference.metrics());
        for (const le of [...recordLagBucketsSeconds.map(String), '+Inf']) {
          const expected = theirs.get(`reference_lag_seconds_bucket{le="${le}",${usdm}}`);
          expect(expected, le).toBeGreaterThanOrEqual(1);
          expect(ours.get(`chassis_record_lag_seconds_bucket{${usdm},le="${le}"}`), le).toBe(expected);
        }
        expect(ours.get(`chassis_record_lag_seconds_count{${usdm}}`)).toBe(theirs.get(`reference_lag_seconds_count{${usdm}}`));
        expect(ours.get(`chassis_record_lag_seconds_sum{${usdm}}`)).toBeCloseTo(theirs.get(`reference_lag_seconds_sum{${usdm}}`)!, 6);
        expect(ours.get(`chassis_record_messages_total{${usdm}}`)).toBe(lagsMs.length + 1);
      }),
      { numRuns: 40 },
    );
  });

  it('agree with a reference Map after any sequence of calls over several feeds', async () => {
    const venues = ['binance-usdm', 'okx', 'bybit-linear'] as const;
    const feeds = ['depth', 'trade', 'depth+trade+bbo'] as const;
    const types = ['open', 'closed', 'gap', 'reconnect-scheduled', 'silent', 'resync'] as const;
    const call = fc.oneof(
      fc.record({ op: fc.constant('frame' as const), venue: fc.constantFrom(...venues), feed: fc.constantFrom(...feeds), bytes: fc.integer({ min: 1, max: 5000 }) }),
      fc.record({ op: fc.constant('event' as const), venue: fc.constantFrom(...venues), feed: fc.constantFrom(...feeds), type: fc.constantFrom(...types) }),
      fc.record({ op: fc.constant('fill' as const), venue: fc.constantFrom(...venues), feed: fc.constantFrom(...feeds), ratio: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ op: fc.constant('dropped' as const), venue: fc.constantFrom(...venues), feed: fc.constantFrom(...feeds), n: fc.integer({ min: 1, max: 100 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(call, { maxLength: 80 }), async (calls) => {
        const metrics = new MetricsRegistry({ defaultMetrics: false });
        const rec = createRecordingMetrics(metrics.registry);
        // The reference: one Map entry per series, keyed by its exposition name and labels.
        const expected = new Map<string, number>();
        const add = (series: string, n: number): void => void expected.set(series, (expected.get(series) ?? 0) + n);
        for (const c of calls) {
          const l = `component="record",venue="${c.venue}",feed="${c.feed}"`;
          for (const zero of ['messages_total', 'bytes_total', 'dropped_messages_total', 'gaps_total', 'reconnects_total']) add(`chassis_record_${zero}{${l}}`, 0);
          if (!expected.has(`chassis_record_buffer_fill_ratio{${l}}`)) expected.set(`chassis_record_buffer_fill_ratio{${l}}`, 0);
          if (c.op === 'frame') {
            rec.frame(c.venue, c.feed, c.bytes, null);
            add(`chassis_record_messages_total{${l}}`, 1);
            add(`chassis_record_bytes_total{${l}}`, c.bytes);
          } else if (c.op === 'event') {
            rec.connectionEvent(c.venue, c.feed, c.type);
            add(`chassis_record_connection_events_total{${l},type="${c.type}"}`, 1);
            if (c.type === 'gap') add(`chassis_record_gaps_total{${l}}`, 1);
            if (c.type === 'reconnect-scheduled') add(`chassis_record_reconnects_total{${l}}`, 1);
          } else if (c.op === 'fill') {
            rec.bufferFill(c.venue, c.feed, c.ratio);
            expected.set(`chassis_record_buffer_fill_ratio{${l}}`, c.ratio);
          } else {
            rec.dropped(c.venue, c.feed, c.n);
            add(`chassis_record_dropped_messages_total{${l}}`, c.n);
          }
        }
        const scraped = samplesOf(await metrics.text());
        const compared = [...scraped].filter(([k]) => /^chassis_record_(messages|bytes|dropped_messages|gaps|reconnects|connection_events)_total\{|^chassis_record_buffer_fill_ratio\{/.test(k));
        expect(new Map(compared)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('export each chassis_record_* catalog metric with exactly its catalog type and labels', async () => {
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    const rec = createRecordingMetrics(metrics.registry);
    rec.frame('bybit-linear', 'depth', 10, 5);
    rec.connectionEvent('bybit-linear', 'depth', 'open');
    rec.diskFreeBytes(1);
    const text = await metrics.text();
    const samples = samplesOf(text);
    const recordSpecs = metricCatalog.filter((spec) => spec.registeredBy === 'recording');
    expect(recordSpecs.map((spec) => spec.name)).toContain('chassis_record_last_message_timestamp_seconds');
    for (const spec of recordSpecs) {
      expect(text).toContain(`# TYPE ${spec.name} ${spec.type}`);
      const family = spec.type === 'histogram' ? `${spec.name}_count` : spec.name;
      const series = [...samples.keys()].find((k) => k.startsWith(`${family}{`));
      expect(series, spec.name).toBeDefined();
      const labelNames = [...series!.matchAll(/([a-z_]+)="/g)].map((m) => m[1]);
      expect(labelNames.sort(), spec.name).toEqual([...spec.labels].sort());
    }
  });

  it('read the free bytes of a path as df reports them', async () => {
    const dir = tmpdir();
    const ours = await readDiskFreeBytes(dir);
    const df = Number(execFileSync('df', ['-B1', '--output=avail', dir], { encoding: 'utf8' }).trim().split('\n')[1]);
    // Other processes write to this disk between the two reads: allow 64 MiB of drift.
    expect(Math.abs(ours - df)).toBeLessThan(64 * 1024 * 1024);
    expect(ours).toBeGreaterThan(0);
  });

  it('reject a path that does not exist with the fs error', async () => {
    await expect(readDiskFreeBytes('/nonexistent/chassis-spool')).rejects.toThrow(/ENOENT/);
  });
});
