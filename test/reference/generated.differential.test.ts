/**
 * Differential test on generated streams: the production simulated venue and the reference
 * venue get the same exchange-side tape (books, BBOs, trades, our requests at their arrival)
 * and must give the same answers — every order state change, fill price, qty, maker/taker,
 * fee and timing — for one instrument under each trade-through fill model, and for two
 * instruments sharing one venue.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventDraft, ExecutionEvent, Instrument } from '@chassis/core';
import { constantLatency, conservativeQueue, createSimulatedVenue, type TradeThroughFill } from '@chassis/venues';
import { compareVenue, describe as list } from './differential.ts';
import { instrumentArb, opArb, tapeOf, type PlacedOp } from './generated-streams.ts';
import type { TapeEntry } from './production-run.ts';

function productionAnswers(
  instruments: readonly Instrument[],
  tape: readonly TapeEntry[],
  entryNs: bigint,
  responseNs: bigint,
  tradeThroughFill: TradeThroughFill,
) {
  const venue = createSimulatedVenue({
    instruments,
    queueModel: conservativeQueue(),
    latency: constantLatency(entryNs, responseNs),
    seed: 1,
    tradeThroughFill,
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

type Seen = Record<
  'answers' | 'makerFills' | 'partialMakerFills' | 'takerFills' | 'rejects' | 'cancels' | 'replaces',
  number
>;

/** Runs both venues on one generated case and asserts agreement; counts outcomes into `seen`. */
function agree(
  instruments: readonly Instrument[],
  ops: readonly PlacedOp[],
  entryUs: number,
  responseUs: number,
  seen: Seen,
  tradeThroughFill: TradeThroughFill = 'whole_order',
): void {
  const entryNs = BigInt(entryUs) * 1000n;
  const responseNs = BigInt(responseUs) * 1000n;
  const tape = tapeOf(instruments, ops, entryNs);
  const production = productionAnswers(instruments, tape, entryNs, responseNs, tradeThroughFill);
  // The generator computed each arrival as send + entry (FIFO); production's must agree.
  expect(production.arrivals).toEqual(tape.flatMap((t) => (t.kind === 'process' ? [t.arrivalNs] : [])));
  expect(
    list(
      compareVenue(instruments, tape, production.answers, 0, { entryNs, responseNs, tradeThroughFill }).disagreements,
    ),
  ).toBe('');
  for (const a of production.answers) {
    seen.answers++;
    if (a.kind === 'order_filled') seen[a.liquidity === 'maker' ? 'makerFills' : 'takerFills']++;
    if (a.kind === 'order_filled' && a.liquidity === 'maker' && !a.final) seen.partialMakerFills++;
    else if (a.kind === 'order_rejected' || a.kind === 'cancel_replace_rejected') seen.rejects++;
    else if (a.kind === 'order_cancelled') seen.cancels++;
    else if (a.kind === 'order_replaced') seen.replaces++;
  }
}

const latencyUs = fc.integer({ min: 0, max: 2000 });
const none = (): Seen => ({
  answers: 0,
  makerFills: 0,
  partialMakerFills: 0,
  takerFills: 0,
  rejects: 0,
  cancels: 0,
  replaces: 0,
});

/** The generator must reach every kind of outcome, or the agreement means little (partial maker fills: only where a print may fill part of an order). */
function expectCoverage(seen: Seen, partialMakerFills = false): void {
  for (const [kind, n] of Object.entries(seen))
    if (kind !== 'partialMakerFills' || partialMakerFills) expect(n, kind).toBeGreaterThan(50);
}

describe('the simulated venue against the reference venue on generated streams', () => {
  it('gives the same answers, fills, fees and timings as the reference for any stream of books, trades and requests', () => {
    const seen = none();
    const caseArb = fc.record({
      inst: instrumentArb('A'),
      ops: fc.array(opArb, { minLength: 30, maxLength: 150 }),
      entryUs: latencyUs,
      responseUs: latencyUs,
    });
    fc.assert(
      fc.property(caseArb, ({ inst, ops, entryUs, responseUs }) => agree([inst], ops, entryUs, responseUs, seen)),
      { numRuns: 300 },
    );
    expectCoverage(seen);
  });

  it('gives the same answers as the reference under the traded_qty trade-through model: a print fills at most its size, shared in time priority', () => {
    const seen = none();
    const caseArb = fc.record({
      inst: instrumentArb('A'),
      ops: fc.array(opArb, { minLength: 30, maxLength: 150 }),
      entryUs: latencyUs,
      responseUs: latencyUs,
    });
    fc.assert(
      fc.property(caseArb, ({ inst, ops, entryUs, responseUs }) =>
        agree([inst], ops, entryUs, responseUs, seen, 'traded_qty'),
      ),
      { numRuns: 200 },
    );
    expectCoverage(seen, true);
  });

  it('keeps two instruments of one venue apart: books, queues, taken liquidity and fees per instrument', () => {
    const seen = none();
    const placed = fc.tuple(fc.integer({ min: 0, max: 1 }), opArb).map(([on, op]): PlacedOp => ({ ...op, on }));
    const caseArb = fc.record({
      a: instrumentArb('A'),
      b: instrumentArb('B', 'spot'),
      ops: fc.array(placed, { minLength: 30, maxLength: 200 }),
      entryUs: latencyUs,
      responseUs: latencyUs,
    });
    fc.assert(
      fc.property(caseArb, ({ a, b, ops, entryUs, responseUs }) => agree([a, b], ops, entryUs, responseUs, seen)),
      { numRuns: 200 },
    );
    expectCoverage(seen);
  });
});
