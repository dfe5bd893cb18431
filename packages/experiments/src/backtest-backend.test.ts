// The shipped backend on the bundled real Binance USD-M capture: a member's run id, computed
// before running through the backtest's own resolution, is the id runBacktest gives the run.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeVersion, parseRunDefinition, resolveRun } from '@chassis/backtesting';
import { backend, backtestRunId, CODE_VERSION } from './backtest-backend.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const capture = join(repo, 'examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz');

describe('backtest run backend', () => {
  let dataRoot: string;
  beforeAll(() => {
    dataRoot = mkdtempSync(join(tmpdir(), 'chassis-backend-'));
    // Through the CLI process: experiments does not depend on the quality gate's package.
    execFileSync(process.execPath, [join(repo, 'packages/cli/bin/chassis.js'), 'import', capture, '--venue', 'binance-usdm', '--data', dataRoot], { stdio: 'pipe' });
  }, 60_000);
  afterAll(() => rmSync(dataRoot, { recursive: true, force: true }));

  const raw = (spreadTicks: number) => ({
    data: { venue: 'binance-usdm', instrument: 'BTCUSDT', from: '2024-08-08T23:55:00Z', to: '2024-08-08T23:57:00Z' },
    strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks, qty: 1 } },
    seed: 1,
  });

  it('gives a member the same run id before running as runBacktest gives the run, and finds it completed afterwards', async () => {
    const ctx = { dataRoot, baseDir: repo };
    const def = backend.parse(raw(2), 'test', ctx);
    const before = await backtestRunId(parseRunDefinition(def), ctx);
    expect(await backend.findCompleted(before, ctx)).toBeUndefined();
    const outcome = await backend.run(def, ctx);
    expect(outcome.status).toBe('completed');
    expect(outcome.runId).toBe(before);
    expect(outcome.outDir).toBe(join(dataRoot, 'experiments', before));
    expect(await backend.findCompleted(before, ctx)).toEqual(outcome);
    // A different parameter is a different run.
    expect(await backtestRunId(parseRunDefinition(backend.parse(raw(3), 'test', ctx)), ctx)).not.toBe(before);
  }, 60_000);

  it('prepares a sweep by writing the decode cache of every dataset its runs read, once, into the data root', async () => {
    // A copy of the imported root without derived/: no dataset has been read there yet.
    const root = mkdtempSync(join(tmpdir(), 'chassis-prepare-'));
    cpSync(dataRoot, root, { recursive: true, filter: (src) => !src.startsWith(join(dataRoot, 'derived')) && !src.startsWith(join(dataRoot, 'experiments')) });
    try {
      const ctx = { dataRoot: root, baseDir: repo };
      const defs = [backend.parse(raw(1), 'test', ctx), backend.parse(raw(2), 'test', ctx)];
      const { datasets } = await resolveRun({ definition: parseRunDefinition(defs[0]), baseDir: repo, dataRoot: root, codeVersion: CODE_VERSION });
      expect(datasets.map((d) => d.kind).sort()).toEqual(['bbo', 'book_delta', 'trade']);
      expect(existsSync(join(root, 'derived', 'columnar'))).toBe(false);
      await backend.prepare!(defs, ctx);
      expect(readdirSync(join(root, 'derived', 'columnar')).sort()).toEqual(datasets.map((d) => d.contentHash).sort());
      // Whole cache files only (a cache is written under a temporary name, then renamed).
      for (const d of datasets) expect(readdirSync(join(root, 'derived', 'columnar', d.contentHash))).toEqual([expect.stringMatching(/^columns-v\d+\.bin$/)]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);

  it('uses the code version of `chassis backtest` (release + runtime source fingerprint)', () => {
    expect(CODE_VERSION).toMatch(/^chassis@\d+\.\d+\.\d+[^+]*\+[0-9a-f]{12}$/);
    expect(CODE_VERSION).toBe(codeVersion(CODE_VERSION.slice('chassis@'.length, CODE_VERSION.indexOf('+'))));
  });

  it('fails a member whose window has no data as a result, not as infrastructure trouble', async () => {
    const ctx = { dataRoot, baseDir: repo };
    const def = backend.parse({ ...raw(2), data: { venue: 'binance-usdm', instrument: 'BTCUSDT', from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z' } }, 'test', ctx);
    const outcome = await backend.run(def, ctx);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/E_DATASET_NOT_FOUND: no promoted canonical data for binance-usdm BTCUSDT in the window/);
  }, 60_000);
});
