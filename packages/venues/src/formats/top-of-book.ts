/**
 * A best bid/offer record from a one-level book message (OKX `bbo-tbt`, Bybit `orderbook.1`).
 * Those streams are recorded beside the venue's full-depth book in one feed file, so they must
 * not touch the book's state: they become `bbo` records, like Binance's bookTicker.
 */
import type { BboRecord, VenueId } from './records.ts';
import type { MessageContext } from './venue-mapper.ts';

/** The record, or null when a side is empty (no canonical bbo form; the book carries the empty side). */
export function topOfBookRecord(
  venue: VenueId,
  instrument: string,
  bids: readonly (readonly string[])[],
  asks: readonly (readonly string[])[],
  updateId: bigint | null,
  tsEventNs: bigint,
  ctx: MessageContext,
): BboRecord | null {
  const bid = bids[0];
  const ask = asks[0];
  if (bid?.[0] === undefined || bid[1] === undefined || ask?.[0] === undefined || ask[1] === undefined) return null;
  return {
    kind: 'bbo',
    venue,
    instrument,
    tsEventNs,
    tsLocalNs: ctx.tsLocalNs ?? tsEventNs,
    source: { file: ctx.file, line: ctx.line },
    updateId,
    bidPrice: bid[0],
    bidSize: bid[1],
    askPrice: ask[0],
    askSize: ask[1],
  };
}
