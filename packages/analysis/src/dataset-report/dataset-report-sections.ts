/**
 * The sections of a dataset report page: each chart followed by a table of the numbers behind
 * it, then the quality record and a folded per-bucket reference table. Decimal quantities in
 * tables are exact (integer units formatted as decimals); charts plot floats.
 */
import { nsToIso } from '@chassis/storage';
import type { ChartOption, ReportSection } from '../report-html.ts';
import { DEPTH_BPS, type BookTimeline } from './book-timeline.ts';
import { arrayPercentile, formatHalfUnits, formatNsAsMs, formatUnits, histogramPercentile } from './decimal-units.ts';
import { LATENCY_QUANTILES, type FeedStats, type LatencyStats } from './feed-stats.ts';
import { checkRows, markRows, transitionRows, type QualityMarks } from './quality-marks.ts';
import type { ReportScope } from './report-target.ts';
import { bucketSeconds, bucketStartMs, gapBuckets, type TimeGrid } from './time-grid.ts';

export interface DatasetReportData {
  readonly scope: ReportScope;
  readonly grid: TimeGrid;
  readonly book: BookTimeline;
  readonly feed: FeedStats;
  readonly marks: QualityMarks;
}

const timeAxis = { type: 'time', axisLabel: { hideOverlap: true } };
const zoom = [{ type: 'inside' }, { type: 'slider', height: 18 }];
const nsToMs = (ns: bigint) => Number(ns / 1_000_000n);

/** Gaps and splits as vertical lines, non-promoted datasets as shaded spans, on one series. */
function qualityOverlay(marks: QualityMarks): Record<string, unknown> {
  return {
    markLine: {
      symbol: 'none',
      silent: false,
      label: { formatter: '{b}', position: 'insideEndTop', fontSize: 10 },
      data: marks.points.map((p) => ({ name: p.label, xAxis: nsToMs(p.atNs), lineStyle: { color: p.kind === 'gap' ? '#d62828' : '#f77f00', type: p.kind === 'gap' ? 'solid' : 'dashed' } })),
    },
    markArea: {
      itemStyle: { color: 'rgba(214, 40, 40, 0.12)' },
      label: { fontSize: 10 },
      data: marks.spans.map((s) => [{ name: s.label, xAxis: nsToMs(s.fromNs) }, { xAxis: nsToMs(s.toNs) }]),
    },
  };
}

/**
 * One point per bucket with a sample; a run of empty (NaN) buckets as long as a quiet feed
 * (gapBuckets) becomes one null, a break in the line; shorter runs are bridged.
 */
function bucketPoints(grid: TimeGrid, values: ArrayLike<number>, scale = 1): [number, number | null][] {
  const out: [number, number | null][] = [];
  const minGap = gapBuckets(grid);
  for (let k = 0; k < grid.buckets; k++) {
    if (Number.isNaN(values[k]!)) {
      let end = k;
      while (end < grid.buckets && Number.isNaN(values[end]!)) end++;
      if (end - k >= minGap && out.length > 0) out.push([bucketStartMs(grid, k), null]);
      k = end - 1;
      continue;
    }
    out.push([bucketStartMs(grid, k), Number((values[k]! * scale).toPrecision(10))]);
  }
  return out;
}

/** Sparse series get visible symbols: a lone point between breaks is otherwise not drawn. */
function withSymbols(series: Record<string, unknown>): Record<string, unknown> {
  const data = series['data'] as [number, number | null][];
  const drawn = data.filter((p) => p[1] !== null).length;
  return drawn < 400 && series['type'] === 'line' ? { ...series, showSymbol: true, symbolSize: 3 } : series;
}

function lineChart(title: string, legend: readonly string[], series: readonly Record<string, unknown>[], yAxis: unknown = { type: 'value', scale: true }, height?: number): ReportSection {
  const option: ChartOption = { animation: false, tooltip: { trigger: 'axis' }, legend: { data: legend }, xAxis: timeAxis, yAxis, dataZoom: zoom, series: series.map(withSymbols) };
  return { kind: 'chart', title, option, ...(height ? { height } : {}) };
}

