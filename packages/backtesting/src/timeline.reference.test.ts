/**
 * Differential test of the merge order: the timeline (windowed read-ahead, heaps, an event
 * stream class) against merge-reference.ts (all data up front, a sort per step), each with its
 * own engine and simulated venue, on generated markets with any clock offset and feed jitter.
 * The second block also compares the venue's calls interleaved with the appends, and drives the
 * timeline every way that must not change the result (revision counter, sink market methods,
 * progress returns, a quiet strategy, a halt mid-run, grace periods of months).
 *
 * Mutation testing of timeline.ts:270-408 (run, startGrace, marketRun, takeLocal) leaves 45
 * mutants that change no event, call or count, by kind: the loop's entry values (overwritten on
 * entry) and re-reading times that did not change; reading the window further ahead; an extra
 * await of a refill with nothing pending; an extra epoch move at exactly rebaseAt; a comparison
 * whose two sides are equal at a tie (the same number either way); marketRun cut short or skipped
 * (it is a fast path of run's general step, which orders market messages by the same rules); run's
 * market branches with marketRun in place (it takes every market message that is next, so they
 * never run); a market message taken past rebaseAt (admitted times are exact); and yielding to the
 * event loop more often (wall-clock only).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createEngine, type Engine, type Event, type StepResult, type Strategy } from '@chassis/core';
import {
  CHECKPOINT_INTERVAL,
  clockOf,
  clockScenario,
  type ClockScenario,
  END_GRACE_NS,
  engineConfig,
  eventText,
  feedOrder,
  feedSources,
  probeStrategy,
  recordingVenue,
  runScenario,
  simulatedVenue,
  type VenueCall,
} from './clock-scenario.ts';
import { HistoricalFeeder } from './feeder.ts';
import { referenceMerge } from './merge-reference.ts';
import { runTimeline, type TimelineVenue } from './timeline.ts';

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

/**
 * How the timeline is driven, none of which may change what happens (the reference knows none of
 * it): a venue that reports its revision (the loop's fast run of market messages then goes on
 * past the venue's market events), a sink with the market methods, a strategy that sends
 * nothing (everything goes through the fast run), progress calls every few market events (the
 * loop returns to its caller and resumes), and an engine that reports a violation at its n-th step.
 */
interface Drive {
  readonly withRevision: boolean;
  readonly marketMethods: boolean;
  readonly quiet: boolean;
  readonly progressEvery: number;
  readonly asyncProgress: boolean;
  readonly haltAtStep: number | null;
  /** The end grace (END_GRACE_NS unless set). */
  readonly endGraceNs?: bigint;
}

const drive: fc.Arbitrary<Drive> = fc.record({
  withRevision: fc.boolean(),
  marketMethods: fc.boolean(),
  quiet: fc.constantFrom(false, false, true),
  progressEvery: fc.oneof(fc.constant(65_536), fc.integer({ min: 1, max: 9 })),
  asyncProgress: fc.boolean(),
  haltAtStep: fc.option(fc.integer({ min: 1, max: 300 }), { freq: 2 }),
});

