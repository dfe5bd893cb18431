/**
 * Contract value: what a quantity of an instrument is worth in its settlement asset, and the
 * fee on it. One implementation for the engine's accounting, the risk engine's notional checks
 * and the simulated venue's fees, so the three always agree.
 *
 * Published formulas this follows (contracts q, multiplier / contract value m, prices E entry,
 * X exit, P trade, fee rate r):
 * - Binance USDⓈ-M (linear, m = 1): PnL = (X − E) × q in USDT; fee = q × P × r.
 *   https://www.binance.com/en/support/announcement/a-beginner-s-guide-to-futures-trading-360039304272
 * - Binance COIN-M (inverse, m = 100 USD for BTCUSD, 10 USD otherwise): PnL = q × m × (1/E − 1/X)
 *   in the base coin; fee = notional × r with notional = q × m / P (same two pages:
 *   https://www.binance.com/en/support/faq/binance-futures-fee-structure-fee-calculations-360033544231).
 * - OKX (help "Calculation of contract's profit and loss"): USD(T)-margined swap PnL =
 *   ctVal × q × (X − E) (e.g. BTC-USDT-SWAP, ctVal 0.01 BTC); coin-margined swap PnL =
 *   ctVal × q × (1/E − 1/X) (e.g. BTC-USD-SWAP, ctVal 100 USD); fees on the same value.
 * Spot is linear with m = 1 (value q × P in the quote asset).
 *
 * Units. `signedValueUnits` gives the value of a signed quantity (buy +) in integer units of the
 * settlement asset, 10^-settlementDecimals:
 * - spot / linear: q × P × m, exact; settlementDecimals = priceDecimals + sizeDecimals +
 *   decimals of m (so m = 1 keeps the notional units price units × qty units).
 * - inverse: −q × m / P (a long holds a claim that is worth fewer coins as the price rises);
 *   settlementDecimals = `instrument.settlementDecimals` ?? 8 (1e-8 BTC, the venues' precision).
 *   Division is not exact: the value of each fill is rounded to the nearest unit, ties away from
 *   zero. Realised PnL is the difference of two such values (exit value − the basis share), so a
 *   realised PnL is within one unit per fill of the exact q × m × (1/E − 1/X), and nothing is
 *   lost: Σ realised + open basis = Σ rounded fill values at every step.
 * Fees are rounded toward +∞ in every contract type: a fee is never undercharged and a rebate
 * (negative rate) never overpaid, in the venue's favour.
 */
import type { ContractType, Instrument } from './instrument.ts';

/** Decimal places of the settlement asset of inverse contracts unless the instrument says otherwise. */
export const DEFAULT_INVERSE_SETTLEMENT_DECIMALS = 8;

export interface ContractTerms {
  readonly contractType: ContractType;
  /** Asset PnL, fees and balances of this instrument are in: quote for spot/linear, base for inverse. */
  readonly settlementCurrency: string;
  /** One settlement unit = 10^-settlementDecimals of the settlement currency. */
  readonly settlementDecimals: number;
  /** The multiplier m as an exact decimal: m = multiplierDigits / 10^multiplierDecimals. */
  readonly multiplierDigits: bigint;
  readonly multiplierDecimals: number;
  /** Inverse only: 10^(priceDecimals + settlementDecimals) and 10^(sizeDecimals + multiplierDecimals), the scales of q × m / P. */
  readonly inverseNumeratorScale: bigint;
  readonly inverseDenominatorScale: bigint;
}

const MILLION = 1_000_000n;
const cache = new WeakMap<Instrument, ContractTerms>();

/** Exact decimal of a JS number multiplier ("100", "0.01", "1e-7") as digits and decimal places. */
function exactDecimal(x: number): { digits: bigint; decimals: number } {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (!(x > 0) || m === null) throw new RangeError(`contract multiplier must be a positive finite number, got ${x}`);
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? 0);
  let digits = BigInt(m[1]! + frac);
  let decimals = frac.length - exp;
  if (decimals < 0) {
    digits *= 10n ** BigInt(-decimals);
    decimals = 0;
  }
  return { digits, decimals };
}

export function contractTerms(inst: Instrument): ContractTerms {
  let t = cache.get(inst);
  if (t !== undefined) return t;
  const { digits, decimals } = exactDecimal(inst.contractType === 'spot' ? 1 : inst.multiplier);
  const inverse = inst.contractType === 'inverse';
  const settlementDecimals = inverse ? (inst.settlementDecimals ?? DEFAULT_INVERSE_SETTLEMENT_DECIMALS) : inst.priceDecimals + inst.sizeDecimals + decimals;
  t = Object.freeze({
    contractType: inst.contractType,
    settlementCurrency: inverse ? inst.baseCurrency : inst.quoteCurrency,
    settlementDecimals,
    multiplierDigits: digits,
    multiplierDecimals: decimals,
    inverseNumeratorScale: 10n ** BigInt(inst.priceDecimals + settlementDecimals),
    inverseDenominatorScale: 10n ** BigInt(inst.sizeDecimals + decimals),
  });
  cache.set(inst, t);
  return t;
}

