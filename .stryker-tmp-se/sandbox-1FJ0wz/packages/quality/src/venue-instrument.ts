// @ts-nocheck
import { instrumentSpec, VENUE_IDS, type VenueId } from '@chassis/venues';
import type { InstrumentMeta } from '@chassis/storage';
import { defaultInstrumentMeta, type InstrumentResolver } from './instrument-meta.ts';

/** Instrument metadata from the venue module (tick, lot, fees), precision ≥ what the data shows. */
export const venueInstrumentMeta: InstrumentResolver = (venue, symbol, observed) => {
  if (!(VENUE_IDS as readonly string[]).includes(venue)) return defaultInstrumentMeta(venue, symbol, observed);
  const s = instrumentSpec(venue as VenueId, symbol, observed);
  const meta: InstrumentMeta = {
    venue,
    symbol,
    contractType: s.contractType,
    baseCurrency: s.baseCurrency,
    quoteCurrency: s.quoteCurrency,
    priceDecimals: Math.max(s.priceDecimals, observed.priceDecimals),
    sizeDecimals: Math.max(s.sizeDecimals, observed.sizeDecimals),
    tickSize: s.tickSize,
    lotSize: s.lotSize,
    multiplier: s.multiplier,
    makerFeeRate: s.makerFee,
    takerFeeRate: s.takerFee,
  };
  return meta;
};
