// `chassis backtest`: one backtest from a run file and/or flags (flags override the file).
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { ChassisError } from '@chassis/core';
import { resolveDataRoot } from '@chassis/storage';
import { applyOverrides, codeVersion, formatSummary, readRunFile, runBacktest, type BacktestResult } from '@chassis/backtesting';
import { version } from '../version.ts';

export interface BacktestFlags {
  data?: string;
  venue?: string;
  instrument?: string;
  from?: string;
  to?: string;
  strategy?: string;
  param?: string[];
  seed?: string;
  out?: string;
  json?: boolean;
}

/** Runs a backtest with progress on stderr (TTY only) and returns the result. Shared with `chassis demo`. */
export async function backtestCommand(runFile: string | undefined, flags: BacktestFlags): Promise<BacktestResult> {
  const raw = runFile ? readRunFile(runFile) : {};
  let seed: number | undefined;
  if (flags.seed !== undefined) {
    seed = Number(flags.seed);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new ChassisError('E_USAGE', `--seed expects a non-negative integer, got "${flags.seed}"`);
  }
  const definition = applyOverrides(raw, {
    ...(flags.venue !== undefined ? { venue: flags.venue } : {}),
    ...(flags.instrument !== undefined ? { instrument: flags.instrument } : {}),
    ...(flags.from !== undefined ? { from: flags.from } : {}),
    ...(flags.to !== undefined ? { to: flags.to } : {}),
    ...(flags.strategy !== undefined ? { strategy: flags.strategy } : {}),
    ...(flags.param ? { params: flags.param } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(flags.out !== undefined ? { out: flags.out } : {}),
  });
  const showBar = !flags.json && process.stderr.isTTY === true;
  const bar = showBar
    ? new SingleBar(
        { format: 'backtest [{bar}] {percentage}% | {events} events | {rate} events/s | ETA {eta_formatted}', stream: process.stderr, hideCursor: true, clearOnComplete: true },
        Presets.shades_classic,
      )
    : null;
  const t0 = performance.now();
  bar?.start(1000, 0, { events: 0, rate: 0 });
  try {
    return await runBacktest({
      definition,
      baseDir: runFile ? dirname(resolve(runFile)) : process.cwd(),
      dataRoot: resolveDataRoot(flags.data),
      codeVersion: codeVersion(version),
      where: runFile ?? 'command-line flags',
      onProgress: (events, fraction) => {
        const s = (performance.now() - t0) / 1000;
        bar?.update(Math.max(0, Math.min(1000, Math.round(fraction * 1000))), { events, rate: Math.round(events / Math.max(s, 1e-3)) });
      },
    });
  } finally {
    bar?.stop();
  }
}

export function printResult(r: BacktestResult, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify({
        runId: r.runId,
        outDir: r.outDir,
        status: r.status,
        events: r.events,
        marketEvents: r.marketEvents,
        orders: r.orders,
        fills: r.fills,
        pnl: r.pnl,
        eventsPerSecond: r.eventsPerSecond,
        outputHash: r.outputHash,
        diagnostic: r.diagnostic,
        metrics: r.metrics,
      })}\n`,
    );
  } else process.stdout.write(`${formatSummary(r)}\n`);
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function register(program: Command): void {
  program
    .command('backtest')
    .description('Backtest a strategy on canonical data (run file and/or flags; flags override the file)')
    .argument('[run-file]', 'run definition (YAML or JSON)')
    .option('--data <dir>', 'data root (default: $CHASSIS_DATA or ./data)')
    .option('--venue <id>', 'venue id, e.g. binance-usdm')
    .option('--instrument <symbol>', 'instrument symbol, e.g. BTCUSDT')
    .option('--from <time>', 'window start (ISO-8601 or ns since epoch)')
    .option('--to <time>', 'window end, exclusive')
    .option('--strategy <path>', 'strategy module (.ts/.js)')
    .option('--param <key=value>', 'strategy parameter (repeatable)', collect)
    .option('--seed <n>', 'seed of randomised models')
    .option('--out <dir>', 'output directory (default: <data>/experiments/<run-id>)')
    .option('--json', 'print one JSON object instead of the summary')
    .action(async (runFile: string | undefined, flags: BacktestFlags) => {
      const r = await backtestCommand(runFile, flags);
      printResult(r, flags.json);
      if (r.status === 'halted') process.exitCode = 3;
    });
}
