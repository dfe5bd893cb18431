/**
 * Self-contained HTML reports: one file with the ECharts build inlined and each chart's option
 * object embedded as JSON, so the page needs no network. Every series is downsampled before it
 * is embedded (downsample.ts), so the file size and the page's responsiveness do not grow with
 * the number of events in a run.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RunSeries } from './run-series.ts';
import type { EquityCurve, RunMetrics } from './run-metrics.ts';
import { downsampleMinMax, strideIndices, DEFAULT_BUCKETS } from './downsample.ts';
import { heatmap, rankRuns, sensitivity, variedParams, windowStability, type ComparedRun } from './sweep-comparison.ts';

let echartsSource: string | undefined;
function echartsScript(): string {
  echartsSource ??= readFileSync(join(dirname(createRequire(import.meta.url).resolve('echarts')), 'echarts.min.js'), 'utf8');
  return echartsSource;
}

export type ChartOption = Record<string, unknown>;

export type ReportSection =
  | { readonly kind: 'chart'; readonly title: string; readonly option: ChartOption; readonly height?: number }
  | {
      readonly kind: 'table';
      readonly title: string;
      readonly columns: readonly string[];
      readonly rows: readonly (readonly (string | number | null)[])[];
      /** Render folded (a <details> element): long reference tables. */
      readonly collapsed?: boolean;
    }
  | { readonly kind: 'text'; readonly title: string; readonly text: string };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function cell(v: string | number | null): string {
  if (v === null) return '<td class="na">–</td>';
  if (typeof v === 'number') return `<td class="num">${Number.isInteger(v) ? v : Number(v.toPrecision(6))}</td>`;
  return `<td>${escapeHtml(v)}</td>`;
}

