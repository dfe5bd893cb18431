/**
 * Quick A/B of the core step and stateHash() in one process: this checkout's core against the
 * core of another worktree (its sources), passes alternated so both see the same machine load
 * (on the shared 2-core VM, separate runs of core-step-cpu.ts differ by ±15 %). The module
 * loaded second runs a few % slower here whatever its code, so run both orders and combine:
 *   node --import tsx bench/quick/core-step-ab.ts /work/base [passes=40]          (this first)
 *   node --import tsx bench/quick/core-step-ab.ts /work/base [passes=40] swap     (base first)
 * Each prints time(this)/time(base) (median over pass pairs); the order bias cancels in the
 * geometric mean of the two ratios. stateHash() is timed in alternating blocks of 10 calls.
 */
import { resolve } from 'node:path';
import { loadUsdmEvents, USDM_BTCUSDT } from '../binance-usdm-events.ts';

const baseDir = resolve(process.argv[2] ?? '');
const passes = Number(process.argv[3] ?? 40);
const swap = process.argv[4] === 'swap';
const here = new URL('../../packages/core/src/index.ts', import.meta.url).href;
const there = new URL(`file://${baseDir}/packages/core/src/index.ts`).href;
type Core = typeof import('@chassis/core');
const first = (await import(swap ? there : here)) as Core;
const second = (await import(swap ? here : there)) as Core;
const [mine, base] = swap ? [second, first] : [first, second];
const NO: readonly never[] = [];
let acc = 0;
const strat = { onEvent(view: { market: { book(id: string): { mid(): number; microprice(): number } | undefined } }) { const b = view.market.book(USDM_BTCUSDT.id)!; acc += b.mid() - b.microprice(); return NO; } };
const config = { instruments: [USDM_BTCUSDT], triggers: { kinds: ['bbo'] }, risk: { maxOrderQtyUnits: 1000, priceBandPpm: 5000 },
  executionControl: { rateBuckets: [] }, maxConsecutiveStrategyFailures: 3, recordIntentDenials: false } as never;
const { events } = loadUsdmEvents();
const cpu = (c0: NodeJS.CpuUsage): number => { const c = process.cpuUsage(c0); return (c.user + c.system) / 1e6; };
// One pass function per core, so neither shares the other's call-site feedback.
function passMine(): number { const c0 = process.cpuUsage(); const e = mine.createEngine(config, strat as never); for (let i = 0; i < events.length; i++) e.step(events[i]!); return cpu(c0); }
function passBase(): number { const c0 = process.cpuUsage(); const e = base.createEngine(config, strat as never); for (let i = 0; i < events.length; i++) e.step(events[i]!); return cpu(c0); }
const ratios: number[] = [];
for (let r = 0; r < passes; r++) {
  const m = r % 2 === 0 ? passMine() : 0;
  const b = passBase();
  const m2 = r % 2 === 0 ? m : passMine();
  if (r >= 4) ratios.push(m2 / b);
}
const median = (x: number[]): number => [...x].sort((p, q) => p - q)[x.length >> 1]!;
const engines = [mine, base].map((core) => { const e = core.createEngine(config, strat as never); for (let i = 0; i < events.length; i++) e.step(events[i]!); return e; });
const best = [Infinity, Infinity];
const hashes = ['', ''];
for (let k = 0; k < 30; k++) for (const j of k % 2 ? [0, 1] : [1, 0]) { const c0 = process.cpuUsage(); for (let i = 0; i < 10; i++) hashes[j] = engines[j]!.stateHash(); best[j] = Math.min(best[j]!, cpu(c0) / 10); }
console.log(`${swap ? 'base loaded first' : 'this loaded first'}: step time this/base ${median(ratios).toFixed(3)} (median of ${ratios.length}); stateHash this ${(best[0]! * 1e6).toFixed(0)} µs base ${(best[1]! * 1e6).toFixed(0)} µs${hashes[0] === hashes[1] ? '' : ' HASHES DIFFER'}`, acc === 1 ? '' : '');
