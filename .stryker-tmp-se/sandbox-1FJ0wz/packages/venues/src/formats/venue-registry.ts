/** Which format module serves which venue id. */
// @ts-nocheck

import { binanceFormat } from './binance.ts';
import { okxFormat } from './okx.ts';
import { bybitFormat } from './bybit.ts';
import type { VenueId } from './records.ts';
import type { VenueFormat } from './venue-mapper.ts';

export const VENUE_FORMATS: readonly VenueFormat[] = [binanceFormat, okxFormat, bybitFormat];

export function formatForVenue(venue: VenueId): VenueFormat {
  const family = venue.startsWith('binance-') ? 'binance' : venue === 'okx' ? 'okx' : 'bybit';
  const f = VENUE_FORMATS.find((x) => x.family === family);
  if (f === undefined) throw new Error(`no format module for ${venue}`);
  return f;
}
