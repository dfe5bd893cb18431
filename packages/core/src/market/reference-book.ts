/**
 * A deliberately plain implementation of L2Book's depth + BBO rule (book.ts) over two Maps
 * (price units → qty units), sorted on every read: slow, obviously right, sharing no code with
 * the ladder. For oracles only (the book oracle, differential tests on real captures, reference
 * simulators), never on a hot path.
 */
import type { BboEvent, BookDeltaEvent } from '../events.ts';

export class ReferenceL2Book {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  /** Update id of the last depth update that had one, -1n = none. */
  depthUpdateId = -1n;
  hasDepth = false;
  /** The last BBO applied to the levels (a stale or unsequenced one is not). */
  private appliedBbo: BboEvent | undefined;

  applyDelta(event: BookDeltaEvent): void {
    if (event.isSnapshot) {
      this.bids.clear();
      this.asks.clear();
    }
    for (let i = event.offset; i < event.offset + event.count; i++) {
      const side = event.sides[i] === 0 ? this.bids : this.asks;
      if (event.sizes[i]! > 0) side.set(event.prices[i]!, event.sizes[i]!);
      else side.delete(event.prices[i]!);
    }
    this.hasDepth = true;
    if (event.updateId < 0n) return;
    this.depthUpdateId = event.updateId;
    // A depth update older than the last applied BBO: that newer BBO still says what the top is.
    if (this.appliedBbo !== undefined && this.appliedBbo.updateId > event.updateId) this.applyTop(this.appliedBbo);
  }

  applyBbo(event: BboEvent): void {
    if (!this.hasDepth) {
      if (event.bidQtyUnits > 0) this.bids.clear();
      if (event.askQtyUnits > 0) this.asks.clear();
    } else if (event.updateId < 0n || event.updateId < this.depthUpdateId) return;
    this.appliedBbo = event;
    this.applyTop(event);
  }

  /** Deleting the current key while iterating a Map is safe: iteration continues with the next key. */
  private applyTop(event: BboEvent): void {
    if (event.bidQtyUnits > 0) {
      for (const price of this.bids.keys()) if (price > event.bidPriceUnits) this.bids.delete(price);
      this.bids.set(event.bidPriceUnits, event.bidQtyUnits);
    }
    if (event.askQtyUnits > 0) {
      for (const price of this.asks.keys()) if (price < event.askPriceUnits) this.asks.delete(price);
      this.asks.set(event.askPriceUnits, event.askQtyUnits);
    }
  }

  /** [price, size] per level, best first. */
  levels(isBid: boolean): [number, number][] {
    return [...(isBid ? this.bids : this.asks)].sort((a, b) => (isBid ? b[0] - a[0] : a[0] - b[0]));
  }
}
