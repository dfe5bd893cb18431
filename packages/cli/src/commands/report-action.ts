// The action of `chassis report` (its command line is report.ts, which imports this module only when it runs).
// `chassis report <run-dir|experiment-dir>`: one self-contained HTML file with the run's or the
// experiment's charts, stored as a versioned analysis under derived/analysis/ when the data
// root is known, and copied to --out.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ChassisError } from '@chassis/core';
import { analyseRun, canonicalJsonText, experimentReportHtml, instrumentsReportHtml, sha256, writeAnalysis, type ComparedRun } from '@chassis/analysis';

export interface ReportResult {
  readonly kind: 'run' | 'experiment';
  readonly html: string;
  /** Where the versioned copy lives (derived/analysis/<id>/report.html), if a data root was known. */
  readonly storedAt: string | undefined;
}

export async function experimentRuns(dir: string): Promise<{ experimentId: string; runs: ComparedRun[] }> {
  // Loaded only for an experiment: a run's report does not need the sweep machinery.
  const { readExperimentIndex } = await import('@chassis/experiments');
  const index = readExperimentIndex(dir);
  return {
    experimentId: index.manifest.experimentId,
    runs: index.records.map((r) => ({ runId: r.runId, status: r.status, params: r.params, metrics: r.metrics })),
  };
}

/** `dataRoot`: where the run's datasets are (and the analysis is stored); default: the run's own data root. */
export async function buildReport(target: string, metric = 'pnl', dataRoot?: string): Promise<ReportResult> {
  const dir = resolve(target);
  if (!existsSync(dir)) throw new ChassisError('E_REPORT_INPUT', `${dir} does not exist; give a run directory or an experiment directory`);
  if (existsSync(join(dir, 'experiment.json'))) {
    const { experimentId, runs } = await experimentRuns(dir);
    if (runs.every((r) => r.status !== 'completed')) throw new ChassisError('E_REPORT_INPUT', `${dir}: no completed run in experiment ${experimentId} yet`);
    const html = experimentReportHtml({ experimentId, runs, metric });
    const root = basename(dirname(dir)) === 'experiments' ? dirname(dirname(dir)) : undefined;
    const stored = root
      ? writeAnalysis(
          root,
          'experiment-report',
          { metric },
          // Inputs: each member by run id and the hash of what the report shows of it.
          runs.map((r) => ({ id: r.runId, sha256: sha256(canonicalJsonText({ status: r.status, params: r.params, metrics: r.metrics })) })),
          { 'report.html': html },
        )
      : undefined;
    return { kind: 'experiment', html, storedAt: stored ? join(stored.dir, 'report.html') : undefined };
  }
  const a = await analyseRun(dir, dataRoot ? { dataRoot } : {});
  // Every instrument of the run; a single-instrument run gives the same page as before.
  const html = instrumentsReportHtml(a.instruments);
  const stored = a.written
    ? writeAnalysis(dirname(dirname(dirname(a.written.dir))), 'run-report', { sampleMs: a.metrics.sampleMs }, [{ id: a.loaded.manifest.runId, sha256: a.loaded.manifest.outputHash ?? '' }], {
        'report.html': html,
      })
    : undefined;
  return { kind: 'run', html, storedAt: stored ? join(stored.dir, 'report.html') : undefined };
}

/** Builds the report of `target`, writes it (stored copy and/or --out) and says where. */
export async function reportCommand(target: string, flags: { out?: string; metric: string; data?: string; open?: boolean }): Promise<void> {
  const r = await buildReport(target, flags.metric, flags.data);
  let out = r.storedAt;
  if (flags.out || !out) {
    out = resolve(flags.out ?? `report-${basename(resolve(target))}.html`);
    writeFileSync(out, r.html);
  }
  process.stdout.write(`${r.kind} report: ${out} (${(r.html.length / 1e6).toFixed(2)} MB, self-contained)\n`);
  if (flags.open) spawn('xdg-open', [out], { stdio: 'ignore', detached: true }).on('error', () => process.stderr.write(`cannot open a browser here; open ${out} yourself\n`)).unref();
}
