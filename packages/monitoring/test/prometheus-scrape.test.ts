// A real Prometheus (Debian binary, loopback, free port) scrapes REAL Chassis commands:
//   - `chassis backtest --metrics-port` on the bundled Binance USD-M capture imported into a temp
//     data root, kept busy for ~10 s with the hidden `--repeat 40` (the runtime feeds the capture
//     40 times with shifted timestamps; see BacktestOptions.repeat),
//   - `chassis worker --queue redis://… --metrics-port` (real redis-server started here) running
//     the members of a `chassis sweep --queue … --metrics-port` (per-run probes, sweep probe),
// and the test reads the series back through the Prometheus HTTP API. Also: a port already in
// use gives E_METRICS_PORT_IN_USE from the real commands, /metrics answers while the backtest
// is busy, and a short backtest pushes its final metrics to a real Pushgateway.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBinary, startLocalPrometheus, type LocalPrometheus } from '../src/index.ts';
import { freePort, repoRoot } from './spawned-job.ts';

const chassis = join(repoRoot, 'packages/cli/bin/chassis.js');
const capture = join(repoRoot, 'examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz');
const strategy = join(repoRoot, 'examples/strategies/market-maker.ts');

interface Proc {
  readonly child: ChildProcess;
  out: string;
  err: string;
  readonly exited: Promise<number | null>;
}
const procs: Proc[] = [];

function start(cmd: string, args: readonly string[]): Proc {
  const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = { child, out: '', err: '', exited: new Promise((r) => child.once('exit', (code) => r(code))) };
  child.stdout!.on('data', (d: Buffer) => (p.out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (p.err += d.toString()));
  procs.push(p);
  return p;
}
const cli = (args: readonly string[]) => start(process.execPath, [chassis, ...args]);

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let work: string;
let root: string;
let prom: LocalPrometheus;
let redisPort: number;
let backtestPort: number;
let workerPort: number;
let sweepPort: number;
let backtest: Proc;
let worker: Proc;
let sweep: Proc;

async function query(q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  expect(body.status).toBe('success');
  return body.data.result;
}

/** Polls until the query returns at least one series and every one satisfies `ok`. */
async function eventually(q: string, ok: (v: number) => boolean, timeoutMs = 25_000) {
  const deadline = Date.now() + timeoutMs;
  let last: Awaited<ReturnType<typeof query>> = [];
  while (Date.now() < deadline) {
    last = await query(q);
    if (last.length > 0 && last.every((r) => ok(Number(r.value[1])))) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${q} never satisfied the check; last answer ${JSON.stringify(last)}`);
}

/** The binary of a service `npm test` installs (scripts/ensure-services.sh); missing is a failure, never a skip. */
function requiredBinary(name: string): string {
  const path = findBinary(name);
  if (path === null) throw new Error(`${name} is not on PATH: npm test installs it with scripts/ensure-services.sh`);
  return path;
}

const redisServer = requiredBinary('redis-server');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'chassis-scrape-'));
  root = join(work, 'data');
  const imp = cli(['import', capture, '--venue', 'binance-usdm', '--data', root]);
  expect(await imp.exited, imp.err).toBe(0);
  writeFileSync(join(work, 'run.yaml'), `data: { venue: binance-usdm, instrument: BTCUSDT }\nstrategy:\n  module: ${strategy}\n  params: { spreadTicks: 2, qty: 1 }\nseed: 1\n`);
  [redisPort, backtestPort, workerPort, sweepPort] = [await freePort(), await freePort(), await freePort(), await freePort()];

  start(redisServer, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  const config = join(work, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global: { scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: chassis',
      `    static_configs: [{ targets: ['127.0.0.1:${backtestPort}', '127.0.0.1:${workerPort}', '127.0.0.1:${sweepPort}'] }]`,
      '',
    ].join('\n'),
  );
  prom = await startLocalPrometheus({ configFile: config, port: await freePort(), dataDir: join(work, 'tsdb') });

  // Four members for the worker, through the queue, with the sweep's own endpoint. A warm worker
  // runs each in well under a second, less than Prometheus may take to first scrape a new target,
  // so the sweep starts first and its queued runs are scraped before any worker can take them;
  // four keep the sweep alive for a few scrapes once the worker is counted (with two, a fast
  // worker finished them between the sweep's count of workers and the next scrape).
  writeFileSync(join(work, 'sweep.yaml'), `base: run.yaml\ngrid: { strategy.params.spreadTicks: [1, 2, 3, 4] }\nmonitoring: { metricsPort: ${sweepPort} }\n`);
  sweep = cli(['sweep', join(work, 'sweep.yaml'), '--data', root, '--queue', `redis://127.0.0.1:${redisPort}`, '--json']);
  await eventually('chassis_sweep_runs{component="sweep",status="queued"}', (v) => v === 4, 60_000);
  worker = cli(['worker', '--queue', `redis://127.0.0.1:${redisPort}`, '--data', root, '--metrics-port', String(workerPort)]);
  await waitFor('worker ready', () => worker.out.includes('worker ready'));
  backtest = cli(['backtest', join(work, 'run.yaml'), '--data', root, '--repeat', '40', '--out', join(work, 'long-run'), '--metrics-port', String(backtestPort)]);
  await waitFor('backtest metrics endpoint', () => backtest.err.includes('metrics on'));
}, 150_000);

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
  await prom?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 30_000);

