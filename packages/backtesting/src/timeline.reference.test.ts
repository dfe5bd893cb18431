/**
 * Differential test of the merge order: the timeline (windowed read-ahead, heaps, an event
 * stream class) against merge-reference.ts (all data up front, a sort per step), each with its
 * own engine and simulated venue, on generated markets with any clock offset and feed jitter.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createEngine } from '@chassis/core';
import {
  clockScenario,
  type ClockScenario,
  END_GRACE_NS,
  engineConfig,
  eventText,
  feedOrder,
  probeStrategy,
  runScenario,
  simulatedVenue,
} from './clock-scenario.ts';
import { referenceMerge } from './merge-reference.ts';

const DAY_NS = 86_400_000_000_000n;

/** Scenarios with leaps of up to 200 days between messages (runs spanning months to years) and an epoch that moves rarely or at almost every action. */
const spanningScenario: fc.Arbitrary<ClockScenario> = clockScenario.chain((s) =>
  fc
    .record({
      leapsNs: fc.array(
        fc.oneof(
          { arbitrary: fc.constant(0n), weight: 6 },
          { arbitrary: fc.bigInt({ min: 1n, max: 200n * DAY_NS }), weight: 1 },
        ),
        { minLength: s.steps.length, maxLength: s.steps.length },
      ),
      rebaseAtNs: fc.constantFrom(1, 1000, 1_000_000, undefined),
    })
    .map(({ leapsNs, rebaseAtNs }) => ({ ...s, leapsNs, ...(rebaseAtNs === undefined ? {} : { rebaseAtNs }) })),
);

describe('the timeline against a sort-based reference merge', () => {
  it('appends the same events in the same order, with the same state at every checkpoint', async () => {
    await compareWithReference(clockScenario, 80);
  });

  it('appends the same events in the same order over runs spanning months to years, however often the epoch moves', async () => {
    await compareWithReference(spanningScenario, 60);
  });

  it('keeps messages 1 ns apart in order ~200 days into a run spanning 300 days, with the default epoch moves', async () => {
    // Quotes and trades 0–1 ns apart on both sides of a 200-day and a 100-day leap; requests and answers in flight across them.
    const steps = Array.from({ length: 60 }, (_, i) => ({
      kind: (i % 3) as 0 | 1 | 2,
      gapNs: i % 4 === 0 ? 0 : 1,
      feedLatencyNs: (i * 7) % 3,
      move: ((i % 5) - 2) as -2 | -1 | 0 | 1 | 2,
      size: 1 + (i % 9),
      sellAggressor: i % 2 === 0,
    }));
    const leapsNs = steps.map((_, i) => (i === 20 ? 200n * DAY_NS : i === 40 ? 100n * DAY_NS + 1n : 0n));
    const s: ClockScenario = {
      steps,
      leapsNs,
      dataOffsetNs: 0n,
      offsetNs: 0n,
      feedWindowNs: 5_000_000n,
      entryNs: 1n,
      responseNs: 1n,
      jitterNs: 0n,
      seed: 1,
      cuts: [2, 3],
    };
    expect(await checkAgainstReference(s)).toBeGreaterThan(60);
  });

  it('simulates a request that reaches the venue exactly at the end of the grace period, and its answer due then', async () => {
    // Every message at one time T: requests sent on them arrive (entry = the grace period) and are answered (response 0) at T + grace.
    const steps = Array.from({ length: 12 }, (_, i) => ({ kind: (i === 0 ? 0 : i % 3) as 0 | 1 | 2, gapNs: 0, feedLatencyNs: 0, move: 0 as const, size: 1 + (i % 4), sellAggressor: i % 2 === 0 }));
    const s: ClockScenario = { steps, dataOffsetNs: 0n, offsetNs: 0n, feedWindowNs: 5_000_000n, entryNs: END_GRACE_NS, responseNs: 0n, jitterNs: 0n, seed: 3, cuts: [4] };
    expect(await checkAgainstReference(s)).toBeGreaterThan(12);
    const run = await runScenario(s);
    const lastMarketNs = run.calls.filter((c) => c.what === 'market').at(-1)!.event.tsLocalNs;
    expect(run.calls.some((c) => c.what === 'request' && c.atNs === lastMarketNs + END_GRACE_NS)).toBe(true);
  });
});

async function compareWithReference(scenarios: fc.Arbitrary<ClockScenario>, numRuns: number): Promise<void> {
  let compared = 0;
  await fc.assert(
    fc.asyncProperty(scenarios, async (s) => {
      compared += await checkAgainstReference(s);
    }),
    { numRuns },
  );
  expect(compared).toBeGreaterThan(numRuns * 50);
}

/** Runs the timeline and the reference merge over one scenario, expects the same events and states, and returns how many events were compared. */
async function checkAgainstReference(s: ClockScenario): Promise<number> {
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
  return run.events.length;
}
