/**
 * Instruments and exact numbers.
 *
 * Representation (the core's number contract):
 * - A price is an integer count of price units, 1 unit = 10^-priceDecimals quote currency
 *   (`priceUnits`). A quantity is an integer count of 10^-sizeDecimals base units or contracts
 *   (`qtyUnits`). Both are JS numbers holding safe integers (|x| < 2^53): hot-path friendly.
 * - Tick and lot sizes are expressed in those units (`tickUnits`, `lotUnits`): a valid order
 *   price is a multiple of tickUnits, a valid qty a multiple of lotUnits.
 * - Notional, balances, PnL and fees are `bigint` counts of 10^-(priceDecimals+sizeDecimals)
 *   quote currency ("notional units") for linear contracts, so price × qty is exact.
 *   For inverse contracts (value = qty × multiplier / price, in base currency) the core keeps
 *   balances in base currency units of 10^-settleDecimals; see `Instrument.settleDecimals`.
 * - Timestamps are `bigint` nanoseconds since the Unix epoch.
 * Floats appear only in derived analytics (mid, microprice, imbalance).
 */
// @ts-nocheck

export type ContractType = 'spot' | 'linear' | 'inverse';

export interface Instrument {
  /** Globally unique id used everywhere: `${venue}:${symbol}`, e.g. `binance-usdm:BTCUSDT`. */
  readonly id: string;
  readonly venue: string;
  readonly symbol: string;
  readonly contractType: ContractType;
  readonly baseCurrency: string;
  readonly quoteCurrency: string;
  /** Decimal places of a price unit. */
  readonly priceDecimals: number;
  /** Decimal places of a quantity unit. */
  readonly sizeDecimals: number;
  /** Minimum price increment, in price units. */
  readonly tickUnits: number;
  /** Minimum quantity increment, in qty units. */
  readonly lotUnits: number;
  /** Minimum order notional in notional units (price units × qty units); 0n = none. */
  readonly minNotionalUnits: bigint;
  /** Contract multiplier (1 for spot/linear; USD face value per contract for inverse). */
  readonly multiplier: number;
  /** Maker fee rate in parts per million of notional; negative = rebate. */
  readonly makerFeePpm: number;
  /** Taker fee rate in parts per million of notional. */
  readonly takerFeePpm: number;
}

const POW10: readonly bigint[] = Array.from({ length: 19 }, (_, i) => 10n ** BigInt(i));

/** Parses a decimal string ("60123.40", "-0.001", "1e-3" is NOT accepted) exactly into integer units of 10^-decimals. Throws on precision loss. */
export function parseDecimalUnits(text: string, decimals: number): number {
  const m = /^(-)?(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) throw new RangeError(`not a decimal number: "${text}"`);
  const frac = m[3] ?? '';
  let trimmed = frac;
  if (frac.length > decimals) {
    const extra = frac.slice(decimals);
    if (!/^0*$/.test(extra)) throw new RangeError(`"${text}" has more than ${decimals} decimals`);
    trimmed = frac.slice(0, decimals);
  }
  const digits = m[2]! + trimmed.padEnd(decimals, '0');
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) throw new RangeError(`"${text}" exceeds the exact integer range at ${decimals} decimals`);
  return m[1] ? -value : value;
}

/** Formats integer units of 10^-decimals as a decimal string (exact). */
export function formatDecimalUnits(units: number | bigint, decimals: number): string {
  const v = BigInt(units);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  if (decimals === 0) return `${neg ? '-' : ''}${abs}`;
  const scale = POW10[decimals] ?? 10n ** BigInt(decimals);
  const int = abs / scale;
  const frac = (abs % scale).toString().padStart(decimals, '0');
  return `${neg ? '-' : ''}${int}.${frac}`;
}

/** Exact notional of price × qty in notional units (linear/spot). */
export function notionalUnits(priceUnits: number, qtyUnits: number): bigint {
  return BigInt(priceUnits) * BigInt(qtyUnits);
}