function describeWidth(grid: TimeGrid): string {
  const ms = Number(grid.bucketNs / 1_000_000n);
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

function midSpreadSections({ scope, grid, book, marks }: DatasetReportData): ReportSection[] {
  const pd = book.priceDecimals;
  const scale = 10 ** pd;
  const chart = lineChart(
    `Mid and spread (book rebuilt from book_delta; per ${describeWidth(grid)} bucket the min and max, in their order; red lines: gaps, orange dashed: splits, shaded: not promoted)`,
    ['mid', 'spread'],
    [
      { name: 'mid', type: 'line', showSymbol: false, connectNulls: false, data: book.mid.points((y) => y / 2 / scale, gapBuckets(grid)), lineStyle: { width: 1 }, ...qualityOverlay(marks) },
      { name: 'spread', type: 'line', yAxisIndex: 1, showSymbol: false, connectNulls: false, data: book.spread.points((y) => y / scale, gapBuckets(grid)), lineStyle: { width: 1 } },
    ],
    [
      { type: 'value', scale: true, name: `mid (${scope.datasets.find((d) => d.kind === 'book_delta')?.instrument.quoteCurrency ?? 'price'})` },
      { type: 'value', name: 'spread', splitLine: { show: false } },
    ],
    420,
  );
  let midMin = NaN;
  let midMax = NaN;
  for (let k = 0; k < grid.buckets; k++) {
    if (!(book.mid.minOf(k) >= midMin)) midMin = book.mid.minOf(k);
    if (!(book.mid.maxOf(k) <= midMax)) midMax = book.mid.maxOf(k);
  }
  const spread = (p: number) => {
    const v = histogramPercentile(book.spreadHistogram, p);
    return v === undefined ? null : formatUnits(v, pd);
  };
  const table: ReportSection = {
    kind: 'table',
    title: 'Mid and spread: numbers (over every book state after a complete venue message; percentiles by nearest rank)',
    columns: ['quantity', 'value'],
    rows: [
      ['book_delta messages in the window', book.messages],
      ['book_delta rows in the window', book.rows],
      ['book states measured (valid two-sided book)', book.states],
      ['crossed or locked states (ask ≤ bid)', book.crossed],
      ['mid min', Number.isNaN(midMin) ? null : formatHalfUnits(midMin, pd)],
      ['mid max', Number.isNaN(midMax) ? null : formatHalfUnits(midMax, pd)],
      ['spread min', spread(0)],
      ['spread p50', spread(50)],
      ['spread p90', spread(90)],
      ['spread p99', spread(99)],
      ['spread max', spread(100)],
    ],
  };
  return [chart, table];
}

function distributionRow(name: string, values: ArrayLike<number>, decimals: number): (string | number | null)[] {
  const f = (p: number) => {
    const v = arrayPercentile(values, p);
    return v === undefined ? null : formatUnits(v, decimals);
  };
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) n++;
  return [name, n, f(0), f(50), f(100)];
}

function bookSizeSections({ grid, book }: DatasetReportData): ReportSection[] {
  const sd = book.sizeDecimals;
  const q = 10 ** -sd;
  const s = book.samples;
  const sizes = lineChart(
    `Best-level sizes (base quantity, the book at the end of each ${describeWidth(grid)} bucket)`,
    ['best bid size', 'best ask size'],
    [
      { name: 'best bid size', type: 'line', showSymbol: false, data: bucketPoints(grid, s.bestBidQty, q), lineStyle: { width: 1, color: '#2a9d8f' } },
      { name: 'best ask size', type: 'line', showSymbol: false, data: bucketPoints(grid, s.bestAskQty, q), lineStyle: { width: 1, color: '#e76f51' } },
    ],
    { type: 'value' },
  );
  const names = DEPTH_BPS.flatMap((bps) => [`bid within ${bps} bps`, `ask within ${bps} bps`]);
  const depth = lineChart(
    `Depth within 1, 5 and 25 bps of mid (base quantity per side, end of each bucket)`,
    names,
    DEPTH_BPS.flatMap((_, i) => [
      { name: names[2 * i], type: 'line', showSymbol: false, data: bucketPoints(grid, s.depth[0][i]!, q), lineStyle: { width: 1 } },
      { name: names[2 * i + 1], type: 'line', showSymbol: false, data: bucketPoints(grid, s.depth[1][i]!, q), lineStyle: { width: 1, type: 'dashed' } },
    ]),
    { type: 'value' },
    380,
  );
  const table: ReportSection = {
    kind: 'table',
    title: 'Book sizes and depth: numbers (base quantity over the end-of-bucket samples)',
    columns: ['series', 'samples', 'min', 'median', 'max'],
    rows: [
      distributionRow('best bid size', s.bestBidQty, sd),
      distributionRow('best ask size', s.bestAskQty, sd),
      ...DEPTH_BPS.flatMap((bps, i) => [distributionRow(`bid within ${bps} bps`, s.depth[0][i]!, sd), distributionRow(`ask within ${bps} bps`, s.depth[1][i]!, sd)]),
    ],
  };
  return [sizes, depth, table];
}

