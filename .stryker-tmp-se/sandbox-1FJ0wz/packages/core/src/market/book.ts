/**
 * L2 order book for one instrument: price levels on both sides in integer price/qty units.
 *
 * Each side is a price-indexed ladder (LadderSide: O(1) set at any depth) plus a SortedSide for
 * the few levels whose prices do not fit the ladder (BookSideLevels). SortedSide layout: a pair of parallel Float64Arrays kept sorted so that the BEST level is
 * the LAST element (bids ascending, asks descending). Venue updates cluster near the top of
 * the book, so inserting or removing there moves only a few elements (copyWithin), best-level
 * access is O(1), a depth walk is a reverse scan, and a lookup is a binary search. Nothing is
 * allocated per update once the arrays have grown to the book's depth.
 */
// @ts-nocheck

import type { BookView } from '../state/view.ts';

const INITIAL_CAPACITY = 64;

/** Sorted-array side: any prices, O(log n) lookup, inserts move the levels better than the new one. */
export class SortedSide {
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

  /** Visits levels best first. */
  forEachLevel(visit: (price: number, size: number) => void): void {
    for (let i = this.count - 1; i >= 0; i--) visit(this.prices[i]!, this.sizes[i]!);
  }
}

/**
 * Widest price-unit span a ladder side may cover (1 MB of sizes; 13,107 USDT at BTCUSDT's 0.1
 * tick); levels beyond it live in the outer sorted side. Kept moderate because walking the
 * levels (depth reads, state hashing) scans the slots between the best and the worst level.
 */
const MAX_LADDER_SPAN = 1 << 17;

/**
 * Price-indexed side: slot i holds the size at price `lo + i` (price units), so setting a level
 * is O(1) whatever its depth. The best price is tracked; removing the best scans to the next
 * non-empty slot (levels near the top are dense, so the scan is short). Walking to the k-th
 * level scans slots. Only integer prices within MAX_LADDER_SPAN of each other fit; `set`
 * returns false for a price that does not, and the owner converts the side to SortedSide.
 */
export class LadderSide {
  sizes: Float64Array = new Float64Array(0);
  lo = 0;
  count = 0;
  best = NaN;
  readonly isBid: boolean;

  constructor(isBid: boolean) {
    this.isBid = isBid;
  }

  clear(): void {
    if (this.count > 0) this.sizes.fill(0);
    this.count = 0;
    this.best = NaN;
  }

  set(price: number, size: number): boolean {
    let idx = price - this.lo;
    if (!(idx >= 0 && idx < this.sizes.length && (idx | 0) === idx)) {
      if (!Number.isSafeInteger(price)) return false;
      if (size === 0) return true; // outside the window: no level there
      if (!this.cover(price)) return false;
      idx = price - this.lo;
    }
    const sizes = this.sizes;
    const old = sizes[idx]!;
    if (size === 0) {
      if (old === 0) return true;
      sizes[idx] = 0;
      if (--this.count === 0) this.best = NaN;
      else if (price === this.best) this.best = this.lo + this.nextFrom(idx);
      return true;
    }
    if (old === 0) {
      this.count++;
      if (this.count === 1 || (this.isBid ? price > this.best : price < this.best)) this.best = price;
    }
    sizes[idx] = size;
    return true;
  }

  /** Index of the next non-empty slot worse than `idx`, or -1 when there is none. */
  nextFrom(idx: number): number {
    const sizes = this.sizes;
    if (this.isBid) {
      for (let i = idx - 1; i >= 0; i--) if (sizes[i] !== 0) return i;
    } else {
      for (let i = idx + 1; i < sizes.length; i++) if (sizes[i] !== 0) return i;
    }
    return -1;
  }

  /** Whether `price` has a slot in the current window. */
  inWindow(price: number): boolean {
    const idx = price - this.lo;
    return idx >= 0 && idx < this.sizes.length && (idx | 0) === idx;
  }

  /** Whether `cover(price)` would succeed. */
  fits(price: number): boolean {
    const cap = this.sizes.length;
    if (cap === 0 || this.count === 0) return true;
    const lo = Math.min(this.lo, price);
    const hi = Math.max(this.lo + cap - 1, price);
    return hi - lo + 1 <= MAX_LADDER_SPAN;
  }

