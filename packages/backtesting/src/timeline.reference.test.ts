/**
 * Differential test of the merge order: the timeline (windowed read-ahead, heaps, an event
 * stream class) against merge-reference.ts (all data up front, a sort per step), each with its
 * own engine and simulated venue, on generated markets with any clock offset and feed jitter.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createEngine } from '@chassis/core';
import { clockScenario, END_GRACE_NS, engineConfig, eventText, feedOrder, probeStrategy, runScenario, simulatedVenue } from './clock-scenario.ts';
import { referenceMerge } from './merge-reference.ts';

describe('the timeline against a sort-based reference merge', () => {
  it('appends the same events in the same order, with the same state at every checkpoint', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(clockScenario, async (s) => {
        const run = await runScenario(s);
        const engine = createEngine(engineConfig(), probeStrategy());
        const ref = referenceMerge({
          engine,
          venue: simulatedVenue(s),
          market: await feedOrder(s),
          offsetNs: s.offsetNs,
          feedWindowNs: s.feedWindowNs,
          endGraceNs: END_GRACE_NS,
          sessionId: 'clock',
        });
        expect(ref.halted).toBe(false);
        expect(run.events.map(eventText)).toEqual(ref.events.map(eventText));
        for (const [seq, hash] of run.checkpoints) expect(ref.stateHashAt.get(seq)).toBe(hash);
        expect(engine.stateHash()).toBe(run.finalStateHash);
        compared += run.events.length;
      }),
      { numRuns: 80 },
    );
    expect(compared).toBeGreaterThan(80 * 50);
  });
});
