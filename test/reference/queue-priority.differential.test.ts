/**
 * Differential test focused on queue position, where random streams rarely reach: one resting
 * bid behind historical size, trades at its price eating part of the queue, then a replace
 * (a new price, a larger size, a smaller size, or the same), then more trades. The production
 * venue must fill exactly what the reference does: a smaller size keeps the place in the
 * queue, a larger size or a new price goes to the back of the level as it is then.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventDraft, ExecutionEvent, Instrument, MarketEvent, RequestSentEvent } from '@chassis/core';
import { constantLatency, conservativeQueue, createSimulatedVenue } from '@chassis/venues';
import { compareVenue, describe as list } from './differential.ts';
import type { TapeEntry } from './production-run.ts';
import { requestSent } from './request-sent.ts';

const INST: Instrument = {
  id: 'sim:Q',
  venue: 'sim',
  symbol: 'Q',
  contractType: 'linear',
  baseCurrency: 'BTC',
  quoteCurrency: 'USDT',
  priceDecimals: 1,
  sizeDecimals: 0,
  tickUnits: 1,
  lotUnits: 1,
  minNotionalUnits: 0n,
  multiplier: 1,
  makerFeePpm: 100,
  takerFeePpm: 400,
};
const BID = 1000;

interface Scenario {
  readonly levelQty: number;
  readonly qty: number;
  readonly before: readonly number[];
  readonly levelAfter: number;
  readonly newQty: number;
  readonly priceTicks: number;
  readonly after: readonly number[];
}

function tapeOf(s: Scenario): TapeEntry[] {
  let seq = 0;
  let t = 1_000n;
  const at = () => ({ seq: ++seq, tsEventNs: (t += 10n), tsLocalNs: t, instrument: INST.id });
  const depth = (bidQty: number, price = BID): MarketEvent => ({
    ...at(),
    kind: 'book_delta',
    updateId: BigInt(seq),
    isSnapshot: false,
    offset: 0,
    count: 2,
    sides: [0, 1],
    prices: [price, BID + 10],
    sizes: [bidQty, 50],
  });
  const trade = (qty: number): MarketEvent => ({
    ...at(),
    kind: 'trade',
    tradeId: `t${seq}`,
    priceUnits: BID,
    qtyUnits: qty,
    aggressor: 'sell',
  });
  const request = (kind: 'new' | 'replace', priceUnits: number, qtyUnits: number): RequestSentEvent =>
    requestSent({ ...at(), request: kind, orderId: 1, side: 'buy', priceUnits, qtyUnits });
  const tape: TapeEntry[] = [];
  const market = (e: MarketEvent) => tape.push({ kind: 'market', event: e, exchangeNs: e.tsEventNs });
  const send = (r: RequestSentEvent) =>
    tape.push({ kind: 'submit', request: r }, { kind: 'process', arrivalNs: r.tsLocalNs });
  market(depth(s.levelQty));
  send(request('new', BID, s.qty));
  s.before.forEach((q) => market(trade(q)));
  market(depth(s.levelAfter));
  send(request('replace', BID + s.priceTicks, s.newQty));
  if (s.priceTicks !== 0) market(depth(s.levelAfter, BID + s.priceTicks)); // the new level exists too
  s.after.forEach((q) => market(trade(q)));
  return tape;
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  levelQty: fc.integer({ min: 0, max: 30 }),
  qty: fc.integer({ min: 2, max: 10 }),
  before: fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 3 }),
  levelAfter: fc.integer({ min: 1, max: 40 }),
  newQty: fc.integer({ min: 1, max: 14 }),
  priceTicks: fc.constantFrom(0, 0, 0, -1, -2),
  after: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 4 }),
});

describe('queue priority across replaces, production venue against the reference', () => {
  it('fills a replaced resting order exactly as the reference: size down keeps the place, size up or a new price goes to the back', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const tape = tapeOf(s);
        const venue = createSimulatedVenue({
          instruments: [INST],
          queueModel: conservativeQueue(),
          latency: constantLatency(0n, 0n),
          seed: 1,
        });
        for (const t of tape) {
          if (t.kind === 'market') venue.onMarketEvent(t.event, t.exchangeNs);
          else if (t.kind === 'submit') venue.submit(t.request);
          else venue.processNextRequest();
        }
        const answers: EventDraft<ExecutionEvent>[] = [];
        while (venue.nextAnswerNs() >= 0n) answers.push(venue.popAnswer());
        expect(list(compareVenue([INST], tape, answers, 0, { entryNs: 0n, responseNs: 0n }).disagreements)).toBe('');
      }),
      { numRuns: 500 },
    );
  });
});
