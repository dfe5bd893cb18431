/**
 * The one symbol the emulator trades, BTCUSDT perpetual, as Binance publishes it in
 * `GET /fapi/v1/exchangeInfo` (filters at capture time, August 2024: tick 0.10, step 0.001,
 * min notional 100 USDT, price/quantity precision 2/3) and as the core counts it: integer price
 * units of 0.01 USDT (tick = 10 units), qty units of 0.001 BTC (lot = 1 unit), settlement units
 * of 10^-5 USDT (price × qty units). Fees are USDⓈ-M's default tier: maker 0.0200 %, taker
 * 0.0500 % (the venues package's instrument table, which Binance's fee page states).
 */
import { parseDecimalUnits, type Instrument } from '@chassis/core';
import { instrumentSpec } from '@chassis/venues';

export const SYMBOL = 'BTCUSDT';
const spec = instrumentSpec('binance-usdm', SYMBOL);

export const PRICE_DECIMALS = spec.priceDecimals;
export const SIZE_DECIMALS = spec.sizeDecimals;
/** Decimal places of a settlement (USDT) unit: price × qty units. */
export const SETTLEMENT_DECIMALS = PRICE_DECIMALS + SIZE_DECIMALS;
export const MIN_NOTIONAL_USDT = '100';
export const MIN_PRICE = '556.80';
export const MAX_PRICE = '4529764';
export const MAX_QTY = '1000';
export const MAX_MARKET_QTY = '120';

/** The core's instrument (the simulated venue matches in these units). */
export const INSTRUMENT: Instrument = {
  id: `binance-usdm:${SYMBOL}`,
  venue: 'binance-usdm',
  symbol: SYMBOL,
  contractType: spec.contractType,
  baseCurrency: spec.baseCurrency,
  quoteCurrency: spec.quoteCurrency,
  priceDecimals: PRICE_DECIMALS,
  sizeDecimals: SIZE_DECIMALS,
  tickUnits: parseDecimalUnits(spec.tickSize, PRICE_DECIMALS),
  lotUnits: parseDecimalUnits(spec.lotSize, SIZE_DECIMALS),
  // Checked by the emulator itself (-4164; reduce-only orders are exempt), not by the simulated venue.
  minNotionalUnits: 0n,
  multiplier: 1,
  makerFeePpm: ratePpm(spec.makerFee),
  takerFeePpm: ratePpm(spec.takerFee),
};

function ratePpm(rate: string): number {
  return parseDecimalUnits(rate, 6);
}

/** Decimal text of integer units (`units` × 10^-decimals), e.g. (6180030, 2) → "61800.30". */
export function unitsText(units: bigint | number, decimals: number): string {
  const u = BigInt(units);
  const neg = u < 0n;
  const digits = (neg ? -u : u).toString().padStart(decimals + 1, '0');
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return neg ? `-${text}` : text;
}

export const priceText = (priceUnits: number): string => unitsText(priceUnits, PRICE_DECIMALS);
export const qtyText = (qtyUnits: number): string => unitsText(qtyUnits, SIZE_DECIMALS);
/** USDT amounts are shown with 8 decimals, as Binance shows balances and commissions. */
export const usdtText = (settlementUnits: bigint): string =>
  unitsText(settlementUnits * 10n ** BigInt(8 - SETTLEMENT_DECIMALS), 8);

/** Parses a decimal parameter into units; null when it has more decimals than the units hold or is not a plain decimal. */
export function parseUnits(text: string, decimals: number): number | null {
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  const frac = text.split('.')[1] ?? '';
  if (frac.replace(/0+$/, '').length > decimals) return null;
  return parseDecimalUnits(text, decimals);
}