function rateSections({ grid, feed, marks }: DatasetReportData): ReportSection[] {
  const perSecond = 1 / bucketSeconds(grid);
  const c = feed.counts;
  const series = [
    { name: 'book_delta messages/s', data: c.book_delta.messages },
    { name: 'book_delta rows/s', data: c.book_delta.rows },
    { name: 'trades/s', data: c.trade.messages },
    { name: 'bbo/s', data: c.bbo.messages },
  ];
  const chart = lineChart(
    `Message and row rates per second, per kind (count per ${describeWidth(grid)} bucket ÷ its width)`,
    series.map((s) => s.name),
    series.map((s, i) => ({ name: s.name, type: 'line', showSymbol: false, data: bucketPoints(grid, s.data, perSecond), lineStyle: { width: 1 }, ...(i === 0 ? qualityOverlay(marks) : {}) })),
    { type: 'value' },
  );
  const windowSeconds = Number(grid.bucketNs * BigInt(grid.buckets)) / 1e9;
  const row = (kind: 'book_delta' | 'trade' | 'bbo') => {
    const m = c[kind].messages;
    let peak = 0;
    let empty = 0;
    for (let k = 0; k < m.length; k++) {
      peak = Math.max(peak, m[k]!);
      if (m[k] === 0) empty++;
    }
    return [kind, c[kind].totalMessages, c[kind].totalRows, c[kind].totalMessages / windowSeconds, peak * perSecond, empty];
  };
  const table: ReportSection = {
    kind: 'table',
    title: `Rates: numbers (mean over the ${grid.buckets} buckets = ${windowSeconds} s)`,
    columns: ['kind', 'messages', 'rows', 'mean messages/s', 'peak messages/s (one bucket)', 'buckets without a message'],
    rows: [row('book_delta'), row('trade'), row('bbo')],
  };
  return [chart, table];
}

function tradeSections({ grid, feed }: DatasetReportData): ReportSection[] {
  const t = feed.trades;
  const chart: ReportSection = {
    kind: 'chart',
    title: `Trades per ${describeWidth(grid)} bucket: count, volume and signed volume (buyer- minus seller-initiated, base quantity)`,
    option: {
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { data: ['trades', 'volume', 'signed volume'] },
      xAxis: timeAxis,
      yAxis: [{ type: 'value', name: 'trades' }, { type: 'value', name: 'quantity', splitLine: { show: false } }],
      dataZoom: zoom,
      series: [
        { name: 'trades', type: 'bar', data: bucketPoints(grid, t.count), itemStyle: { color: '#8d99ae' } },
        { name: 'volume', type: 'line', yAxisIndex: 1, showSymbol: false, data: bucketPoints(grid, t.volume), lineStyle: { width: 1 } },
        { name: 'signed volume', type: 'line', yAxisIndex: 1, showSymbol: false, data: bucketPoints(grid, t.signedVolume), lineStyle: { width: 1 } },
      ],
    },
  };
  const x = feed.tradeTotals;
  const f = (u: bigint) => formatUnits(u, x.sizeDecimals);
  const table: ReportSection = {
    kind: 'table',
    title: 'Trades: numbers (exact sums of the canonical sizes)',
    columns: ['quantity', 'value'],
    rows: [
      ['trades', x.count],
      ['buyer-initiated trades', x.buyCount],
      ['seller-initiated trades', x.sellCount],
      ['volume', f(x.volumeUnits)],
      ['buyer-initiated volume', f(x.buyVolumeUnits)],
      ['seller-initiated volume', f(x.sellVolumeUnits)],
      ['signed volume', f(x.buyVolumeUnits - x.sellVolumeUnits)],
    ],
  };
  return [chart, table];
}

function latencySections({ scope, grid, feed }: DatasetReportData): ReportSection[] {
  const names = [...LATENCY_QUANTILES.map((q) => `p${q * 100}`), 'max'];
  const ms = 1e-6;
  const chart = lineChart(
    `Feed latency: ts_local − ts_event per message (ms; percentiles per ${describeWidth(grid)} bucket over all kinds)`,
    names,
    [
      ...LATENCY_QUANTILES.map((_, i) => ({ name: names[i], type: 'line', showSymbol: false, data: bucketPoints(grid, feed.latencyByBucket.quantilesNs[i]!, ms), lineStyle: { width: 1 } })),
      { name: 'max', type: 'line', showSymbol: false, data: bucketPoints(grid, feed.latencyByBucket.maxNs, ms), lineStyle: { width: 1, type: 'dotted' } },
    ],
  );
  const row = (name: string, l: LatencyStats | undefined) =>
    l ? [name, l.messages, formatNsAsMs(l.minNs), ...l.quantilesNs.map(formatNsAsMs), formatNsAsMs(l.maxNs)] : [name, 0, null, ...LATENCY_QUANTILES.map(() => null), null];
  const fromEvent = scope.datasets.filter((d) => d.provenance.tsLocalFromEvent).map((d) => d.id);
  const table: ReportSection = {
    kind: 'table',
    title: `Feed latency: numbers (ms, nearest rank)${fromEvent.length ? ` — ${fromEvent.length} dataset(s) had no local time (latency 0 by construction)` : ''}`,
    columns: ['kind', 'messages', 'min', ...LATENCY_QUANTILES.map((q) => `p${q * 100}`), 'max'],
    rows: [...(['book_delta', 'trade', 'bbo'] as const).map((k) => row(k, feed.latencyByKind[k])), row('all', feed.latencyAll)],
  };
  return [chart, table];
}

