/**
 * The timeline's progress calls (TimelineOptions.onProgress): every `progressEvery` market events
 * and once at the end, however the merge loop takes the messages (its fast run of market
 * messages included), over generated markets with requests and answers in flight; and its
 * yields to the event loop while a source's read-ahead is in flight.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createEngine } from '@chassis/core';
import type { CanonicalBatch, TradeBatch } from '@chassis/storage';
import { clockOf, clockScenario, END_GRACE_NS, engineConfig, feedOrder, feedSources, INSTRUMENT, probeStrategy, recordingVenue, simulatedVenue } from './clock-scenario.ts';
import { HistoricalFeeder } from './feeder.ts';
import { runTimeline } from './timeline.ts';

describe('timeline progress', () => {
  it('reports at every multiple of progressEvery market events, then once at the end with the total', async () => {
    await fc.assert(
      fc.asyncProperty(clockScenario, fc.integer({ min: 1, max: 7 }), fc.boolean(), fc.boolean(), async (s, every, withRevision, quiet) => {
        const total = (await feedOrder(s)).length;
        const seen: number[] = [];
        const outcome = await runTimeline({
          // A quiet strategy sends nothing: the market messages then go through the loop's fast run.
          engine: createEngine(engineConfig(), quiet ? { onEvent: () => [] } : probeStrategy()),
          venue: recordingVenue(simulatedVenue(s), [], withRevision),
          feeder: await HistoricalFeeder.open(feedSources(s)),
          sink: { append: () => {} },
          checkpointInterval: 1000,
          sessionId: 'progress',
          clock: clockOf(s),
          endGraceNs: END_GRACE_NS,
          onProgress: (n, counters) => {
            expect(counters.marketEvents).toBe(n);
            seen.push(n);
          },
          progressEvery: every,
        });
        expect(outcome.marketEvents).toBe(total);
        const multiples = Array.from({ length: Math.floor(total / every) }, (_, i) => (i + 1) * every);
        expect(seen).toEqual([...multiples, total]);
      }),
      { numRuns: 40 },
    );
  });
});

describe('timeline read-ahead', () => {
  it("lets a source's next batch be read within 256 market events while the loop is busy, not only once the current batch runs out", async () => {
    // One trade source: a first batch of 1,000 trades 1 µs apart, then a next batch whose read needs the event loop to turn
    // (as a storage read does). The loop runs synchronously between awaits; it must yield so that read-ahead can go on.
    const trades = (from: number, n: number): TradeBatch => ({
      kind: 'trade',
      length: n,
      tsEventNs: BigInt64Array.from({ length: n }, (_, i) => 1_000_000n + BigInt(from + i) * 1000n),
      tsLocalNs: BigInt64Array.from({ length: n }, (_, i) => 1_000_000n + BigInt(from + i) * 1000n),
      tradeId: Array.from({ length: n }, (_, i) => String(from + i)),
      price: new Float64Array(n).fill(100),
      size: new Float64Array(n).fill(1),
      aggressor: new Uint8Array(n),
    });
    let marketEvents = 0;
    let nextBatchReadAt = -1;
    async function* source(): AsyncIterable<CanonicalBatch> {
      yield trades(0, 1000);
      await new Promise((resolve) => setImmediate(resolve));
      nextBatchReadAt = marketEvents;
      yield trades(1000, 10);
    }
    const outcome = await runTimeline({
      engine: createEngine(engineConfig(), { onEvent: () => [] }),
      venue: { submit: () => {}, nextRequestArrivalNs: () => -1n, processNextRequest: () => {}, onMarketEvent: () => {}, nextAnswerNs: () => -1n, popAnswer: () => { throw new Error('no answers'); } },
      feeder: await HistoricalFeeder.open([{ instrument: INSTRUMENT.id, batches: source() }]),
      sink: { append: (e) => void (e.kind === 'trade' && marketEvents++) },
      checkpointInterval: 1000,
      sessionId: 'read-ahead',
      clock: { offsetNs: 0n, feedWindowNs: 5000n },
    });
    expect(outcome.marketEvents).toBe(1010);
    expect(nextBatchReadAt).toBeGreaterThan(0);
    expect(nextBatchReadAt).toBeLessThanOrEqual(256);
  });
});