  /** Grows the window to include `price`; false if it cannot (non-integer or too wide). */
  private cover(price: number): boolean {
    if (!Number.isSafeInteger(price)) return false;
    const cap = this.sizes.length;
    if (cap === 0 || this.count === 0) {
      const width = Math.max(cap, 4096);
      if (cap < width) this.sizes = new Float64Array(width);
      else this.sizes.fill(0);
      this.lo = price - (width >> 1);
      return true;
    }
    const lo = Math.min(this.lo, price);
    const hi = Math.max(this.lo + cap - 1, price);
    const need = hi - lo + 1;
    if (need > MAX_LADDER_SPAN) return false;
    const width = Math.min(MAX_LADDER_SPAN, Math.max(need + (need >> 1), cap * 2));
    const newLo = price < this.lo ? hi - width + 1 : lo;
    const next = new Float64Array(width);
    next.set(this.sizes, this.lo - newLo);
    this.sizes = next;
    this.lo = newLo;
    return true;
  }

  price(level: number): number {
    const i = this.slotOf(level);
    return i < 0 ? NaN : this.lo + i;
  }

  size(level: number): number {
    const i = this.slotOf(level);
    return i < 0 ? NaN : this.sizes[i]!;
  }

  private slotOf(level: number): number {
    if (level < 0 || level >= this.count) return -1;
    let i = this.best - this.lo;
    for (let k = 0; k < level; k++) i = this.nextFrom(i);
    return i;
  }

  sizeAt(price: number): number {
    const idx = price - this.lo;
    return idx >= 0 && idx < this.sizes.length ? this.sizes[idx]! : 0;
  }

  depthQty(depth: number): number {
    let sum = 0;
    const n = Math.min(depth, this.count);
    let i = this.best - this.lo;
    for (let k = 0; k < n; k++) {
      sum += this.sizes[i]!;
      if (k + 1 < n) i = this.nextFrom(i);
    }
    return sum;
  }

  forEachLevel(visit: (price: number, size: number) => void): void {
    if (this.count === 0) return;
    let i = this.best - this.lo;
    for (let k = 0; k < this.count; k++) {
      visit(this.lo + i, this.sizes[i]!);
      if (k + 1 < this.count) i = this.nextFrom(i);
    }
  }
}

/**
 * One side of the book: a price-indexed ladder for the levels within a bounded span (the
 * normal case: O(1) set at any depth), plus a sorted-array `outer` side for the few levels
 * the ladder cannot hold (non-integer prices, or stray levels far from the rest: e.g. a
 * Binance USD-M BTCUSDT book with bids at 5,600 and asks at 6,213,687 USDT next to a
 * 61,000 USDT top). A price lives in exactly one of the two: the ladder window only grows,
 * and when it does, outer levels that fall inside move into the ladder. Reads merge both
 * (outer levels are usually far worse than the top, so the merge rarely looks at them).
 * Both give the same levels; the split is a representation, never a behaviour.
 */
export class BookSideLevels {
  private readonly ladder: LadderSide;
  private readonly outer: SortedSide;
  private readonly isBid: boolean;

  constructor(isBid: boolean) {
    this.isBid = isBid;
    this.ladder = new LadderSide(isBid);
    this.outer = new SortedSide(isBid);
  }

  get count(): number {
    return this.ladder.count + this.outer.count;
  }

  clear(): void {
    this.ladder.clear();
    this.outer.clear();
  }

  /** Sets the absolute size at `price`; size 0 removes the level. */
  set(price: number, size: number): void {
    const ladder = this.ladder;
    if (ladder.inWindow(price)) {
      ladder.set(price, size);
      return;
    }
    const outer = this.outer;
    if (size === 0) {
      if (outer.count > 0) outer.set(price, 0);
      return;
    }
    if (!Number.isSafeInteger(price)) {
      outer.set(price, size);
      return;
    }
    // The ladder follows the top of the book: a new best price it cannot reach re-anchors it
    // there (its old levels move to the outer side), so stray levels never hold the window.
    let moved = false;
    if (ladder.count > 0 && this.better(price, ladder.best) && !ladder.fits(price)) {
      this.reanchor();
      moved = true;
    }
    const lo = ladder.lo;
    const width = ladder.sizes.length;
    if (!ladder.set(price, size)) {
      outer.set(price, size);
      return;
    }
    // The window moved or grew: outer levels now inside it belong to the ladder.
    if (outer.count > 0 && (moved || ladder.lo !== lo || ladder.sizes.length !== width)) this.absorbOuter();
  }

