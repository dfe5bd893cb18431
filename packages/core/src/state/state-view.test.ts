import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PendingCommand } from '../execution/dominance.ts';
import { BTC, ETH_SPOT } from '../testing/fixtures.ts';
import { EngineState, OrderRecord } from './engine-state.ts';
import { createStateView } from './state-view.ts';

const INSTRUMENTS = [BTC, ETH_SPOT];

function order(orderId: number, instrument: string): OrderRecord {
  return new OrderRecord(orderId, instrument, 'buy', 'limit', 100, 1, 'GTC', false, false, 'mm', -1);
}

function command(orderId: number, instrument: string, admission: number): PendingCommand {
  const c = { orderId, request: 'new', instrument, side: 'sell', orderType: 'limit', priceUnits: 101, qtyUnits: 1, timeInForce: 'GTC' };
  return { ...c, postOnly: false, reduceOnly: false, clientTag: '', admission, origin: 'strategy' } as PendingCommand;
}

/** Distinct order ids in any insertion order, each on one of the two instruments. */
const entries = fc.uniqueArray(fc.record({ id: fc.nat({ max: 1000 }), onBtc: fc.boolean() }), { selector: (e) => e.id, maxLength: 12 });

describe('state view lists', () => {
  it('openOrders lists the live orders of an instrument (or all) by ascending id, whatever order they went live in', () => {
    fc.assert(
      fc.property(entries, fc.option(fc.boolean(), { nil: undefined }), (list, btcOnly) => {
        const s = new EngineState('');
        for (const e of list) s.live.set(e.id, order(e.id, e.onBtc ? BTC.id : ETH_SPOT.id));
        const instrument = btcOnly === undefined ? undefined : btcOnly ? BTC.id : ETH_SPOT.id;
        const want = list.filter((e) => instrument === undefined || (e.onBtc ? BTC.id : ETH_SPOT.id) === instrument).map((e) => e.id);
        const view = createStateView(s, INSTRUMENTS);
        const got = view.execution.openOrders(instrument);
        expect(got.map((o) => o.orderId)).toEqual(want.sort((a, b) => a - b));
        expect(got).not.toBe(view.execution.openOrders(instrument));
      }),
    );
  });

  it('pending lists the queued commands of an instrument (or all) in admission order, as frozen copies', () => {
    fc.assert(
      fc.property(entries, fc.option(fc.boolean(), { nil: undefined }), (list, btcOnly) => {
        const s = new EngineState('');
        // unique admission numbers mostly against insertion order, and unrelated to the ids
        list.forEach((e, k) => s.queue.set(e.id, command(e.id, e.onBtc ? BTC.id : ETH_SPOT.id, (list.length - k) * 3 + (e.id % 3))));
        const instrument = btcOnly === undefined ? undefined : btcOnly ? BTC.id : ETH_SPOT.id;
        const want = [...s.queue.values()].filter((c) => instrument === undefined || c.instrument === instrument).sort((a, b) => a.admission - b.admission);
        const got = createStateView(s, INSTRUMENTS).execution.pending(instrument);
        expect(got.map((p) => p.orderId)).toEqual(want.map((c) => c.orderId));
        for (const p of got) expect(Object.isFrozen(p)).toBe(true);
        for (const p of got) expect(p).not.toBe(s.queue.get(p.orderId));
      }),
    );
  });
});
