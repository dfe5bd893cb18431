/** Quick iteration: core-step on the USD-M capture, best of 13 passes, events per CPU-second (steady under load), plus stateHash() cost. node --import tsx bench/quick/core-step-cpu.ts */
// @ts-nocheck

import { createEngine, type Intent, type Strategy } from '@chassis/core';
import { loadUsdmEvents, USDM_BTCUSDT } from '../binance-usdm-events.ts';
const NO: readonly Intent[] = [];
let acc = 0;
const strat: Strategy = { onEvent(view) { const b = view.market.book(USDM_BTCUSDT.id)!; acc += b.mid() - b.microprice(); return NO; } };
const config = { instruments: [USDM_BTCUSDT], triggers: { kinds: ['bbo'] }, risk: { maxOrderQtyUnits: 1000, priceBandPpm: 5000 },
  executionControl: { rateBuckets: [] }, maxConsecutiveStrategyFailures: 3, recordIntentDenials: false } as never;
const { events } = loadUsdmEvents();
let best = Infinity;
for (let r = 0; r < 15; r++) {
  const c0 = process.cpuUsage();
  const e = createEngine(config, strat);
  for (let i = 0; i < events.length; i++) e.step(events[i]!);
  const c = process.cpuUsage(c0); const s = (c.user + c.system) / 1e6;
  if (r >= 2) best = Math.min(best, s);
}
console.log(`core-step best ${(events.length / best / 1e6).toFixed(2)}M events/cpu-s`, acc === 1 ? '' : '');
{ const e = createEngine(config, strat); for (let i = 0; i < events.length; i++) e.step(events[i]!);
  const c0 = process.cpuUsage(); for (let i = 0; i < 50; i++) e.stateHash(); const c = process.cpuUsage(c0); console.log(`stateHash ${((c.user + c.system) / 50).toFixed(0)} µs/call`); }