  /** Moves every ladder level to the outer side and empties the ladder (rare: the top jumped further than the span). */
  private reanchor(): void {
    const outer = this.outer;
    this.ladder.forEachLevel((p, q) => outer.set(p, q));
    this.ladder.clear();
  }

  private absorbOuter(): void {
    const outer = this.outer;
    const ladder = this.ladder;
    for (let i = outer.count - 1; i >= 0; i--) {
      const p = outer.prices[i]!;
      if (!ladder.inWindow(p)) continue;
      ladder.set(p, outer.sizes[i]!);
      outer.set(p, 0);
    }
  }

  /** Whether price a is better than price b on this side. */
  private better(a: number, b: number): boolean {
    return this.isBid ? a > b : a < b;
  }

  price(level: number): number {
    const ladder = this.ladder;
    if (level === 0 && ladder.count > 0 && (this.outer.count === 0 || this.better(ladder.best, this.outer.price(0)))) return ladder.best;
    if (this.outer.count === 0) return ladder.price(level);
    return this.walk(level) ? this.walkPrice : NaN;
  }

  size(level: number): number {
    const ladder = this.ladder;
    if (level === 0 && ladder.count > 0 && (this.outer.count === 0 || this.better(ladder.best, this.outer.price(0)))) return ladder.sizes[ladder.best - ladder.lo]!;
    if (this.outer.count === 0) return ladder.size(level);
    return this.walk(level) ? this.walkSize : NaN;
  }

  sizeAt(price: number): number {
    return this.ladder.inWindow(price) ? this.ladder.sizeAt(price) : this.outer.sizeAt(price);
  }

  depthQty(depth: number): number {
    if (this.outer.count === 0) return this.ladder.depthQty(depth);
    let sum = 0;
    const n = Math.min(depth, this.count);
    for (let k = 0; k < n; k++) if (this.walk(k)) sum += this.walkSize;
    return sum;
  }

  private walkPrice = NaN;
  private walkSize = NaN;

  /** Finds the level-th best level of the merged sides into walkPrice/walkSize; false if absent. */
  private walk(level: number): boolean {
    if (level < 0 || level >= this.count) return false;
    const ladder = this.ladder;
    const outer = this.outer;
    let slot = ladder.count > 0 ? ladder.best - ladder.lo : -1;
    let o = outer.count - 1;
    for (let k = 0; ; k++) {
      const lp = slot >= 0 ? ladder.lo + slot : NaN;
      const op = o >= 0 ? outer.prices[o]! : NaN;
      const fromLadder = o < 0 || (slot >= 0 && this.better(lp, op));
      if (k === level) {
        this.walkPrice = fromLadder ? lp : op;
        this.walkSize = fromLadder ? ladder.sizes[slot]! : outer.sizes[o]!;
        return true;
      }
      if (fromLadder) slot = ladder.nextFrom(slot);
      else o--;
    }
  }

  /** Visits levels best first. */
  forEachLevel(visit: (price: number, size: number) => void): void {
    const ladder = this.ladder;
    const outer = this.outer;
    if (outer.count === 0) {
      ladder.forEachLevel(visit);
      return;
    }
    let slot = ladder.count > 0 ? ladder.best - ladder.lo : -1;
    let o = outer.count - 1;
    while (slot >= 0 || o >= 0) {
      if (o < 0 || (slot >= 0 && this.better(ladder.lo + slot, outer.prices[o]!))) {
        visit(ladder.lo + slot, ladder.sizes[slot]!);
        slot = ladder.nextFrom(slot);
      } else {
        visit(outer.prices[o]!, outer.sizes[o]!);
        o--;
      }
    }
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
