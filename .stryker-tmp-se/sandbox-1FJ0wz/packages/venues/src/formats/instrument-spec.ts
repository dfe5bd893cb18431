/**
 * Instrument metadata for the symbols in the data we ship and test with, and a derived
 * fallback for anything else. All numbers are decimal strings (no floats): tick and lot in
 * price/size units, fees as rates of notional ("0.0002" = 2 bps; negative = rebate).
 * Known specs are exchange filter values as published for these symbols at capture time.
 */
// @ts-nocheck

import type { ContractType } from '@chassis/core';
import type { VenueId } from './records.ts';

export interface InstrumentSpec {
  readonly venue: VenueId;
  readonly symbol: string;
  /** Minimum price increment, e.g. "0.10". */
  readonly tickSize: string;
  /** Minimum quantity increment (base units, or contracts for inverse), e.g. "0.001". */
  readonly lotSize: string;
  /** Decimal places canonical prices are stored with (>= the tick's decimals and any observed). */
  readonly priceDecimals: number;
  /** Decimal places canonical sizes are stored with. */
  readonly sizeDecimals: number;
  readonly contractType: ContractType;
  /** Contract multiplier: 1 for spot/linear; quote-currency face value per contract for inverse. */
  readonly multiplier: string;
  readonly baseCurrency: string;
  readonly quoteCurrency: string;
  readonly makerFee: string;
  readonly takerFee: string;
  /** True if the spec came from the table below; false if derived from the symbol and observed decimals. */
  readonly known: boolean;
}

type Known = Omit<InstrumentSpec, 'venue' | 'symbol' | 'priceDecimals' | 'sizeDecimals' | 'known' | 'makerFee' | 'takerFee'>;

const k = (tickSize: string, lotSize: string, contractType: ContractType, baseCurrency: string, quoteCurrency: string, multiplier = '1'): Known => ({ tickSize, lotSize, contractType, baseCurrency, quoteCurrency, multiplier });

/** Known symbols, keyed `${venue}:${symbol}`: the hftbacktest and cryptofeed captures plus majors. */
const KNOWN: Readonly<Record<string, Known>> = {
  'binance-spot:BTCUSDT': k('0.01', '0.00001', 'spot', 'BTC', 'USDT'),
  'binance-spot:ETHUSDT': k('0.01', '0.0001', 'spot', 'ETH', 'USDT'),
  'binance-spot:NKNUSDT': k('0.0001', '0.1', 'spot', 'NKN', 'USDT'),
  'binance-spot:BLZETH': k('0.00000001', '1', 'spot', 'BLZ', 'ETH'),
  'binance-spot:LRCBTC': k('0.00000001', '1', 'spot', 'LRC', 'BTC'),
  'binance-spot:RUNEEUR': k('0.001', '0.1', 'spot', 'RUNE', 'EUR'),
  'binance-usdm:BTCUSDT': k('0.10', '0.001', 'linear', 'BTC', 'USDT'),
  'binance-usdm:ETHUSDT': k('0.01', '0.001', 'linear', 'ETH', 'USDT'),
  'binance-usdm:SUSHIUSDT': k('0.0010', '1', 'linear', 'SUSHI', 'USDT'),
  'binance-usdm:AKROUSDT': k('0.00001', '1', 'linear', 'AKRO', 'USDT'),
  'binance-usdm:KEEPUSDT': k('0.0001', '1', 'linear', 'KEEP', 'USDT'),
  'binance-usdm:CTKUSDT': k('0.00100', '1', 'linear', 'CTK', 'USDT'),
  'binance-coinm:BTCUSD_PERP': k('0.1', '1', 'inverse', 'BTC', 'USD', '100'),
  'binance-coinm:ETHUSD_PERP': k('0.01', '1', 'inverse', 'ETH', 'USD', '10'),
  'okx:BTC-USDT': k('0.1', '0.00000001', 'spot', 'BTC', 'USDT'),
  'okx:BTC-USD-220527': k('0.1', '1', 'inverse', 'BTC', 'USD', '100'),
  'okx:UNI-USD-SWAP': k('0.001', '1', 'inverse', 'UNI', 'USD', '10'),
  'okx:BTC-USDT-SWAP': k('0.1', '0.01', 'linear', 'BTC', 'USDT', '0.01'),
  'bybit-linear:BTCUSDT': k('0.10', '0.001', 'linear', 'BTC', 'USDT'),
  'bybit-spot:BTCUSDT': k('0.01', '0.000001', 'spot', 'BTC', 'USDT'),
};

