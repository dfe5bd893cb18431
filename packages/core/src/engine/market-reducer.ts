/**
 * Market State reducer (SPEC.md §3): book deltas, snapshots and BBO events go to the L2 book
 * under its one depth + BBO rule (market/book.ts), trades set the last trade and the running tape.
 */
import type { BboEvent, BookDeltaEvent, TradeEvent } from '../events.ts';
import type { InstrumentState } from '../state/engine-state.ts';

export function applyBookDelta(inst: InstrumentState, event: BookDeltaEvent): void {
  inst.book.applyDelta(event);
}

/** The one depth + BBO rule lives in L2Book.applyBbo (market/book.ts), shared with the simulated venue. */
export function applyBbo(inst: InstrumentState, event: BboEvent): void {
  inst.book.applyBbo(event);
}

export function applyTrade(inst: InstrumentState, event: TradeEvent): void {
  inst.lastTrade = event;
  inst.tape.add(event.priceUnits, event.qtyUnits, event.aggressor);
}
