/**
 * The shipped run backend: @chassis/backtesting. A member's run id is the backtest's own run id
 * (runIdOf over the resolved run: canonical definition + dataset content hashes + strategy
 * hash + code version), computed before running by resolving the definition the same way
 * runBacktest does; backtest-backend.test.ts checks the two agree on real data. A completed
 * run is found by its manifest under `<data root>/experiments/<run-id>/`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChassisError, type Instrument } from '@chassis/core';
import { openCatalog, openStorage, type CanonicalKind, type DatasetMeta } from '@chassis/storage';
import {
  instrumentFromMeta,
  loadStrategy,
  parseRunDefinition,
  parseTimeNs,
  resolveStrategyPath,
  runBacktest,
  runIdOf,
  type Metrics,
  type ResolvedRun,
  type RunDefinition,
} from '@chassis/backtesting';
import type { HeadlineMetrics, RunBackend, RunContext, RunOutcome } from './run-backend.ts';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
/** Same code version string as `chassis backtest` (root package.json version). */
export const CODE_VERSION = `chassis@${pkg.version}`;

const KINDS: readonly CanonicalKind[] = ['book_delta', 'trade', 'bbo'];

async function datasetsOf(ctx: RunContext, def: RunDefinition): Promise<DatasetMeta[]> {
  const catalog = openCatalog(openStorage(ctx.dataRoot));
  if (def.data.datasets) {
    const out: DatasetMeta[] = [];
    for (const id of def.data.datasets) {
      const d = await catalog.get(id);
      if (!d) throw new ChassisError('E_DATASET_NOT_FOUND', `dataset ${id} (data.datasets) is not in the catalog of ${ctx.dataRoot}`);
      out.push(d);
    }
    return out;
  }
  const fromNs = def.data.from !== undefined ? parseTimeNs(def.data.from, 'data.from') : undefined;
  const toNs = def.data.to !== undefined ? parseTimeNs(def.data.to, 'data.to') : undefined;
  const instruments = def.data.instruments ?? (def.data.instrument ? [def.data.instrument] : []);
  const out: DatasetMeta[] = [];
  for (const instrument of instruments) {
    for (const kind of KINDS) {
      out.push(...(await catalog.find({ venue: def.data.venue!, instrument, kind, ...(fromNs !== undefined ? { from: fromNs } : {}), ...(toNs !== undefined ? { to: toNs } : {}) })));
    }
  }
  return out;
}

/** The backtest's run id of a definition, without running it. */
export async function backtestRunId(def: RunDefinition, ctx: RunContext): Promise<string> {
  const datasets = await datasetsOf(ctx, def);
  if (datasets.length === 0) {
    throw new ChassisError('E_DATASET_NOT_FOUND', `no promoted canonical data for ${def.data.venue ?? ''} ${def.data.instrument ?? def.data.instruments?.join(',') ?? ''} in ${ctx.dataRoot}`);
  }
  const loaded = await loadStrategy(resolveStrategyPath(def.strategy.module, ctx.baseDir));
  const instruments = new Map<string, Instrument>();
  for (const d of datasets) {
    const inst = instrumentFromMeta(d.instrument);
    if (!instruments.has(inst.id)) instruments.set(inst.id, inst);
  }
  const fromNs = def.data.from !== undefined ? parseTimeNs(def.data.from, 'data.from') : undefined;
  const toNs = def.data.to !== undefined ? parseTimeNs(def.data.to, 'data.to') : undefined;
  const { output: _output, ...definition } = def;
  const resolved: ResolvedRun = {
    format: 'chassis-run-v1',
    definition,
    instruments: [...instruments.values()].map((i) => ({ ...i, minNotionalUnits: i.minNotionalUnits.toString() })),
    datasets: datasets.map((d) => ({
      id: d.id,
      kind: d.kind,
      instrument: `${d.venue}:${d.symbol}`,
      contentHash: d.contentHash,
      startNs: d.startNs.toString(),
      endNs: d.endNs.toString(),
      tsLocalFromEvent: d.provenance.tsLocalFromEvent,
    })),
    window: { fromNs: fromNs?.toString() ?? null, toNs: toNs?.toString() ?? null },
    strategy: { module: def.strategy.module, sha256: loaded.sha256 },
    codeVersion: CODE_VERSION,
  };
  return runIdOf(resolved);
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
    const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as { status: string; error?: { code: string; message: string } };
    if (manifest.status === 'failed') return { runId, status: 'failed', outDir, metrics: {}, error: manifest.error ? `${manifest.error.code}: ${manifest.error.message}` : 'failed' };
    const metrics = JSON.parse(readFileSync(join(outDir, 'metrics.json'), 'utf8')) as Metrics;
    // A run halted by an invariant violation or its strategy is a finished run, with that status in its manifest.
    return { runId, status: 'completed', outDir, metrics: backtestHeadline(metrics) };
  } catch {
    return undefined;
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
export const BACKTEST_BACKEND_MODULE = new URL('./backtest-backend.ts', import.meta.url).href;
