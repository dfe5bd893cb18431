/**
 * startup: how long `chassis` takes to start, as ratios against bare `node -e 0` measured in the
 * same run (the floor no CLI goes below). Interleaved, a fresh process each:
 * - `chassis --version` and `chassis backtest --help` (compiled): commander and the command
 *   declarations, no command's action (packages/cli/src/commands/index.ts);
 * - time to the first market event of a real tiny backtest (compiled): 10 s of the bundled USD-M
 *   capture, the example market maker (a .ts strategy), datasets in the columnar decode cache.
 *   The backtest writes the wall-clock instant processing starts (CHASSIS_STARTUP_MARK=1,
 *   packages/cli/src/commands/backtest-action.ts); the figure is that instant minus the spawn.
 *   Its CPU seconds at that instant are reported too (baseline: bare node's CPU at its first line);
 * - the whole tiny backtest process (its end writes the series with DuckDB);
 * - the same first market event from the per-file build instead of the CLI bundle
 *   (CHASSIS_BUNDLE=0; what sweep and worker run, and what ran before the bundle);
 * - `chassis --version` from the TypeScript sources through tsx (CHASSIS_FROM_SOURCE=1).
 * The compiled command runs from its bundle with a V8 code cache per command
 * (packages/cli/bin/cached-script.cjs), written by the first run of each: the warm-up runs write them.
 * Wall seconds; on a loaded machine read the ratios.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildDist } from '../../scripts/build-dist.mjs';
import { distIsCurrent } from '../../packages/cli/bin/dist-freshness.cjs';
import { median, result, type BenchContext, type BenchResult, type BenchSection } from '../types.ts';
import { usdmCanonical } from '../usdm-canonical.ts';

const BIN = fileURLToPath(new URL('../../packages/cli/bin/chassis.js', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGES = fileURLToPath(new URL('../../packages/', import.meta.url));
const STAMP = fileURLToPath(new URL('../../packages/cli/dist/.build.json', import.meta.url));
/** Of the tiny backtest: from the first market data on (about 3,000 market events of the capture). */
const TINY_WINDOW_NS = 10_000_000_000n;
const MARK = /chassis-startup: first-market-event ([\d.]+) cpu ([\d.]+)/;

interface Spawned {
  readonly seconds: number;
  readonly stderr: string;
}