/** Default (lowest-tier, no discount) fee rates per venue and contract type. */
function defaultFees(venue: VenueId, contractType: ContractType): { makerFee: string; takerFee: string } {
  switch (venue) {
    case 'binance-spot':
      return { makerFee: '0.001', takerFee: '0.001' };
    case 'binance-usdm':
      return { makerFee: '0.0002', takerFee: '0.0005' };
    case 'binance-coinm':
      return { makerFee: '0.0002', takerFee: '0.0005' };
    case 'okx':
      return contractType === 'spot' ? { makerFee: '0.0008', takerFee: '0.001' } : { makerFee: '0.0002', takerFee: '0.0005' };
    case 'bybit-spot':
      return { makerFee: '0.001', takerFee: '0.001' };
    case 'bybit-linear':
      return { makerFee: '0.0002', takerFee: '0.00055' };
  }
}

const QUOTES = ['FDUSD', 'USDT', 'USDC', 'BUSD', 'TUSD', 'USD', 'EUR', 'TRY', 'BTC', 'ETH', 'BNB'];

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

function unitOf(decimals: number): string {
  return decimals === 0 ? '1' : `0.${'0'.repeat(decimals - 1)}1`;
}

/** Contract type, base and quote read from the symbol's shape on each venue. */
function deriveFromSymbol(venue: VenueId, symbol: string): Pick<Known, 'contractType' | 'baseCurrency' | 'quoteCurrency' | 'multiplier'> {
  if (venue === 'okx') {
    const parts = symbol.split('-');
    const base = parts[0] ?? symbol;
    const quote = parts[1] ?? '';
    if (parts.length === 2) return { contractType: 'spot', baseCurrency: base, quoteCurrency: quote, multiplier: '1' };
    if (quote === 'USD') return { contractType: 'inverse', baseCurrency: base, quoteCurrency: quote, multiplier: base === 'BTC' ? '100' : '10' };
    return { contractType: 'linear', baseCurrency: base, quoteCurrency: quote, multiplier: '1' };
  }
  const pair = symbol.split('_')[0] ?? symbol;
  const quote = QUOTES.find((q) => pair.endsWith(q) && pair.length > q.length) ?? '';
  const base = quote === '' ? pair : pair.slice(0, -quote.length);
  if (venue === 'binance-coinm') return { contractType: 'inverse', baseCurrency: base, quoteCurrency: quote || 'USD', multiplier: base === 'BTC' ? '100' : '10' };
  const contractType: ContractType = venue === 'binance-spot' || venue === 'bybit-spot' ? 'spot' : 'linear';
  return { contractType, baseCurrency: base, quoteCurrency: quote, multiplier: '1' };
}

/**
 * Metadata for a venue symbol. Known symbols use the table; others derive tick and lot from the
 * observed decimals (tick = 10^-priceDecimals). Storage precision is never below what was observed,
 * so every observed value is exactly representable.
 */
export function instrumentSpec(venue: VenueId, symbol: string, observed?: { priceDecimals: number; sizeDecimals: number }): InstrumentSpec {
  const known = KNOWN[`${venue}:${symbol}`];
  if (known !== undefined) {
    return {
      venue,
      symbol,
      ...known,
      priceDecimals: Math.max(decimalsOf(known.tickSize), observed?.priceDecimals ?? 0),
      sizeDecimals: Math.max(decimalsOf(known.lotSize), observed?.sizeDecimals ?? 0),
      ...defaultFees(venue, known.contractType),
      known: true,
    };
  }
  const derived = deriveFromSymbol(venue, symbol);
  const priceDecimals = observed?.priceDecimals ?? 8;
  const sizeDecimals = observed?.sizeDecimals ?? 8;
  return {
    venue,
    symbol,
    ...derived,
    tickSize: unitOf(priceDecimals),
    lotSize: unitOf(sizeDecimals),
    priceDecimals,
    sizeDecimals,
    ...defaultFees(venue, derived.contractType),
    known: false,
  };
}
