import { describe, expect, it } from 'vitest';
import { formatDecimalUnits, type Instrument } from '../instrument.ts';
import { BTCUSD_PERP, BTC_USDT_SWAP, ETH_SPOT, ScriptedStrategy, baseConfig, engineWith, roundTrip } from '../testing/fixtures.ts';

describe('contract accounting', () => {
  it('a short round trip on Binance COIN-M BTCUSD_PERP realises q × 100 USD × (1/E − 1/X) in BTC, in satoshi', () => {
    // Short 1 contract at 60000.0, buy back at 59000.0: 100 × (1/59000 − 1/60000) BTC = 0.0000282485… BTC.
    // Each fill's BTC value rounds to the satoshi (ties away from zero): 100/60000 = 166666.67 → 166667,
    // 100/59000 = 169491.53 → 169492; realised = 169492 − 166667 = 2825 sat.
    const engine = roundTrip(BTCUSD_PERP, { side: 'sell', price: 600_000, fee: 34n }, { price: 590_000, fee: 34n }, 1, { BTC: 100_000_000n });
    const p = engine.view.execution.position(BTCUSD_PERP.id);
    expect([p.qtyUnits, p.costUnits, p.realizedPnlUnits, p.feesUnits]).toEqual([0, 0n, 2825n, 68n]);
    expect(engine.view.execution.balance('BTC')).toBe(100_000_000n + 2825n - 68n);
    expect(engine.view.execution.balance('USD')).toBe(0n);
    expect(engine.violation).toBeNull();
  });

  it('a long position on an inverse contract loses when the price falls, and more than it gains on the same rise', () => {
    const down = roundTrip(BTCUSD_PERP, { side: 'buy', price: 600_000, fee: 0n }, { price: 500_000, fee: 0n }, 3, {});
    const up = roundTrip(BTCUSD_PERP, { side: 'buy', price: 600_000, fee: 0n }, { price: 700_000, fee: 0n }, 3, {});
    // 300 USD × (1/60000 − 1/50000) = −0.001 BTC exactly; 300 × (1/60000 − 1/70000) = 0.000714285… BTC
    expect(down.view.execution.position(BTCUSD_PERP.id).realizedPnlUnits).toBe(-100_000n);
    expect(up.view.execution.position(BTCUSD_PERP.id).realizedPnlUnits).toBe(71_429n);
  });

  it('an OKX BTC-USDT-SWAP round trip realises ctVal 0.01 BTC × contracts × Δprice in USDT', () => {
    // Buy 2 contracts at 60000.0, sell at 60100.0: 0.01 × 2 × 100 = 2 USDT; the position is
    // reported in USDT units of 10^-settlementDecimals (price 1 + size 2 + ctVal 2 decimals).
    const engine = roundTrip(BTC_USDT_SWAP, { side: 'buy', price: 600_000, fee: 0n }, { price: 601_000, fee: 0n }, 200, {});
    const p = engine.view.execution.position(BTC_USDT_SWAP.id);
    expect(p.settlementCurrency).toBe('USDT');
    expect(Number(p.realizedPnlUnits) / 10 ** p.settlementDecimals).toBe(2);
    expect(engine.view.execution.balance('USDT')).toBe(p.realizedPnlUnits);
  });

  it('reports the average entry of an inverse position as the harmonic mean of its fill prices', () => {
    const strategy = new ScriptedStrategy();
    const { engine, feed } = engineWith(baseConfig({ instruments: [BTCUSD_PERP], initialBalances: {} }), strategy);
    strategy.script.push([
      { type: 'new', instrument: BTCUSD_PERP.id, side: 'buy', priceUnits: 400_000, qtyUnits: 1 },
      { type: 'new', instrument: BTCUSD_PERP.id, side: 'buy', priceUnits: 800_000, qtyUnits: 1 },
    ]);
    feed.push({ kind: 'bbo', instrument: BTCUSD_PERP.id, updateId: -1n, bidPriceUnits: 1, bidQtyUnits: 1, askPriceUnits: 2, askQtyUnits: 1 } as never);
    feed.exec({ kind: 'order_filled', orderId: 1, fillId: 'a', priceUnits: 400_000, qtyUnits: 1, liquidity: 'maker', feeUnits: 0n, final: true });
    feed.exec({ kind: 'order_filled', orderId: 2, fillId: 'b', priceUnits: 800_000, qtyUnits: 1, liquidity: 'maker', feeUnits: 0n, final: true });
    // 2 contracts × 100 USD / (100/40000 + 100/80000 BTC) = 53333.33 USD
    expect(engine.view.execution.position(BTCUSD_PERP.id).avgPrice).toBeCloseTo(533_333.33, 1);
  });

  it('a spot round trip at 18 price and 18 size decimals moves a 100,000 USDT balance by exactly Δprice × qty', () => {
    // Buy 0.002 at 0.001, sell at 0.0011: +0.0001 × 0.002 = 0.0000002 USDT. The balance is held at
    // 18 + 18 = 36 decimals, so 100000 USDT is 10^41 units (far beyond 2^53 and 2^63).
    const fine: Instrument = { ...ETH_SPOT, id: 'synthetic:FINE-USDT', symbol: 'FINE-USDT', baseCurrency: 'FINE', priceDecimals: 18, sizeDecimals: 18 };
    const engine = roundTrip(fine, { side: 'buy', price: 1e15, fee: 0n }, { price: 1.1e15, fee: 0n }, 2e15, { USDT: 10n ** 41n });
    expect(formatDecimalUnits(engine.view.execution.balance('USDT'), 36)).toBe(`100000.0000002${'0'.repeat(29)}`);
    expect(engine.view.execution.balance('FINE')).toBe(0n);
    expect(engine.violation).toBeNull();
  });
});