function spawnTimed(args: readonly string[], env: NodeJS.ProcessEnv): Spawned {
  const t0 = performance.timeOrigin + performance.now();
  const r = spawnSync(process.execPath, args, { env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = (performance.timeOrigin + performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`startup: ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 400)}`);
  return { seconds, stderr: r.stderr.toString() };
}

/** Seconds from spawn to the backtest's first market event, and its CPU seconds then. */
function firstEvent(args: readonly string[], env: NodeJS.ProcessEnv): { wall: number; cpu: number; total: number } {
  const t0 = performance.timeOrigin + performance.now();
  const r = spawnTimed(args, env);
  const m = MARK.exec(r.stderr);
  if (!m) throw new Error(`startup: the backtest printed no start-up mark: ${r.stderr.slice(0, 400)}`);
  return { wall: (Number(m[1]) - t0) / 1000, cpu: Number(m[2]) / 1000, total: r.seconds };
}

export const startup: BenchSection = {
  name: 'startup',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    if (!distIsCurrent(PACKAGES, STAMP)) {
      const { files, ms } = buildDist();
      process.stderr.write(`startup: the compiled build was stale; rebuilt ${files} modules in ${(ms / 1000).toFixed(1)} s\n`);
    }
    // Imported and read once: the canonical datasets exist and their decode cache is written.
    const data = await usdmCanonical();
    const fromNs = data.datasets.book_delta.reduce((m, d) => (d.startNs < m ? d.startNs : m), data.datasets.book_delta[0]!.startNs);
    const out = `${data.root}/startup-run`;
    const tiny = [BIN, 'backtest', '--data', data.root, '--venue', 'binance-usdm', '--instrument', 'BTCUSDT', '--strategy', 'examples/strategies/market-maker.ts']
      .concat(['--param', 'spreadTicks=2', '--param', 'qty=1', '--from', String(fromNs), '--to', String(fromNs + TINY_WINDOW_NS), '--out', out, '--json']);
    const env = { ...process.env, CHASSIS_FROM_SOURCE: '', CHASSIS_BUNDLE: '', CHASSIS_STARTUP_MARK: '1' };
    const perFile = { ...env, CHASSIS_BUNDLE: '0' };
    const fromSource = { ...process.env, CHASSIS_FROM_SOURCE: '1' };
    const bareCpu = ['-e', 'const c = process.cpuUsage(); process.stderr.write(`chassis-startup: first-market-event 0 cpu ${(c.user + c.system) / 1000}`)'];
    const rounds = ctx.quick ? 3 : 7;
    const s = {
      bare: [] as number[], bareCpu: [] as number[], version: [] as number[], help: [] as number[], first: [] as number[], firstCpu: [] as number[], whole: [] as number[],
      perFile: [] as number[], perFileCpu: [] as number[], sources: [] as number[],
    };
    // Warm the file cache, the code caches of the bundle, tsx's transform cache and the tiny run's
    // output directory once each (the first tiny run writes the backtest's code cache).
    spawnTimed([BIN, '--version'], env);
    spawnTimed([BIN, 'backtest', '--help'], env);
    spawnTimed([BIN, '--version'], fromSource);
    firstEvent(tiny, env);
    firstEvent(tiny, perFile);
    for (let i = 0; i < rounds; i++) {
      s.bare.push(spawnTimed(['-e', '0'], env).seconds);
      s.bareCpu.push(firstEvent(bareCpu, env).cpu);
      s.version.push(spawnTimed([BIN, '--version'], env).seconds);
      s.help.push(spawnTimed([BIN, 'backtest', '--help'], env).seconds);
      const f = firstEvent(tiny, env);
      s.first.push(f.wall);
      s.firstCpu.push(f.cpu);
      s.whole.push(f.total);
      const p = firstEvent(tiny, perFile);
      s.perFile.push(p.wall);
      s.perFileCpu.push(p.cpu);
      s.sources.push(spawnTimed([BIN, '--version'], fromSource).seconds);
    }
    rmSync(out, { recursive: true, force: true });
    const bare = median(s.bare);
    const what = 'compiled build; baseline = bare node -e 0 in the same run';
    const window = `10 s of the USD-M capture (market maker, .ts strategy, decode cache warm)`;
    return [
      result('startup-version', 's', s.version, bare, `chassis --version, ${what}`),
      result('startup-backtest-help', 's', s.help, bare, `chassis backtest --help, ${what}`),
      result('startup-first-event', 's', s.first, bare, `spawn → first market event of a tiny backtest: ${window}; ${what}`),
      result('startup-first-event-cpu', 'cpu-s', s.firstCpu, median(s.bareCpu), `CPU seconds of that process at its first market event; baseline = bare node's CPU at its first line`),
      result('startup-tiny-backtest', 's', s.whole, bare, `the whole tiny backtest process (${window}; series written with DuckDB at the end); ${what}`),
      result('startup-first-event-per-file', 's', s.perFile, bare, `spawn → first market event as above from the per-file build (CHASSIS_BUNDLE=0), not the CLI bundle; ${what}`),
      result('startup-first-event-per-file-cpu', 'cpu-s', s.perFileCpu, median(s.bareCpu), 'CPU seconds of that process at its first market event; baseline = bare node'),
      result('startup-sources', 's', s.sources, bare, 'chassis --version from the TypeScript sources (CHASSIS_FROM_SOURCE=1, tsx); baseline = bare node -e 0'),
      result('startup-node', 's', s.bare, null, 'bare node -e 0: the floor'),
    ];
  },
};