export function renderReport(title: string, subtitle: string, sections: readonly ReportSection[]): string {
  const charts: { id: string; option: ChartOption }[] = [];
  const body = sections
    .map((s, i) => {
      if (s.kind === 'chart') {
        const id = `chart-${i}`;
        charts.push({ id, option: s.option });
        return `<section><h2>${escapeHtml(s.title)}</h2><div class="chart" id="${id}" style="height:${s.height ?? 340}px"></div></section>`;
      }
      if (s.kind === 'table') {
        const head = s.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
        const rows = s.rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('\n');
        const table = `<div class="table"><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
        return `<section><h2>${escapeHtml(s.title)}</h2>${s.collapsed ? `<details><summary>${s.rows.length} rows</summary>${table}</details>` : table}</section>`;
      }
      return `<section><h2>${escapeHtml(s.title)}</h2><p>${escapeHtml(s.text)}</p></section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:16px;color:#222}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}.sub{color:#666;margin:0 0 16px}
.chart{width:100%;border:1px solid #eee}.table{overflow-x:auto}table{border-collapse:collapse;font-size:13px}
th,td{border-bottom:1px solid #eee;padding:3px 8px;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}td.na{color:#aaa}
</style>
<link rel="icon" href="data:,">
<script>${echartsScript()}</script>
</head><body>
<h1>${escapeHtml(title)}</h1><p class="sub">${escapeHtml(subtitle)}</p>
${body}
<script>
const charts = ${scriptJson(charts)};
const instances = charts.map(({ id, option }) => { const c = echarts.init(document.getElementById(id), null, { renderer: 'canvas' }); c.setOption(option); return c; });
window.addEventListener('resize', () => instances.forEach((c) => c.resize()));
window.__chassisChartsRendered = instances.length;
</script>
</body></html>
`;
}

function pairs(x: ArrayLike<number>, y: ArrayLike<number>): [number, number][] {
  const out: [number, number][] = new Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = [x[i]!, Number(y[i]!.toPrecision(10))];
  return out;
}

const timeAxis = { type: 'time', axisLabel: { hideOverlap: true } };
const zoom = [{ type: 'inside' }, { type: 'slider', height: 18 }];

export interface RunReportInput {
  readonly series: RunSeries;
  readonly metrics: RunMetrics;
  readonly curve: EquityCurve;
  readonly buckets?: number;
}

export function runReportSections({ series, metrics, curve, buckets = DEFAULT_BUCKETS }: RunReportInput): ReportSection[] {
  const mid = downsampleMinMax(series.mid.tsMs, series.mid.mid, buckets);
  const bid = downsampleMinMax(series.quotes.tsMs, series.quotes.bid, buckets);
  const ask = downsampleMinMax(series.quotes.tsMs, series.quotes.ask, buckets);
  const f = series.fills;
  const pick = strideIndices(f.tsMs.length, 2000);
  const buys: [number, number][] = [];
  const sells: [number, number][] = [];
  for (const i of pick) (f.side[i] === 1 ? buys : sells).push([f.tsMs[i]!, f.price[i]!]);
  const eq = downsampleMinMax(curve.tsMs, curve.equity, buckets);
  const dd = downsampleMinMax(curve.tsMs, curve.drawdown, buckets);
  const pos = downsampleMinMax(curve.tsMs, curve.position, buckets);
  const horizons = Object.keys(metrics.markoutByHorizonMs);
  const lat = series.requests.latencyMs;
  const latSorted = Float64Array.from(lat.filter((x) => !Number.isNaN(x))).sort();
  const latBins = 30;
  const latMax = latSorted.length ? latSorted[latSorted.length - 1]! : 0;
  const latHist = new Array<number>(latBins).fill(0);
  for (const v of latSorted) latHist[Math.min(latBins - 1, Math.floor((v / (latMax || 1)) * latBins))]!++;
  const m = metrics;
  const fmt = (x: number | null) => (x === null ? null : x);
  return [
    {
      kind: 'table',
      title: 'Headline metrics',
      columns: ['metric', 'value'],
      rows: [
        [`PnL total (${m.currency}, after fees)`, m.pnlTotal],
        [`PnL realised (${m.currency})`, m.pnlRealised],
        [`PnL unrealised (${m.currency})`, m.pnlUnrealised],
        [`fees (${m.currency})`, m.fees],
        [`max drawdown (${m.currency})`, m.maxDrawdown],
        [`Sharpe (on ${m.sampleMs} ms equity changes, annualised 365 d)`, fmt(m.sharpe)],
        ['Sortino', fmt(m.sortino)],
        [`turnover (traded value, ${m.currency})`, m.turnover],
        ['fills', m.fills],
        ['fill ratio (filled orders / new orders)', fmt(m.fillRatio)],
        ['maker share (of filled qty)', fmt(m.makerShare)],
        ['time in market', m.timeInMarket],
        ['orders / replaces / cancels per minute', `${m.ratesPerMinute.orders} / ${m.ratesPerMinute.replaces} / ${m.ratesPerMinute.cancels}`],
        ['risk denials', m.riskDenials],
        ['rate-limit deferrals', m.rateLimitDeferrals],
        ['inventory min / mean / max', `${m.inventory.min} / ${m.inventory.mean} / ${m.inventory.max}`],
      ],
    },
    {
      kind: 'chart',
      title: 'Price, our quotes and fills',
      height: 420,
      option: {
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { data: ['mid', 'our bid', 'our ask', 'buy fills', 'sell fills'] },
        xAxis: timeAxis,
        yAxis: { type: 'value', scale: true },
        dataZoom: zoom,
        series: [
          { name: 'mid', type: 'line', showSymbol: false, data: pairs(mid.x, mid.y), lineStyle: { width: 1, color: '#555' } },
          { name: 'our bid', type: 'line', step: 'end', showSymbol: false, data: pairs(bid.x, bid.y), lineStyle: { width: 1, color: '#2a9d8f' } },
          { name: 'our ask', type: 'line', step: 'end', showSymbol: false, data: pairs(ask.x, ask.y), lineStyle: { width: 1, color: '#e76f51' } },
          { name: 'buy fills', type: 'scatter', symbolSize: 6, data: buys, itemStyle: { color: '#1d7f3a' } },
          { name: 'sell fills', type: 'scatter', symbolSize: 6, symbol: 'triangle', data: sells, itemStyle: { color: '#b3261e' } },
        ],
      },
    },
    {
      kind: 'chart',
      title: `Equity and drawdown (sampled every ${m.sampleMs} ms of simulated time)`,
      option: {
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { data: ['equity', 'drawdown'] },
        xAxis: timeAxis,
        yAxis: [{ type: 'value', scale: true, name: 'equity' }, { type: 'value', name: 'drawdown', inverse: true }],
        dataZoom: zoom,
        series: [
          { name: 'equity', type: 'line', showSymbol: false, data: pairs(eq.x, eq.y) },
          { name: 'drawdown', type: 'line', yAxisIndex: 1, showSymbol: false, areaStyle: { opacity: 0.2 }, data: pairs(dd.x, dd.y) },
        ],
      },
    },
    {
      kind: 'chart',
      title: 'Inventory (position)',
      option: {
        animation: false,
        tooltip: { trigger: 'axis' },
        xAxis: timeAxis,
        yAxis: { type: 'value' },
        dataZoom: zoom,
        series: [{ name: 'position', type: 'line', step: 'end', showSymbol: false, data: pairs(pos.x, pos.y), areaStyle: { opacity: 0.15 } }],
      },
    },
    {
      kind: 'chart',
      title: 'Spread capture and markout vs mid by horizon (quote ccy per unit, + = in our favour)',
      option: {
        animation: false,
        tooltip: {},
        xAxis: { type: 'category', data: horizons.map((h) => (h === '0' ? 'at fill' : `${h} ms`)) },
        yAxis: { type: 'value' },
        series: [{ type: 'bar', data: horizons.map((h) => m.markoutByHorizonMs[h] ?? null) }],
      },
    },
    {
      kind: 'chart',
      title: `Request latency to venue answer (ms; p50 ${m.latencyMs.p50 ?? '–'}, p95 ${m.latencyMs.p95 ?? '–'}) and request mix`,
      option: {
        animation: false,
        tooltip: {},
        grid: [{ left: '5%', width: '55%' }, { left: '70%', width: '25%' }],
        xAxis: [
          { type: 'category', gridIndex: 0, data: latHist.map((_, i) => Number(((i + 0.5) * (latMax / latBins)).toPrecision(3))) },
          { type: 'category', gridIndex: 1, data: ['new', 'replace', 'cancel', 'denied', 'deferred'] },
        ],
        yAxis: [{ type: 'value', gridIndex: 0 }, { type: 'value', gridIndex: 1 }],
        series: [
          { name: 'latency', type: 'bar', xAxisIndex: 0, yAxisIndex: 0, data: latHist },
          { name: 'requests', type: 'bar', xAxisIndex: 1, yAxisIndex: 1, data: [m.requests.new, m.requests.replace, m.requests.cancel, m.riskDenials, m.rateLimitDeferrals] },
        ],
      },
    },
  ];
}

export interface ExperimentReportInput {
  readonly experimentId: string;
  readonly runs: readonly ComparedRun[];
  /** Metric the ranking, sensitivity and heatmap use. */
  readonly metric?: string;
}

export function experimentReportSections({ runs, metric = 'pnl' }: ExperimentReportInput): ReportSection[] {
  const ranked = rankRuns(runs, metric);
  const params = variedParams(runs);
  const metricNames = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const short = (p: string) => p.split('.').pop()!;
  const sections: ReportSection[] = [
    {
      kind: 'table',
      title: `Runs ranked by ${metric}`,
      columns: ['#', 'run', 'status', ...params.map(short), ...metricNames],
      rows: ranked.map((r, i) => [i + 1, r.runId, r.status, ...params.map((p) => (r.params[p] === undefined ? null : String(r.params[p]))), ...metricNames.map((m) => r.metrics[m] ?? null)]),
    },
  ];
  const best = ranked[0];
  if (best && best.metrics[metric] !== null && best.metrics[metric] !== undefined) {
    const why = params.map((p) => {
      const s = sensitivity(runs, p, metric);
      const spread = s.length ? Math.max(...s.map((x) => x.mean)) - Math.min(...s.map((x) => x.mean)) : 0;
      return { p, spread };
    });
    why.sort((a, b) => b.spread - a.spread);
    sections.push({
      kind: 'text',
      title: 'Winner',
      text:
        `Best ${metric}: ${best.metrics[metric]} with ${params.map((p) => `${short(p)}=${String(best.params[p])}`).join(', ') || 'the base parameters'}. ` +
        (why.length ? `Most influential parameter: ${short(why[0]!.p)} (mean ${metric} varies by ${Number(why[0]!.spread.toPrecision(4))} across its values).` : ''),
    });
  }
  for (const p of params) {
    const s = sensitivity(runs, p, metric);
    const numeric = s.every((x) => typeof x.value === 'number');
    sections.push({
      kind: 'chart',
      title: `Sensitivity of ${metric} to ${short(p)} (mean and min–max over the other parameters)`,
      height: 300,
      option: {
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { data: ['mean', 'min', 'max'] },
        xAxis: numeric ? { type: 'value', name: short(p), scale: true } : { type: 'category', name: short(p), data: s.map((x) => String(x.value)) },
        yAxis: { type: 'value', name: metric, scale: true },
        series: (['mean', 'min', 'max'] as const).map((k) => ({
          name: k,
          type: 'line',
          symbolSize: k === 'mean' ? 8 : 4,
          lineStyle: k === 'mean' ? { width: 2 } : { width: 1, type: 'dashed' },
          data: s.map((x) => (numeric ? [x.value, x[k]] : x[k])),
        })),
      },
    });
  }
  if (params.length >= 2) {
    const h = heatmap(runs, params[0]!, params[1]!, metric);
    const vals = h.cells.map((c) => c[2]).filter((v): v is number => v !== null);
    sections.push({
      kind: 'chart',
      title: `Heatmap of mean ${metric}: ${short(h.xParam)} × ${short(h.yParam)}`,
      height: 380,
      option: {
        animation: false,
        tooltip: { position: 'top' },
        xAxis: { type: 'category', name: short(h.xParam), data: h.xValues.map(String) },
        yAxis: { type: 'category', name: short(h.yParam), data: h.yValues.map(String) },
        visualMap: { min: vals.length ? Math.min(...vals) : 0, max: vals.length ? Math.max(...vals) : 1, calculable: true, orient: 'horizontal', left: 'center', bottom: 0 },
        grid: { bottom: 80 },
        series: [{ type: 'heatmap', data: h.cells.map(([x, y, v]) => [x, y, v === null ? '-' : Number(v.toPrecision(8))]), label: { show: true } }],
      },
    });
  }
  if (runs.some((r) => r.params.window !== undefined)) {
    const st = windowStability(runs, metric);
    sections.push({
      kind: 'table',
      title: `Stability of ${metric} across dataset windows`,
      columns: ['parameters', 'windows', 'mean', 'std', 'min', 'max'],
      rows: st.map((r) => [Object.entries(r.params).map(([k, v]) => `${short(k)}=${String(v)}`).join(', '), r.windows, r.mean, r.std, r.min, r.max]),
    });
  }
  sections.push({ kind: 'text', title: 'Backtest vs paper/live', text: 'Not available yet: the paper and live runtimes do not record comparable runs.' });
  return sections;
}

/** One self-contained HTML page for a run directory's analysis. */
export function runReportHtml(input: RunReportInput & { readonly title?: string; readonly subtitle?: string }): string {
  return renderReport(
    input.title ?? `Run ${input.series.runId}`,
    input.subtitle ?? `${input.series.instrument} · ${new Date(input.series.startMs).toISOString()} → ${new Date(input.series.endMs).toISOString()}`,
    runReportSections(input),
  );
}

/**
 * A run's page with every instrument: one instrument gives exactly runReportHtml's page; several
 * give each instrument's sections under a heading naming it, all in one page (ECharts once).
 */
export function instrumentsReportHtml(inputs: readonly RunReportInput[], title?: string): string {
  const first = inputs[0];
  if (!first) throw new Error('instrumentsReportHtml: no instrument to report');
  if (inputs.length === 1) return runReportHtml({ ...first, ...(title ? { title } : {}) });
  const sections = inputs.flatMap((input) => [
    { kind: 'text', title: `Instrument ${input.series.instrument}`, text: `${input.series.fills.tsMs.length} fills; equity is the run's initial equity plus this instrument's PnL.` } as const,
    ...runReportSections(input).map((s) => ({ ...s, title: `${input.series.instrument} · ${s.title}` })),
  ]);
  return renderReport(
    title ?? `Run ${first.series.runId}`,
    `${inputs.map((i) => i.series.instrument).join(', ')} · ${new Date(first.series.startMs).toISOString()} → ${new Date(first.series.endMs).toISOString()}`,
    sections,
  );
}

export function experimentReportHtml(input: ExperimentReportInput & { readonly title?: string; readonly subtitle?: string }): string {
  return renderReport(input.title ?? `Experiment ${input.experimentId}`, input.subtitle ?? `${input.runs.length} runs`, experimentReportSections(input));
}
