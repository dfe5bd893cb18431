/**
 * The shipped run backend: @chassis/backtesting. A member's run id is the backtest's own run id,
 * computed before running by the backtest's own resolution (resolveRun: canonical definition +
 * dataset content hashes + strategy hash + code version); backtest-backend.test.ts checks it
 * equals runBacktest's id on real data. A completed run is found by its manifest under
 * `<data root>/experiments/<run-id>/`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChassisError } from '@chassis/core';
import { readCanonical, type DatasetMeta, type Storage } from '@chassis/storage';
import { codeVersion, parseRunDefinition, readRunManifest, resolveRun, runBacktest, type Metrics, type RunDefinition } from '@chassis/backtesting';
import type { HeadlineMetrics, RunBackend, RunContext, RunOutcome } from './run-backend.ts';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
/** Same code version string as `chassis backtest`: release + runtime source fingerprint. */
export const CODE_VERSION = codeVersion(pkg.version);

/** The backtest's run id of a definition, without running it. */
export async function backtestRunId(def: RunDefinition, ctx: RunContext): Promise<string> {
  return (await resolveRun({ definition: def, baseDir: ctx.baseDir, dataRoot: ctx.dataRoot, codeVersion: CODE_VERSION })).runId;
}

/** Headline numbers of a backtest's metrics.json for the experiment index. */
export function backtestHeadline(m: Metrics): HeadlineMetrics {
  return {
    pnl: m.pnl.net,
    pnlRealised: m.pnl.realized,
    pnlUnrealised: m.pnl.unrealized,
    fees: m.pnl.fees,
    maxDrawdown: m.maxDrawdown,
    fills: m.fills.count,
    makerShare: m.fills.makerShare,
    volume: m.volume.notional,
    ordersSent: m.orders.sent,
    cancels: m.orders.cancelRequests,
    replaces: m.orders.replaceRequests,
    riskDenials: Object.values(m.riskDenials).reduce((s, x) => s + x, 0),
    rateLimitDeferrals: m.rateLimit.deferrals,
    maxInventoryLots: m.maxInventoryLots,
    events: m.events.total,
  };
}

function outcomeFromDir(runId: string, outDir: string): RunOutcome | undefined {
  try {
    // A missing or malformed manifest (E_RUN_MANIFEST) is no completed run: the member runs again.
    const manifest = readRunManifest(outDir);
    if (manifest.status === 'failed') return { runId, status: 'failed', outDir, metrics: {}, error: `${manifest.error.code}: ${manifest.error.message}` };
    const metrics = JSON.parse(readFileSync(join(outDir, 'metrics.json'), 'utf8')) as Metrics;
    // A run halted by an invariant violation or its strategy is a finished run, with that status in its manifest.
    return { runId, status: 'completed', outDir, metrics: backtestHeadline(metrics) };
  } catch {
    return undefined;
  }
}

/**
 * Makes sure every dataset the definitions use has its columnar decode cache before the runs
 * start. Storage writes a dataset's cache on its first read (`readCanonical`); without this, each
 * worker whose first run finds none decodes the same Parquet through DuckDB and writes its own
 * copy (~1 CPU-s for the bundled capture, paid once per worker). The read asks for no rows (the
 * window ends where the dataset starts): with a cache in place that is a look at its chunk
 * headers, without one a full decode that writes the whole cache. The pool's workers start
 * meanwhile. Members differing only in parameters share their data: one resolution per distinct
 * `data` section. A definition that does not resolve is skipped: its run reports the error.
 */
export async function prepareDatasets(definitions: readonly RunDefinition[], ctx: RunContext): Promise<void> {
  const datasets = new Map<string, { storage: Storage; meta: DatasetMeta }>();
  const dataSections = new Set<string>();
  for (const definition of definitions) {
    const data = JSON.stringify(definition.data);
    if (dataSections.has(data)) continue;
    dataSections.add(data);
    const resolution = await resolveRun({ definition, baseDir: ctx.baseDir, dataRoot: ctx.dataRoot, codeVersion: CODE_VERSION }).catch(() => undefined);
    for (const meta of resolution?.datasets ?? []) if (!datasets.has(meta.id)) datasets.set(meta.id, { storage: resolution!.storage, meta });
  }
  for (const { storage, meta } of datasets.values()) {
    for await (const batch of readCanonical(storage, meta, { to: meta.startNs })) void batch;
  }
}

export const backend: RunBackend = {
  windowPath: 'data',
  parse(raw, source) {
    return parseRunDefinition(raw, source);
  },
  runId(definition, ctx) {
    return backtestRunId(definition as RunDefinition, ctx);
  },
  async findCompleted(runId, ctx) {
    const found = outcomeFromDir(runId, join(ctx.dataRoot, 'experiments', runId));
    return found?.status === 'completed' ? found : undefined;
  },
  prepare(definitions, ctx) {
    return prepareDatasets(definitions as RunDefinition[], ctx);
  },
  async run(definition, ctx) {
    const def = definition as RunDefinition;
    try {
      const r = await runBacktest({ definition: def as unknown as Record<string, unknown>, baseDir: ctx.baseDir, dataRoot: ctx.dataRoot, codeVersion: CODE_VERSION, where: 'sweep member' });
      return { runId: r.runId, status: 'completed', outDir: r.outDir, metrics: backtestHeadline(r.metrics) };
    } catch (err) {
      if (!(err instanceof ChassisError)) throw err;
      // Input problems of this one member (bad params, missing data) fail the member, not the sweep.
      const runId = await backtestRunId(def, ctx).catch(() => 'unresolved');
      return { runId, status: 'failed', outDir: join(ctx.dataRoot, 'experiments', runId), metrics: {}, error: `${err.code}: ${err.message}` };
    }
  },
};

/** Module path of this backend, for child processes and queue workers. */
export const BACKTEST_BACKEND_MODULE = import.meta.url;