function qualitySections({ scope, marks }: DatasetReportData): ReportSection[] {
  return [
    { kind: 'table', title: 'Gaps, splits and datasets not promoted', columns: ['mark', 'at / from', 'to', 'what', 'detail'], rows: markRows(marks) },
    { kind: 'table', title: 'Quality record: every state transition', columns: ['dataset', 'kind', 'from', 'to', 'at', 'reason'], rows: transitionRows(scope.datasets) },
    { kind: 'table', title: 'Quality record: every check', columns: ['dataset', 'kind', 'check', 'status', 'count', 'detail', 'location'], rows: checkRows(scope.datasets) },
  ];
}

function bucketTable({ grid, book, feed }: DatasetReportData): ReportSection {
  const pd = book.priceDecimals;
  const sd = book.sizeDecimals;
  const rows: (string | number | null)[][] = [];
  const unitsOrNull = (v: number, d: number) => (Number.isNaN(v) ? null : formatUnits(v, d));
  for (let k = 0; k < grid.buckets; k++) {
    const c = feed.counts;
    if (c.book_delta.messages[k] === 0 && c.trade.messages[k] === 0 && c.bbo.messages[k] === 0) continue;
    const lat = feed.latencyByBucket.quantilesNs;
    rows.push([
      new Date(bucketStartMs(grid, k)).toISOString(),
      Number.isNaN(book.mid.minOf(k)) ? null : formatHalfUnits(book.mid.minOf(k), pd),
      Number.isNaN(book.mid.maxOf(k)) ? null : formatHalfUnits(book.mid.maxOf(k), pd),
      unitsOrNull(book.spread.minOf(k), pd),
      unitsOrNull(book.spread.maxOf(k), pd),
      unitsOrNull(book.samples.bestBidQty[k]!, sd),
      unitsOrNull(book.samples.bestAskQty[k]!, sd),
      c.book_delta.messages[k]!,
      c.book_delta.rows[k]!,
      c.trade.messages[k]!,
      c.bbo.messages[k]!,
      Number.isNaN(lat[0]![k]!) ? null : formatNsAsMs(lat[0]![k]!),
      Number.isNaN(lat[2]![k]!) ? null : formatNsAsMs(lat[2]![k]!),
    ]);
  }
  return {
    kind: 'table',
    title: `Numbers per ${describeWidth(grid)} bucket (buckets with data; bucket start in event time)`,
    collapsed: true,
    columns: ['bucket start', 'mid min', 'mid max', 'spread min', 'spread max', 'best bid size', 'best ask size', 'book msgs', 'book rows', 'trades', 'bbo', 'latency p50 ms', 'latency p99 ms'],
    rows,
  };
}

export function datasetReportSections(data: DatasetReportData): ReportSection[] {
  const { scope, grid } = data;
  const intro: ReportSection = {
    kind: 'text',
    title: 'Scope and method',
    text:
      `${scope.venue}:${scope.instrument}, event time ${nsToIso(scope.fromNs)} → ${nsToIso(scope.toNs)}, ${scope.datasets.length} dataset(s) of every state. ` +
      `Time is cut into ${grid.buckets} buckets of ${describeWidth(grid)} (the smallest round width giving at most the bucket limit), so the page does not grow with the data: ` +
      `mid and spread keep each bucket's minimum and maximum (extremes are never lost), sizes and depth are the book at each bucket's end, rates and trades are per-bucket counts and sums, latency per-bucket percentiles. ` +
      `Where no message arrived for at least 1 s of event time the lines break (never interpolated); shorter silences are bridged.`,
  };
  const datasets: ReportSection = {
    kind: 'table',
    title: 'Datasets',
    collapsed: scope.datasets.length > 12,
    columns: ['id', 'kind', 'day', 'segment', 'version', 'state', 'rows', 'start', 'end'],
    rows: scope.datasets.map((d) => [d.id === scope.targetId ? `${d.id} (target)` : d.id, d.kind, d.day, d.segment, d.version, d.state, d.rows, nsToIso(d.startNs), nsToIso(d.endNs)]),
  };
  return [intro, datasets, ...midSpreadSections(data), ...bookSizeSections(data), ...rateSections(data), ...tradeSections(data), ...latencySections(data), ...qualitySections(data), bucketTable(data)];
}
