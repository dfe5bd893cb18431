// Test support: instruments as the quality gate describes them before it has seen data.
import type { Instrument } from '@chassis/core';
import { instrumentFromMeta } from '@chassis/backtesting';
import { venueInstrumentMeta } from '@chassis/quality';
import type { VenueId } from '@chassis/venues';

/** The instrument from the venue's spec table (tick, lot, fees, precision). */
export function specInstrument(venue: VenueId, symbol: string): Instrument {
  return instrumentFromMeta(venueInstrumentMeta(venue, symbol, { priceDecimals: 0, sizeDecimals: 0 }));
}
