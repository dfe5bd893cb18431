// @ts-nocheck
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { importedDataRoot, REPO_ROOT } from './test-data.ts';

const CLI = join(REPO_ROOT, 'packages/cli/bin/chassis.js');
let root = '';
let gapRoot = '';

beforeAll(async () => {
  [root, gapRoot] = await Promise.all([importedDataRoot({ lines: 5_000 }), importedDataRoot({ lines: 20_000, drop: [10_000, 10_050] })]);
});

function runFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bt-run-')), 'run.yaml');
  writeFileSync(path, text);
  return path;
}

function chassis(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

/** Only failed-status manifests under experiments/. */
function expectOnlyFailedManifests(dataRoot: string): void {
  const dir = join(dataRoot, 'experiments');
  if (!existsSync(dir)) return;
  for (const run of readdirSync(dir)) {
    expect(readdirSync(join(dir, run))).toEqual(['manifest.json']);
    expect(JSON.parse(readFileSync(join(dir, run, 'manifest.json'), 'utf8')).status).toBe('failed');
  }
}

const MM = 'strategy: { module: examples/strategies/market-maker.ts, params: { spreadTicks: 2, qty: 1 } }';

describe('chassis backtest on bad input', () => {
  it('names an unknown dataset and exits non-zero', () => {
    const r = chassis(['backtest', runFile(`data: { datasets: [ds_doesnotexist] }\n${MM}\n`), '--data', root]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^E_DATASET_NOT_FOUND: dataset ds_doesnotexist/m);
    expectOnlyFailedManifests(root);
  });

  it('names an unknown field of the run file', () => {
    const r = chassis(['backtest', runFile(`data: { venue: binance-usdm, instrument: BTCUSDT }\n${MM}\nseed: 1\nvenue: { queue: { model: conservative }, slippage: 3 }\n`), '--data', root]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/E_RUN_DEFINITION: venue: unknown field "slippage"/);
    expectOnlyFailedManifests(root);
  });

  it('says when the strategy module exports no strategy', () => {
    const r = chassis(['backtest', '--venue', 'binance-usdm', '--instrument', 'BTCUSDT', '--strategy', 'packages/backtesting/src/fixtures/not-a-strategy.ts', '--data', root]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/E_STRATEGY_EXPORT: .*not-a-strategy\.ts does not export a strategy/);
    expectOnlyFailedManifests(root);
  });

  it('refuses a window with a gap in the data', () => {
    const r = chassis(['backtest', runFile(`data: { venue: binance-usdm, instrument: BTCUSDT }\n${MM}\n`), '--data', gapRoot]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/E_DATASET_GAP: .*gap inside the window at raw\/imports\/.*:\d+/);
    expectOnlyFailedManifests(gapRoot);
  });

  it('runs the same data when the window ends before the gap', () => {
    const r = chassis(['backtest', runFile(`data: { venue: binance-usdm, instrument: BTCUSDT, to: "2024-08-08T23:54:50Z" }\n${MM}\n`), '--data', gapRoot, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
