/**
 * Quick check for the journal by reference (part jref): the quick-bench run (market maker,
 * probabilistic queue, USD-M capture × N), then its journal size, the figures that must not
 * change (finalStateHash, orders, fills, PnL) and the replay's CPU time.
 *   node --import tsx bench/quick/jref-journal.ts [repeat=20] [replay=1]
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readRunManifest, replayRun } from '@chassis/backtesting';
import { quickBacktest, REPO } from './quick-run.ts';

const repeat = Number(process.argv[2] ?? 20);
const doReplay = (process.argv[3] ?? '1') !== '0';
const out = `/tmp/chassis-quick/jref-${process.pid}`;
const cpu = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;
const t0 = performance.now();
const c0 = process.cpuUsage();
const r = await quickBacktest(repeat, out);
const runWall = (performance.now() - t0) / 1000;
const runCpu = cpu(process.cpuUsage(c0));
const m = readRunManifest(out);
const finalStateHash = m.status === 'failed' ? '' : m.finalStateHash;
console.log(
  `run: ${r.marketEvents} market events, ${r.events} events; ${runWall.toFixed(2)} s wall, ${runCpu.toFixed(2)} CPU-s; journal ${statSync(join(out, 'journal.bin')).size} bytes; ` +
    `orders ${r.orders} fills ${r.fills} pnl ${r.pnl}; finalStateHash ${finalStateHash.slice(0, 16)}; outputHash ${r.outputHash.slice(0, 16)}`,
);
if (doReplay) {
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const rp = await replayRun(out, { baseDirs: [REPO] });
  console.log(
    `replay: ok ${rp.ok}, ${rp.events} events, ${rp.checkpointsVerified} checkpoints; ${((performance.now() - t1) / 1000).toFixed(2)} s wall, ${cpu(process.cpuUsage(c1)).toFixed(2)} CPU-s; final ${rp.finalStateHash.slice(0, 16)}`,
  );
}
rmSync(out, { recursive: true, force: true });
