import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createSimulatedVenue } from './venue.ts';
import { conservativeQueue, logProbQueue, powerProbQueue, type QueueModel } from './queue.ts';
import { constantLatency, jitteredLatency, recordedLatency } from './latency.ts';
import { syntheticMarketStream } from './market-stream.ts';
import { TEST_INSTRUMENT, newOrder } from './scenario.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap growth (bytes) while `events` market events flow past four resting orders that get queue updates but no fills. */
function heapGrowth(model: QueueModel, events: number): { growth: number; depthUpdates: boolean } {
  const stream = syntheticMarketStream(TEST_INSTRUMENT.id, events, 3, 0); // fixed mid: our orders never fill
  const venue = createSimulatedVenue({ instruments: [TEST_INSTRUMENT], queueModel: model, latency: constantLatency(0n, 0n), seed: 1 });
  venue.onMarketEvent(stream[0]!);
  let id = 0;
  for (const [side, price] of [['buy', 99_995], ['buy', 99_992], ['sell', 100_005], ['sell', 100_008]] as const) {
    venue.submit(newOrder({ seq: ++id, orderId: id, side, priceUnits: price, qtyUnits: 5 }));
    venue.processNextRequest();
  }
  while (venue.nextAnswerNs() >= 0n) venue.popAnswer();
  const aheadBefore = venue.openOrder(1)!.queueAheadUnits;
  const half = stream.length >> 1;
  for (let i = 1; i < half; i++) venue.onMarketEvent(stream[i]!); // warm-up: JIT and any lazy growth
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = half; i < stream.length; i++) venue.onMarketEvent(stream[i]!);
  const growth = process.memoryUsage().heapUsed - before;
  expect(venue.pendingAnswers).toBe(0);
  return { growth, depthUpdates: venue.openOrder(1)!.queueAheadUnits !== aheadBefore };
}

/**
 * The smallest growth of up to three measurements: on a loaded machine V8 may not have optimised
 * the path by the end of the warm-up (its compiler runs on a background thread), and unoptimised
 * code boxes numbers. An allocation the code really makes per event shows in every measurement.
 */
function leastHeapGrowth(model: () => QueueModel, events: number): { growth: number; depthUpdates: boolean } {
  let best = heapGrowth(model(), events);
  for (let i = 1; i < 3 && best.growth >= 256 * 1024; i++) {
    const next = heapGrowth(model(), events);
    if (next.growth < best.growth) best = next;
  }
  return best;
}

describe('the per-market-event path', () => {
  it('does not allocate with the conservative queue model (book updates and queue advances only)', () => {
    const { growth, depthUpdates } = leastHeapGrowth(conservativeQueue, 400_000);
    expect(depthUpdates).toBe(true);
    expect(growth).toBeLessThan(256 * 1024); // 200k events: even 8 bytes each would be 1.6 MB
  });

  it('does not allocate with the probabilistic queue model', () => {
    const { growth } = leastHeapGrowth(() => powerProbQueue(2), 400_000);
    expect(growth).toBeLessThan(256 * 1024);
  });
});

describe('simulated venue models across runs', () => {
  // A sweep worker runs many backtests in one process: when each run's models brought their own
  // closures, the venue's call sites saw a new function every run and V8 threw their optimised
  // code away. Two models built apart must call the very same functions.
  it('latency and queue models of two runs share their methods', () => {
    const rows = [{ tsNs: 0n, entryNs: 1n, responseNs: 2n }];
    const pairs: [object, object][] = [
      [constantLatency(1n, 2n), constantLatency(3n, 4n)],
      [jitteredLatency(1n, 2n, 3n), jitteredLatency(4n, 5n, 6n)],
      [recordedLatency(rows), recordedLatency(rows)],
      [conservativeQueue(), conservativeQueue()],
      [powerProbQueue(2), powerProbQueue(3)],
      [logProbQueue(1)(TEST_INSTRUMENT), logProbQueue(2)(TEST_INSTRUMENT)],
    ];
    for (const [a, b] of pairs) {
      const methods = ['entry', 'response', 'reseed', 'newOrder', 'trade', 'depth', 'takeFilled'] as const;
      for (const m of methods) expect((a as Record<string, unknown>)[m], m).toBe((b as Record<string, unknown>)[m]);
    }
  });
});
