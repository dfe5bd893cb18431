/**
 * The instruments of a session, field by field from the first source that states them:
 * live.yaml > the catalog metadata of the data root (what the quality gate promoted for that
 * venue and symbol, newest first) > the @chassis/venues instrument-spec table.
 */
import { ChassisError, type Instrument } from '@chassis/core';
import { instrumentFromMeta } from '@chassis/backtesting';
import type { InstrumentMeta } from '@chassis/storage';
import { instrumentSpec, type VenueId } from '@chassis/venues';
import type { LiveConfig, LiveInstrumentEntry } from '../live-config.ts';

/** Catalog metadata of a venue symbol, or undefined when the data root has none. */
export type CatalogInstrumentLookup = (venue: string, symbol: string) => InstrumentMeta | undefined;

function symbolOf(entry: LiveInstrumentEntry, venue: string): string {
  const symbol = typeof entry === 'string' ? entry : entry.symbol;
  // `binance-usdm:BTCUSDT` and `BTCUSDT` name the same instrument of the session's venue.
  return symbol.startsWith(`${venue}:`) ? symbol.slice(venue.length + 1) : symbol;
}

function tableMeta(venue: VenueId, symbol: string): InstrumentMeta {
  const s = instrumentSpec(venue, symbol);
  return {
    venue,
    symbol,
    contractType: s.contractType,
    baseCurrency: s.baseCurrency,
    quoteCurrency: s.quoteCurrency,
    priceDecimals: s.priceDecimals,
    sizeDecimals: s.sizeDecimals,
    tickSize: s.tickSize,
    lotSize: s.lotSize,
    multiplier: s.multiplier,
    makerFeeRate: s.makerFee,
    takerFeeRate: s.takerFee,
  };
}

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** One instrument: the live.yaml fields over the catalog's over the table's. */
export function resolveInstrument(
  venue: VenueId,
  entry: LiveInstrumentEntry,
  catalog: CatalogInstrumentLookup,
  index: number,
): Instrument {
  const symbol = symbolOf(entry, venue);
  const base = catalog(venue, symbol) ?? tableMeta(venue, symbol);
  const own = typeof entry === 'string' ? {} : (({ symbol: _s, ...rest }) => rest)(entry);
  const merged: InstrumentMeta = { ...base, ...own, venue, symbol };
  // A tick or lot finer than the stored decimals widens them, so every valid price is exact.
  const meta: InstrumentMeta = {
    ...merged,
    priceDecimals: own.priceDecimals ?? Math.max(merged.priceDecimals, decimalsOf(merged.tickSize)),
    sizeDecimals: own.sizeDecimals ?? Math.max(merged.sizeDecimals, decimalsOf(merged.lotSize)),
  };
  try {
    return instrumentFromMeta(meta);
  } catch (err) {
    throw new ChassisError('E_LIVE_CONFIG', `instruments[${index}] (${venue}:${symbol}): ${(err as Error).message}`);
  }
}

export function resolveInstruments(config: LiveConfig, catalog: CatalogInstrumentLookup): Instrument[] {
  const seen = new Set<string>();
  return config.instruments.map((entry, i) => {
    const inst = resolveInstrument(config.venue, entry, catalog, i);
    if (seen.has(inst.id)) throw new ChassisError('E_LIVE_CONFIG', `instruments[${i}]: ${inst.id} is listed twice`);
    seen.add(inst.id);
    return inst;
  });
}
