// @ts-nocheck
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EventDraft, ExecutionEvent, MarketEvent, RequestSentEvent } from '@chassis/core';
import { createSimulatedVenue } from './venue.ts';
import { powerProbQueue, conservativeQueue, type QueueModel } from './queue.ts';
import { jitteredLatency } from './latency.ts';
import { TEST_INSTRUMENT, bbo, bookDelta, cancelOrder, newOrder, replaceOrder, snapshot, trade } from './scenario.ts';

type Op = { kind: 'market'; event: MarketEvent } | { kind: 'request'; request: RequestSentEvent };

const price = fc.integer({ min: 95, max: 105 });
const qty = fc.integer({ min: 0, max: 20 });
const side = fc.constantFrom<'bid' | 'ask'>('bid', 'ask');

/** A random op at step i (time = 1000 × i ns). */
const opArb = fc.oneof(
  fc.record({ t: fc.constant('delta' as const), rows: fc.array(fc.tuple(side, price, qty), { minLength: 1, maxLength: 4 }) }),
  fc.record({ t: fc.constant('trade' as const), p: price, q: fc.integer({ min: 1, max: 15 }), a: fc.constantFrom('buy' as const, 'sell' as const, 'unknown' as const) }),
  fc.record({ t: fc.constant('bbo' as const), b: fc.integer({ min: 95, max: 100 }), bq: qty, a: fc.integer({ min: 101, max: 105 }), aq: qty, lag: fc.integer({ min: -1, max: 2 }) }),
  fc.record({
    t: fc.constant('new' as const),
    id: fc.integer({ min: 1, max: 6 }),
    s: fc.constantFrom('buy' as const, 'sell' as const),
    p: price,
    q: fc.integer({ min: 1, max: 10 }),
    tif: fc.constantFrom('GTC' as const, 'IOC' as const, 'FOK' as const),
    postOnly: fc.boolean(),
    market: fc.boolean(),
  }),
  fc.record({ t: fc.constant('cancel' as const), id: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ t: fc.constant('replace' as const), id: fc.integer({ min: 1, max: 6 }), p: price, q: fc.integer({ min: 1, max: 10 }) }),
);

type OpSpec = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

function toOps(specs: readonly OpSpec[]): Op[] {
  const ops: Op[] = [{ kind: 'market', event: snapshot(0n, [['bid', 100, 10], ['bid', 99, 10], ['ask', 101, 10], ['ask', 102, 10]]) }];
  specs.forEach((s, i) => {
    const t = BigInt((i + 1) * 1000);
    const seq = i + 1;
    switch (s.t) {
      case 'delta':
        return ops.push({ kind: 'market', event: bookDelta(t, s.rows, false, BigInt(seq)) });
      case 'trade':
        return ops.push({ kind: 'market', event: trade(t, s.p, s.q, s.a) });
      case 'bbo':
        return ops.push({ kind: 'market', event: bbo(t, s.b, s.bq, s.a, s.aq, BigInt(seq - s.lag)) }); // lag > 0: stale
      case 'new':
        return ops.push({ kind: 'request', request: newOrder({ seq, orderId: s.id, side: s.s, priceUnits: s.p, qtyUnits: s.q, tsLocalNs: t, timeInForce: s.tif, postOnly: s.postOnly, market: s.market && !s.postOnly }) });
      case 'cancel':
        return ops.push({ kind: 'request', request: cancelOrder(seq, s.id, 'buy', t) });
      case 'replace':
        return ops.push({ kind: 'request', request: replaceOrder(seq, s.id, 'buy', s.p, s.q, t) });
    }
  });
  return ops;
}

/** Drives a venue the way a runtime would (exchange events in time order, requests processed at arrival) and returns every answer. */
function run(ops: readonly Op[], queueModel: QueueModel, seed: number): string {
  const venue = createSimulatedVenue({ instruments: [TEST_INSTRUMENT], queueModel, latency: jitteredLatency(500n, 300n, 1_500n), seed });
  const answers: EventDraft<ExecutionEvent>[] = [];
  for (const op of ops) {
    const now = op.kind === 'market' ? op.event.tsEventNs : op.request.tsLocalNs;
    while (venue.nextRequestArrivalNs() >= 0n && venue.nextRequestArrivalNs() <= now) venue.processNextRequest();
    if (op.kind === 'market') venue.onMarketEvent(op.event);
    else venue.submit(op.request);
  }
  while (venue.nextRequestArrivalNs() >= 0n) venue.processNextRequest();
  while (venue.nextAnswerNs() >= 0n) answers.push(venue.popAnswer());
  return JSON.stringify(answers, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

describe('determinism', () => {
  it('identical requests, market data, configuration and seed give identical answer streams', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), fc.integer({ min: 0, max: 2 ** 31 }), (specs, seed) => {
        const ops = toOps(specs);
        expect(run(ops, powerProbQueue(2), seed)).toBe(run(ops, powerProbQueue(2), seed));
        expect(run(ops, conservativeQueue(), seed)).toBe(run(ops, conservativeQueue(), seed));
      }),
      { numRuns: 150 },
    );
  });

  it('answers are popped in non-decreasing local time and every fill respects its order size', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (specs) => {
        const answers = JSON.parse(run(toOps(specs), powerProbQueue(1), 7)) as { kind: string; tsLocalNs: string; orderId: number; qtyUnits: number; final: boolean }[];
        let last = -1n;
        const filled = new Map<number, boolean>();
        for (const a of answers) {
          const t = BigInt(a.tsLocalNs.slice(0, -1));
          expect(t >= last).toBe(true);
          last = t;
          if (a.kind === 'order_filled') {
            expect(a.qtyUnits).toBeGreaterThan(0);
            expect(filled.get(a.orderId)).not.toBe(true); // no fill after a final fill of the same order instance
            if (a.final) filled.set(a.orderId, true);
          }
          if (a.kind === 'order_accepted') filled.set(a.orderId, false);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the seed of a randomised latency model changes answer timing', () => {
    const ops = toOps([{ t: 'new', id: 1, s: 'buy', p: 99, q: 1, tif: 'GTC', postOnly: false, market: false }]);
    expect(run(ops, conservativeQueue(), 1)).not.toBe(run(ops, conservativeQueue(), 2));
  });
});
