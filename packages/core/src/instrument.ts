/**
 * Instruments and exact numbers.
 *
 * Representation (the core's number contract):
 * - A price is an integer count of price units, 1 unit = 10^-priceDecimals quote currency
 *   (`priceUnits`). A quantity is an integer count of 10^-sizeDecimals base units or contracts
 *   (`qtyUnits`). Both are JS numbers holding safe integers (|x| < 2^53): hot-path friendly.
 * - Tick and lot sizes are expressed in those units (`tickUnits`, `lotUnits`): a valid order
 *   price is a multiple of tickUnits, a valid qty a multiple of lotUnits.
 * - Value, PnL, fees and balances are `bigint` counts of settlement units, in the instrument's
 *   settlement asset (contract-value.ts): for spot and linear the quote asset in units of
 *   10^-(priceDecimals + sizeDecimals + decimals of the multiplier), so price × qty × multiplier
 *   is exact; for inverse the base asset in units of 10^-settlementDecimals (default 8).
 * - Timestamps are `bigint` nanoseconds since the Unix epoch.
 * Floats appear only in derived analytics (mid, microprice, imbalance).
 */
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
  /** Minimum order value in settlement units (contract-value.ts notionalValueUnits); 0n = none. */
  readonly minNotionalUnits: bigint;
  /**
   * Contract value per contract: 1 for spot and plain linear (qty in base units); the base
   * amount per contract for linear contracts with a contract value (OKX BTC-USDT-SWAP 0.01);
   * the quote face value per contract for inverse (Binance COIN-M BTCUSD_PERP 100 USD).
   */
  readonly multiplier: number;
  /** Inverse only: decimal places of the settlement (base) asset units; default 8 (1e-8 BTC). */
  readonly settlementDecimals?: number;
  /** Maker fee rate in parts per million of notional; negative = rebate. */
  readonly makerFeePpm: number;
  /** Taker fee rate in parts per million of notional. */
  readonly takerFeePpm: number;
}

const POW10: readonly bigint[] = Array.from({ length: 19 }, (_, i) => 10n ** BigInt(i));

/** Parses a decimal string ("60123.40", "-0.001", "1e-3" is NOT accepted) exactly into integer units of 10^-decimals. Throws on precision loss. */
export function parseDecimalUnits(text: string, decimals: number): number {
  const units = parseDecimalBigUnits(text, decimals);
  const value = Number(units);
  if (!Number.isSafeInteger(value)) throw new RangeError(`"${text}" exceeds the exact integer range at ${decimals} decimals`);
  return value;
}

/**
 * Parses a decimal string exactly into a `bigint` count of units of 10^-decimals, with no range
 * limit: how money (balances, in units of 10^-balanceDecimals that can reach 36 decimals) is read.
 * Same syntax and precision rule as parseDecimalUnits.
 */
export function parseDecimalBigUnits(text: string, decimals: number): bigint {
  const m = /^(-)?(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) throw new RangeError(`not a decimal number: "${text}"`);
  const frac = m[3] ?? '';
  let trimmed = frac;
  if (frac.length > decimals) {
    const extra = frac.slice(decimals);
    if (!/^0*$/.test(extra)) throw new RangeError(`"${text}" has more than ${decimals} decimals`);
    trimmed = frac.slice(0, decimals);
  }
  const value = BigInt(m[2]! + trimmed.padEnd(decimals, '0'));
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

/** Exact price × qty in price units × qty units (spot / linear with multiplier 1; contract-value.ts for the general case). */
export function notionalUnits(priceUnits: number, qtyUnits: number): bigint {
  return BigInt(priceUnits) * BigInt(qtyUnits);
}
