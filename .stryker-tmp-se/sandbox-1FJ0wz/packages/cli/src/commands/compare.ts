// @ts-nocheck
// `chassis compare <run-dir...>`: headline metrics of several runs side by side in the terminal,
// optionally the same comparison as a self-contained HTML report.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ChassisError } from '@chassis/core';
import { experimentReportHtml, openRunDir, rankRuns, variedParams, type ComparedRun, type ParamValue } from '@chassis/analysis';
import { backtestHeadline } from '@chassis/experiments';

export function comparedRuns(dirs: readonly string[]): ComparedRun[] {
  return dirs.map((d) => {
    const run = openRunDir(d);
    const params: Record<string, ParamValue> = {};
    for (const [k, v] of Object.entries(run.run.definition.strategy.params ?? {})) {
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') params[`strategy.params.${k}`] = v;
    }
    params.seed = run.run.definition.seed;
    return { runId: run.manifest.runId, status: run.manifest.status, params, metrics: backtestHeadline(run.backtestMetrics) };
  });
}

const COLUMNS = ['pnl', 'fees', 'maxDrawdown', 'fills', 'makerShare', 'ordersSent', 'cancels', 'replaces', 'riskDenials', 'rateLimitDeferrals'] as const;

export function formatCompareTable(runs: readonly ComparedRun[], metric: string): string {
  const ranked = rankRuns(runs, metric);
  const params = variedParams(runs);
  const header = ['run', ...params.map((p) => p.split('.').pop()!), ...COLUMNS];
  const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(4));
  const rows = ranked.map((r) => [r.runId, ...params.map((p) => String(r.params[p] ?? '–')), ...COLUMNS.map((c) => fmt(r.metrics[c]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('Compare runs: headline metrics side by side, ranked (terminal table, optional HTML)')
    .argument('<run-dirs...>', 'two or more run directories')
    .option('--metric <name>', 'rank by this metric', 'pnl')
    .option('--html <file>', 'also write the comparison as a self-contained HTML report')
    .action((dirs: string[], flags: { metric: string; html?: string }) => {
      if (dirs.length < 2) throw new ChassisError('E_USAGE', 'compare needs at least two run directories');
      const runs = comparedRuns(dirs);
      process.stdout.write(`${formatCompareTable(runs, flags.metric)}\n`);
      if (flags.html) {
        const out = resolve(flags.html);
        writeFileSync(out, experimentReportHtml({ experimentId: `comparison of ${runs.length} runs`, runs, metric: flags.metric, title: `Comparison of ${runs.length} runs` }));
        process.stdout.write(`html: ${out}\n`);
      }
    });
}
