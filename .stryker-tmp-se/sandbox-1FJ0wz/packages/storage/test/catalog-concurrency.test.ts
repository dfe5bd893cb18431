// @ts-nocheck
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openCatalog, openStorage } from '@chassis/storage';
import { withLockFile } from '../src/backends/lock-file.ts';

const run = promisify(execFile);
const WRITER = join(import.meta.dirname, 'catalog-writer.ts');

function writer(root: string, tag: string, count: number, mode = 'record'): Promise<unknown> {
  return run(process.execPath, ['--import', 'tsx', WRITER, root, tag, String(count), mode], { cwd: join(import.meta.dirname, '../../..') });
}

describe('catalog updates from several processes', () => {
  it('keeps every entry when 3 processes record 25 datasets each at the same time, with unique versions', async () => {
    const root = mkdtempSync(join(tmpdir(), 'chassis-cat-'));
    await Promise.all(['a', 'b', 'c'].map((t) => writer(root, t, 25)));
    const all = await openCatalog(openStorage(root)).list();
    expect(all).toHaveLength(75);
    // one identity (same venue/symbol/kind/day/segment), 75 different contents: versions 1..75, none twice
    expect(all.map((d) => d.version).sort((x, y) => x - y)).toEqual(Array.from({ length: 75 }, (_, i) => i + 1));
    expect(existsSync(join(root, 'staging', 'locks', 'catalog.lock'))).toBe(false);
  });

  it('keeps every entry added through catalog.add from 2 processes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'chassis-cat-'));
    await Promise.all(['a', 'b'].map((t) => writer(root, t, 150, 'add')));
    expect(await openCatalog(openStorage(root)).list()).toHaveLength(300);
  });
});

describe('the lock file', () => {
  const lockIn = () => {
    const dir = mkdtempSync(join(tmpdir(), 'chassis-lock-'));
    mkdirSync(join(dir, 'locks'));
    return join(dir, 'locks', 'x.lock');
  };

  it('is taken over promptly when its holder process has died', async () => {
    const path = lockIn();
    const child = spawn(process.execPath, ['-e', '0']);
    const pid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    writeFileSync(path, JSON.stringify({ pid, host: hostname(), at: Date.now(), token: 'dead' }));
    const t0 = performance.now();
    expect(await withLockFile(path, async () => 'mine', { timeoutMs: 5_000 })).toBe('mine');
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(existsSync(path)).toBe(false);
  });

  it('is taken over when held on another host for longer than the stale limit', async () => {
    const path = lockIn();
    writeFileSync(path, JSON.stringify({ pid: 1, host: 'elsewhere', at: Date.now() - 60_000, token: 'old' }));
    expect(await withLockFile(path, async () => 'mine', { timeoutMs: 5_000, staleMs: 30_000 })).toBe('mine');
  });

  it('times out with a message naming the live holder, and leaves its lock alone', async () => {
    const path = lockIn();
    const holder = { pid: process.pid, host: hostname(), at: Date.now(), token: 'live' };
    writeFileSync(path, JSON.stringify(holder));
    await expect(withLockFile(path, async () => 'never', { timeoutMs: 300 })).rejects.toMatchObject({ code: 'E_LOCK_TIMEOUT', message: expect.stringContaining(`pid ${process.pid}`) });
    expect(existsSync(path)).toBe(true);
  });

  it('serialises critical sections: no two holders ever overlap', async () => {
    const path = lockIn();
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        withLockFile(path, async () => {
          maxInside = Math.max(maxInside, ++inside);
          await new Promise((r) => setTimeout(r, 5));
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
  });
});
