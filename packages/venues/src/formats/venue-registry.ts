/** Which format module serves which venue id. */
import { binanceFormat } from './binance.ts';
import { okxFormat } from './okx.ts';
import { bybitFormat } from './bybit.ts';
import { hyperliquidFormat } from './hyperliquid.ts';
import { deribitFormat } from './deribit.ts';
import { bitmexFormat } from './bitmex.ts';
import { coinbaseFormat } from './coinbase.ts';
import { krakenFormat } from './kraken.ts';
import { kucoinFormat } from './kucoin.ts';
import type { VenueId } from './records.ts';
import type { VenueFormat } from './venue-mapper.ts';

export const VENUE_FORMATS: readonly VenueFormat[] = [binanceFormat, okxFormat, bybitFormat, hyperliquidFormat, deribitFormat, bitmexFormat, coinbaseFormat, krakenFormat, kucoinFormat];

export function formatForVenue(venue: VenueId): VenueFormat {
  // Venue ids are the family name, or `{family}-{market}` (binance-usdm, bybit-spot).
  const family = venue.split('-')[0];
  const f = VENUE_FORMATS.find((x) => x.family === family);
  if (f === undefined) throw new Error(`no format module for ${venue}`);
  return f;
}
