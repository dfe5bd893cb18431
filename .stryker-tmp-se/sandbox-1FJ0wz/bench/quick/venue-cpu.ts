/** Quick iteration: simulated venue market path (onMarketEvent, probabilistic queue) on the USD-M capture, best of 10 passes, events per CPU-second. node --import tsx bench/quick/venue-cpu.ts */
// @ts-nocheck

import { createSimulatedVenue, constantLatency, powerProbQueue } from '@chassis/venues';
import { loadUsdmEvents, USDM_BTCUSDT } from '../binance-usdm-events.ts';
const { events } = loadUsdmEvents();
const mk = events.filter((e) => e.kind === 'book_delta' || e.kind === 'bbo' || e.kind === 'trade') as never[];
let best = Infinity;
for (let r = 0; r < 12; r++) {
  const v = createSimulatedVenue({ instruments: [USDM_BTCUSDT], queueModel: powerProbQueue(2), latency: constantLatency(0n, 0n), seed: 1 });
  const c0 = process.cpuUsage();
  for (let i = 0; i < mk.length; i++) v.onMarketEvent(mk[i]!);
  const c = process.cpuUsage(c0); const s = (c.user + c.system) / 1e6;
  if (r >= 2) best = Math.min(best, s);
}
console.log(`venue onMarketEvent best ${(mk.length / best / 1e6).toFixed(2)}M events/cpu-s`);
