/**
 * `buildDatasetReport`: the catalog's datasets of one instrument → one self-contained HTML page
 * (report-html.ts, the stack of the run reports). Flow: reportScope (what to show) → timeGrid
 * → book timeline (L2Book over book_delta, streamed) and feed stats (DuckDB over the Parquet)
 * → quality marks → sections → page.
 */
import { nsToIso, openCatalog, type Storage } from '@chassis/storage';
import { DEFAULT_BUCKETS } from '../downsample.ts';
import { renderReport } from '../report-html.ts';
import { buildBookTimeline } from './book-timeline.ts';
import { datasetReportSections, type DatasetReportData } from './dataset-report-sections.ts';
import { computeFeedStats } from './feed-stats.ts';
import { qualityMarks } from './quality-marks.ts';
import { reportScope } from './report-target.ts';
import { timeGrid } from './time-grid.ts';

export interface DatasetReportOptions {
  readonly fromNs?: bigint;
  readonly toNs?: bigint;
  /** Most time buckets on the page (default DEFAULT_BUCKETS = 1500). */
  readonly maxBuckets?: number;
}

export interface DatasetReport {
  readonly html: string;
  readonly data: DatasetReportData;
}

export async function buildDatasetReport(storage: Storage, target: string, options: DatasetReportOptions = {}): Promise<DatasetReport> {
  const scope = await reportScope(openCatalog(storage), target, options);
  const grid = timeGrid(scope.fromNs, scope.toNs, options.maxBuckets ?? DEFAULT_BUCKETS);
  const window = { fromNs: scope.fromNs, toNs: scope.toNs };
  // The book replays on this thread while DuckDB aggregates on its own threads.
  const [book, feed] = await Promise.all([buildBookTimeline(storage, scope.datasets, grid, window), computeFeedStats(storage, scope.datasets, grid, window)]);
  const data: DatasetReportData = { scope, grid, book, feed, marks: qualityMarks(scope.datasets) };
  const title = `Data report ${scope.targetId ?? `${scope.venue}:${scope.instrument}`}`;
  const html = renderReport(title, `${scope.venue}:${scope.instrument} · ${nsToIso(scope.fromNs)} → ${nsToIso(scope.toNs)}`, datasetReportSections(data));
  return { html, data };
}
