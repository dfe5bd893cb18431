import { describe, expect, it } from 'vitest';
import type { VenueAccountState, VenueOrderState } from '../contracts.ts';
import { compareAccount, exceedsTolerance } from './compare-account.ts';
import { BTCUSDT, FedEngine } from './account-fixtures.ts';

/** 1000 USDT at the engine's 4 decimals for BTCUSDT (price 0.1 × qty 0.001). */
const START_USDT = 10_000_000n;

function engineWithRestingBuy(): FedEngine {
  const fed = new FedEngine([BTCUSDT], { USDT: START_USDT });
  fed.intents(BTCUSDT.id, 600_000, [
    { type: 'new', instrument: BTCUSDT.id, side: 'buy', priceUnits: 599_000, qtyUnits: 5 },
  ]);
  return fed;
}

function venueOrder(overrides: Partial<VenueOrderState> = {}): VenueOrderState {
  return {
    orderId: 1,
    clientOrderId: 'x-1',
    venueOrderId: '9001',
    instrument: BTCUSDT.id,
    side: 'buy',
    priceUnits: 599_000,
    qtyUnits: 5,
    filledQtyUnits: 0,
    status: 'open',
    ...overrides,
  };
}

function account(openOrders: VenueOrderState[], positionQtyUnits = 0, usdt = '1000'): VenueAccountState {
  return {
    openOrders,
    positions: positionQtyUnits === 0 ? [] : [{ instrument: BTCUSDT.id, qtyUnits: positionQtyUnits }],
    balances: [{ asset: 'USDT', amount: usdt }],
    asOfNs: 5n,
  };
}

describe('compareAccount on a real engine', () => {
  it('finds nothing when the venue holds the acknowledged order, no position and the same balance', () => {
    const fed = engineWithRestingBuy();
    fed.answer({ kind: 'order_accepted', orderId: 1, venueOrderId: '9001' });
    expect(compareAccount(account([venueOrder()]), fed.view).differences).toEqual([]);
  });

  it('does not count a new order still awaiting its acknowledgement as missing from the venue', () => {
    const fed = engineWithRestingBuy();
    expect(fed.view.execution.order(1)?.inflight).toBe('new');
    expect(compareAccount(account([]), fed.view).differences).toEqual([]);
  });

  it('reports an acknowledged order the venue no longer lists as missing on the venue', () => {
    const fed = engineWithRestingBuy();
    fed.answer({ kind: 'order_accepted', orderId: 1, venueOrderId: '9001' });
    expect(compareAccount(account([]), fed.view).differences).toEqual([
      { kind: 'order_missing_on_venue', orderId: 1, instrument: BTCUSDT.id, engineStatus: 'accepted' },
    ]);
  });

  it('reports a fill the venue made and the engine never saw as filled quantity, position and balance differences, without applying it', () => {
    const fed = engineWithRestingBuy();
    fed.answer({ kind: 'order_accepted', orderId: 1, venueOrderId: '9001' });
    // The venue filled 2 of 5 at 59900.0 with a 0.02 % maker fee of 0.023960 USDT (wallet 999.97604).
    const venue = account([venueOrder({ filledQtyUnits: 2, status: 'partially_filled' })], 2, '999.97604');
    const kinds = compareAccount(venue, fed.view).differences.map((d) =>
      d.kind === 'order_field_differs' ? `${d.kind}:${d.field}` : d.kind,
    );
    expect(kinds).toEqual(['order_field_differs:filledQtyUnits', 'position_differs', 'balance_differs']);
    expect(fed.view.execution.position(BTCUSDT.id).qtyUnits).toBe(0);
  });

  it('calls an order with no client id of ours foreign, and one of ours the engine cancelled ours-not-open', () => {
    const fed = engineWithRestingBuy();
    fed.answer({ kind: 'order_accepted', orderId: 1, venueOrderId: '9001' });
    fed.intents(BTCUSDT.id, 600_000, [{ type: 'cancel', orderId: 1 }]);
    fed.answer({ kind: 'order_cancelled', orderId: 1, reason: 'requested' });
    const manual = venueOrder({ orderId: null, clientOrderId: 'web_abc', venueOrderId: '777' });
    const found = compareAccount(account([venueOrder(), manual]), fed.view).differences;
    expect(found).toEqual([
      { kind: 'venue_order_ours_not_open', venueOrder: venueOrder(), engineStatus: 'cancelled' },
      { kind: 'venue_order_foreign', venueOrder: manual },
    ]);
  });

  it('skips adopted foreign orders and counts orders and positions on instruments outside the session', () => {
    const fed = new FedEngine([BTCUSDT], { USDT: START_USDT });
    const manual = venueOrder({ orderId: null, venueOrderId: '777' });
    const elsewhere = venueOrder({ orderId: null, venueOrderId: '778', instrument: 'binance-usdm:ETHUSDT' });
    const venue: VenueAccountState = {
      ...account([manual, elsewhere]),
      positions: [{ instrument: 'binance-usdm:ETHUSDT', qtyUnits: 3 }],
    };
    const result = compareAccount(venue, fed.view, { adoptedVenueOrderIds: new Set(['777']) });
    expect(result).toEqual({ differences: [], outOfScope: { orders: 1, positions: 1 } });
  });

  it('ignores a balance difference of one unit of the engine precision and reports two', () => {
    const fed = new FedEngine([BTCUSDT], { USDT: START_USDT });
    expect(compareAccount(account([], 0, '1000.0001'), fed.view).differences).toEqual([]);
    expect(compareAccount(account([], 0, '1000.0002'), fed.view).differences).toEqual([
      { kind: 'balance_differs', asset: 'USDT', engine: '1000.0000', venue: '1000.0002', tolerance: '0.0001' },
    ]);
  });
});

describe('exceedsTolerance', () => {
  it('compares exactly at the finest precision of its inputs', () => {
    expect(exceedsTolerance('1.00000001', '1', '0.00000001')).toBe(false);
    expect(exceedsTolerance('1.00000002', '1', '0.00000001')).toBe(true);
    expect(exceedsTolerance('-0.5', '0.5', '1')).toBe(false);
    expect(exceedsTolerance('-0.5', '0.5', '0.99')).toBe(true);
  });
});
