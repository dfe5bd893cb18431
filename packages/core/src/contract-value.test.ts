/**
 * Contract oracle: table-driven cases from the venues' published PnL and fee formulas,
 * computed here with plain rational arithmetic on the decimal prices, quantities and contract
 * values as a user reads them off the venue, and compared with what the engine books (through
 * fills) and what contractFeeUnits charges. The expected side never calls contract-value.ts.
 *
 * Formulas (E entry, X exit, q contracts or base units, m multiplier / ctVal, r fee rate):
 * - Binance USDⓈ-M linear: PnL = (X − E) × q (× direction), USDT; fee = q × P × r.
 * - Binance COIN-M inverse: PnL = q × m × (1/E − 1/X) (× direction), BTC; fee = q × m / P × r.
 * - OKX USDT-margined swap: PnL = ctVal × q × (X − E); OKX coin-margined swap: PnL = ctVal × q × (1/E − 1/X).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Instrument } from './instrument.ts';
import { contractFeeUnits } from './contract-value.ts';
import { BTCUSD_PERP, BTC_USDT_SWAP, BTC, roundTrip } from './testing/fixtures.ts';

/** An exact rational n/d (d > 0). */
class Q {
  constructor(
    readonly n: bigint,
    readonly d: bigint = 1n,
  ) {}
  static dec(text: string): Q {
    const [int, frac = ''] = text.split('.');
    return new Q(BigInt(int! + frac), 10n ** BigInt(frac.length));
  }
  add(o: Q): Q {
    return new Q(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  sub(o: Q): Q {
    return this.add(new Q(-o.n, o.d));
  }
  mul(o: Q): Q {
    return new Q(this.n * o.n, this.d * o.d);
  }
  div(o: Q): Q {
    return o.n < 0n ? new Q(-this.n * o.d, this.d * -o.n) : new Q(this.n * o.d, this.d * o.n);
  }
  /** In units of 10^-decimals, rounded toward +∞. */
  ceilUnits(decimals: number): bigint {
    const n = this.n * 10n ** BigInt(decimals);
    const q = n / this.d;
    return n > 0n && q * this.d !== n ? q + 1n : q;
  }
  /** |this × 10^decimals − units| ≤ tolerance units. */
  near(units: bigint, decimals: number, tolerance: bigint): boolean {
    let diff = units * this.d - this.n * 10n ** BigInt(decimals);
    if (diff < 0n) diff = -diff;
    return diff <= tolerance * this.d;
  }
}

const ETHUSDT: Instrument = { ...BTC, id: 'binance-usdm:ETHUSDT', symbol: 'ETHUSDT', baseCurrency: 'ETH', priceDecimals: 2, sizeDecimals: 3 };
const ETHUSD_PERP: Instrument = { ...BTCUSD_PERP, id: 'binance-coinm:ETHUSD_PERP', symbol: 'ETHUSD_PERP', baseCurrency: 'ETH', priceDecimals: 2, multiplier: 10 };
const OKX_BTC_USD_SWAP: Instrument = { ...BTCUSD_PERP, id: 'okx:BTC-USD-SWAP', venue: 'okx', symbol: 'BTC-USD-SWAP' };
const OKX_ETH_USD_SWAP: Instrument = { ...ETHUSD_PERP, id: 'okx:ETH-USD-SWAP', venue: 'okx', symbol: 'ETH-USD-SWAP' };
const OKX_ETH_USDT_SWAP: Instrument = { ...BTC_USDT_SWAP, id: 'okx:ETH-USDT-SWAP', symbol: 'ETH-USDT-SWAP', baseCurrency: 'ETH', priceDecimals: 2, multiplier: 0.1 };

interface Case {
  readonly name: string;
  readonly inst: Instrument;
  /** Contract value as published (USD face value for inverse, base per contract for linear). */
  readonly m: string;
  readonly side: 'buy' | 'sell';
  /** Decimal strings as the venue shows them. */
  readonly entry: string;
  readonly exit: string;
  readonly qty: string;
  /** Settlement asset and its decimals in the engine's units (PnL/fee reported in 10^-decimals). */
  readonly currency: string;
  readonly decimals: number;
}

const CASES: readonly Case[] = [
  { name: 'Binance USD-M BTCUSDT long 0.5 BTC 60000.0 → 60500.5', inst: BTC, m: '1', side: 'buy', entry: '60000.0', exit: '60500.5', qty: '0.500', currency: 'USDT', decimals: 4 },
  { name: 'Binance USD-M ETHUSDT short 1.234 ETH 3000.50 → 3100.00', inst: ETHUSDT, m: '1', side: 'sell', entry: '3000.50', exit: '3100.00', qty: '1.234', currency: 'USDT', decimals: 5 },
  { name: 'Binance COIN-M BTCUSD_PERP long 7 × 100 USD 60000.0 → 61234.5', inst: BTCUSD_PERP, m: '100', side: 'buy', entry: '60000.0', exit: '61234.5', qty: '7', currency: 'BTC', decimals: 8 },
  { name: 'Binance COIN-M BTCUSD_PERP short 1 × 100 USD 60000.0 → 59000.0', inst: BTCUSD_PERP, m: '100', side: 'sell', entry: '60000.0', exit: '59000.0', qty: '1', currency: 'BTC', decimals: 8 },
  { name: 'Binance COIN-M ETHUSD_PERP short 25 × 10 USD 3000.01 → 2999.99', inst: ETHUSD_PERP, m: '10', side: 'sell', entry: '3000.01', exit: '2999.99', qty: '25', currency: 'ETH', decimals: 8 },
  { name: 'OKX BTC-USDT-SWAP long 3.5 × ctVal 0.01 BTC 60000.1 → 59999.9', inst: BTC_USDT_SWAP, m: '0.01', side: 'buy', entry: '60000.1', exit: '59999.9', qty: '3.50', currency: 'USDT', decimals: 5 },
  { name: 'OKX ETH-USDT-SWAP short 12 × ctVal 0.1 ETH 2500.55 → 2400.05', inst: OKX_ETH_USDT_SWAP, m: '0.1', side: 'sell', entry: '2500.55', exit: '2400.05', qty: '12.00', currency: 'USDT', decimals: 5 },
  { name: 'OKX BTC-USD-SWAP short 12 × ctVal 100 USD 60000.0 → 58000.0', inst: OKX_BTC_USD_SWAP, m: '100', side: 'sell', entry: '60000.0', exit: '58000.0', qty: '12', currency: 'BTC', decimals: 8 },
  { name: 'OKX ETH-USD-SWAP long 1 × ctVal 10 USD 1999.99 → 2500.00', inst: OKX_ETH_USD_SWAP, m: '10', side: 'buy', entry: '1999.99', exit: '2500.00', qty: '1', currency: 'ETH', decimals: 8 },
];

/** The published PnL of the round trip, in the settlement asset. */
function publishedPnl(c: Case): Q {
  const dir = new Q(c.side === 'buy' ? 1n : -1n);
  const q = Q.dec(c.qty);
  const m = Q.dec(c.m);
  const E = Q.dec(c.entry);
  const X = Q.dec(c.exit);
  if (c.inst.contractType === 'inverse') return dir.mul(q).mul(m).mul(new Q(1n).div(E).sub(new Q(1n).div(X)));
  return dir.mul(m).mul(q).mul(X.sub(E));
}

/** The published fee of one fill at `price`, in the settlement asset. */
function publishedFee(c: Case, price: string, ratePpm: number): Q {
  const value = c.inst.contractType === 'inverse' ? Q.dec(c.qty).mul(Q.dec(c.m)).div(Q.dec(price)) : Q.dec(c.qty).mul(Q.dec(price)).mul(Q.dec(c.m));
  return value.mul(new Q(BigInt(ratePpm), 1_000_000n));
}

const units = (text: string, decimals: number): number => Number(Q.dec(text).n * 10n ** BigInt(decimals) / Q.dec(text).d);

describe('contract oracle: the venues published PnL and fee formulas', () => {
  for (const c of CASES) {
    it(`${c.name}: realised PnL and fees as the venue computes them, in ${c.currency}`, () => {
      const entry = units(c.entry, c.inst.priceDecimals);
      const exit = units(c.exit, c.inst.priceDecimals);
      const qty = units(c.qty, c.inst.sizeDecimals);
      const feeIn = contractFeeUnits(c.inst, entry, qty, c.inst.makerFeePpm);
      const feeOut = contractFeeUnits(c.inst, exit, qty, c.inst.makerFeePpm);
      expect(feeIn).toBe(publishedFee(c, c.entry, c.inst.makerFeePpm).ceilUnits(c.decimals));
      expect(feeOut).toBe(publishedFee(c, c.exit, c.inst.makerFeePpm).ceilUnits(c.decimals));

      const engine = roundTrip(c.inst, { side: c.side, price: entry, fee: feeIn }, { price: exit, fee: feeOut }, qty, {});
      const p = engine.view.execution.position(c.inst.id);
      expect(p.settlementCurrency).toBe(c.currency);
      expect(p.settlementDecimals).toBe(c.decimals);
      // Linear value is exact; an inverse fill's value rounds to the nearest unit, so two fills ⇒ at most 1 unit off.
      const tolerance = c.inst.contractType === 'inverse' ? 1n : 0n;
      expect(publishedPnl(c).near(p.realizedPnlUnits, c.decimals, tolerance)).toBe(true);
      expect(engine.view.execution.balance(c.currency)).toBe(p.realizedPnlUnits - feeIn - feeOut);
      expect(engine.violation).toBeNull();
    });
  }

  it('matches q × m × (1/E − 1/X) on random inverse round trips within one satoshi', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000_000 }), fc.integer({ min: 1, max: 2_000_000 }), fc.integer({ min: 1, max: 100_000 }), fc.boolean(), (e, x, q, long) => {
        const engine = roundTrip(BTCUSD_PERP, { side: long ? 'buy' : 'sell', price: e, fee: 0n }, { price: x, fee: 0n }, q, {});
        const dir = long ? 1n : -1n;
        // price units are 0.1 USD: 1/E = 10/e per USD
        const exact = new Q(dir * BigInt(q) * 100n * 10n).mul(new Q(1n, BigInt(e)).sub(new Q(1n, BigInt(x))));
        expect(exact.near(engine.view.execution.position(BTCUSD_PERP.id).realizedPnlUnits, 8, 1n)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