/** n / d rounded to the nearest integer, ties away from zero (d > 0). */
function divRoundHalfAway(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r2 = 2n * (n - q * d);
  if (r2 >= d) return q + 1n;
  if (r2 <= -d) return q - 1n;
  return q;
}

/** n / d rounded toward +∞ (d > 0). */
function divCeil(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n > 0n && q * d !== n ? q + 1n : q;
}

/**
 * Value of `signedQtyUnits` (buy +) at `priceUnits`, in settlement units: linear/spot
 * q × P × m (exact), inverse −q × m / P (rounded to nearest, ties away from zero). The engine's
 * cost basis is the sum of these; realised PnL = value at exit − basis share.
 * Inverse needs priceUnits > 0.
 */
export function signedValueUnits(inst: Instrument, priceUnits: number, signedQtyUnits: number): bigint {
  const t = contractTerms(inst);
  if (t.contractType !== 'inverse') return BigInt(priceUnits) * BigInt(signedQtyUnits) * t.multiplierDigits;
  return -divRoundHalfAway(BigInt(signedQtyUnits) * t.multiplierDigits * t.inverseNumeratorScale, BigInt(priceUnits) * t.inverseDenominatorScale);
}

/** |value| of an order of `qtyUnits` at `priceUnits` in settlement units: what min/max notional limits compare with. */
export function notionalValueUnits(inst: Instrument, priceUnits: number, qtyUnits: number): bigint {
  const v = signedValueUnits(inst, priceUnits, qtyUnits);
  return v < 0n ? -v : v;
}

/**
 * Fee of a fill in settlement units: value × feePpm / 10^6, rounded toward +∞ (venue favour).
 * Linear/spot: q × P × m × r; inverse: q × m / P × r (Binance COIN-M, OKX coin-margined).
 */
export function contractFeeUnits(inst: Instrument, priceUnits: number, qtyUnits: number, feePpm: number): bigint {
  const t = contractTerms(inst);
  const ppm = BigInt(feePpm);
  if (t.contractType !== 'inverse') return divCeil(BigInt(priceUnits) * BigInt(qtyUnits) * t.multiplierDigits * ppm, MILLION);
  return divCeil(BigInt(qtyUnits) * t.multiplierDigits * t.inverseNumeratorScale * ppm, BigInt(priceUnits) * t.inverseDenominatorScale * MILLION);
}

/** Float analytics: value of `signedQtyUnits` at a float price in price units (e.g. a mid), in settlement units. */
export function valueAtPrice(inst: Instrument, signedQtyUnits: number, priceUnits: number): number {
  const t = contractTerms(inst);
  const m = Number(t.multiplierDigits) / 10 ** t.multiplierDecimals;
  if (t.contractType !== 'inverse') return signedQtyUnits * priceUnits * Number(t.multiplierDigits);
  return (-signedQtyUnits * m * 10 ** (inst.priceDecimals + t.settlementDecimals - inst.sizeDecimals)) / priceUnits;
}

/** Float analytics: average entry price in price units of a position with exact basis `costUnits` (NaN when flat). */
export function averageEntryPrice(inst: Instrument, qtyUnits: number, costUnits: bigint): number {
  if (qtyUnits === 0) return NaN;
  const t = contractTerms(inst);
  if (t.contractType !== 'inverse') return Number(costUnits) / (qtyUnits * Number(t.multiplierDigits));
  // Inverse entry is the harmonic mean: basis = −q × m / E  ⇒  E = −q × m / basis.
  return valueAtPrice(inst, qtyUnits, 1) / Number(costUnits);
}

/**
 * Units of each currency's balance: 10^-decimals where decimals is the largest settlement
 * precision among the instruments settling in it (and, for spot, the size precision of those
 * whose base it is). Amounts of an instrument with fewer decimals are scaled up exactly, so one
 * balance never mixes unit sizes (BTCUSDT settles in 10^-4 USDT, ETHUSDT spot in 10^-6: the
 * USDT balance is kept in 10^-6).
 */
export function balanceDecimals(instruments: readonly Instrument[]): Map<string, number> {
  const out = new Map<string, number>();
  const widen = (ccy: string, d: number): void => {
    if (d > (out.get(ccy) ?? -1)) out.set(ccy, d);
  };
  for (const inst of instruments) {
    const t = contractTerms(inst);
    widen(t.settlementCurrency, t.settlementDecimals);
    if (inst.contractType === 'spot') widen(inst.baseCurrency, inst.sizeDecimals);
  }
  return out;
}
