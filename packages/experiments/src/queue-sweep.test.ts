import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend } from '../test/fixtures/arithmetic-backend.ts';
import { startRedis, type RedisServer } from '../test/redis-server.ts';
import { expandSweep } from './sweep-expansion.ts';
import { parseSweep } from './sweep-file.ts';
import { runSweepOnQueue } from './queue-sweep.ts';
import { readExperimentIndex } from './experiment-index.ts';

const workerScript = fileURLToPath(new URL('../test/fixtures/queue-worker-process.ts', import.meta.url));

interface WorkerProc {
  readonly proc: ChildProcess;
  readonly lines: string[];
}

function startWorker(url: string, dataRoot: string): Promise<WorkerProc> {
  const proc = spawn(process.execPath, ['--import', 'tsx', workerScript, url, dataRoot, '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      for (const l of d.toString().split('\n')) if (l) lines.push(l);
      if (lines.includes('ready')) resolve({ proc, lines });
    });
    proc.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
  });
}

describe('distributed sweep through a real redis-server and BullMQ workers', () => {
  let redis: RedisServer;
  const workers: WorkerProc[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGTERM');
    await redis?.stop();
  });

  it('completes every run exactly once in the index when a worker is killed mid-run, and re-enqueueing adds nothing', async () => {
    const dataRoot = mkdtempSync(join(tmpdir(), 'chassis-queue-'));
    const base = { strategy: { params: { a: 1, b: 1, mode: 'ok' } }, window: { from: 'x', to: 'y' }, workMs: 800 };
    const exp = await expandSweep(parseSweep({ base, grid: { 'strategy.params.a': [1, 2, 3, 4], 'strategy.params.b': [1, 2] } }, 's.yaml', dataRoot), backend, {
      dataRoot,
      baseDir: dataRoot,
    });
    for (let i = 0; i < 3; i++) workers.push(await startWorker(redis.url, dataRoot));
    const sweep = runSweepOnQueue(exp, { queueUrl: redis.url, dataRoot, backend, pollMs: 100, timeoutMs: 20_000 });
    // Kill the first worker as soon as it has started a run.
    const victim = workers[0]!;
    let killedRun = '';
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        const started = victim.lines.find((l) => l.startsWith('started '));
        if (started) {
          killedRun = started.split(' ')[1]!;
          victim.proc.kill('SIGKILL');
          clearInterval(t);
          resolve();
        }
      }, 20);
    });
    const result = await sweep;
    expect(result.runs).toHaveLength(8);
    expect(result.runs.every((r) => r.status === 'completed')).toBe(true);
    const index = readExperimentIndex(result.dir);
    expect(index.records.map((r) => r.status)).toEqual(Array(8).fill('completed'));
    expect(readdirSync(join(result.dir, 'members')).filter((f) => f.endsWith('.json')).sort()).toEqual(exp.members.map((m) => `${m.runId}.json`).sort());
    // The killed worker's run was taken over by a surviving worker.
    const survivors = workers.slice(1).flatMap((w) => w.lines);
    expect(survivors.some((l) => l === `completed ${killedRun}` || l === `reused ${killedRun}`)).toBe(true);
    const executed = new Set(readFileSync(join(dataRoot, 'executions.log'), 'utf8').trim().split('\n').map((l) => l.split(' ')[0]));
    expect(executed.size).toBe(8);
    // The backend's preparation ran once, in the coordinator, over every member (by parameter a).
    expect(readFileSync(join(dataRoot, 'prepared.log'), 'utf8')).toBe(`${process.pid} 1,1,2,2,3,3,4,4\n`);
    // Same sweep again: every run reused, nothing enqueued or executed.
    const before = readFileSync(join(dataRoot, 'executions.log'), 'utf8');
    const again = await runSweepOnQueue(exp, { queueUrl: redis.url, dataRoot, backend, pollMs: 100 });
    expect(again.runs.map((r) => r.status)).toEqual(Array(8).fill('reused'));
    expect(readFileSync(join(dataRoot, 'executions.log'), 'utf8')).toBe(before);
    expect(readFileSync(join(dataRoot, 'prepared.log'), 'utf8')).toBe(`${process.pid} 1,1,2,2,3,3,4,4\n`);
  });
});
