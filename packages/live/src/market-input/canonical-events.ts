/**
 * Normalized venue records of one instrument → canonical market event drafts in the
 * instrument's integer units: the event a backtest feeder yields for the row(s) the quality gate
 * stores for the same record (@chassis/backtesting feeder.ts over @chassis/quality gate.ts).
 *
 * - admission: the gate's own rules against repeats (RecordAdmission), so a repeated or
 *   backwards update never reaches the live book, exactly as it never reaches canonical data;
 * - book_delta: one event per venue message, rows bids then asks (side 0 = bid, 1 = ask), sizes
 *   absolute (0 removes the level), `updateId` -1n when the venue has none; a message with no
 *   level at all leaves no row in canonical data and so yields no event here;
 * - trade / bbo: one event each, `updateId` -1n when none;
 * - prices and sizes: the venue's decimal strings parsed exactly at the instrument's
 *   priceDecimals / sizeDecimals; a value with more significant decimals than that cannot be
 *   represented and is reported, never rounded.
 */
import {
  parseDecimalUnits,
  type BookDeltaEvent,
  type EventDraft,
  type Instrument,
  type MarketEvent,
} from '@chassis/core';
import { RecordAdmission, type Admission, type MarketRecord } from '@chassis/quality';

export type Conversion =
  | { readonly kind: 'event'; readonly event: EventDraft<MarketEvent> }
  /** The gate would not store it (a repeat), or it carries no level. */
  | { readonly kind: 'dropped'; readonly reason: Exclude<Admission, 'admit'> | 'no_levels' }
  /** A price or size finer than the instrument's precision: the instrument metadata is wrong. */
  | { readonly kind: 'unrepresentable'; readonly reason: string };

const SIDE_BID = 0;
const SIDE_ASK = 1;

export class CanonicalEvents {
  private readonly admission = new RecordAdmission();

  constructor(readonly instrument: Instrument) {}

  /** The record as the event a backtest of its canonical rows would see, stamped `tsLocalNs`. */
  convert(r: MarketRecord, tsLocalNs: bigint): Conversion {
    const admission = this.admission.admit(r);
    if (admission !== 'admit') return { kind: 'dropped', reason: admission };
    try {
      if (r.kind === 'book_delta') return this.bookDelta(r, tsLocalNs);
      const { priceDecimals: pd, sizeDecimals: sd, id } = this.instrument;
      if (r.kind === 'trade') {
        const event = {
          kind: 'trade',
          tsEventNs: r.tsEventNs,
          tsLocalNs,
          instrument: id,
          tradeId: r.tradeId,
          priceUnits: parseDecimalUnits(r.price, pd),
          qtyUnits: parseDecimalUnits(r.size, sd),
          aggressor: r.aggressor,
        } as const;
        return { kind: 'event', event };
      }
      const event = {
        kind: 'bbo',
        tsEventNs: r.tsEventNs,
        tsLocalNs,
        instrument: id,
        updateId: r.updateId ?? -1n,
        bidPriceUnits: parseDecimalUnits(r.bidPrice, pd),
        bidQtyUnits: parseDecimalUnits(r.bidSize, sd),
        askPriceUnits: parseDecimalUnits(r.askPrice, pd),
        askQtyUnits: parseDecimalUnits(r.askSize, sd),
      } as const;
      return { kind: 'event', event };
    } catch (err) {
      const where = `${r.kind} of ${this.instrument.id} (${r.source.file}:${r.source.line})`;
      return {
        kind: 'unrepresentable',
        reason: `${where}: ${(err as Error).message} at ${this.instrument.priceDecimals}/${this.instrument.sizeDecimals} price/size decimals`,
      };
    }
  }

  private bookDelta(r: Extract<MarketRecord, { kind: 'book_delta' }>, tsLocalNs: bigint): Conversion {
    const n = r.bids.length + r.asks.length;
    if (n === 0) return { kind: 'dropped', reason: 'no_levels' };
    const { priceDecimals: pd, sizeDecimals: sd } = this.instrument;
    const sides = new Uint8Array(n);
    const prices = new Float64Array(n);
    const sizes = new Float64Array(n);
    let i = 0;
    for (const [levels, side] of [
      [r.bids, SIDE_BID],
      [r.asks, SIDE_ASK],
    ] as const) {
      for (const [price, size] of levels) {
        sides[i] = side;
        prices[i] = parseDecimalUnits(price, pd);
        sizes[i] = parseDecimalUnits(size, sd);
        i++;
      }
    }
    const event: EventDraft<BookDeltaEvent> = {
      kind: 'book_delta',
      tsEventNs: r.tsEventNs,
      tsLocalNs,
      instrument: this.instrument.id,
      updateId: r.updateId ?? -1n,
      isSnapshot: r.isSnapshot,
      offset: 0,
      count: n,
      sides,
      prices,
      sizes,
    };
    return { kind: 'event', event };
  }
}
