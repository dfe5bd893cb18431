/**
 * The exchange-side L2 book of one instrument, as the historical data describes it.
 *
 * Each side (BookSide) is a price-indexed ladder around the top of the book — slot i holds the
 * level at price `lo + i` (price units), so setting a level at any depth is O(1) — plus a
 * sorted-array `outer` side for the few levels too far from the top to fit the ladder span
 * (e.g. stray Binance USD-M levels millions of units away). Invariant: every outer level is
 * worse than every ladder level, so walking best-first is the ladder, then the outer side.
 * The ladder follows the top: a better price out of its reach re-anchors it. A side that
 * ever sees a non-integer price keeps all levels sorted from then on (a representation, never
 * a behaviour). No allocation on updates except when the ladder window grows.
 *
 * `consumed` (qty units, per level) remembers liquidity our own taker orders already took from
 * a level in its current state: the historical book never moves (no market impact), so without
 * it two of our orders could take the same liquidity twice. It resets to 0 whenever the
 * level's size changes (the market replaced it with a new state) or the level disappears.
 *
 * Levels are visited with a cursor: `first()` → a handle, `next(h)`, -1 at the end;
 * `priceOf(h)`, `sizeOf(h)`, `consumedOf(h)`, `consume(h, qty)`.
 */
// @ts-nocheck

/** Widest price-unit span of the ladder (1 MB per array); levels further from the top go to the outer side. */
const MAX_SPAN = 1 << 17;
const INITIAL_WIDTH = 4096;

export class BookSide {
  /** +1 for bids, -1 for asks. */
  readonly sign: number;
  private sizes = new Float64Array(0);
  private used = new Float64Array(0);
  private lo = 0;
  private lcount = 0;
  /** Best ladder price, NaN when the ladder is empty. */
  private best = NaN;
  private readonly outer: SortedSide;
  /** A non-integer price was seen: every level lives in `outer`. */
  private sortedOnly = false;

  constructor(sign: number, capacity = 256) {
    this.sign = sign;
    this.outer = new SortedSide(sign, capacity);
  }

  get count(): number {
    return this.lcount + this.outer.count;
  }

  clear(): void {
    if (this.lcount > 0) {
      this.sizes.fill(0);
      this.used.fill(0);
    }
    this.lcount = 0;
    this.best = NaN;
    this.outer.clear();
  }

  private inWindow(price: number): boolean {
    const i = price - this.lo;
    return i >= 0 && i < this.sizes.length && (i | 0) === i;
  }

  /** Historical size at `price` (qty units), 0 if no level. */
  sizeAt(price: number): number {
    if (this.inWindow(price)) return this.sizes[price - this.lo]!;
    return this.outer.count > 0 ? this.outer.sizeAt(price) : 0;
  }

  /** Sets the level at `price` to `size` (0 removes it). */
  set(price: number, size: number): void {
    if (this.sortedOnly) {
      this.outer.set(price, size);
      return;
    }
    if (this.inWindow(price)) {
      this.setSlot(price - this.lo, price, size);
      return;
    }
    if (size <= 0) {
      if (this.outer.count > 0) this.outer.set(price, 0);
      return;
    }
    if (!Number.isSafeInteger(price)) {
      this.toSortedOnly();
      this.outer.set(price, size);
      return;
    }
    if (this.lcount === 0) {
      // Empty ladder: anchor it at the better of this price and the outer best.
      const ob = this.outer.count > 0 ? this.outer.bestPrice() : NaN;
      this.anchor(ob === ob && this.sign * ob > this.sign * price ? ob : price);
      if (this.inWindow(price)) this.setSlot(price - this.lo, price, size);
      else this.outer.set(price, size);
      return;
    }
    if (this.sign * price > this.sign * this.best) {
      // A new best out of reach: grow toward it, or re-anchor there.
      if (!this.grow(price)) this.anchor(price);
      this.setSlot(price - this.lo, price, size);
      return;
    }
    // Worse than the best and outside the window: grow when within span, else outer.
    if (this.grow(price)) this.setSlot(price - this.lo, price, size);
    else this.outer.set(price, size);
  }

  private setSlot(i: number, price: number, size: number): void {
    const sizes = this.sizes;
    const old = sizes[i]!;
    if (size <= 0) {
      if (old === 0) return;
      sizes[i] = 0;
      this.used[i] = 0;
      if (--this.lcount === 0) {
        this.best = NaN;
        if (this.outer.count > 0) this.anchor(this.outer.bestPrice());
      } else if (price === this.best) this.best = this.lo + this.nextSlot(i);
      return;
    }
    if (old === size) return;
    sizes[i] = size;
    this.used[i] = 0;
    if (old === 0) {
      this.lcount++;
      if (this.lcount === 1 || this.sign * price > this.sign * this.best) this.best = price;
    }
  }

  /** Next non-empty ladder slot worse than slot i, or -1. */
  private nextSlot(i: number): number {
    const sizes = this.sizes;
    if (this.sign > 0) {
      for (let k = i - 1; k >= 0; k--) if (sizes[k] !== 0) return k;
    } else {
      for (let k = i + 1; k < sizes.length; k++) if (sizes[k] !== 0) return k;
    }
    return -1;
  }

