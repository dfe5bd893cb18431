/**
 * L2 order book for one instrument: price levels on both sides in integer price/qty units.
 *
 * Layout: each side is a pair of parallel Float64Arrays kept sorted so that the BEST level is
 * the LAST element (bids ascending, asks descending). Venue updates cluster near the top of
 * the book, so inserting or removing there moves only a few elements (copyWithin), best-level
 * access is O(1), a depth walk is a reverse scan, and a lookup is a binary search. Nothing is
 * allocated per update once the arrays have grown to the book's depth.
 */
import type { BookView } from '../state/view.ts';

const INITIAL_CAPACITY = 64;

export class BookSideLevels {
  prices: Float64Array = new Float64Array(INITIAL_CAPACITY);
  sizes: Float64Array = new Float64Array(INITIAL_CAPACITY);
  count = 0;
  /** true for bids: best = highest price. */
  readonly descendingIsBetter: boolean;

  constructor(isBid: boolean) {
    this.descendingIsBetter = !isBid;
  }

  clear(): void {
    this.count = 0;
  }

  /** Index of `price` if present, else -(insertionPoint + 1). Storage order: worst → best. */
  private find(price: number): number {
    const prices = this.prices;
    let lo = 0;
    let hi = this.count - 1;
    if (this.descendingIsBetter) {
      // asks: stored descending (worst = highest first)
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const p = prices[mid]!;
        if (p === price) return mid;
        if (p > price) lo = mid + 1;
        else hi = mid - 1;
      }
    } else {
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const p = prices[mid]!;
        if (p === price) return mid;
        if (p < price) lo = mid + 1;
        else hi = mid - 1;
      }
    }
    return -(lo + 1);
  }

  /** Sets the absolute size at `price`; size 0 removes the level. */
  set(price: number, size: number): void {
    const idx = this.find(price);
    if (idx >= 0) {
      if (size === 0) {
        const n = this.count;
        if (idx < n - 1) {
          this.prices.copyWithin(idx, idx + 1, n);
          this.sizes.copyWithin(idx, idx + 1, n);
        }
        this.count = n - 1;
      } else {
        this.sizes[idx] = size;
      }
      return;
    }
    if (size === 0) return;
    const at = -idx - 1;
    const n = this.count;
    if (n === this.prices.length) this.grow();
    if (at < n) {
      this.prices.copyWithin(at + 1, at, n);
      this.sizes.copyWithin(at + 1, at, n);
    }
    this.prices[at] = price;
    this.sizes[at] = size;
    this.count = n + 1;
  }

  private grow(): void {
    const prices = new Float64Array(this.prices.length * 2);
    const sizes = new Float64Array(this.sizes.length * 2);
    prices.set(this.prices);
    sizes.set(this.sizes);
    this.prices = prices;
    this.sizes = sizes;
  }

  /** Price of the level-th best level (0 = best), NaN if absent. */
  price(level: number): number {
    const i = this.count - 1 - level;
    return i >= 0 && level >= 0 ? this.prices[i]! : NaN;
  }

  size(level: number): number {
    const i = this.count - 1 - level;
    return i >= 0 && level >= 0 ? this.sizes[i]! : NaN;
  }

  /** Size at an exact price, 0 if no level. */
  sizeAt(price: number): number {
    const idx = this.find(price);
    return idx >= 0 ? this.sizes[idx]! : 0;
  }

  /** Sum of sizes over the best `depth` levels. */
  depthQty(depth: number): number {
    let sum = 0;
    const stop = Math.max(0, this.count - depth);
    for (let i = this.count - 1; i >= stop; i--) sum += this.sizes[i]!;
    return sum;
  }
}

/**
 * Book state plus top-of-book from BBO events. The L2 levels come only from book_delta events;
 * BBO events update `bbo*` fields and never touch the levels. Accessors read the L2 level and
 * fall back to the BBO top when that side of the L2 book is empty (BBO-only feeds).
 */
export class L2Book implements BookView {
  readonly instrument: string;
  readonly bids = new BookSideLevels(true);
  readonly asks = new BookSideLevels(false);
  /** Venue update id of the last applied book_delta (-1n = none). */
  lastUpdateId = -1n;
  bboBidPrice = NaN;
  bboBidQty = NaN;
  bboAskPrice = NaN;
  bboAskQty = NaN;
  bboUpdateId = -1n;

  constructor(instrument: string) {
    this.instrument = instrument;
  }

  get bidLevels(): number {
    return this.bids.count;
  }

  get askLevels(): number {
    return this.asks.count;
  }

  bidPrice(level = 0): number {
    return this.bids.count > 0 ? this.bids.price(level) : level === 0 ? this.bboBidPrice : NaN;
  }

  bidQty(level = 0): number {
    return this.bids.count > 0 ? this.bids.size(level) : level === 0 ? this.bboBidQty : NaN;
  }

  askPrice(level = 0): number {
    return this.asks.count > 0 ? this.asks.price(level) : level === 0 ? this.bboAskPrice : NaN;
  }

  askQty(level = 0): number {
    return this.asks.count > 0 ? this.asks.size(level) : level === 0 ? this.bboAskQty : NaN;
  }

  mid(): number {
    return (this.bidPrice(0) + this.askPrice(0)) / 2;
  }

  spread(): number {
    return this.askPrice(0) - this.bidPrice(0);
  }

  /** Size-weighted mid: leans toward the side with less size (the side more likely to move). */
  microprice(): number {
    const bq = this.bidQty(0);
    const aq = this.askQty(0);
    return (this.bidPrice(0) * aq + this.askPrice(0) * bq) / (bq + aq);
  }

  imbalance(depth = 1): number {
    const bq = this.bids.count > 0 ? this.bids.depthQty(depth) : this.bboBidQty;
    const aq = this.asks.count > 0 ? this.asks.depthQty(depth) : this.bboAskQty;
    return (bq - aq) / (bq + aq);
  }
}
