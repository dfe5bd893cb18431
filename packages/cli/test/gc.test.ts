import { beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dataFixturesDir } from '../../../examples/data/index.ts';

const run = promisify(execFile);
const CLI = 'packages/cli/bin/chassis.js';
const USDM = `${dataFixturesDir}/binance-hftbacktest/usdm_btcusdt_20240808.gz`;
const BACKTEST = ['backtest', '--venue', 'binance-usdm', '--instrument', 'BTCUSDT', '--strategy', 'examples/strategies/market-maker.ts', '--json'];

const chassis = (args: readonly string[]) => run('node', [CLI, ...args], { timeout: 120_000, maxBuffer: 1 << 24 });

/** A pid that was a process and has exited. */
function deadPid(): number {
  const child = spawnSync('node', ['-e', '']);
  return child.pid!;
}

function put(path: string, text = ''): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

const owner = (pid: number) => JSON.stringify({ pid, host: hostname() });
/** A run manifest as runBacktest writes it: a failed run's, or a finished run's with its outputs. */
function manifest(status: 'failed' | 'completed' | 'strategy_halted'): string {
  const common = { format: 'chassis-run-manifest-v1', runId: 'r', codeVersion: 'chassis@0.1.0', endedAt: '2026-12-01T00:00:01Z' };
  if (status === 'failed') return JSON.stringify({ ...common, status, error: { code: 'E_NO_DATA', message: 'no dataset' } });
  const hash = 'a'.repeat(64);
  return JSON.stringify({
    ...common,
    status,
    diagnostic: null,
    startedAt: '2026-12-01T00:00:00Z',
    datasets: [],
    events: { total: 1, market: 1, controlTime: 0, lastSeq: 1 },
    journal: { file: 'journal.bin', events: 1, blocks: 1, bytes: 30, sha256: hash, checkpointInterval: 10000, checkpoints: 0 },
    finalStateHash: '0123456789abcdef',
    outputs: { 'journal.bin': hash },
    outputHash: hash,
  });
}

describe('chassis gc on a data root laid out by hand', () => {
  function dataRoot(): string {
    const data = join(mkdtempSync(join(tmpdir(), 'chassis-gc-')), 'data');
    const dead = deadPid();
    put(join(data, 'experiments/run-completed/manifest.json'), manifest('completed'));
    put(join(data, 'experiments/run-halted/manifest.json'), manifest('strategy_halted'));
    put(join(data, 'experiments/failed-0123456789abcdef/manifest.json'), manifest('failed'));
    put(join(data, 'experiments/sweep-1/experiment.json'), '{}');
    put(join(data, 'experiments/.staging-r1-dead/journal.bin'), 'x');
    put(join(data, 'experiments/.staging-r1-dead.owner'), owner(dead));
    put(join(data, 'experiments/.staging-r2-live/journal.bin'), 'x');
    put(join(data, 'experiments/.staging-r2-live.owner'), owner(process.pid));
    put(join(data, 'experiments/.staging-r3-unowned/journal.bin'), 'x');
    put(join(data, 'staging/tx-dead/data.parquet'), 'x');
    put(join(data, 'staging/tx-dead.owner'), owner(dead));
    put(join(data, 'staging/tx-live/data.parquet'), 'x');
    put(join(data, 'staging/tx-live.owner'), owner(process.pid));
    put(join(data, `staging/objects/tmp-${dead}-0a1b2c`), 'x');
    // A publish killed between its renames: the previous copy of a run that is missing, and one whose run is back.
    put(join(data, `experiments/run-moved.old-${dead}-1700000000000/manifest.json`), manifest('completed'));
    put(join(data, `experiments/run-completed.old-${dead}-1700000000000/manifest.json`), manifest('completed'));
    return data;
  }
  const removable = [
    'experiments/.staging-r1-dead',
    'experiments/failed-0123456789abcdef',
    'staging/tx-dead',
    'staging/objects/tmp-',
    'experiments/run-completed.old-',
  ];
  const kept = ['experiments/run-completed', 'experiments/run-halted', 'experiments/sweep-1', 'experiments/.staging-r2-live', 'experiments/.staging-r3-unowned', 'staging/tx-live'];

  it('--dry-run names every abandoned staging area and failed run and removes nothing', async () => {
    const data = dataRoot();
    const { stdout } = await chassis(['gc', '--data', data, '--dry-run']);
    for (const p of removable) expect(stdout).toContain(`would remove ${p}`);
    for (const p of kept) expect(stdout).not.toContain(`remove ${p} `);
    for (const p of [...removable.slice(0, 3), ...kept]) expect(existsSync(join(data, p)), p).toBe(true);
    expect(readdirSync(join(data, 'staging/objects'))).toHaveLength(1);
    expect(stdout).toMatch(/^would restore experiments\/run-moved\.old-/m);
  });

  it('removes staging areas and temporary objects whose owner process is gone (with their owner files), failed runs and replaced copies, restores a copy whose run is missing, and keeps completed runs, experiments, staging in use and staging of unknown owner', async () => {
    const data = dataRoot();
    const { stdout } = await chassis(['gc', '--data', data]);
    for (const p of removable) expect(stdout).toContain(`removed ${p}`);
    for (const p of removable.slice(0, 3)) expect(existsSync(join(data, p)), p).toBe(false);
    expect(readdirSync(join(data, 'staging/objects'))).toEqual([]);
    expect(readdirSync(join(data, 'experiments')).filter((n) => n.includes('.old-'))).toEqual([]);
    expect(JSON.parse(readFileSync(join(data, 'experiments/run-moved/manifest.json'), 'utf8'))).toMatchObject({ status: 'completed' });
    expect(stdout).toMatch(/^restored experiments\/run-moved\.old-\d+-1700000000000 → experiments\/run-moved /m);
    expect(existsSync(join(data, 'experiments/.staging-r1-dead.owner'))).toBe(false);
    expect(existsSync(join(data, 'staging/tx-dead.owner'))).toBe(false);
    for (const p of kept) expect(existsSync(join(data, p)), p).toBe(true);
    expect(stdout).toMatch(/^gc: removed 5, restored 1, kept 3 in use or of unknown owner$/m);
  });
});

