import { mkdtempSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { backend } from '../test/fixtures/arithmetic-backend.ts';
import { expandSweep } from './sweep-expansion.ts';
import { parseSweep } from './sweep-file.ts';
import { runSweepLocally } from './local-sweep.ts';
import { readExperimentIndex } from './experiment-index.ts';

const backendModule = fileURLToPath(new URL('../test/fixtures/arithmetic-backend.ts', import.meta.url));
const base = { strategy: { params: { a: 1, b: 1, mode: 'ok' } }, window: { from: 'x', to: 'y' }, workMs: 0 };

async function experiment(dataRoot: string, doc: Record<string, unknown>) {
  return expandSweep(parseSweep({ base, ...doc }, 'sweep.yaml', dataRoot), backend, { dataRoot, baseDir: dataRoot });
}

function executionLines(dataRoot: string): string[][] {
  return existsSync(join(dataRoot, 'executions.log')) ? readFileSync(join(dataRoot, 'executions.log'), 'utf8').trim().split('\n').map((l) => l.split(' ')) : [];
}

function executions(dataRoot: string): string[] {
  return executionLines(dataRoot).map((l) => l[0]!);
}

describe('local sweep', () => {
  it('runs every member in child processes, writes the index and reuses completed runs on a re-run', async () => {
    const dataRoot = mkdtempSync(join(tmpdir(), 'chassis-local-'));
    const exp = await experiment(dataRoot, { grid: { 'strategy.params.a': [1, 2, 3], 'strategy.params.b': [1, 2] } });
    const first = await runSweepLocally(exp, { dataRoot, backend, backendModule, workers: 2 });
    expect(first.runs.map((r) => r.status)).toEqual(Array(6).fill('completed'));
    expect(first.runs[5]!.metrics).toEqual({ pnl: 26, sharpe: 1 });
    expect(new Set(executions(dataRoot)).size).toBe(6);
    const second = await runSweepLocally(exp, { dataRoot, backend, backendModule, workers: 2 });
    expect(second.runs.map((r) => r.status)).toEqual(Array(6).fill('reused'));
    expect(executions(dataRoot)).toHaveLength(6);
    expect(second.runs).toEqual(first.runs.map((r) => ({ ...r, status: 'reused' })));
  });

  it('executes many runs in each long-lived child: 8 runs on 2 workers use 2 processes', async () => {
    const dataRoot = mkdtempSync(join(tmpdir(), 'chassis-local-'));
    const exp = await experiment(dataRoot, { grid: { 'strategy.params.a': [1, 2, 3, 4], 'strategy.params.b': [1, 2] } });
    const res = await runSweepLocally(exp, { dataRoot, backend, backendModule, workers: 2 });
    expect(res.runs.map((r) => r.status)).toEqual(Array(8).fill('completed'));
    const pids = new Set(executionLines(dataRoot).map((l) => l[1]));
    expect(pids.size).toBeLessThanOrEqual(2);
    expect(res.usage?.runs).toBe(8);
    expect(res.usage?.childStartMs).toHaveLength(2);
  });

  it('keeps each run on one core: children run V8 single-threaded with one libuv thread', async () => {
    const dataRoot = mkdtempSync(join(tmpdir(), 'chassis-local-'));
    const exp = await experiment(dataRoot, { grid: { 'strategy.params.a': [1, 2], 'strategy.params.mode': ['runtime'] } });
    const res = await runSweepLocally(exp, { dataRoot, backend, backendModule, workers: 2 });
    expect(res.runs.map((r) => r.metrics)).toEqual(Array(2).fill({ singleThreaded: 1, uvThreadpoolSize: 1 }));
  });

  it('stops a child as soon as no run is left for it, while the other children still run', async () => {
    const dataRoot = mkdtempSync(join(tmpdir(), 'chassis-local-'));
    const exp = await experiment(dataRoot, { grid: { 'strategy.params.a': [1, 2, 3] }, base: { ...base, workMs: 500 } });
    const alive = (pid: string): boolean => {
      try {
        return process.kill(Number(pid), 0);
      } catch {
        return false;
      }
    };
    let atLastRun: { pid: string; alive: boolean }[] = [];
    const res = await runSweepLocally(exp, {
      dataRoot,
      backend,
      backendModule,
      workers: 2,
      // When the third run (500 ms of CPU) completes, the child that ran only one run has had no work since the second completed.
      onProgress: (p) => {
        if (p.done === 3) atLastRun = [...new Set(executionLines(dataRoot).map((l) => l[1]!))].map((pid) => ({ pid, alive: alive(pid) }));
      },
    });
    expect(res.runs.map((r) => r.status)).toEqual(Array(3).fill('completed'));
    const runsOf = (pid: string) => executionLines(dataRoot).filter((l) => l[1] === pid).length;
    expect(atLastRun.map((c) => [runsOf(c.pid), c.alive]).sort()).toEqual([
      [1, false],
      [2, true],
    ]);
    // Every child has exited once the sweep returns.
    expect(atLastRun.map((c) => alive(c.pid))).toEqual([false, false]);
  });

  it('prepares the members still to run once, in the coordinator, before any child runs one', async () => {
    const dataRoot = mkdtempSync(join(tmpdir(), 'chassis-local-'));
    const exp = await experiment(dataRoot, { grid: { 'strategy.params.a': [1, 2, 3, 4], 'strategy.params.mode': ['prepared'] } });
    const res = await runSweepLocally(exp, { dataRoot, backend, backendModule, workers: 2 });
    // Every run saw exactly one prepare, written by another process than its own (the coordinator).
    expect(res.runs.map((r) => r.metrics)).toEqual(Array(4).fill({ preparedLines: 1, preparedHere: 0 }));
    expect(readFileSync(join(dataRoot, 'prepared.log'), 'utf8')).toBe(`${process.pid} 1,2,3,4\n`);
    expect(res.usage!.prepareCpuMs).toBeGreaterThanOrEqual(0);
  });

  it('prepares nothing on a re-run whose members were all completed', async () => {
    const dataRoot = mkdtempSync(join(tmpdir(), 'chassis-local-'));
    const exp = await experiment(dataRoot, { grid: { 'strategy.params.a': [1, 2, 3] } });
    await runSweepLocally(exp, { dataRoot, backend, backendModule, workers: 1 });
    await runSweepLocally(exp, { dataRoot, backend, backendModule, workers: 1 });
    expect(readFileSync(join(dataRoot, 'prepared.log'), 'utf8')).toBe(`${process.pid} 1,2,3\n`);
  });

  it('runs every member when the preparation fails: each run meets its own problem', async () => {
    const dataRoot = mkdtempSync(join(tmpdir(), 'chassis-local-'));
    const exp = await experiment(dataRoot, { grid: { 'strategy.params.a': [1, 2], 'strategy.params.mode': ['ok', 'unpreparable'] } });
    const res = await runSweepLocally(exp, { dataRoot, backend, backendModule, workers: 2 });
    expect(res.runs.map((r) => r.status)).toEqual(Array(4).fill('completed'));
    expect(existsSync(join(dataRoot, 'prepared.log'))).toBe(false);
  });

  it('accounts CPU per child: start-up, then runs — a 300 ms busy run shows in its run CPU and its child total', async () => {
    const dataRoot = mkdtempSync(join(tmpdir(), 'chassis-local-'));
    const exp = await experiment(dataRoot, { grid: { 'strategy.params.a': [1, 2] }, base: { ...base, workMs: 300 } });
    const res = await runSweepLocally(exp, { dataRoot, backend, backendModule, workers: 1 });
    const u = res.usage!;
    expect(u.runs).toBe(2);
    expect(u.runCpuMs).toBeGreaterThanOrEqual(2 * 300 * 0.9);
    expect(u.childStartCpuMs).toHaveLength(1);
    expect(u.childCpuMs).toHaveLength(1);
    expect(u.childCpuMs[0]!).toBeGreaterThanOrEqual(u.childStartCpuMs[0]! + u.runCpuMs * 0.99);
    expect(u.parentCpuMs).toBeGreaterThan(0);
  });

  it('replaces a crashed child: runs after the crash complete in a fresh process', async () => {
    const dataRoot = mkdtempSync(join(tmpdir(), 'chassis-local-'));
    const exp = await experiment(dataRoot, { grid: { 'strategy.params.a': [1, 2, 3], 'strategy.params.mode': ['crash', 'ok'] } });
    const res = await runSweepLocally(exp, { dataRoot, backend, backendModule, workers: 1 });
    const statuses = res.runs.map((r) => [r.params['strategy.params.mode'], r.status]);
    expect(statuses.filter(([m]) => m === 'crash').map(([, s]) => s)).toEqual(Array(3).fill('failed'));
    expect(statuses.filter(([m]) => m === 'ok').map(([, s]) => s)).toEqual(Array(3).fill('completed'));
    // One worker, members in order crash/ok/crash/ok/crash/ok: the first child dies at once, then
    // each fresh child completes one run and crashes on the next — 4 children, the ok runs in 3 of them.
    expect(new Set(executionLines(dataRoot).map((l) => l[1])).size).toBe(3);
    expect(res.usage?.childStartMs.length).toBe(4);
  });

  it('records a failing and a crashing run with their errors and completes the others', async () => {
    const dataRoot = mkdtempSync(join(tmpdir(), 'chassis-local-'));
    const exp = await experiment(dataRoot, { grid: { 'strategy.params.a': [1, 2], 'strategy.params.mode': ['ok', 'fail', 'crash'] } });
    const res = await runSweepLocally(exp, { dataRoot, backend, backendModule, workers: 2 });
    const byMode = (mode: string) => res.runs.filter((r) => r.params['strategy.params.mode'] === mode);
    expect(byMode('ok').map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(byMode('fail').map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(byMode('fail')[0]!.error).toMatch(/E_FIXTURE: parameter a=1/);
    expect(byMode('crash')[0]!.status).toBe('failed');
    expect(byMode('crash')[0]!.error).toMatch(/exited with code 3/);
    const index = readExperimentIndex(res.dir);
    expect(index.records.filter((r) => r.status === 'failed')).toHaveLength(4);
  });

  it('stops on abort leaving unfinished runs pending, and a re-run completes only those', async () => {
    const dataRoot = mkdtempSync(join(tmpdir(), 'chassis-local-'));
    const exp = await experiment(dataRoot, { grid: { 'strategy.params.a': [1, 2, 3, 4, 5, 6] }, base: { ...base, workMs: 300 } });
    const controller = new AbortController();
    const first = await runSweepLocally(exp, {
      dataRoot,
      backend,
      backendModule,
      workers: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 2) controller.abort();
      },
    });
    expect(first.interrupted).toBe(true);
    expect(first.runs).toHaveLength(2);
    const pending = readExperimentIndex(first.dir).records.filter((r) => r.status === 'pending');
    expect(pending).toHaveLength(4);
    const second = await runSweepLocally(exp, { dataRoot, backend, backendModule, workers: 2 });
    expect(second.runs.filter((r) => r.status === 'reused')).toHaveLength(2);
    expect(second.runs.filter((r) => r.status === 'completed')).toHaveLength(4);
    expect(new Set(executions(dataRoot)).size).toBe(6);
  });

  it('writes an index.parquet that SQL can query, one row per run with params and metrics as columns', async () => {
    const dataRoot = mkdtempSync(join(tmpdir(), 'chassis-local-'));
    const exp = await experiment(dataRoot, { grid: { 'strategy.params.a': [1, 2, 3], 'strategy.params.b': [1, 2] } });
    const res = await runSweepLocally(exp, { dataRoot, backend, backendModule, workers: 2 });
    expect(readdirSync(res.dir).filter((f) => f.endsWith('.tmp') || f.startsWith('.index'))).toEqual([]);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const reader = await con.runAndReadAll(`SELECT a::INTEGER AS a, b::INTEGER AS b, pnl, status FROM read_parquet('${join(res.dir, 'index.parquet')}') ORDER BY pnl DESC LIMIT 2`);
    expect(reader.getRowObjectsJson()).toEqual([
      { a: 3, b: 1, pnl: 29, status: 'completed' },
      { a: 3, b: 2, pnl: 26, status: 'completed' },
    ]);
    con.closeSync();
  });
});
