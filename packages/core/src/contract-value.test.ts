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
import { averageEntryPrice, balanceDecimals, contractFeeUnits, contractTerms, notionalValueUnits, signedValueUnits, valueAtPrice } from './contract-value.ts';
import { BTCUSD_PERP, BTC_USDT_SWAP, BTC, ETH_SPOT, roundTrip } from './testing/fixtures.ts';

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

/**
 * Hand-computed values in settlement units. Each test builds its own instrument object: terms
 * are cached per object, so a shared fixture would be answered from an earlier computation.
 *
 * Mutants left alive on purpose (equivalent): `v < 0n` → `<=` in notionalValueUnits (−0n = 0n);
 * dropping the multiplier regex's `^` or `$` (String of a positive finite number is always
 * whole-matched, Infinity/NaN never); `decimals < 0` → `<=` (× 10^0); `n > 0n` → `>=` in divCeil
 * (0 divides exactly); `d > …` → `>=` in balanceDecimals (sets the same value).
 */
const fresh = (base: Instrument, over: Partial<Instrument> = {}): Instrument => ({ ...base, ...over });
/** OKX XRP-USDT-SWAP-like: linear, ctVal 100 XRP, price in 0.0001 USDT, qty in 0.01 contracts ⇒ 10^-6 USDT. */
const xrpSwap = (): Instrument =>
  fresh(BTC_USDT_SWAP, { id: 'okx:XRP-USDT-SWAP', symbol: 'XRP-USDT-SWAP', baseCurrency: 'XRP', priceDecimals: 4, sizeDecimals: 2, multiplier: 100 });
/** Inverse with a fractional contract value (12.5 USD) and 0.1-contract lots, price in 0.01 USD, 10^-8 ETH. */
const ethInverse = (): Instrument => fresh(BTCUSD_PERP, { id: 'x:ETHUSD', baseCurrency: 'ETH', priceDecimals: 2, sizeDecimals: 1, multiplier: 12.5 });

describe('contract value in settlement units, computed by hand', () => {
  it('values 1.50 contracts of ctVal 100 XRP at 0.5123 USDT as 76.845000 USDT, bought positive and sold negative', () => {
    // 1.5 × 100 × 0.5123 = 76.845 USDT = 76 845 000 × 10^-6
    expect(signedValueUnits(xrpSwap(), 5123, 150)).toBe(76_845_000n);
    expect(signedValueUnits(xrpSwap(), 5123, -150)).toBe(-76_845_000n);
    expect(notionalValueUnits(xrpSwap(), 5123, -150)).toBe(76_845_000n);
  });

  it('charges a linear ctVal fee of 5 bp on 76.845 USDT as 0.0384225 rounded up to 0.038423 USDT, and a 1 bp rebate rounded toward zero', () => {
    expect(contractFeeUnits(xrpSwap(), 5123, 150, 500)).toBe(38_423n);
    // −0.0076845 USDT rounded toward +∞ = −0.007684
    expect(contractFeeUnits(xrpSwap(), 5123, 150, -100)).toBe(-7_684n);
  });

  it('values 3.0 inverse contracts of 12.5 USD at 2500.00 as a 0.015 ETH claim (−1 500 000 units for a buy)', () => {
    // 3 × 12.5 / 2500 = 0.015 ETH
    const inst = ethInverse();
    expect(contractTerms(inst)).toMatchObject({ settlementCurrency: 'ETH', settlementDecimals: 8, multiplierDigits: 125n, multiplierDecimals: 1 });
    expect(signedValueUnits(inst, 250_000, 30)).toBe(-1_500_000n);
    expect(signedValueUnits(ethInverse(), 250_000, -30)).toBe(1_500_000n);
  });

  it('charges an inverse fee of 5 bp on 0.015 ETH as 0.0000075 ETH', () => {
    expect(contractFeeUnits(ethInverse(), 250_000, 30, 500)).toBe(750n);
  });

  it('rounds an inverse value that falls on half a satoshi away from zero for both sides', () => {
    // 1 × 100 USD / 256000.0 USD = 0.000390625 BTC = 39 062.5 satoshi
    expect(signedValueUnits(fresh(BTCUSD_PERP), 2_560_000, 1)).toBe(-39_063n);
    expect(signedValueUnits(fresh(BTCUSD_PERP), 2_560_000, -1)).toBe(39_063n);
    // 100 / 150000.0 = 66 666.67 satoshi, 100 / 300000.0 = 33 333.33 satoshi
    expect(signedValueUnits(fresh(BTCUSD_PERP), 1_500_000, 1)).toBe(-66_667n);
    expect(signedValueUnits(fresh(BTCUSD_PERP), 3_000_000, -1)).toBe(33_333n);
  });

  it('values spot as q × P whatever multiplier the instrument carries (1.5 ETH at 3000.50 = 4500.75 USDT)', () => {
    const inst = fresh(ETH_SPOT, { multiplier: 10 });
    expect(contractTerms(inst)).toMatchObject({ settlementDecimals: 6, multiplierDigits: 1n, multiplierDecimals: 0 });
    expect(signedValueUnits(inst, 300_050, 15_000)).toBe(4_500_750_000n);
  });

  it('computes the terms of one instrument object once', () => {
    const inst = xrpSwap();
    expect(contractTerms(inst)).toBe(contractTerms(inst));
  });
});

