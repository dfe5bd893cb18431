// The local pool on real backtests (the bundled Binance USD-M capture): a sweep's runs are the
// same computation whatever the number of workers and whichever worker ran them after which
// other run, and the same as each run done alone in a fresh process. The oracle for "the
// same" is each run's outputHash (every artifact, the journal included) and finalStateHash.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, BACKTEST_BACKEND_MODULE } from './backtest-backend.ts';
import { expandSweep } from './sweep-expansion.ts';
import { parseSweep } from './sweep-file.ts';
import { runSweepLocally } from './local-sweep.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const capture = join(repo, 'examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz');
const chassis = join(repo, 'packages/cli/bin/chassis.js');

const base = {
  data: { venue: 'binance-usdm', instrument: 'BTCUSDT', from: '2024-08-08T23:55:00Z', to: '2024-08-08T23:56:30Z' },
  strategy: { module: join(repo, 'examples/strategies/market-maker.ts'), params: { spreadTicks: 2, qty: 1 } },
  seed: 1,
};
const grid = { 'strategy.params.spreadTicks': [1, 2], 'strategy.params.qty': [1, 2] };

interface RunHashes {
  readonly outputHash: string;
  readonly finalStateHash: string;
}

function hashesOf(outDir: string): RunHashes {
  const m = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as RunHashes;
  return { outputHash: m.outputHash, finalStateHash: m.finalStateHash };
}

describe('local sweep of real backtests', () => {
  let scratch: string;
  let seed: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'chassis-sweep-same-'));
    seed = join(scratch, 'seed');
    // Through the CLI process: experiments does not depend on the quality gate's package.
    execFileSync(process.execPath, [chassis, 'import', capture, '--venue', 'binance-usdm', '--data', seed], { stdio: 'pipe' });
  }, 120_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** A fresh copy of the imported data root, so no run is reused from another sweep. */
  const freshRoot = (name: string): string => {
    const root = join(scratch, name);
    cpSync(seed, root, { recursive: true });
    return root;
  };

  async function sweep(workers: number) {
    const dataRoot = freshRoot(`sweep-${workers}`);
    const exp = await expandSweep(parseSweep({ base, grid }, join(repo, 'sweep.yaml'), dataRoot), backend, { dataRoot, baseDir: repo });
    const r = await runSweepLocally(exp, { dataRoot, backend, backendModule: BACKTEST_BACKEND_MODULE, workers });
    expect(r.runs.map((x) => x.status)).toEqual(Array(4).fill('completed'));
    return { members: exp.members, hashes: new Map(r.runs.map((x) => [x.runId, hashesOf(x.outDir!)])) };
  }

  it('gives every run the same outputHash and final state with 1 worker, with 2 workers, and run alone by `chassis backtest`', async () => {
    const one = await sweep(1);
    const two = await sweep(2);
    expect(two.hashes).toEqual(one.hashes);
    // Each member's definition alone in its own process: the CLI, nothing warm, no run before it.
    const alone = new Map<string, RunHashes>();
    const dataRoot = freshRoot('alone');
    for (const m of one.members) {
      const file = join(scratch, `${m.runId}.json`);
      writeFileSync(file, JSON.stringify(m.definition));
      const r = JSON.parse(execFileSync(process.execPath, [chassis, 'backtest', file, '--data', dataRoot, '--json'], { encoding: 'utf8' })) as { runId: string; outDir: string };
      alone.set(r.runId, hashesOf(r.outDir));
    }
    expect(alone).toEqual(one.hashes);
  }, 600_000);
});
