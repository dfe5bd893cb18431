// @ts-nocheck
import { describe, expect, it } from 'vitest';
import type { Event } from '@chassis/core';
import { seriesByInstrument, seriesFromEvents } from './run-loader.ts';

const MS = 1_000_000n;
const info = {
  runId: 'two-instruments',
  instruments: [
    { id: 'v:AAA', priceDecimals: 1, sizeDecimals: 3 },
    { id: 'v:BBB', priceDecimals: 2, sizeDecimals: 0 },
  ],
  initialEquity: 1000,
  riskDenials: 0,
  rateLimitDeferrals: 0,
};

/** Two instruments interleaved: quotes, one request each, answers and fills that carry no instrument. */
function stream(): Event[] {
  let seq = 0;
  const h = (ms: bigint) => ({ seq: seq++, tsEventNs: ms * MS, tsLocalNs: ms * MS });
  const bbo = (ms: bigint, instrument: string, bid: number, ask: number): Event => ({ ...h(ms), kind: 'bbo', instrument, updateId: 0n, bidPriceUnits: bid, bidQtyUnits: 1, askPriceUnits: ask, askQtyUnits: 1 });
  const req = (ms: bigint, instrument: string, orderId: number, side: 'buy' | 'sell', price: number): Event => ({
    ...h(ms), kind: 'request_sent', request: 'new', orderId, instrument, side, orderType: 'limit', priceUnits: price, qtyUnits: 1, timeInForce: 'GTC', postOnly: true, reduceOnly: false, clientTag: '',
  }) as Event;
  const events: Event[] = [bbo(1000n, 'v:AAA', 600_000, 600_010), bbo(1000n, 'v:BBB', 2_000, 2_010), req(1001n, 'v:AAA', 1, 'buy', 600_000)];
  const aSeq = events[2]!.seq;
  events.push(req(1002n, 'v:BBB', 2, 'sell', 2_010));
  const bSeq = events[3]!.seq;
  events.push({ ...h(1005n), kind: 'order_accepted', orderId: 2, requestSeq: bSeq, venueOrderId: 'b' } as Event);
  events.push({ ...h(1011n), kind: 'order_accepted', orderId: 1, requestSeq: aSeq, venueOrderId: 'a' } as Event);
  events.push({ ...h(1500n), kind: 'order_filled', orderId: 2, requestSeq: -1, fillId: 'f1', priceUnits: 2_010, qtyUnits: 1, liquidity: 'maker', feeUnits: 0n, final: true } as Event);
  events.push(bbo(2000n, 'v:AAA', 600_020, 600_030));
  return events;
}

describe('run loader', () => {
  it('builds each instrument its own columns in one pass, routing execution events through their order and request', () => {
    const [a, b] = seriesByInstrument(stream(), info);
    expect(a!.instrument).toBe('v:AAA');
    expect(Array.from(a!.mid.mid)).toEqual([60_000.5, 60_002.5]);
    expect(Array.from(a!.fills.tsMs)).toEqual([]);
    expect(Array.from(a!.requests.latencyMs)).toEqual([10]);
    expect(Array.from(a!.quotes.bid)).toEqual([60_000]);
    expect(b!.instrument).toBe('v:BBB');
    expect(Array.from(b!.mid.mid)).toEqual([20.05]);
    expect(Array.from(b!.fills.price)).toEqual([20.1]);
    expect(Array.from(b!.fills.side)).toEqual([-1]);
    expect(Array.from(b!.requests.latencyMs)).toEqual([3]);
    // The filled ask is gone: BBB quotes go from ask 20.1 to none.
    expect(Array.from(b!.quotes.ask)).toEqual([20.1, NaN]);
    // Run-level span and event count are shared.
    expect([a!.startMs, a!.endMs, a!.counters.events]).toEqual([b!.startMs, b!.endMs, b!.counters.events]);
    expect(a!.counters.events).toBe(8);
  });

  it('gives one instrument by id, the first by default, and names a missing one', () => {
    expect(seriesFromEvents(stream(), info).instrument).toBe('v:AAA');
    expect(seriesFromEvents(stream(), info, 'v:BBB').fills.price.length).toBe(1);
    expect(() => seriesFromEvents(stream(), info, 'v:CCC')).toThrow(/has no instrument v:CCC/);
  });
});
