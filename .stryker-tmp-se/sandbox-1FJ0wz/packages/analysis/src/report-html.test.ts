// @ts-nocheck
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { experimentReportHtml, instrumentsReportHtml, runReportHtml } from './report-html.ts';
import { computeRunMetrics, equityCurve } from './run-metrics.ts';
import { seriesFrom, type SimpleFill } from './test-series.ts';

const echartsBytes = readFileSync(join(dirname(createRequire(import.meta.url).resolve('echarts')), 'echarts.min.js'), 'utf8').length;
// A marker that occurs once in echarts.min.js: the library's license banner.
const occurrences = (html: string, s: string) => html.split(s).length - 1;

/** A run of `n` mid points over `n` ms with fills every 50 ms, so every chart has far more input points than it may embed. */
function bigRun(n: number) {
  const mids: [number, number][] = new Array(n);
  for (let i = 0; i < n; i++) mids[i] = [1_700_000_000_000 + i, 60_000 + Math.sin(i / 5000) * 50 + (i % 7)];
  const fills: SimpleFill[] = [];
  for (let i = 0; i < n; i += 50) fills.push({ t: mids[i]![0], side: (i / 50) % 2 === 0 ? 1 : -1, price: mids[i]![1], qty: 0.01, fee: 0.001 });
  const series = seriesFrom({ startMs: mids[0]![0], endMs: mids[n - 1]![0], mids, fills, ordersFilled: fills.length });
  const metrics = computeRunMetrics(series, { sampleMs: 10 });
  return { series, metrics, curve: equityCurve(series, metrics.sampleMs) };
}

describe('HTML reports', () => {
  it('embed the ECharts build once however many charts, and only downsampled points', () => {
    const html = runReportHtml(bigRun(400_000));
    expect(occurrences(html, 'Apache License')).toBe(1);
    expect(occurrences(html, 'echarts.init(')).toBe(1);
    // 5 charts: each line series at most 2 × 1500 points, fills at most 2000: data is a small part of the page.
    expect(html.length - echartsBytes).toBeLessThan(600_000);
    const charts = JSON.parse(/const charts = (\[.*\]);\n/.exec(html)![1]!) as { option: { series?: { data: unknown[] }[] } }[];
    expect(charts).toHaveLength(5);
    for (const c of charts) for (const s of c.option.series ?? []) expect(s.data.length).toBeLessThanOrEqual(3000);
  });

  it('a run with two instruments gets both sets of charts in one page, ECharts still once', () => {
    const a = bigRun(20_000);
    const b = { ...a, series: { ...a.series, instrument: 'test:ZW' } };
    const html = instrumentsReportHtml([a, b]);
    expect(occurrences(html, 'Apache License')).toBe(1);
    const charts = JSON.parse(/const charts = (\[.*\]);\n/.exec(html)![1]!) as unknown[];
    expect(charts).toHaveLength(10);
    expect(html).toContain('Instrument test:XY');
    expect(html).toContain('test:ZW · Price, our quotes and fills');
    // One instrument: exactly the single-run page.
    expect(instrumentsReportHtml([a])).toBe(runReportHtml(a));
  });

  it('an experiment report also carries ECharts once', () => {
    const runs = [1, 2, 3].flatMap((a) => [1, 2].map((b) => ({ runId: `r${a}${b}`, status: 'completed', params: { 'strategy.params.a': a, 'strategy.params.b': b }, metrics: { pnl: a * 10 - b } })));
    const html = experimentReportHtml({ experimentId: 'exp-test', runs });
    expect(occurrences(html, 'Apache License')).toBe(1);
    expect(html.length - echartsBytes).toBeLessThan(50_000);
  });
});
