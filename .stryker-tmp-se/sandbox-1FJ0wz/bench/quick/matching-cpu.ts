/** Quick iteration: the venue side of the matching section (bench/sections/matching.ts runVenue) on the same seeded 300k-op sequence, best of N passes (default 10), ops per CPU-second. node --import tsx bench/quick/matching-cpu.ts [N]; profile with node --cpu-prof --cpu-prof-dir=/tmp/mprof --import tsx bench/quick/matching-cpu.ts, then node bench/quick/self-time.mjs /tmp/mprof */
// @ts-nocheck

import type { Instrument } from '@chassis/core';
import { conservativeQueue, constantLatency, createSimulatedVenue } from '@chassis/venues';
import { MATCHING_INSTRUMENT, orderSequence } from '../order-sequence.ts';
const seq = orderSequence(300_000, 7);
const INSTRUMENT: Instrument = { id: MATCHING_INSTRUMENT, venue: 'bench', symbol: 'MATCH', contractType: 'linear', baseCurrency: 'BTC', quoteCurrency: 'USDT', priceDecimals: 1, sizeDecimals: 3, tickUnits: 1, lotUnits: 1, minNotionalUnits: 0n, multiplier: 1, makerFeePpm: 200, takerFeePpm: 500 };
let lotsFilled = 0; // summed so the drain loop is real work, and printed as a check (1682896 per pass)
function run(): void {
  const venue = createSimulatedVenue({ instruments: [INSTRUMENT], queueModel: conservativeQueue(), latency: constantLatency(0n, 0n), seed: 1 });
  const { type, delta, request } = seq;
  for (let k = 0; k < seq.count; k++) {
    if (type[k] !== 2) { venue.onMarketEvent(delta[k]!); continue; }
    venue.submit(request[k]!);
    venue.processNextRequest();
    let filled = 0;
    while (venue.nextAnswerNs() >= 0n) { const a = venue.popAnswer(); if (a.kind === 'order_filled') filled += a.qtyUnits; }
    lotsFilled += filled;
    venue.onMarketEvent(delta[k]!);
  }
}
const rounds = Number(process.argv[2] ?? 10);
let best = Infinity;
for (let r = 0; r < rounds; r++) { const c0 = process.cpuUsage(); run(); const c = process.cpuUsage(c0); const s = (c.user + c.system) / 1e6; if (r >= 2) best = Math.min(best, s); }
console.log(`venue matching best ${(seq.count / best / 1e6).toFixed(3)}M ops/cpu-s; crosses ${seq.crosses}, lots filled per pass ${lotsFilled / rounds}`);
