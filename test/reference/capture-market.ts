/**
 * A bundled real capture as market events in integer units, per instrument: the differential
 * tests' input. Reads through the production capture reader (a data reader, allowed for the
 * reference) and scales decimal strings with the instrument's precision: the larger of the
 * published tick/lot decimals (instrument-spec.ts) and the decimals observed in the file, as
 * the quality gate does.
 */
import { parseDecimalUnits, type Instrument, type MarketEvent } from '@chassis/core';
import { instrumentSpec, readCapture, type NormalizedRecord, type VenueId } from '@chassis/venues';

export interface CaptureMarket {
  readonly instrument: Instrument;
  /** In capture (tsLocal) order, as the recorder received them; seq 0 (the run assigns it). */
  readonly events: MarketEvent[];
}

const decimalsOf = (text: string): number => {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
};

function observedDecimals(records: readonly NormalizedRecord[]): { priceDecimals: number; sizeDecimals: number } {
  const prices: string[] = [];
  const sizes: string[] = [];
  for (const r of records) {
    if (r.kind === 'book_delta') {
      for (const [p, s] of [...r.bids, ...r.asks]) {
        prices.push(p);
        sizes.push(s);
      }
    } else if (r.kind === 'trade') {
      prices.push(r.price);
      sizes.push(r.size);
    } else if (r.kind === 'bbo') {
      prices.push(r.bidPrice, r.askPrice);
      sizes.push(r.bidSize, r.askSize);
    }
  }
  const most = (xs: readonly string[]) => xs.reduce((m, x) => Math.max(m, decimalsOf(x)), 0);
  return { priceDecimals: most(prices), sizeDecimals: most(sizes) };
}

/** The venue's published instrument metadata in the core's integer units (fees as ppm). */
export function instrumentOf(
  venue: VenueId,
  symbol: string,
  observed: { priceDecimals: number; sizeDecimals: number },
): Instrument {
  const spec = instrumentSpec(venue, symbol, observed);
  return {
    id: `${venue}:${symbol}`,
    venue,
    symbol,
    contractType: spec.contractType,
    baseCurrency: spec.baseCurrency,
    quoteCurrency: spec.quoteCurrency,
    priceDecimals: spec.priceDecimals,
    sizeDecimals: spec.sizeDecimals,
    tickUnits: parseDecimalUnits(spec.tickSize, spec.priceDecimals),
    lotUnits: parseDecimalUnits(spec.lotSize, spec.sizeDecimals),
    minNotionalUnits: 0n,
    multiplier: Number(spec.multiplier),
    makerFeePpm: parseDecimalUnits(spec.makerFee, 6),
    takerFeePpm: parseDecimalUnits(spec.takerFee, 6),
  };
}

function toEvent(r: NormalizedRecord, inst: Instrument): MarketEvent | null {
  const px = (t: string) => parseDecimalUnits(t, inst.priceDecimals);
  const sz = (t: string) => parseDecimalUnits(t, inst.sizeDecimals);
  const head = { seq: 0, tsEventNs: r.tsEventNs, tsLocalNs: r.tsLocalNs, instrument: inst.id };
  if (r.kind === 'book_delta') {
    const rows = [...r.bids.map((l) => [0, l] as const), ...r.asks.map((l) => [1, l] as const)];
    return {
      ...head,
      kind: 'book_delta',
      updateId: r.updateId ?? -1n,
      isSnapshot: r.isSnapshot,
      offset: 0,
      count: rows.length,
      sides: rows.map((x) => x[0]),
      prices: rows.map((x) => px(x[1][0])),
      sizes: rows.map((x) => sz(x[1][1])),
    };
  }
  if (r.kind === 'trade')
    return {
      ...head,
      kind: 'trade',
      tradeId: r.tradeId,
      priceUnits: px(r.price),
      qtyUnits: sz(r.size),
      aggressor: r.aggressor,
    };
  if (r.kind === 'bbo') {
    return {
      ...head,
      kind: 'bbo',
      updateId: r.updateId ?? -1n,
      bidPriceUnits: px(r.bidPrice),
      bidQtyUnits: sz(r.bidSize),
      askPriceUnits: px(r.askPrice),
      askQtyUnits: sz(r.askSize),
    };
  }
  return null; // sync issues: not market data
}

/**
 * Reads up to `maxRecords` records of `symbol` (default: the first symbol seen) from a capture.
 * Market events are returned in capture order (the order the feeder merges by tsLocal).
 */
export async function readCaptureMarket(
  path: string,
  options: { symbol?: string; maxRecords?: number } = {},
): Promise<CaptureMarket> {
  const records: NormalizedRecord[] = [];
  let symbol = options.symbol;
  const max = options.maxRecords ?? Infinity;
  for await (const r of readCapture(path)) {
    if (r.kind === 'sync_issue') continue;
    symbol ??= r.instrument;
    if (r.instrument !== symbol) continue;
    records.push(r);
    if (records.length >= max) break;
  }
  if (records.length === 0 || symbol === undefined)
    throw new Error(`no market records for ${options.symbol ?? 'any symbol'} in ${path}`);
  const instrument = instrumentOf(records[0]!.venue, symbol, observedDecimals(records));
  const events: MarketEvent[] = [];
  for (const r of records) {
    const e = toEvent(r, instrument);
    if (e !== null) events.push(e);
  }
  return { instrument, events };
}
