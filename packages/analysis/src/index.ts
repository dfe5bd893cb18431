// Public API of @chassis/analysis: per-run metrics, comparisons, versioned outputs, HTML reports.
export type { RunSeries, FillColumns, MidColumns, QuoteColumns, RequestColumns, RunCounters } from './run-series.ts';
export { seriesFromEvents, seriesByInstrument, type RunInfo } from './run-loader.ts';
export { computeRunMetrics, equityCurve, headlineMetrics, DEFAULT_SAMPLE_MS, DEFAULT_MARKOUT_HORIZONS_MS } from './run-metrics.ts';
export type { RunMetrics, EquityCurve, InventoryDistribution, MetricsOptions } from './run-metrics.ts';
export { downsampleMinMax, strideIndices, DEFAULT_BUCKETS } from './downsample.ts';
export { rankRuns, sensitivity, heatmap, windowStability, variedParams } from './sweep-comparison.ts';
export type { ComparedRun, ParamValue, SensitivityPoint, Heatmap, StabilityRow } from './sweep-comparison.ts';
export { writeAnalysis, analysisId, canonicalJsonText, sha256, ANALYSIS_VERSION } from './analysis-store.ts';
export type { AnalysisInput, Provenance, WrittenAnalysis } from './analysis-store.ts';
export { openRunDir, loadRunSeries, loadInstrumentSeries, analyseRun, dataRootOfRunDir, RUN_FILES } from './run-dir.ts';
export type { LoadedRun, RunManifest, RunAnalysis, InstrumentAnalysis } from './run-dir.ts';
export { renderReport, runReportSections, experimentReportSections, runReportHtml, instrumentsReportHtml, experimentReportHtml } from './report-html.ts';
export type { ReportSection, ChartOption, RunReportInput, ExperimentReportInput } from './report-html.ts';
export { BucketExtremes } from './downsample.ts';
export { buildDatasetReport, type DatasetReport, type DatasetReportOptions } from './dataset-report/dataset-report.ts';
export { parseReportTime, reportScope, type ReportScope } from './dataset-report/report-target.ts';
export type { DatasetReportData } from './dataset-report/dataset-report-sections.ts';
