import { describe, expect, it } from 'vitest';
import type { Instrument } from '../instrument.ts';
import type { Intent } from '../intents.ts';
import type { RiskConfig } from '../config.ts';
import { BTCUSD_PERP, BTC_USDT_SWAP, ScriptedStrategy, baseConfig, engineWith } from '../testing/fixtures.ts';

/** Verdicts of `intents` on an engine trading `inst` with a 60000.0 / 60000.1 book. */
function verdicts(inst: Instrument, risk: RiskConfig, intents: Intent[]): string[] {
  const strategy = new ScriptedStrategy();
  const { feed } = engineWith(baseConfig({ instruments: [inst], risk }), strategy);
  const bbo = { kind: 'bbo', instrument: inst.id, updateId: -1n, bidPriceUnits: 600_000, bidQtyUnits: 9, askPriceUnits: 600_001, askQtyUnits: 9 } as const;
  feed.push({ ...bbo, tsEventNs: feed.nowNs, tsLocalNs: feed.nowNs });
  strategy.script.push(intents);
  return feed.push({ ...bbo, tsEventNs: feed.nowNs, tsLocalNs: feed.nowNs }).decisions.map((d) => (d.allowed ? 'allowed' : d.reason));
}

const buy = (inst: Instrument, priceUnits: number, qtyUnits: number): Intent => ({ type: 'new', instrument: inst.id, side: 'buy', priceUnits, qtyUnits });

describe('risk notional limits use the contract value in the settlement asset', () => {
  it('values a COIN-M order at q × 100 USD / P in satoshi: 6 contracts at 60000.0 = 0.01 BTC', () => {
    // 6 × 100 / 60000 BTC = 1,000,000 sat; at 59999.9 the same 6 contracts are worth 1,000,001.67 sat → 1,000,002
    const risk = { maxOrderNotionalUnits: 1_000_000n };
    expect(verdicts(BTCUSD_PERP, risk, [buy(BTCUSD_PERP, 600_000, 6), buy(BTCUSD_PERP, 599_999, 6), buy(BTCUSD_PERP, 600_000, 7)])).toEqual([
      'allowed',
      'max_order_notional',
      'max_order_notional',
    ]);
  });

  it('values an OKX BTC-USDT-SWAP order at ctVal 0.01 BTC × contracts × P in USDT', () => {
    // 1 contract (100 qty units of 0.01) at 60000.0 = 0.01 × 60000 = 600 USDT = 60,000,000 units of 1e-5 USDT
    // (a ctVal of one significant digit keeps the raw number of price × qty; its decimals say the unit)
    const inst: Instrument = { ...BTC_USDT_SWAP, minNotionalUnits: 60_000_000n };
    expect(verdicts(inst, {}, [buy(inst, 600_000, 100), buy(inst, 600_000, 99)])).toEqual(['allowed', 'below_min_notional']);
  });
});
