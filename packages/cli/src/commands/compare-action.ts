// The action of `chassis compare` (its command line is compare.ts, which imports this module only when it runs).
// `chassis compare <run-dir...>`: headline metrics of several runs side by side in the terminal,
// optionally the same comparison as a self-contained HTML report.
// `chassis compare <paper-session> <backtest-run>`: parity evidence of a session against a
// backtest of its window (orders, fills, PnL, latency, each difference attributed).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ChassisError } from '@chassis/core';
import {
  experimentReportHtml,
  openRunDir,
  rankRuns,
  variedParams,
  type ComparedRun,
  type ParamValue,
} from '@chassis/analysis';
import { backtestHeadline } from '@chassis/experiments';
import { canonicalJson, plainDecimal } from '@chassis/backtesting';
import { compareSessionWithRun, formatParityReport, isSessionDir } from '@chassis/live';

export function comparedRuns(dirs: readonly string[]): ComparedRun[] {
  return dirs.map((d) => {
    const run = openRunDir(d);
    const params: Record<string, ParamValue> = {};
    for (const [k, v] of Object.entries(run.run.definition.strategy.params ?? {})) {
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') params[`strategy.params.${k}`] = v;
    }
    params.seed = run.run.definition.seed;
    return {
      runId: run.manifest.runId,
      status: run.manifest.status,
      params,
      metrics: backtestHeadline(run.backtestMetrics),
    };
  });
}

const COLUMNS = [
  'pnl',
  'fees',
  'maxDrawdown',
  'fills',
  'makerShare',
  'ordersSent',
  'cancels',
  'replaces',
  'riskDenials',
  'rateLimitDeferrals',
] as const;

export function formatCompareTable(runs: readonly ComparedRun[], metric: string): string {
  const ranked = rankRuns(runs, metric);
  const params = variedParams(runs);
  const header = ['run', ...params.map((p) => p.split('.').pop()!), ...COLUMNS];
  // Money (pnl, fees, drawdown) is printed as the exact decimal metrics.json holds (0.00029133 BTC stays that, not 0.0003); ratios with 4 places.
  const money = new Set<string>(['pnl', 'fees', 'maxDrawdown']);
  const fmt = (c: string, v: number | null | undefined) =>
    v === null || v === undefined
      ? '–'
      : Number.isInteger(v)
        ? String(v)
        : money.has(c)
          ? plainDecimal(v)
          : v.toFixed(4);
  const rows = ranked.map((r) => [
    r.runId,
    ...params.map((p) => String(r.params[p] ?? '–')),
    ...COLUMNS.map((c) => fmt(c, r.metrics[c])),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}


async function compareSession(
  dirs: readonly string[],
  flags: { html?: string; json?: boolean; limit: string; matchWindowMs: string; data?: string },
): Promise<void> {
  if (dirs.length !== 2 || flags.html)
    throw new ChassisError(
      'E_USAGE',
      'a session is compared with one backtest run: compare <paper-session> <backtest-run> (no --html)',
    );
  const matchWindowMs = Number(flags.matchWindowMs);
  const limit = Number(flags.limit);
  if (!(matchWindowMs >= 0))
    throw new ChassisError('E_USAGE', `--match-window-ms expects a non-negative number, got "${flags.matchWindowMs}"`);
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new ChassisError('E_USAGE', `--limit expects a non-negative integer, got "${flags.limit}"`);
  const report = await compareSessionWithRun(dirs[0]!, dirs[1]!, {
    matchWindowMs,
    ...(flags.data ? { dataRoot: flags.data } : {}),
  });
  process.stdout.write(`${flags.json ? canonicalJson(report) : formatParityReport(report, limit)}\n`);
}

/** Runs side by side (ranked by --metric, optionally as HTML), or a session with a backtest of its window. */
export async function compareCommand(
  dirs: string[],
  flags: { metric: string; html?: string; json?: boolean; limit: string; matchWindowMs: string; data?: string },
): Promise<void> {
  if (dirs.length < 2) throw new ChassisError('E_USAGE', 'compare needs at least two run directories');
  if (dirs.some(isSessionDir)) {
    await compareSession(dirs, flags);
    return;
  }
  const runs = comparedRuns(dirs);
  process.stdout.write(`${formatCompareTable(runs, flags.metric)}\n`);
  if (flags.html) {
    const out = resolve(flags.html);
    writeFileSync(
      out,
      experimentReportHtml({
        experimentId: `comparison of ${runs.length} runs`,
        runs,
        metric: flags.metric,
        title: `Comparison of ${runs.length} runs`,
      }),
    );
    process.stdout.write(`html: ${out}\n`);
  }
}
