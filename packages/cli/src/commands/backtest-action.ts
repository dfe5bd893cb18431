// What `chassis backtest` does (its command line: backtest.ts, which imports this module only
// when the command runs). The progress bar loads only on a terminal.
import { dirname, resolve } from 'node:path';
import { ChassisError } from '@chassis/core';
import { resolveDataRoot } from '@chassis/storage';
import { applyOverrides, codeVersion, formatSummary, readRunFile, runBacktest, type BacktestResult, type RunStats } from '@chassis/backtesting';
import { createRunProbe, feedRunProbe, resolveMonitoringOptions, setRunState, startMonitoring, type InstrumentProbe, type MonitoringOptions, type RunProbe } from '@chassis/monitoring';
import { version } from '../version.ts';
import type { SingleBar } from 'cli-progress';
import type { BacktestFlags } from './backtest.ts';

/** Splits the run file's `monitoring` section (observation settings, not part of the run or its id) from the run definition. */
function splitMonitoring(raw: Record<string, unknown>): { run: Record<string, unknown>; monitoring: unknown } {
  const { monitoring, ...run } = raw;
  return { run, monitoring };
}

/** Runs a backtest with progress on stderr (TTY only) and returns the result. Shared with `chassis demo`. */
export async function backtestCommand(runFile: string | undefined, flags: BacktestFlags): Promise<BacktestResult> {
  const { run: raw, monitoring: monitoringSection } = splitMonitoring(runFile ? readRunFile(runFile) : {});
  const monitoringOptions: MonitoringOptions = resolveMonitoringOptions(
    { ...(flags.metricsPort !== undefined ? { metricsPort: flags.metricsPort } : {}), ...(flags.metricsHost ? { metricsHost: flags.metricsHost } : {}), ...(flags.pushgateway ? { pushgateway: flags.pushgateway } : {}) },
    { monitoring: monitoringSection },
    runFile ?? 'command-line flags',
  );
  let repeat: number | undefined;
  if (flags.repeat !== undefined) {
    repeat = Number(flags.repeat);
    if (!Number.isSafeInteger(repeat) || repeat < 1) throw new ChassisError('E_USAGE', `--repeat expects a positive integer, got "${flags.repeat}"`);
  }
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
  const bar = !flags.json && process.stderr.isTTY === true ? await progressBar() : null;
  const dataRoot = resolveDataRoot(flags.data);
  // Monitoring starts first: a port already in use fails before any work is done.
  const wantMonitoring = monitoringOptions.metricsPort !== undefined || monitoringOptions.pushgateway !== undefined;
  const mon = wantMonitoring ? await startMonitoring({ component: 'backtest', ...(dataRoot.startsWith('s3://') ? {} : { dataRoot }), ...monitoringOptions }) : null;
  if (mon?.server && !flags.json) process.stderr.write(`metrics on ${mon.server.url}/metrics\n`);
  const dataLoaded = mon?.readiness.flag('data_loaded', 'resolving datasets');
  let probe: RunProbe | null = null;
  const slots: InstrumentProbe[] = [];
  const monitorBatch = mon
    ? (stats: RunStats): void | Promise<void> => {
        if (probe === null) {
          // First call: datasets resolved, feeder open, processing about to start.
          probe = createRunProbe({ component: 'backtest', runId: stats.runId, strategy: stats.strategy });
          mon.metrics.attachRun(probe);
          setRunState(probe, 'loading');
          setRunState(probe, 'running');
          dataLoaded?.pass();
        }
        feedRunProbe(probe, stats, slots);
        // Yield only when someone may be scraping; a push-only run has no endpoint to keep alive.
        return mon.server !== null && mon.yielder.due() ? mon.yielder.yield() : undefined;
      }
    : undefined;
  const onBatch = process.env[STARTUP_MARK_ENV] === '1' ? markFirstBatch(monitorBatch) : monitorBatch;
  const t0 = performance.now();
  bar?.start(1000, 0, { events: 0, rate: 0 });
  let result: BacktestResult | undefined;
  try {
    result = await runBacktest({
      definition,
      baseDir: runFile ? dirname(resolve(runFile)) : process.cwd(),
      dataRoot,
      codeVersion: codeVersion(version),
      where: runFile ?? 'command-line flags',
      ...(repeat !== undefined ? { repeat } : {}),
      ...(onBatch ? { onBatch } : {}),
      onProgress: (events, fraction) => {
        const s = (performance.now() - t0) / 1000;
        bar?.update(Math.max(0, Math.min(1000, Math.round(fraction * 1000))), { events, rate: Math.round(events / Math.max(s, 1e-3)) });
      },
    });
    return result;
  } finally {
    bar?.stop();
    if (mon) {
      const p = probe as RunProbe | null;
      if (p) {
        if (result?.status === 'completed' || result?.status === 'strategy_halted') p.progressRatio = 1;
        setRunState(p, result === undefined ? 'failed' : result.status === 'completed' ? 'completed' : 'halted');
      }
      await mon.finish({ job: 'chassis_backtest', groupings: { run_id: p?.labels.runId ?? result?.runId ?? 'unresolved' } });
    }
  }
}

/** The progress bar on stderr (only on a terminal, so cli-progress loads only then). */
async function progressBar(): Promise<SingleBar> {
  const { SingleBar, Presets } = await import('cli-progress');
  return new SingleBar(
    { format: 'backtest [{bar}] {percentage}% | {events} events | {rate} events/s | ETA {eta_formatted}', stream: process.stderr, hideCursor: true, clearOnComplete: true },
    Presets.shades_classic,
  );
}

/**
 * Start-up measurement (bench/sections/startup.ts): with CHASSIS_STARTUP_MARK=1 the backtest writes
 * `chassis-startup: first-market-event <epoch ms> cpu <process CPU ms>` to stderr when processing starts (datasets
 * resolved, strategy loaded, feeder open: the next step is the first market event). Wall-clock
 * side channel only; the run is the same.
 */
export const STARTUP_MARK_ENV = 'CHASSIS_STARTUP_MARK';

function markFirstBatch(next: ((stats: RunStats) => void | Promise<void>) | undefined): (stats: RunStats) => void | Promise<void> {
  let marked = false;
  return (stats) => {
    if (!marked) {
      marked = true;
      const cpu = process.cpuUsage();
      process.stderr.write(`chassis-startup: first-market-event ${(performance.timeOrigin + performance.now()).toFixed(3)} cpu ${((cpu.user + cpu.system) / 1000).toFixed(1)}\n`);
    }
    return next?.(stats);
  };
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