  /** Grows the window (keeping every ladder level) to include `price`; false when the span would exceed MAX_SPAN. */
  private grow(price: number): boolean {
    const cap = this.sizes.length;
    const lo = Math.min(this.lo, price);
    const hi = Math.max(this.lo + cap - 1, price);
    const need = hi - lo + 1;
    if (need > MAX_SPAN) return false;
    const width = Math.min(MAX_SPAN, Math.max(need + (need >> 1), cap * 2));
    const newLo = price < this.lo ? hi - width + 1 : lo;
    const sizes = new Float64Array(width);
    const used = new Float64Array(width);
    sizes.set(this.sizes, this.lo - newLo);
    used.set(this.used, this.lo - newLo);
    this.sizes = sizes;
    this.used = used;
    this.lo = newLo;
    this.absorb();
    return true;
  }

  /**
   * Re-centres the ladder so that `price` (the new best, or the outer best) sits at the better
   * end of the window: every ladder level moves to the outer side, then outer levels inside
   * the window move back. Rare: the top jumped further than the span.
   */
  private anchor(price: number): void {
    const outer = this.outer;
    for (let i = 0; i < this.sizes.length && this.lcount > 0; i++) {
      if (this.sizes[i] === 0) continue;
      outer.set(this.lo + i, this.sizes[i]!);
      outer.setConsumed(this.lo + i, this.used[i]!);
      this.sizes[i] = 0;
      this.used[i] = 0;
      this.lcount--;
    }
    this.best = NaN;
    let width = this.sizes.length;
    if (width === 0) {
      width = INITIAL_WIDTH;
      this.sizes = new Float64Array(width);
      this.used = new Float64Array(width);
    }
    // Bids: the best is the highest price, keep room below it (and a little above).
    const headroom = width >> 3;
    this.lo = this.sign > 0 ? price - (width - 1 - headroom) : price - headroom;
    this.absorb();
  }

  /** Moves outer levels that fall inside the window into the ladder. */
  private absorb(): void {
    const outer = this.outer;
    for (let j = outer.count - 1; j >= 0; j--) {
      const p = outer.priceAt(j);
      if (!this.inWindow(p)) continue;
      const i = p - this.lo;
      const wasEmpty = this.sizes[i] === 0;
      this.sizes[i] = outer.sizes[j]!;
      this.used[i] = outer.consumed[j]!;
      outer.set(p, 0);
      if (wasEmpty) {
        this.lcount++;
        if (this.lcount === 1 || this.sign * p > this.sign * this.best) this.best = p;
      }
    }
  }

  private toSortedOnly(): void {
    for (let i = 0; i < this.sizes.length && this.lcount > 0; i++) {
      if (this.sizes[i] === 0) continue;
      this.outer.set(this.lo + i, this.sizes[i]!);
      this.outer.setConsumed(this.lo + i, this.used[i]!);
      this.lcount--;
    }
    this.sizes = new Float64Array(0);
    this.used = new Float64Array(0);
    this.best = NaN;
    this.sortedOnly = true;
  }

  /** Removes every level strictly better than `price` (used when a BBO says the top is at `price`). */
  removeBetterThan(price: number): void {
    while (this.lcount > 0 && this.sign * this.best > this.sign * price) this.setSlot(this.best - this.lo, this.best, 0);
    if (this.outer.count > 0) this.outer.removeBetterThan(price);
  }

  /** Best price (price units), or NaN when the side is empty. */
  bestPrice(): number {
    return this.lcount > 0 ? this.best : this.outer.bestPrice();
  }

  /** Best price among levels with liquidity we have not consumed, or NaN. */
  bestAvailablePrice(): number {
    for (let h = this.first(); h !== -1; h = this.next(h)) if (this.sizeOf(h) > this.consumedOf(h)) return this.priceOf(h);
    return NaN;
  }

  /**
   * Whether this side offers unconsumed liquidity at a price an order on the OTHER side with
   * limit `price` would trade with (bid side vs a sell at `price`: bid ≥ price; ask side vs a
   * buy: ask ≤ price).
   */
  crosses(price: number): boolean {
    const best = this.bestAvailablePrice();
    return best === best && this.sign * best >= this.sign * price;
  }

  // ------------------------------------------------------------------ cursor, best first
  // Handle: a ladder slot (>= 0), or -(j + 2) for outer index j; -1 = end.

  first(): number {
    if (this.lcount > 0) return this.best - this.lo;
    return this.outer.count > 0 ? -(this.outer.count - 1 + 2) : -1;
  }

  next(h: number): number {
    if (h >= 0) {
      const k = this.nextSlot(h);
      if (k >= 0) return k;
      return this.outer.count > 0 ? -(this.outer.count - 1 + 2) : -1;
    }
    const j = -h - 2 - 1;
    return j >= 0 ? -(j + 2) : -1;
  }

  priceOf(h: number): number {
    return h >= 0 ? this.lo + h : this.outer.priceAt(-h - 2);
  }

