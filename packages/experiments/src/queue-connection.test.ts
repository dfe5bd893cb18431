import { describe, expect, it } from 'vitest';
import { checkQueueReachable, redisConnection } from './queue-connection.ts';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backend } from '../test/fixtures/arithmetic-backend.ts';
import { freePort } from '../../../test/loopback-port.ts';
import { expandSweep } from './sweep-expansion.ts';
import { parseSweep } from './sweep-file.ts';
import { runSweepOnQueue } from './queue-sweep.ts';
import { startQueueWorker } from './queue-worker.ts';

describe('queue connection', () => {
  it('parses host, port, database and credentials from a redis URL', () => {
    expect(redisConnection('redis://u:p%40ss@10.0.0.2:6380/3')).toMatchObject({ host: '10.0.0.2', port: 6380, db: 3, username: 'u', password: 'p@ss' });
  });

  it('refuses a URL that is not redis://', () => {
    expect(() => redisConnection('http://127.0.0.1:6379')).toThrow(/E_QUEUE_URL|redis:\/\/ scheme/);
  });

  it('fails fast with E_QUEUE_UNREACHABLE naming the address when nothing listens', async () => {
    const port = await freePort();
    const t0 = Date.now();
    await expect(checkQueueReachable(`redis://127.0.0.1:${port}`)).rejects.toMatchObject({
      code: 'E_QUEUE_UNREACHABLE',
      message: expect.stringContaining(`no Redis answering at 127.0.0.1:${port} (connect ECONNREFUSED`),
    });
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('a worker pointed at a dead queue rejects instead of retrying forever', async () => {
    const port = await freePort();
    await expect(startQueueWorker({ queueUrl: `redis://127.0.0.1:${port}`, dataRoot: '/nonexistent', backendModule: 'unused' })).rejects.toMatchObject({ code: 'E_QUEUE_UNREACHABLE' });
  });

  it('a sweep on a dead queue rejects before writing its experiment directory', async () => {
    const port = await freePort();
    const dataRoot = mkdtempSync(join(tmpdir(), 'chassis-queue-dead-'));
    const base = { strategy: { params: { a: 1, b: 1, mode: 'ok' } }, window: { from: 'x', to: 'y' }, workMs: 0 };
    const exp = await expandSweep(parseSweep({ base, grid: { 'strategy.params.a': [1, 2] } }, 's.yaml', dataRoot), backend, { dataRoot, baseDir: dataRoot });
    await expect(runSweepOnQueue(exp, { queueUrl: `redis://127.0.0.1:${port}`, dataRoot, backend })).rejects.toMatchObject({ code: 'E_QUEUE_UNREACHABLE' });
    expect(existsSync(join(dataRoot, 'experiments'))).toBe(false);
  });
});