describe('contract multipliers read exactly from their decimal text', () => {
  const cases: readonly [number, bigint, number][] = [
    [100, 100n, 0],
    [0.01, 1n, 2],
    [12.5, 125n, 1],
    [1e-7, 1n, 7],
    [1.5e-8, 15n, 9],
    [1e-10, 1n, 10],
    [1e21, 10n ** 21n, 0],
  ];
  for (const [m, digits, decimals] of cases) {
    it(`reads multiplier ${m} as ${digits} × 10^-${decimals}`, () => {
      const inst = fresh(BTC, { multiplier: m });
      expect(contractTerms(inst)).toMatchObject({ multiplierDigits: digits, multiplierDecimals: decimals, settlementDecimals: 1 + 3 + decimals });
    });
  }

  for (const m of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`rejects multiplier ${m} with a RangeError naming it`, () => {
      expect(() => contractTerms(fresh(BTC, { multiplier: m }))).toThrow(new RangeError(`contract multiplier must be a positive finite number, got ${m}`));
    });
  }
});

describe('float analytics of contract value', () => {
  it('values a linear ctVal position at a float mid (1.50 × 100 XRP at 0.51235 = 76.8525 USDT)', () => {
    expect(valueAtPrice(xrpSwap(), 150, 5123.5)).toBeCloseTo(76_852_500, 6);
    expect(valueAtPrice(xrpSwap(), -150, 5123)).toBeCloseTo(-76_845_000, 6);
  });

  it('values an inverse position at a float price as −q × m / P (3.0 × 12.5 / 2500.00 = 0.015 ETH)', () => {
    expect(valueAtPrice(ethInverse(), 30, 250_000)).toBeCloseTo(-1_500_000, 6);
    // at 2000.00: 3 × 12.5 / 2000 = 0.01875 ETH
    expect(valueAtPrice(ethInverse(), -30, 200_000)).toBeCloseTo(1_875_000, 6);
  });

  it('recovers the entry price of a linear ctVal position from its basis', () => {
    expect(averageEntryPrice(xrpSwap(), 150, 76_845_000n)).toBeCloseTo(5123, 9);
  });

  it('recovers the entry price of an inverse position from its basis (harmonic mean)', () => {
    // long 3.0 at 2500.00 (−0.015 ETH) + long 3.0 at 2000.00 (−0.01875 ETH): 6 × 12.5 / 0.03375 = 2222.22…
    expect(averageEntryPrice(ethInverse(), 60, -3_375_000n)).toBeCloseTo(222_222.2222, 3);
  });

  it('has no entry price when flat, whatever basis is left', () => {
    expect(averageEntryPrice(fresh(BTC), 0, 5n)).toBeNaN();
    expect(averageEntryPrice(ethInverse(), 0, 5n)).toBeNaN();
  });
});

describe('balance units per currency', () => {
  it('keeps a linear contract out of its base currency balance', () => {
    expect([...balanceDecimals([fresh(BTC)])]).toEqual([['USDT', 4]]);
  });

  it('keeps the largest precision of a currency whatever the order of instruments', () => {
    // ETHUSDT spot settles in 10^-6 USDT, BTCUSDT linear in 10^-4 USDT
    expect(balanceDecimals([fresh(ETH_SPOT), fresh(BTC)]).get('USDT')).toBe(6);
    expect(balanceDecimals([fresh(BTC), fresh(ETH_SPOT)]).get('USDT')).toBe(6);
  });

  it('keeps a spot base currency of whole units (0 decimals)', () => {
    const doge = fresh(ETH_SPOT, { id: 'binance:DOGEUSDT', baseCurrency: 'DOGE', priceDecimals: 5, sizeDecimals: 0 });
    expect(balanceDecimals([doge])).toEqual(new Map([['USDT', 5], ['DOGE', 0]]));
  });
});
