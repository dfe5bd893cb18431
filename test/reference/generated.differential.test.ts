/**
 * Differential test on generated streams: the production simulated venue and the reference
 * venue get the same exchange-side tape (books, BBOs, trades, our requests at their arrival)
 * and must give the same answers — every order state change, fill price, qty, maker/taker,
 * fee and timing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventDraft, ExecutionEvent } from '@chassis/core';
import { constantLatency, conservativeQueue, createSimulatedVenue } from '@chassis/venues';
import { compareVenue, describe as list } from './differential.ts';
import { instrumentArb, opArb, tapeOf } from './generated-streams.ts';
import type { TapeEntry } from './production-run.ts';
import type { Instrument } from '@chassis/core';

function productionAnswers(
  inst: Instrument,
  tape: readonly TapeEntry[],
  entryNs: bigint,
  responseNs: bigint,
): { answers: EventDraft<ExecutionEvent>[]; arrivals: bigint[] } {
  const venue = createSimulatedVenue({
    instruments: [inst],
    queueModel: conservativeQueue(),
    latency: constantLatency(entryNs, responseNs),
    seed: 1,
  });
  venue.start();
  const arrivals: bigint[] = [];
  for (const t of tape) {
    if (t.kind === 'market') venue.onMarketEvent(t.event, t.exchangeNs);
    else if (t.kind === 'submit') venue.submit(t.request);
    else {
      arrivals.push(venue.nextRequestArrivalNs());
      venue.processNextRequest();
    }
  }
  const answers: EventDraft<ExecutionEvent>[] = [];
  while (venue.nextAnswerNs() >= 0n) answers.push(venue.popAnswer());
  return { answers, arrivals };
}

const caseArb = fc.record({
  inst: instrumentArb,
  ops: fc.array(opArb, { minLength: 30, maxLength: 150 }),
  entryUs: fc.integer({ min: 0, max: 2000 }),
  responseUs: fc.integer({ min: 0, max: 2000 }),
});

describe('the simulated venue against the reference venue on generated streams', () => {
  it('gives the same answers, fills, fees and timings as the reference for any stream of books, trades and requests', () => {
    const seen = { answers: 0, makerFills: 0, takerFills: 0, rejects: 0, cancels: 0, replaces: 0 };
    fc.assert(
      fc.property(caseArb, ({ inst, ops, entryUs, responseUs }) => {
        const entryNs = BigInt(entryUs) * 1000n;
        const responseNs = BigInt(responseUs) * 1000n;
        const tape = tapeOf(inst, ops, entryNs);
        const production = productionAnswers(inst, tape, entryNs, responseNs);
        // The tape's process entries carry the arrival the generator computed; production's must agree too.
        const expected = tape.flatMap((t) => (t.kind === 'process' ? [t.arrivalNs] : []));
        expect(production.arrivals).toEqual(expected);
        const replay = compareVenue(inst, tape, production.answers, 0, { entryNs, responseNs });
        expect(list(replay.disagreements)).toBe('');
        for (const a of production.answers) {
          seen.answers++;
          if (a.kind === 'order_filled') seen[a.liquidity === 'maker' ? 'makerFills' : 'takerFills']++;
          else if (a.kind === 'order_rejected' || a.kind === 'cancel_replace_rejected') seen.rejects++;
          else if (a.kind === 'order_cancelled') seen.cancels++;
          else if (a.kind === 'order_replaced') seen.replaces++;
        }
      }),
      { numRuns: 300 },
    );
    // The generator must reach every kind of outcome, or the agreement above means little.
    console.log(seen);
    for (const [kind, n] of Object.entries(seen)) expect(n, kind).toBeGreaterThan(50);
  });
});
