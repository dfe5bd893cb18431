import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachePathOf, runCachedScript } from '../bin/cached-script.cjs';

describe('a CommonJS script run with a V8 code cache (the bundled chassis command)', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function script(source: string): string {
    dir = mkdtempSync(join(tmpdir(), 'chassis-cached-script-'));
    const file = join(dir, 'bundle.cjs');
    writeFileSync(file, source);
    return file;
  }
  const noImport = (): Promise<unknown> => Promise.reject(new Error('no dynamic import expected'));

  it('returns the exports of the script, evaluated once', () => {
    const file = script('globalThis.__cachedScriptRuns = (globalThis.__cachedScriptRuns ?? 0) + 1; exports.twice = (x) => 2 * x;');
    const before = (globalThis as { __cachedScriptRuns?: number }).__cachedScriptRuns ?? 0;
    const run = runCachedScript({ file, hash: 'h1', name: 'test', dynamicImport: noImport });
    expect((run.exports.twice as (x: number) => number)(21)).toBe(42);
    expect((globalThis as { __cachedScriptRuns?: number }).__cachedScriptRuns).toBe(before + 1);
  });

  it('compiles the next start from the code cache the first start wrote', () => {
    const file = script('exports.f = function f(x) { return x + 1; }; exports.v = exports.f(1);');
    const first = runCachedScript({ file, hash: 'h1', name: 'backtest', dynamicImport: noImport });
    expect(first.cache).toBe('none');
    expect(first.saveCache()).toBe(true);
    expect(existsSync(cachePathOf(file, 'h1', 'backtest'))).toBe(true);
    const second = runCachedScript({ file, hash: 'h1', name: 'backtest', dynamicImport: noImport });
    expect(second.cache).toBe('used');
    expect(second.exports.v).toBe(2);
    expect(second.saveCache()).toBe(false);
  });

  it("writes a cache that still holds the start's functions after a long run (no bytecode flushed by its garbage collections)", () => {
    // V8 flushes the bytecode of functions idle over several full collections (as in a day's
    // backtest), and a cache written at the end then lacks the start-up's functions. Here every
    // collection flushes (--stress-flush-code, this test file's own process): the cache written
    // after them must still be as large as one written right after the start.
    const body = Array.from({ length: 400 }, (_, i) => `acc = (acc * 31 + ${i}) | 0;`).join(' ');
    const gcFile = script(`exports.start = function start() { let acc = 0; ${body} return acc; }; exports.v = exports.start();`);
    const fresh = runCachedScript({ file: gcFile, hash: 'h1', name: 'fresh', dynamicImport: noImport });
    expect(fresh.saveCache()).toBe(true);
    const freshBytes = readFileSync(cachePathOf(gcFile, 'h1', 'fresh')).length;
    const long = runCachedScript({ file: gcFile, hash: 'h1', name: 'long', dynamicImport: noImport });
    setFlagsFromString('--expose-gc');
    setFlagsFromString('--stress-flush-code');
    try {
      const gc = runInNewContext('gc') as () => void;
      for (let i = 0; i < 10; i++) gc();
      expect(long.saveCache()).toBe(true);
    } finally {
      setFlagsFromString('--no-stress-flush-code');
    }
    expect(readFileSync(cachePathOf(gcFile, 'h1', 'long')).length).toBeGreaterThanOrEqual(freshBytes);
  });

  it('keeps one cache per command name and per script content hash', () => {
    const file = script('exports.v = 1;');
    expect(cachePathOf(file, 'h1', 'backtest')).not.toBe(cachePathOf(file, 'h1', 'report'));
    expect(cachePathOf(file, 'h1', 'backtest')).not.toBe(cachePathOf(file, 'h2', 'backtest'));
    runCachedScript({ file, hash: 'h1', name: 'backtest', dynamicImport: noImport }).saveCache();
    // The same file under another content hash (a rebuilt bundle) is never offered the old cache.
    expect(runCachedScript({ file, hash: 'h2', name: 'backtest', dynamicImport: noImport }).cache).toBe('none');
  });

  it('runs a damaged cache from source, with the same result, and writes the cache again', () => {
    const file = script('exports.v = [1, 2, 3].map((x) => x * x).join(",");');
    writeFileSync(cachePathOf(file, 'h1', 'test'), Buffer.from('not a V8 code cache at all, just bytes'));
    const run = runCachedScript({ file, hash: 'h1', name: 'test', dynamicImport: noImport });
    expect(run.cache).toBe('rejected');
    expect(run.exports.v).toBe('1,4,9');
    expect(run.saveCache()).toBe(true);
    expect(runCachedScript({ file, hash: 'h1', name: 'test', dynamicImport: noImport }).cache).toBe('used');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('hands dynamic imports to the given import function, also when compiled from the cache', async () => {
    const file = script('exports.load = () => __chassisImport("node:path");');
    const seen: string[] = [];
    const dynamicImport = (s: string): Promise<unknown> => (seen.push(s), import(s));
    runCachedScript({ file, hash: 'h1', name: 'test', dynamicImport }).saveCache();
    const run = runCachedScript({ file, hash: 'h1', name: 'test', dynamicImport });
    expect(run.cache).toBe('used');
    const path = (await (run.exports.load as () => Promise<typeof import('node:path')>)());
    expect(path.join('a', 'b')).toBe(join('a', 'b'));
    expect(seen).toEqual(['node:path']);
  });

  it('runs the script in strict mode, as the ES modules it was bundled from', () => {
    const file = script('exports.strict = (function () { return this === undefined; })();');
    expect(runCachedScript({ file, hash: 'h1', name: 'test', dynamicImport: noImport }).exports.strict).toBe(true);
  });

  it('reads an ASCII script and a UTF-8 one (non-ASCII characters) alike', () => {
    const ascii = script('exports.s = "caf\\u00e9 \\u2265 1";');
    expect(runCachedScript({ file: ascii, hash: 'h1', name: 'test', dynamicImport: noImport }).exports.s).toBe('caf\u00e9 \u2265 1');
    const utf8 = join(dir, 'utf8.cjs');
    writeFileSync(utf8, 'exports.s = "caf\u00e9 \u2265 1";');
    expect(runCachedScript({ file: utf8, hash: 'h1', name: 'test', dynamicImport: noImport }).exports.s).toBe('caf\u00e9 \u2265 1');
  });

  it('gives the script require, module and its own file name', () => {
    const file = script('exports.sep = require("node:path").sep; exports.file = __filename; exports.self = module.exports === exports;');
    const run = runCachedScript({ file, hash: 'h1', name: 'test', dynamicImport: noImport });
    expect(run.exports).toMatchObject({ sep: '/', file, self: true });
  });
});
