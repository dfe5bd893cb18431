/**
 * Binary heap of prices with lazy deletion: the best (max for bids, min for asks) live price in
 * O(log n) per new level, without a scan when the best level is removed. Entries whose price is
 * no longer in the book are discarded when they reach the top; the heap is rebuilt from the live
 * levels when stale entries dominate, so memory stays proportional to the book.
 */
// @ts-nocheck

class PriceHeap {
  private data = new Float64Array(1024);
  size = 0;
  constructor(private readonly sign: 1 | -1) {}

  push(price: number): void {
    if (this.size === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    // Stored as sign * price so that the heap is always a max-heap.
    const d = this.data;
    let i = this.size++;
    const v = this.sign * price;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (d[parent]! >= v) break;
      d[i] = d[parent]!;
      i = parent;
    }
    d[i] = v;
  }

  /** Best price whose level is still live, or undefined. Pops stale tops. */
  best(live: Map<number, number>): number | undefined {
    while (this.size > 0) {
      const p = this.sign * this.data[0]!;
      if (live.has(p)) return p;
      this.pop();
    }
    return undefined;
  }

  private pop(): void {
    const d = this.data;
    const last = d[--this.size]!;
    let i = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && d[r]! > d[l]! ? r : l;
      if (d[c]! <= last) break;
      d[i] = d[c]!;
      i = c;
    }
    if (n > 0) d[i] = last;
  }

  rebuild(live: Map<number, number>): void {
    this.size = 0;
    for (const p of live.keys()) this.push(p);
  }

  clear(): void {
    this.size = 0;
  }
}

/**
 * A plain L2 book for consistency checks only (floats are fine here: it compares prices, it
 * never stores them). Tracks best bid/ask incrementally; a removed best level is replaced from a
 * lazy heap instead of a scan of the side.
 */
export class BookChecker {
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();
  private readonly bidHeap = new PriceHeap(1);
  private readonly askHeap = new PriceHeap(-1);
  bestBid = -Infinity;
  bestAsk = Infinity;
  /** true after a full snapshot has been applied and no gap has happened since. */
  synced = false;

  clear(): void {
    this.bids.clear();
    this.asks.clear();
    this.bidHeap.clear();
    this.askHeap.clear();
    this.bestBid = -Infinity;
    this.bestAsk = Infinity;
  }

  set(isAsk: boolean, price: number, size: number): void {
    const side = isAsk ? this.asks : this.bids;
    const heap = isAsk ? this.askHeap : this.bidHeap;
    if (size === 0) {
      if (!side.delete(price)) return;
      if (isAsk && price === this.bestAsk) this.bestAsk = heap.best(side) ?? Infinity;
      if (!isAsk && price === this.bestBid) this.bestBid = heap.best(side) ?? -Infinity;
      return;
    }
    if (!side.has(price)) {
      side.set(price, size);
      heap.push(price);
      if (heap.size > 64 && heap.size > 4 * side.size) heap.rebuild(side);
    } else side.set(price, size);
    if (isAsk && price < this.bestAsk) this.bestAsk = price;
    if (!isAsk && price > this.bestBid) this.bestBid = price;
  }

  get hasBothSides(): boolean {
    return this.bids.size > 0 && this.asks.size > 0;
  }
}
