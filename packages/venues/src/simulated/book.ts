/**
 * The exchange-side L2 book of one instrument, as the historical data describes it.
 *
 * Each side is a sorted array of levels in typed arrays (prices in price units, sizes in qty
 * units). Levels are kept in ascending order of a side key (bid: price, ask: -price), so the
 * BEST level is always the LAST one: updates cluster near the top of the book and therefore
 * shift only a few elements, and removing everything better than a price is a truncation.
 * No allocation on updates except when a side outgrows its capacity (doubling, amortised).
 *
 * `consumed` (qty units, per level) remembers liquidity our own taker orders already took from
 * a level in its current state: the historical book never moves (no market impact), so without
 * it two of our orders could take the same liquidity twice. It resets to 0 whenever the
 * level's size changes (the market replaced it with a new state) or the level disappears.
 */
export class BookSide {
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
