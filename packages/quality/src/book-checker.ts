/**
 * A plain L2 book for consistency checks only (floats are fine here: it compares prices, it
 * never stores them). Tracks best bid/ask incrementally; a removed best level triggers a scan.
 */
export class BookChecker {
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();
  bestBid = -Infinity;
  bestAsk = Infinity;
  /** true after a full snapshot has been applied and no gap has happened since. */
  synced = false;

  clear(): void {
    this.bids.clear();
    this.asks.clear();
    this.bestBid = -Infinity;
    this.bestAsk = Infinity;
  }

  set(isAsk: boolean, price: number, size: number): void {
    const side = isAsk ? this.asks : this.bids;
    if (size === 0) {
      side.delete(price);
      if (isAsk && price === this.bestAsk) this.bestAsk = side.size ? Math.min(...side.keys()) : Infinity;
      if (!isAsk && price === this.bestBid) this.bestBid = side.size ? Math.max(...side.keys()) : -Infinity;
      return;
    }
    side.set(price, size);
    if (isAsk && price < this.bestAsk) this.bestAsk = price;
    if (!isAsk && price > this.bestBid) this.bestBid = price;
  }

  get hasBothSides(): boolean {
    return this.bids.size > 0 && this.asks.size > 0;
  }
}
