/**
 * Where the full backtest's time goes: runs the full-backtest workload (example market maker,
 * probabilistic queue, 1 ms + 1 ms latency, the USD-M capture repeated N times) as the user runs
 * it — `chassis backtest` of the compiled packages (dist rebuilt first when stale) — under the
 * V8 sampling profiler, then writes
 *   bench/profile/full-backtest.svg   flame graph (root at the bottom, coloured by component)
 *   bench/profile/full-backtest.md    time per component (each sample charged to the innermost
 *                                     Chassis frame on its stack) and the top self-time functions
 * and prints the table and the .cpuprofile path (open it in Chrome DevTools or speedscope for an
 * interactive view).
 *   npm run bench:profile [-- <repeat=20>]
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStorage } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { buildDist } from '../scripts/build-dist.mjs';
import { distIsCurrent } from '../packages/cli/bin/dist-freshness.cjs';
import { componentBreakdown, flameGraphSvg, selfTimeByFunction, type CpuProfile } from './flame-graph.ts';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const DATA = '/tmp/chassis-quick/data'; // shared with bench/quick/backtest-cpu.ts
const repeat = Number(process.argv[2] ?? 20);
if (!Number.isInteger(repeat) || repeat < 1) {
  console.error(`bench:profile: repeat must be a positive integer, got ${process.argv[2]}`);
  process.exit(2);
}

// Import first, outside the profile: the profile is of the backtest alone (plus process start).
if (!existsSync(DATA)) await importCapture(openStorage(DATA), `${REPO}examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz`, { venue: 'binance-usdm' });
const profDir = mkdtempSync(join(tmpdir(), 'chassis-profile-'));
if (!distIsCurrent(join(REPO, 'packages'), join(REPO, 'packages/cli/dist/.build.json'))) buildDist();
const cli = [join(REPO, 'packages/cli/bin/chassis.js'), 'backtest', '--data', DATA, '--venue', 'binance-usdm', '--instrument', 'BTCUSDT'];
const run = ['--strategy', 'examples/strategies/market-maker.ts', '--param', 'spreadTicks=2', '--param', 'qty=1', '--repeat', String(repeat), '--out', join(profDir, 'run'), '--json'];
const t0 = performance.now();
const child = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval', '250', ...cli, ...run], {
  cwd: REPO,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
  // The per-file build (CHASSIS_BUNDLE=0), not the CLI bundle: the components are told apart by
  // the file each frame is in (flame-graph.ts), and the bundle is one file.
  env: { ...process.env, CHASSIS_FROM_SOURCE: '', CHASSIS_BUNDLE: '0' },
});
const wallS = (performance.now() - t0) / 1000;
if (child.status !== 0) {
  console.error(`bench:profile: the profiled backtest exited with ${child.status}\n${child.stdout}`);
  process.exit(1);
}
const summary = JSON.parse(child.stdout) as { marketEvents: number; eventsPerSecond: number; outputHash: string };
const runLine = `${summary.marketEvents} market events, ${(wallS).toFixed(2)} s wall for the whole process (runner ${summary.eventsPerSecond} events/s); outputHash ${summary.outputHash.slice(0, 16)}`;
const file = readdirSync(profDir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => join(profDir, f))
  .sort((a, b) => statSync(b).size - statSync(a).size)[0];
if (!file) {
  console.error(`bench:profile: no .cpuprofile written in ${profDir}`);
  process.exit(1);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

const shares = componentBreakdown(profile);
const totalMs = shares.reduce((s, c) => s + c.ms, 0);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const md = [
  `# Full backtest profile`,
  '',
  `\`npm run bench:profile -- ${repeat}\` on ${new Date().toISOString().slice(0, 16)} UTC, Node ${process.version}: ${runLine}`,
  '',
  `Sampled ${(totalMs / 1000).toFixed(2)} s (250 µs interval). Each sample is charged to the innermost Chassis frame on its stack.`,
  '',
  '| component | time | share |',
  '|---|---:|---:|',
  ...shares.map((c) => `| ${c.name} | ${c.ms.toFixed(0)} ms | ${pct(c.fraction)} |`),
  '',
  '## Top functions by self time',
  '',
  '| function | self | share |',
  '|---|---:|---:|',
  ...selfTimeByFunction(profile)
    .slice(0, 25)
    .map(({ fn, ms }) => `| \`${fn}\` | ${ms.toFixed(0)} ms | ${pct(ms / totalMs)} |`),
  '',
];
const outDir = join(REPO, 'bench/profile');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'full-backtest.md'), md.join('\n'));
writeFileSync(join(outDir, 'full-backtest.svg'), flameGraphSvg(profile, { title: `Full backtest, USD-M capture × ${repeat} — ${runLine}` }));
console.log(md.slice(4, 8 + shares.length).join('\n'));
console.log(`\nwrote bench/profile/full-backtest.svg and full-backtest.md; raw profile: ${file}`);
