/**
 * The clock oracle: properties of the timeline over generated markets with any recorder clock
 * offset (negative, zero, positive: receipt before or after event time), per-message feed
 * latency that reorders exchange times across the depth, trade and BBO streams, latency
 * jitter, and any cut of the canonical batches (clock-scenario.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Event } from '@chassis/core';
import { clockScenario, cutPattern, eventText, runScenario, streamRows, type ScenarioRun } from './clock-scenario.ts';
import { exchangeTimeNs } from './exchange-clock.ts';

const RUNS = 60;

function answersTo(run: ScenarioRun): { sent: Extract<Event, { kind: 'request_sent' }>; answer: Event & { requestSeq: number; tsEventNs: bigint } }[] {
  const sent = new Map<number, Extract<Event, { kind: 'request_sent' }>>();
  const out = [];
  for (const e of run.events) {
    if (e.kind === 'request_sent') sent.set(e.seq, e);
    else if ('requestSeq' in e && e.requestSeq >= 0) out.push({ sent: sent.get(e.requestSeq)!, answer: e });
  }
  return out;
}

describe('the timeline under any clock offset and feed jitter (clock oracle)', () => {
  it('never halts on valid data and delivers every market event', async () => {
    await fc.assert(
      fc.asyncProperty(clockScenario, async (s) => {
        const run = await runScenario(s);
        expect(run.outcome.violation).toBeNull();
        expect(run.outcome.status).toBe('completed');
        expect(run.outcome.marketEvents).toBe(run.calls.filter((c) => c.what === 'market').length);
        expect(run.events.at(-1)?.kind).toBe('session');
      }),
      { numRuns: RUNS },
    );
  });

  it('appends every event, answers included, at or after the engine\u2019s current local time', async () => {
    await fc.assert(
      fc.asyncProperty(clockScenario, async (s) => {
        const run = await runScenario(s);
        for (let i = 1; i < run.events.length; i++) expect(run.events[i]!.tsLocalNs).toBeGreaterThanOrEqual(run.events[i - 1]!.tsLocalNs);
      }),
      { numRuns: RUNS },
    );
  });

  it('lets the venue act on a request no earlier than send + entry, and answers it no earlier than that + response', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(clockScenario, async (s) => {
        const run = await runScenario(s);
        for (const { sent, answer } of answersTo(run)) {
          // tsEventNs is on the venue's clock: + offset puts it on the local clock.
          const actedNs = answer.tsEventNs + s.offsetNs;
          expect(actedNs).toBeGreaterThanOrEqual(sent.tsLocalNs + s.entryNs);
          expect(answer.tsLocalNs).toBeGreaterThanOrEqual(actedNs + s.responseNs);
          answered++;
        }
      }),
      { numRuns: RUNS },
    );
    expect(answered).toBeGreaterThan(RUNS); // the strategy does trade
  });

  it('stamps a fill of a resting order at the exchange time of a market event the venue was given, and delivers it a response latency later', async () => {
    let fills = 0;
    await fc.assert(
      fc.asyncProperty(clockScenario, async (s) => {
        const run = await runScenario(s);
        const marketTimes = new Set(run.calls.flatMap((c) => (c.what === 'market' ? [c.atNs] : [])));
        for (const e of run.events) {
          if (e.kind !== 'order_filled' || e.requestSeq >= 0) continue;
          const actedNs = e.tsEventNs + s.offsetNs; // venue clock → local clock
          expect(marketTimes.has(actedNs)).toBe(true);
          expect(e.tsLocalNs).toBeGreaterThanOrEqual(actedNs + s.responseNs);
          fills++;
        }
      }),
      { numRuns: RUNS },
    );
    expect(fills).toBeGreaterThan(0);
  });

  it('gives the venue market data in exchange-time order, on the local clock within the feed window, before any request arriving at or after it', async () => {
    await fc.assert(
      fc.asyncProperty(clockScenario, async (s) => {
        const run = await runScenario(s);
        let last = -1n;
        for (const c of run.calls) {
          expect(c.atNs).toBeGreaterThanOrEqual(last);
          last = c.atNs;
          if (c.what !== 'market') continue;
          const { tsEventNs, tsLocalNs } = c.event;
          expect(c.atNs).toBe(exchangeTimeNs(tsEventNs, tsLocalNs, { offsetNs: s.offsetNs, feedWindowNs: s.feedWindowNs }));
          expect(c.atNs).toBeLessThanOrEqual(tsLocalNs);
          expect(c.atNs).toBeGreaterThanOrEqual(tsLocalNs - s.feedWindowNs);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('produces the same event stream and state hashes however the feeder\u2019s batches are cut', async () => {
    await fc.assert(
      fc.asyncProperty(clockScenario, cutPattern, async (s, otherCuts) => {
        const a = await runScenario(s);
        const b = await runScenario(s, otherCuts);
        expect(b.events.map(eventText)).toEqual(a.events.map(eventText));
        expect(b.checkpoints).toEqual(a.checkpoints);
        expect(b.finalStateHash).toBe(a.finalStateHash);
      }),
      { numRuns: RUNS },
    );
  });

  it('produces the same stream whether the venue reports its revision (next times kept while unchanged) or not (asked after every step)', async () => {
    await fc.assert(
      fc.asyncProperty(clockScenario, async (s) => {
        const asked = await runScenario(s);
        const kept = await runScenario(s, s.cuts, true);
        expect(kept.events.map(eventText)).toEqual(asked.events.map(eventText));
        expect(kept.calls.map((c) => `${c.what}@${c.atNs}`)).toEqual(asked.calls.map((c) => `${c.what}@${c.atNs}`));
        expect(kept.finalStateHash).toBe(asked.finalStateHash);
      }),
      { numRuns: RUNS },
    );
  });

  it('hands a sink with market methods each market event through them (market, marketStepped) and everything else as before: the same calls, events and hashes', async () => {
    const marketKinds = new Set(['book_delta', 'trade', 'bbo']);
    await fc.assert(
      fc.asyncProperty(clockScenario, async (s) => {
        const plain = await runScenario(s);
        const split = await runScenario(s, s.cuts, false, true);
        const market = split.sinkCalls.filter((c) => c.startsWith('market '));
        expect(market.length).toBe(split.outcome.marketEvents);
        expect(split.sinkCalls.filter((c) => c.startsWith('marketStepped ')).length).toBe(split.outcome.marketEvents);
        for (const c of market) expect(marketKinds.has(c.split(' ')[2]!)).toBe(true);
        for (const c of split.sinkCalls.filter((c) => c.startsWith('append '))) expect(marketKinds.has(c.split(' ')[2]!)).toBe(false);
        expect(split.sinkCalls.map((c) => c.replace(/^market /, 'append ').replace(/^marketStepped /, 'stepped '))).toEqual(plain.sinkCalls);
        expect(split.events.map(eventText)).toEqual(plain.events.map(eventText));
        expect(split.checkpoints).toEqual(plain.checkpoints);
        expect(split.finalStateHash).toBe(plain.finalStateHash);
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same result for any feed window that covers every feed latency: the window bounds reading ahead, not the model', async () => {
    await fc.assert(
      fc.asyncProperty(clockScenario, fc.bigInt({ min: 1n, max: 10n }), async (s, factor) => {
        // With the true offset, feed latency = receipt − (event time + offset); cover the largest.
        const rows = streamRows(s);
        let maxLatency = 1n;
        for (const r of [...rows.depth, ...rows.trade, ...rows.bbo]) if (r.tsLocal - (r.tsEvent + s.dataOffsetNs) > maxLatency) maxLatency = r.tsLocal - (r.tsEvent + s.dataOffsetNs);
        const tight = { ...s, offsetNs: s.dataOffsetNs, feedWindowNs: maxLatency };
        const wide = { ...tight, feedWindowNs: maxLatency * factor + 1_000_000_000n };
        const a = await runScenario(tight);
        const b = await runScenario(wide);
        expect(a.outcome.exchangeTimeClamps).toEqual({ toReceipt: 0, toWindow: 0 });
        expect(b.events.map(eventText)).toEqual(a.events.map(eventText));
        expect(b.finalStateHash).toBe(a.finalStateHash);
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the venue a depth update before a later trade that was received first, and the core the trade first', async () => {
    // Exchange times: depth 1 ms, trade 1.5 ms, depth 2 ms; receipts: depth 2 ms, trade 1.6 ms, depth 3 ms.
    const s = {
      steps: [
        { kind: 0 as const, gapNs: 1_000_000, feedLatencyNs: 1_000_000, move: 0 as const, size: 1, sellAggressor: false },
        { kind: 1 as const, gapNs: 500_000, feedLatencyNs: 100_000, move: 0 as const, size: 1, sellAggressor: true },
        { kind: 0 as const, gapNs: 500_000, feedLatencyNs: 1_000_000, move: 0 as const, size: 1, sellAggressor: false },
      ],
      dataOffsetNs: 0n,
      offsetNs: 0n,
      feedWindowNs: 5_000_000n,
      entryNs: 0n,
      responseNs: 0n,
      jitterNs: 0n,
      seed: 1,
      cuts: [1],
    };
    const run = await runScenario(s);
    const venueSaw = run.calls.flatMap((c) => (c.what === 'market' ? [c.event.kind] : []));
    expect(venueSaw).toEqual(['book_delta', 'trade', 'book_delta']);
    expect(run.events.filter((e) => e.kind === 'trade' || e.kind === 'book_delta').map((e) => e.kind)).toEqual(['trade', 'book_delta', 'book_delta']);
  });
});
