/**
 * Quick iteration for start-up (not a bench section): the startup section's tiny backtest (10 s of
 * the USD-M capture, the example market maker, decode cache warm), spawned N times, reporting
 * the median wall seconds and process CPU seconds from spawn to the first market event
 * (CHASSIS_STARTUP_MARK=1). Imports the capture once into /tmp/chassis-quick/startup-data.
 * Several CLI entry points (e.g. this worktree's and a base worktree's packages/cli/bin/chassis.js)
 * run interleaved, for an A/B on a loaded machine:
 *   node --import tsx bench/quick/startup-cpu.ts [rounds=15] [bin ...]
 * Extra node flags for the measured process (e.g. --cpu-prof): STARTUP_NODE_FLAGS.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openStorage, openCatalog } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { USDM_CAPTURE_FILE } from '../capture-baseline.ts';

const ROOT = '/tmp/chassis-quick/startup-data';
const MARK = /chassis-startup: first-market-event ([\d.]+) cpu ([\d.]+)/;
const rounds = Number(process.argv[2] ?? 15);
const bins = process.argv.length > 3 ? process.argv.slice(3) : [fileURLToPath(new URL('../../packages/cli/bin/chassis.js', import.meta.url))];

async function fromNs(): Promise<bigint> {
  const stamp = `${ROOT}/.from-ns`;
  if (existsSync(stamp)) return BigInt(readFileSync(stamp, 'utf8'));
  mkdirSync(ROOT, { recursive: true });
  const storage = openStorage(ROOT);
  await importCapture(storage, USDM_CAPTURE_FILE, { venue: 'binance-usdm' });
  const metas = await openCatalog(storage).find({ venue: 'binance-usdm', instrument: 'BTCUSDT', kind: 'book_delta' });
  const from = metas.reduce((m, d) => (d.startNs < m ? d.startNs : m), metas[0]!.startNs);
  writeFileSync(stamp, String(from));
  return from;
}

const from = await fromNs();
const flags = (process.env.STARTUP_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
const args = (bin: string): string[] =>
  [...flags, bin, 'backtest', '--data', ROOT, '--venue', 'binance-usdm', '--instrument', 'BTCUSDT', '--strategy', 'examples/strategies/market-maker.ts']
    .concat(['--param', 'spreadTicks=2', '--param', 'qty=1', '--from', String(from), '--to', String(from + 10_000_000_000n), '--out', `${ROOT}/run`, '--json']);
const env = { ...process.env, CHASSIS_FROM_SOURCE: '', CHASSIS_STARTUP_MARK: '1' };
const cwd = fileURLToPath(new URL('../../', import.meta.url));

function once(bin: string): { wall: number; cpu: number; out: string } {
  const t0 = performance.timeOrigin + performance.now();
  const r = spawnSync(process.execPath, args(bin), { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const m = MARK.exec(r.stderr.toString());
  if (r.status !== 0 || !m) throw new Error(`${bin} exited ${r.status}: ${r.stderr.toString().slice(0, 600)}`);
  return { wall: (Number(m[1]) - t0) / 1000, cpu: Number(m[2]) / 1000, out: r.stdout.toString() };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const samples = bins.map(() => ({ wall: [] as number[], cpu: [] as number[], out: '' }));
for (const bin of bins) once(bin); // writes the code caches
for (let i = 0; i < rounds; i++)
  bins.forEach((bin, k) => {
    const r = once(bin);
    samples[k]!.wall.push(r.wall);
    samples[k]!.cpu.push(r.cpu);
    samples[k]!.out = r.out;
  });
bins.forEach((bin, k) => {
  const s = samples[k]!;
  const res = JSON.parse(s.out) as { orders: number; fills: number; outputHash: string };
  console.log(
    `${bin}: first event median ${median(s.wall).toFixed(3)} s (min ${Math.min(...s.wall).toFixed(3)}), CPU ${median(s.cpu).toFixed(3)} s (min ${Math.min(...s.cpu).toFixed(3)}); ` +
      `orders ${res.orders} fills ${res.fills} outputHash ${res.outputHash.slice(0, 16)}`,
  );
});