describe('a real Prometheus scraping real Chassis commands', () => {
  it('sees the backtest, the worker and the sweep targets up', async () => {
    await eventually(`up{instance="127.0.0.1:${backtestPort}"}`, (v) => v === 1);
    await eventually(`up{instance="127.0.0.1:${workerPort}"}`, (v) => v === 1);
  }, 40_000);

  it('finds the running backtest series with the documented labels and sane values', async () => {
    const events = await eventually('chassis_events_processed_total{component="backtest"}', (v) => v > 0);
    expect(events[0]!.metric).toMatchObject({ component: 'backtest', strategy: strategy, job: 'chassis' });
    expect(events[0]!.metric.run_id).toMatch(/^[0-9a-f]{16}-repeat\d+$/);
    const b = '{component="backtest"}';
    await eventually(`chassis_run_state{component="backtest",state="running"}`, (v) => v === 1);
    await eventually(`chassis_backtest_progress_ratio${b}`, (v) => v > 0 && v < 1);
    await eventually(`chassis_backtest_events_per_second${b}`, (v) => v > 1_000);
    await eventually(`rate(chassis_events_processed_total${b}[5s])`, (v) => v > 1_000);
    await eventually(`histogram_quantile(0.5, rate(chassis_step_duration_seconds_bucket${b}[5s]))`, (v) => v > 0 && v < 1e-3);
    await eventually(`chassis_strategy_evaluations_total${b}`, (v) => v > 1_000);
    await eventually(`chassis_intents_total{component="backtest",decision="allowed",reason="none"}`, (v) => v > 0);
    await eventually(`chassis_requests_sent_total{component="backtest",type="new"}`, (v) => v > 0);
    await eventually(`chassis_requests_sent_total{component="backtest",type="replace"}`, (v) => v > 0);
    await eventually(`chassis_control_time_events_total${b}`, (v) => v >= 0);
    await eventually(`chassis_rate_limit_deferrals_total${b}`, (v) => v >= 0);
    await eventually(`chassis_queue_depth${b}`, (v) => v >= 0 && v < 100);
    await eventually(`chassis_obligations_outstanding${b}`, (v) => v >= 0 && v <= 1);
    await eventually(`chassis_fills_total{component="backtest",venue="binance-usdm",instrument="BTCUSDT"}`, (v) => v > 0);
    await eventually(`chassis_orders_open{component="backtest",instrument="BTCUSDT"}`, (v) => v >= 0 && v <= 10);
    // qty 1 lot = 0.001 BTC; the example market maker caps inventory at a few lots.
    await eventually(`chassis_position{component="backtest",instrument="BTCUSDT"}`, (v) => Math.abs(v) <= 0.05);
    await eventually(`chassis_pnl{component="backtest",instrument="BTCUSDT",kind="realized"}`, (v) => Number.isFinite(v) && Math.abs(v) < 10_000);
    await eventually(`chassis_processing_lag_seconds${b}`, (v) => v === 0);
    await eventually(`chassis_data_root_free_bytes{component="backtest"}`, (v) => v > 0);
    await eventually('process_cpu_seconds_total{job="chassis"}', (v) => v > 0);
  }, 60_000);

  it('keeps /metrics and /readyz answering quickly while the backtest is busy', async () => {
    const ready = await fetch(`http://127.0.0.1:${backtestPort}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, checks: [{ name: 'data_loaded', ok: true }] });
    let worst = 0;
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const res = await fetch(`http://127.0.0.1:${backtestPort}/metrics`);
      expect(res.status).toBe(200);
      await res.text();
      worst = Math.max(worst, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
    // The loop yields every 64 batches or 50 ms; a scrape waits at most about that plus one batch.
    expect(worst).toBeLessThan(500);
    expect(backtest.child.exitCode).toBeNull();
  }, 30_000);

  it('refuses a metrics port already in use with a clear error, from the backtest and the worker', async () => {
    const bt = cli(['backtest', join(work, 'run.yaml'), '--data', root, '--out', join(work, 'clash'), '--metrics-port', String(backtestPort)]);
    expect(await bt.exited).not.toBe(0);
    expect(bt.err).toMatch(new RegExp(`E_METRICS_PORT_IN_USE: .*${backtestPort}`));
    const wk = cli(['worker', '--queue', `redis://127.0.0.1:${redisPort}`, '--data', root, '--metrics-port', String(workerPort)]);
    expect(await wk.exited).not.toBe(0);
    expect(wk.err).toMatch(/E_METRICS_PORT_IN_USE/);
  }, 60_000);

  it('shows the worker runs of the sweep as per-run series, and the sweep its runs by status', async () => {
    expect(await sweep.exited, sweep.err).toBe(0);
    const result = JSON.parse(sweep.out) as { runs: { runId: string; status: string }[] };
    expect(result.runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    for (const { runId } of result.runs) {
      await eventually(`chassis_run_state{component="worker",run_id="${runId}",state="completed"}`, (v) => v === 1);
      // One pass over the capture: ~95 000 events.
      await eventually(`chassis_events_processed_total{component="worker",run_id="${runId}"}`, (v) => v > 90_000 && v < 100_000);
      await eventually(`chassis_fills_total{component="worker",run_id="${runId}",instrument="BTCUSDT"}`, (v) => v > 0);
      await eventually(`chassis_backtest_progress_ratio{component="worker",run_id="${runId}"}`, (v) => v === 1);
    }
    // The sweep process has exited; what Prometheus scraped while it ran stays queryable.
    await eventually('max_over_time(chassis_sweep_runs{component="sweep",status="queued"}[5m])', (v) => v === 4);
    await eventually('max_over_time(chassis_sweep_workers_alive{component="sweep"}[5m])', (v) => v >= 1);
    const ready = await fetch(`http://127.0.0.1:${workerPort}/readyz`);
    expect(await ready.json()).toMatchObject({ ready: true, checks: [{ name: 'queue_connected', ok: true }] });
  }, 90_000);

  it('lets the scraped backtest run to completion with the same summary as without monitoring', async () => {
    expect(await backtest.exited, backtest.err).toBe(0);
    expect(backtest.out).toMatch(/status completed/);
  }, 120_000);
});

describe('a backtest pushing its final metrics', () => {
  it('leaves the completed run in a real Pushgateway under job chassis_backtest and its run id', async () => {
    const port = await freePort();
    const gw = start(requiredBinary('prometheus-pushgateway'), [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${join(work, 'pgw')}`]);
    await waitFor('pushgateway', async () => (await fetch(`http://127.0.0.1:${port}/-/ready`).catch(() => null))?.ok === true);
    const bt = cli(['backtest', join(work, 'run.yaml'), '--data', root, '--out', join(work, 'pushed'), '--pushgateway', `http://127.0.0.1:${port}`, '--json']);
    expect(await bt.exited, bt.err).toBe(0);
    const r = JSON.parse(bt.out) as { runId: string; events: number; fills: number };
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const line = (name: string) => text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes('job="chassis_backtest"') && l.includes(`run_id="${r.runId}"`));
    expect(Number(line('chassis_events_processed_total')?.split(' ').at(-1))).toBe(r.events);
    expect(Number(line('chassis_fills_total')?.split(' ').at(-1))).toBe(r.fills);
    expect(text).toMatch(new RegExp(`chassis_run_state\\{[^}]*job="chassis_backtest"[^}]*run_id="${r.runId}"[^}]*state="completed"[^}]*\\} 1`));
    gw.child.kill('SIGTERM');
  }, 90_000);
});