describe('chassis gc, --repeat and unknown commands on real runs', () => {
  let data: string;
  beforeAll(async () => {
    data = join(mkdtempSync(join(tmpdir(), 'chassis-gc-real-')), 'data');
    await chassis(['import', USDM, '--data', data]);
  }, 120_000);

  it('a backtest killed mid-run leaves a staging directory that chassis gc removes, keeping the completed run', async () => {
    const done = JSON.parse((await chassis([...BACKTEST, '--data', data])).stdout) as { outDir: string };
    const experiments = join(data, 'experiments');
    const child = spawn('node', [CLI, ...BACKTEST, '--data', data, '--repeat', '200'], { stdio: 'ignore' });
    const staging = await new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        const s = readdirSync(experiments).find((f) => f.startsWith('.staging-') && !f.endsWith('.owner'));
        if (s) {
          clearInterval(poll);
          resolve(s);
        } else if (child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error('the backtest ended before its staging directory appeared'));
        }
      }, 20);
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(join(experiments, staging))).toBe(true);
    const { stdout } = await chassis(['gc', '--data', data]);
    expect(stdout).toContain(`removed experiments/${staging}`);
    expect(readdirSync(experiments).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(existsSync(join(done.outDir, 'manifest.json'))).toBe(true);
  }, 180_000);

  it('the hidden --repeat writes its run to its own directory, never over the real run of the same definition', async () => {
    const real = JSON.parse((await chassis([...BACKTEST, '--data', data])).stdout) as { outDir: string; runId: string };
    const before = readFileSync(join(real.outDir, 'manifest.json'), 'utf8');
    const repeated = JSON.parse((await chassis([...BACKTEST, '--data', data, '--repeat', '2'])).stdout) as { outDir: string; runId: string };
    expect(repeated.outDir).not.toBe(real.outDir);
    expect(repeated.runId).not.toBe(real.runId);
    expect(readFileSync(join(real.outDir, 'manifest.json'), 'utf8')).toBe(before);
  }, 180_000);

  it('an unknown command is E_USAGE with exit code 2, naming the command', async () => {
    const r = await chassis(['frobnicate', '--data', data]).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(r).not.toBeNull();
    expect(r!.code).toBe(2);
    expect(r!.stderr).toMatch(/^E_USAGE: unknown command "frobnicate" \(commands: .*\bbacktest\b.*; see chassis --help\)\n$/);
  });

  it('an unknown subcommand is E_USAGE naming it and the subcommands of its command', async () => {
    const r = await chassis(['data', 'lst', '--data', data]).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(r).toMatchObject({ code: 2, stderr: 'E_USAGE: unknown command "lst" (commands: ls, show, report; see chassis data --help)\n' });
  });
});