  sizeOf(h: number): number {
    return h >= 0 ? this.sizes[h]! : this.outer.sizes[-h - 2]!;
  }

  consumedOf(h: number): number {
    return h >= 0 ? this.used[h]! : this.outer.consumed[-h - 2]!;
  }

  /** Adds `qty` to the liquidity our orders took from the level. */
  consume(h: number, qty: number): void {
    if (h >= 0) this.used[h] = this.used[h]! + qty;
    else this.outer.consumed[-h - 2] = this.outer.consumed[-h - 2]! + qty;
  }
}

/** Sorted-array levels (the outer part of a BookSide, or all of it once a price is not an integer). */
export class SortedSide {
  /** +1 for bids, -1 for asks: key = sign × price. */
  readonly sign: number;
  count = 0;
  keys: Float64Array;
  sizes: Float64Array;
  consumed: Float64Array;

  constructor(sign: number, capacity = 256) {
    this.sign = sign;
    this.keys = new Float64Array(capacity);
    this.sizes = new Float64Array(capacity);
    this.consumed = new Float64Array(capacity);
  }

  clear(): void {
    this.count = 0;
  }

  /** Index of the first level whose key is ≥ key (in [0, count]). */
  lowerBound(key: number): number {
    let lo = 0;
    let hi = this.count;
    const keys = this.keys;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Historical size at `price` (qty units), 0 if no level. */
  sizeAt(price: number): number {
    const key = this.sign * price;
    // Fast path: most lookups are at or near the top of the book.
    const n = this.count;
    if (n > 0 && this.keys[n - 1] === key) return this.sizes[n - 1]!;
    const i = this.lowerBound(key);
    return i < n && this.keys[i] === key ? this.sizes[i]! : 0;
  }

  /** Sets the level at `price` to `size` (0 removes it). */
  set(price: number, size: number): void {
    const key = this.sign * price;
    const i = this.lowerBound(key);
    const n = this.count;
    const exists = i < n && this.keys[i] === key;
    if (size <= 0) {
      if (exists) {
        this.keys.copyWithin(i, i + 1, n);
        this.sizes.copyWithin(i, i + 1, n);
        this.consumed.copyWithin(i, i + 1, n);
        this.count = n - 1;
      }
      return;
    }
    if (exists) {
      if (this.sizes[i] !== size) {
        this.sizes[i] = size;
        this.consumed[i] = 0;
      }
      return;
    }
    if (n === this.keys.length) this.grow();
    if (i < n) {
      this.keys.copyWithin(i + 1, i, n);
      this.sizes.copyWithin(i + 1, i, n);
      this.consumed.copyWithin(i + 1, i, n);
    }
    this.keys[i] = key;
    this.sizes[i] = size;
    this.consumed[i] = 0;
    this.count = n + 1;
  }

  /** Removes every level strictly better than `price` (used when a BBO says the top is at `price`). */
  removeBetterThan(price: number): void {
    const key = this.sign * price;
    // First index with key > price's key = lowerBound(key) or one after it when it exists.
    let i = this.lowerBound(key);
    if (i < this.count && this.keys[i] === key) i++;
    this.count = i;
  }

  /** Sets the consumed quantity at an existing level (moving a level between representations). */
  setConsumed(price: number, consumed: number): void {
    const key = this.sign * price;
    const i = this.lowerBound(key);
    if (i < this.count && this.keys[i] === key) this.consumed[i] = consumed;
  }

  /** Best price (price units), or NaN when the side is empty. */
  bestPrice(): number {
    return this.count > 0 ? this.sign * this.keys[this.count - 1]! : NaN;
  }

  /** Price of level `i` (price units); i = count - 1 is the best. */
  priceAt(i: number): number {
    return this.sign * this.keys[i]!;
  }

  /** Best price among levels with liquidity we have not consumed, or NaN. */
  bestAvailablePrice(): number {
    for (let i = this.count - 1; i >= 0; i--) {
      if (this.sizes[i]! > this.consumed[i]!) return this.sign * this.keys[i]!;
    }
    return NaN;
  }

  /**
   * Whether this side offers unconsumed liquidity at a price an order on the OTHER side with
   * limit `price` would trade with (bid side vs a sell at `price`: bid ≥ price; ask side vs a
   * buy: ask ≤ price).
   */
  crosses(price: number): boolean {
    const best = this.bestAvailablePrice();
    return best === best && this.sign * best >= this.sign * price;
  }

  private grow(): void {
    const cap = this.keys.length * 2;
    const keys = new Float64Array(cap);
    const sizes = new Float64Array(cap);
    const consumed = new Float64Array(cap);
    keys.set(this.keys);
    sizes.set(this.sizes);
    consumed.set(this.consumed);
    this.keys = keys;
    this.sizes = sizes;
    this.consumed = consumed;
  }
}

/** Both sides of one instrument's exchange-side book. */
export class ExchangeBook {
  readonly bids = new BookSide(1);
  readonly asks = new BookSide(-1);

  side(isBid: boolean): BookSide {
    return isBid ? this.bids : this.asks;
  }
}