/** The engine with `step` replaced (it gets the engine's own step). */
function withStep(engine: Engine, step: (inner: (event: Event) => StepResult, event: Event) => StepResult): Engine {
  const inner = (event: Event): StepResult => engine.step(event);
  const replaced = (event: Event): StepResult => step(inner, event);
  return new Proxy(engine, {
    get(target, prop) {
      if (prop === 'step') return replaced;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** The engine, except that its n-th step reports an invariant violation (the stream must append nothing after it). */
function haltingAt(engine: Engine, n: number | null): Engine {
  if (n === null) return engine;
  let steps = 0;
  return withStep(engine, (inner, event) => {
    const r = inner(event);
    return ++steps === n ? { ...r, violation: { invariant: 'test_halt', seq: event.seq, message: `halt at step ${n}`, state: {} } } : r;
  });
}

/** The engine writing to `trace` what a timeline sink is handed: each event it steps, then (unless it halted) the requests that step sent. */
function tracingEngine(engine: Engine, trace: string[]): Engine {
  return withStep(engine, (inner, event) => {
    trace.push(`append ${event.seq} ${event.kind}`);
    const r = inner(event);
    if (!r.violation) for (const q of r.requestsSent) trace.push(`append ${q.seq} ${q.kind}`);
    return r;
  });
}

const strategyOf = (d: Drive): Strategy => (d.quiet ? { onEvent: () => [] } : probeStrategy());

/** A venue call as text: what, when, and for a market event the event itself (without the seq the stream gives it). */
const callText = (c: VenueCall): string => (c.what === 'market' ? `venue market@${c.atNs} ${eventText({ ...c.event, seq: 0 })}` : `venue request@${c.atNs}`);

/** The venue with every exchange-side call written to `trace` as it happens (between the appends the sink writes there). */
function tracingVenue(s: ClockScenario, trace: string[], withRevision: boolean): TimelineVenue {
  const calls: VenueCall[] = [];
  const venue = recordingVenue(simulatedVenue(s), calls, withRevision);
  const traced: TimelineVenue = {
    submit: (r) => venue.submit(r),
    nextRequestArrivalNs: () => venue.nextRequestArrivalNs(),
    processNextRequest: () => {
      venue.processNextRequest();
      trace.push(callText(calls.at(-1)!));
    },
    onMarketEvent: (event, atNs) => {
      venue.onMarketEvent(event, atNs);
      trace.push(callText(calls.at(-1)!));
    },
    nextAnswerNs: () => venue.nextAnswerNs(),
    popAnswer: () => venue.popAnswer(),
  };
  return withRevision ? Object.defineProperty(traced, 'revision', { get: () => venue.revision }) : traced;
}

const MARKET_KINDS = new Set(['book_delta', 'trade', 'bbo']);

/**
 * Runs the timeline driven as `d` and the reference merge over one scenario; expects the same
 * trace (venue calls and appended events, interleaved as they happened), states and counts;
 * returns how many events were compared and whether the run halted.
 */
async function checkDriven(s: ClockScenario, d: Drive): Promise<{ compared: number; halted: boolean }> {
  const endGraceNs = d.endGraceNs ?? END_GRACE_NS;
  const engine = haltingAt(createEngine(engineConfig(), strategyOf(d)), d.haltAtStep);
  const trace: string[] = [];
  const events: Event[] = [];
  const checkpoints: [number, string][] = [];
  const progress: number[] = [];
  const append = (e: Event): void => {
    events.push(e);
    trace.push(`append ${e.seq} ${e.kind}`);
  };
  const checkpoint = (seq: number, hash: string): void => void checkpoints.push([seq, hash]);
  const sink = d.marketMethods ? { append, market: append, checkpoint } : { append, checkpoint };
  const outcome = await runTimeline({
    engine,
    venue: tracingVenue(s, trace, d.withRevision),
    feeder: await HistoricalFeeder.open(feedSources(s), s.rebaseAtNs === undefined ? {} : { rebaseAtNs: s.rebaseAtNs }),
    sink,
    checkpointInterval: CHECKPOINT_INTERVAL,
    sessionId: 'clock',
    clock: clockOf(s),
    endGraceNs,
    progressEvery: d.progressEvery,
    onProgress: (n) => {
      progress.push(n);
      return d.asyncProgress ? Promise.resolve() : undefined;
    },
  });

  const refEngine = haltingAt(createEngine(engineConfig(), strategyOf(d)), d.haltAtStep);
  const refTrace: string[] = [];
  const ref = referenceMerge({
    engine: tracingEngine(refEngine, refTrace),
    venue: tracingVenue(s, refTrace, false),
    market: await feedOrder(s),
    offsetNs: s.offsetNs,
    feedWindowNs: s.feedWindowNs,
    endGraceNs,
    sessionId: 'clock',
  });

  expect(events.map(eventText)).toEqual(ref.events.map(eventText));
  expect(trace).toEqual(refTrace);
  const lastSeq = ref.events.at(-1)?.seq ?? 0;
  const marketEvents = ref.events.filter((e) => MARKET_KINDS.has(e.kind)).length;
  expect(outcome).toMatchObject({
    status: ref.halted ? 'halted' : 'completed',
    events: lastSeq,
    lastSeq,
    marketEvents,
    controlTimeEvents: ref.events.filter((e) => e.kind === 'control_time').length,
  });
  expect(outcome.violation?.invariant ?? null).toBe(ref.halted ? 'test_halt' : null);
  for (const [seq, hash] of checkpoints) expect(ref.stateHashAt.get(seq)).toBe(hash);
  expect(engine.stateHash()).toBe(refEngine.stateHash());
  const multiples = Array.from({ length: Math.floor(marketEvents / d.progressEvery) }, (_, i) => (i + 1) * d.progressEvery);
  expect(progress).toEqual([...multiples, marketEvents]);
  return { compared: ref.events.length, halted: ref.halted };
}

describe('the timeline against the reference merge, however it is driven', () => {
  it('gives the venue the same calls and appends the same events, halting where the engine halts, with the same counts', async () => {
    let compared = 0;
    let halted = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(clockScenario, spanningScenario), drive, async (s, d) => {
        const r = await checkDriven(s, d);
        compared += r.compared;
        if (r.halted) halted++;
      }),
      { numRuns: 120 },
    );
    expect(compared).toBeGreaterThan(120 * 30);
    expect(halted).toBeGreaterThan(20);
  });

  it('keeps times exact when requests and answers travel for weeks and the end grace runs far past the last market event', async () => {
    // Market messages a few ns apart, requests ~120 days on the way (a few ns of jitter) and answered within a few ns: after
    // the data, requests arrive and answers come back ns apart more than 2^53 ns (104 days) after any epoch the market data
    // set, where times 1 ns apart would round together (and the tie rule decide their order) unless the epoch moves first.
    const weeksAway = clockScenario.map((s) => ({
      ...s,
      steps: s.steps.map((st) => ({ ...st, gapNs: st.gapNs % 3, feedLatencyNs: st.feedLatencyNs % 5 })),
      entryNs: 120n * DAY_NS + (s.entryNs % 3n),
      responseNs: s.responseNs % 3n,
      jitterNs: 3n,
    }));
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(weeksAway, async (s) => {
        compared += (await checkDriven(s, { withRevision: true, marketMethods: false, quiet: false, progressEvery: 65_536, asyncProgress: false, haltAtStep: null, endGraceNs: 500n * DAY_NS })).compared;
      }),
      { numRuns: 30 },
    );
    expect(compared).toBeGreaterThan(30 * 30);
  });

  it('ends the grace period at its end when the epoch moves during it, with requests and answers due on both sides of the end', async () => {
    // Grace periods from 0 to a few ms against entry and response latencies up to 3 ms (+ jitter): some of what is in flight
    // when the data ends is due inside the grace period, some after it; the epoch moves at almost every action.
    const graceScenario = fc.record({ s: clockScenario, rebaseAtNs: fc.constantFrom(1, 1000), endGraceNs: fc.constantFrom(0n, 1n, 100_000n, 1_000_000n, 3_000_000n) });
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(graceScenario, drive, async ({ s, rebaseAtNs, endGraceNs }, d) => {
        compared += (await checkDriven({ ...s, rebaseAtNs }, { ...d, haltAtStep: null, endGraceNs })).compared;
      }),
      { numRuns: 60 },
    );
    expect(compared).toBeGreaterThan(60 * 30);
  });

  it('ends the grace period at its exact ns when what is due around its end lies more than 2^53 ns after the last market event', async () => {
    // Entry or response latency of 200 days (2^53 ns is 104 days): a run with a long grace period finds the first event due
    // that far after the data; the grace period then ends a few ns before, at or after it. A time that far from an unmoved
    // epoch rounds to a multiple of 2 ns, so the end is exact only if the epoch moves to what is due before it is compared.
    const farScenario = fc.record({ s: clockScenario, far: fc.constantFrom('entry', 'response'), endDeltaNs: fc.bigInt({ min: -3n, max: 3n }), oddNs: fc.bigInt({ min: 0n, max: 3n }) }).map(({ s, far, endDeltaNs, oddNs }) => {
      const farNs = 200n * DAY_NS + oddNs;
      return { s: { ...s, entryNs: far === 'entry' ? farNs : s.entryNs % 3n, responseNs: far === 'response' ? farNs : s.responseNs % 3n, jitterNs: 0n }, endDeltaNs };
    });
    let compared = 0;
    let aroundEnd = 0;
    await fc.assert(
      fc.asyncProperty(farScenario, async ({ s, endDeltaNs }) => {
        const market = await feedOrder(s);
        const lastMarketNs = market.at(-1)!.tsLocalNs;
        const long = referenceMerge({ engine: createEngine(engineConfig(), probeStrategy()), venue: simulatedVenue(s), market, offsetNs: s.offsetNs, feedWindowNs: s.feedWindowNs, endGraceNs: 500n * DAY_NS, sessionId: 'clock' });
        const farNs = long.events.find((e) => e.tsLocalNs > lastMarketNs + DAY_NS)?.tsLocalNs;
        if (farNs === undefined) return;
        aroundEnd++;
        const endGraceNs = farNs - lastMarketNs + endDeltaNs;
        compared += (await checkDriven(s, { withRevision: true, marketMethods: false, quiet: false, progressEvery: 65_536, asyncProgress: false, haltAtStep: null, endGraceNs })).compared;
      }),
      { numRuns: 60 },
    );
    expect(aroundEnd).toBeGreaterThan(40);
    expect(compared).toBeGreaterThan(40 * 30);
  });

  it('over a feed with no market data appends nothing, not even a session, and reports no market events', async () => {
    await fc.assert(
      fc.asyncProperty(clockScenario, drive, async (s, d) => {
        expect(await checkDriven({ ...s, steps: [] }, d)).toEqual({ compared: 0, halted: false });
      }),
      { numRuns: 10 },
    );
  });
});
