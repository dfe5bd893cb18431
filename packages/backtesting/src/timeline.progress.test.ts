/**
 * The timeline's progress calls (TimelineOptions.onProgress): every `progressEvery` market events
 * and once at the end, however the merge loop takes the messages (its fast run of market
 * messages included), over generated markets with requests and answers in flight.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createEngine } from '@chassis/core';
import { clockOf, clockScenario, END_GRACE_NS, engineConfig, feedOrder, feedSources, probeStrategy, recordingVenue, simulatedVenue } from './clock-scenario.ts';
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
