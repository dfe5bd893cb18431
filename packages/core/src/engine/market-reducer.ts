/**
 * Market State reducer (SPEC.md §3): book deltas and snapshots set L2 levels, BBO events set
 * the BBO top (never L2 levels), trades set the last trade and the running tape.
 */
import type { BboEvent, BookDeltaEvent, TradeEvent } from '../events.ts';
import type { InstrumentState } from '../state/engine-state.ts';

export function applyBookDelta(inst: InstrumentState, event: BookDeltaEvent): void {
  const book = inst.book;
  if (event.isSnapshot) {
    book.bids.clear();
    book.asks.clear();
  }
  const end = event.offset + event.count;
  const sides = event.sides;
  const prices = event.prices;
  const sizes = event.sizes;
  for (let i = event.offset; i < end; i++) {
    (sides[i] === 0 ? book.bids : book.asks).set(prices[i]!, sizes[i]!);
  }
  book.lastUpdateId = event.updateId;
}

export function applyBbo(inst: InstrumentState, event: BboEvent): void {
  const book = inst.book;
  book.bboBidPrice = event.bidPriceUnits;
  book.bboBidQty = event.bidQtyUnits;
  book.bboAskPrice = event.askPriceUnits;
  book.bboAskQty = event.askQtyUnits;
  book.bboUpdateId = event.updateId;
}

export function applyTrade(inst: InstrumentState, event: TradeEvent): void {
  inst.lastTrade = event;
  inst.tape.add(event.priceUnits, event.qtyUnits, event.aggressor);
}
