/**
 * Proves the venue contract is usable by a runtime: a minimal version of the backtest loop that
 * interleaves the exchange clock (market tsEventNs, request arrivals) with the local clock
 * (market tsLocalNs, answers), feeds a tiny strategy, and journals every event with its seq.
 */
// @ts-nocheck

import { describe, expect, it } from 'vitest';
import type { EventDraft, ExecutionEvent, MarketEvent, RequestSentEvent } from '@chassis/core';
import { createSimulatedVenue } from './venue.ts';
import { conservativeQueue } from './queue.ts';
import { constantLatency } from './latency.ts';
import { TEST_INSTRUMENT, bookDelta, newOrder, snapshot, trade } from './scenario.ts';

const FEED_NS = 300n;
const withFeed = (ev: MarketEvent): MarketEvent => ({ ...ev, tsLocalNs: ev.tsEventNs + FEED_NS });

interface JournalRow {
  seq: number;
  tsLocalNs: bigint;
  text: string;
}

function runMiniBacktest(data: readonly MarketEvent[]): JournalRow[] {
  const venue = createSimulatedVenue({ instruments: [TEST_INSTRUMENT], queueModel: conservativeQueue(), latency: constantLatency(1_000n, 500n), seed: 1 });
  const journal: JournalRow[] = [];
  let seq = 0;
  let exchangeIdx = 0; // next market event on the exchange side (by tsEventNs)
  let localIdx = 0; // next market event on the local side (by tsLocalNs)
  let sentFirst = false;

  const send = (req: Omit<RequestSentEvent, 'seq'>): void => {
    const event = { ...req, seq: ++seq } as RequestSentEvent;
    journal.push({ seq: event.seq, tsLocalNs: event.tsLocalNs, text: `sent ${event.timeInForce} ${event.side} ${event.qtyUnits}@${event.priceUnits}` });
    venue.submit(event);
  };
  // The strategy: quote one bid on the first book; when it is completely filled, sell it back with IOC.
  const onLocal = (tsLocalNs: bigint, answer: EventDraft<ExecutionEvent> | null): void => {
    if (answer === null && !sentFirst) {
      sentFirst = true;
      send(newOrder({ seq: 0, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: 3, tsLocalNs }));
    }
    if (answer?.kind === 'order_filled' && answer.orderId === 1 && answer.final) {
      send(newOrder({ seq: 0, orderId: 2, side: 'sell', priceUnits: 100, qtyUnits: 3, tsLocalNs, timeInForce: 'IOC' }));
    }
  };

  for (;;) {
    const nextExchangeMarket = exchangeIdx < data.length ? data[exchangeIdx]!.tsEventNs : -1n;
    const nextArrival = venue.nextRequestArrivalNs();
    const tExchange = min(nextExchangeMarket, nextArrival);
    const nextLocalMarket = localIdx < data.length ? data[localIdx]!.tsLocalNs : -1n;
    const nextAnswer = venue.nextAnswerNs();
    const tLocal = min(nextLocalMarket, nextAnswer);
    if (tExchange < 0n && tLocal < 0n) break;
    // Exchange work up to (and including) the next local instant happens first: the local side
    // can only send requests that arrive at or after its own time, so causality holds.
    if (tExchange >= 0n && (tLocal < 0n || tExchange <= tLocal)) {
      if (nextArrival >= 0n && (nextExchangeMarket < 0n || nextArrival <= nextExchangeMarket)) venue.processNextRequest();
      else venue.onMarketEvent(data[exchangeIdx++]!);
      continue;
    }
    // Local side, SPEC tie rule: venue answers before market events at equal tsLocal.
    if (nextAnswer >= 0n && (nextLocalMarket < 0n || nextAnswer <= nextLocalMarket)) {
      const answer = venue.popAnswer();
      const s = ++seq;
      journal.push({ seq: s, tsLocalNs: answer.tsLocalNs, text: describe1(answer) });
      onLocal(answer.tsLocalNs, answer);
    } else {
      const ev = data[localIdx++]!;
      journal.push({ seq: ++seq, tsLocalNs: ev.tsLocalNs, text: `market ${ev.kind}` });
      onLocal(ev.tsLocalNs, null);
    }
  }
  return journal;
}

function min(a: bigint, b: bigint): bigint {
  if (a < 0n) return b;
  if (b < 0n) return a;
  return a < b ? a : b;
}

function describe1(a: EventDraft<ExecutionEvent>): string {
  if (a.kind === 'order_filled') return `filled #${a.orderId} ${a.qtyUnits}@${a.priceUnits} ${a.liquidity}${a.final ? ' final' : ''} req=${a.requestSeq} ex=${a.tsEventNs}`;
  return `${a.kind} #${a.orderId} req=${a.requestSeq} ex=${a.tsEventNs}`;
}

describe('a minimal runtime loop over the venue contract', () => {
  const data = [
    snapshot(1_000n, [['bid', 100, 10], ['bid', 99, 5], ['ask', 101, 4]]),
    trade(2_000n, 100, 10, 'sell'), // before our bid reaches the exchange (at 2300): must not count
    bookDelta(2_100n, [['bid', 100, 10]]),
    trade(3_000n, 100, 12, 'sell'), // 2 past the 10 ahead of us
    trade(4_000n, 100, 1, 'sell'),
    bookDelta(5_000n, [['bid', 100, 6]]),
  ].map(withFeed);

  it('delivers answers at send + entry + response, fills only from trades after arrival, and keeps the journal in local-time order', () => {
    const journal = runMiniBacktest(data);
    expect(journal.map((r) => `${r.seq} ${r.tsLocalNs} ${r.text}`)).toEqual([
      '1 1300 market book_delta',
      '2 1300 sent GTC buy 3@100',
      '3 2300 market trade',
      '4 2400 market book_delta',
      '5 2800 order_accepted #1 req=2 ex=2300',
      '6 3300 market trade',
      '7 3500 filled #1 2@100 maker req=-1 ex=3000',
      '8 4300 market trade',
      '9 4500 filled #1 1@100 maker final req=-1 ex=4000',
      '10 4500 sent IOC sell 3@100',
      '11 5300 market book_delta',
      '12 6000 order_accepted #2 req=10 ex=5500',
      '13 6000 filled #2 3@100 taker final req=10 ex=5500',
    ]);
    for (let i = 1; i < journal.length; i++) expect(journal[i]!.tsLocalNs >= journal[i - 1]!.tsLocalNs).toBe(true);
  });
});
