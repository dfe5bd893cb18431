import { describe, expect, it } from 'vitest';
import {
  ceilUnits,
  feeUnits,
  modifyOrderParams,
  newOrderParams,
  snapshotFromRest,
  snapshotFromUpdate,
  tradeFromUpdate,
  tradeFromUserTrade,
  venueOrderState,
  wireDecimal,
} from './order-mapping.ts';
import { BTCUSDT, documented, requestSent } from './test-fixtures.ts';
import { orderTradeUpdateSchema, restOrderSchema, userTradeSchema } from './wire.ts';

const update = orderTradeUpdateSchema.parse(documented('order-trade-update.json'));

describe('requests to Binance parameters', () => {
  it('a limit GTC buy sends symbol, side, LIMIT, GTC, price and quantity as plain decimals', () => {
    const p = newOrderParams(
      requestSent({ seq: 5, request: 'new', orderId: 1, priceUnits: 6_012_340, qtyUnits: 1_500 }),
      BTCUSDT,
      'chX-1',
    );
    expect(Object.fromEntries(p)).toEqual({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      price: '60123.4',
      quantity: '1.5',
      newClientOrderId: 'chX-1',
      newOrderRespType: 'RESULT',
    });
  });

  it('post-only is GTX, reduce-only adds reduceOnly=true', () => {
    const p = Object.fromEntries(
      newOrderParams(
        requestSent({ seq: 5, request: 'new', orderId: 1, postOnly: true, reduceOnly: true, side: 'sell' }),
        BTCUSDT,
        'c',
      ),
    );
    expect(p).toMatchObject({ side: 'SELL', timeInForce: 'GTX', reduceOnly: 'true' });
  });

  it('IOC and FOK limits keep their time in force', () => {
    for (const tif of ['IOC', 'FOK'] as const)
      expect(
        Object.fromEntries(
          newOrderParams(requestSent({ seq: 1, request: 'new', orderId: 1, timeInForce: tif }), BTCUSDT, 'c'),
        ).timeInForce,
      ).toBe(tif);
  });

  it('a market order has no price and no time in force', () => {
    const p = Object.fromEntries(
      newOrderParams(
        requestSent({
          seq: 5,
          request: 'new',
          orderId: 1,
          orderType: 'market',
          priceUnits: 0,
          timeInForce: 'IOC',
          reduceOnly: true,
        }),
        BTCUSDT,
        'c',
      ),
    );
    expect(p).toEqual({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.01',
      reduceOnly: 'true',
      newClientOrderId: 'c',
      newOrderRespType: 'RESULT',
    });
  });

  it('a replace is a modify of the order by client id with side, quantity and price', () => {
    expect(
      modifyOrderParams(
        requestSent({ seq: 9, request: 'replace', orderId: 1, priceUnits: 6_000_010, qtyUnits: 2 }),
        BTCUSDT,
        'c',
      ),
    ).toEqual([
      ['symbol', 'BTCUSDT'],
      ['origClientOrderId', 'c'],
      ['side', 'BUY'],
      ['quantity', '0.002'],
      ['price', '60000.1'],
    ]);
  });

  it('wire decimals drop trailing zeros and keep integers whole', () => {
    expect([wireDecimal(6_000_000, 2), wireDecimal(1, 3), wireDecimal(1000, 3), wireDecimal(5, 0)]).toEqual([
      '60000',
      '0.001',
      '1',
      '5',
    ]);
  });
});

describe('documented venue messages to observations', () => {
  it('the documented ORDER_TRADE_UPDATE (NEW) is an order snapshot and carries no fill', () => {
    expect(snapshotFromUpdate(update, BTCUSDT)).toEqual({
      clientOrderId: 'TEST',
      venueOrderId: '8886774',
      status: 'NEW',
      priceUnits: 0,
      qtyUnits: 1,
      executedQtyUnits: 0,
      tsMs: 1568879465650,
    });
    expect(tradeFromUpdate(update, BTCUSDT)).toBeNull();
  });

  it('a TRADE update is a fill: trade id, last price and qty, maker flag and the commission in settlement units', () => {
    const trade = orderTradeUpdateSchema.parse({
      ...update,
      o: {
        ...update.o,
        x: 'TRADE',
        X: 'PARTIALLY_FILLED',
        l: '0.001',
        z: '0.001',
        L: '7103.1',
        n: '0.00142062',
        N: 'USDT',
        t: 17,
        m: true,
      },
    });
    // 0.00142062 USDT at 10^-5 USDT units = 142.062 → 143 (toward +∞).
    expect(tradeFromUpdate(trade, BTCUSDT)).toEqual({
      clientOrderId: 'TEST',
      venueOrderId: '8886774',
      tradeId: '17',
      priceUnits: 710_310,
      qtyUnits: 1,
      liquidity: 'maker',
      feeUnits: 143n,
      tsMs: 1568879465650,
      orderQtyUnits: 1,
    });
  });

  it("the documented account trade becomes a taker fill whose fee is paid despite the example's minus sign", () => {
    const [t] = documented<unknown[]>('user-trades.json').map((x) => userTradeSchema.parse(x));
    expect(tradeFromUserTrade(t!, 'c', BTCUSDT)).toEqual({
      clientOrderId: 'c',
      venueOrderId: '25851813',
      tradeId: '698759',
      priceUnits: 781_901,
      qtyUnits: 2,
      liquidity: 'taker',
      feeUnits: 7_820n,
      tsMs: 1569514978020,
    });
  });

  it('the documented query answer is a VenueOrderState in integer units', () => {
    const o = restOrderSchema.parse(documented('query-order.json'));
    expect(venueOrderState(o, BTCUSDT, null)).toEqual({
      orderId: null,
      clientOrderId: 'abc',
      venueOrderId: '1917641',
      instrument: BTCUSDT.id,
      side: 'buy',
      priceUnits: 0,
      qtyUnits: 400,
      filledQtyUnits: 0,
      status: 'open',
    });
    expect(snapshotFromRest(o, BTCUSDT).tsMs).toBe(1579276756075);
  });

  it('a commission in another asset (BNB) is valued at the configured fee rate of the fill', () => {
    // 60000.00 × 0.010 × 500 ppm = 0.3 USDT = 30,000 units of 1e-5.
    expect(feeUnits('0.0005', 'BNB', BTCUSDT, 'taker', 6_000_000, 10)).toBe(30_000n);
  });

  it('fees round toward +infinity and rebates stay negative for makers', () => {
    expect([ceilUnits('0.000011', 5), ceilUnits('0.00001', 5), ceilUnits('-0.000019', 5), ceilUnits('3', 5)]).toEqual([
      2n,
      1n,
      -1n,
      300_000n,
    ]);
    expect(feeUnits('-0.00002', 'USDT', BTCUSDT, 'maker', 1, 1)).toBe(-2n);
  });
});
