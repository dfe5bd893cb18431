// The shipped backend on the bundled real Binance USD-M capture: a member's run id, computed
// before running through the backtest's own resolution, is the id runBacktest gives the run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeVersion, parseRunDefinition } from '@chassis/backtesting';
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
