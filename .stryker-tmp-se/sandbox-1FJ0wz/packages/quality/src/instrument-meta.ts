// @ts-nocheck
import type { InstrumentMeta } from '@chassis/storage';

export type InstrumentResolver = (venue: string, symbol: string, observed: { priceDecimals: number; sizeDecimals: number }) => InstrumentMeta;

function unitString(decimals: number): string {
  return decimals === 0 ? '1' : `0.${'0'.repeat(decimals - 1)}1`;
}

const QUOTES = ['USDT', 'USDC', 'FDUSD', 'BUSD', 'USD', 'BTC', 'ETH'];

/**
 * Instrument metadata when the venue module has no better knowledge: precision as observed in
 * the data, tick/lot one unit at that precision, contract type from the venue id.
 */
export const defaultInstrumentMeta: InstrumentResolver = (venue, symbol, observed) => {
  const clean = symbol.replace(/[-_/]|SWAP|PERP/g, '');
  const quote = QUOTES.find((q) => clean.endsWith(q) && clean.length > q.length) ?? '';
  return {
    venue,
    symbol,
    contractType: venue.endsWith('-spot') ? 'spot' : venue === 'binance-coinm' ? 'inverse' : 'linear',
    baseCurrency: quote ? clean.slice(0, -quote.length) : clean,
    quoteCurrency: quote,
    priceDecimals: observed.priceDecimals,
    sizeDecimals: observed.sizeDecimals,
    tickSize: unitString(observed.priceDecimals),
    lotSize: unitString(observed.sizeDecimals),
    multiplier: '1',
  };
};
