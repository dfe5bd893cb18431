/**
 * Price levels in sorted parallel arrays: any prices (integers or not), O(log n) lookup.
 * Key = sign × price, stored ascending, so the BEST level is the LAST element for both sides
 * (bids: sign +1, highest price last; asks: sign −1, lowest price last). Venue updates cluster
 * near the top, so inserting or removing there moves only the few levels better than it
 * (copyWithin), and nothing is allocated once the arrays have grown to the book's depth.
 * The outer part of a BookSideLevels, or all of it once a side has seen a non-integer price.
 */
export class SortedLevels {
  /** +1 for bids, −1 for asks. */
  readonly sign: number;
  count = 0;
  /** sign × price per level, ascending (worst first); only [0, count) is meaningful. */
  keys: Float64Array;
  /** Size per level (qty units), parallel to `keys`. */
  sizes: Float64Array;

  constructor(sign: number, capacity = 256) {
    this.sign = sign;
    this.keys = new Float64Array(capacity);
    this.sizes = new Float64Array(capacity);
  }

  clear(): void {
    this.count = 0;
  }

  /** Index of the first level whose key is ≥ key (in [0, count]). */
  private lowerBound(key: number): number {
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

  /** Size at `price` (qty units), 0 if no level. */
  sizeAt(price: number): number {
    const key = this.sign * price;
    const n = this.count;
    // Most lookups are at the top of the book, the last element.
    if (n > 0 && this.keys[n - 1] === key) return this.sizes[n - 1]!;
    const i = this.lowerBound(key);
    return i < n && this.keys[i] === key ? this.sizes[i]! : 0;
  }

  /** Sets the level at `price` to `size` (qty units); size ≤ 0 removes it. */
  set(price: number, size: number): void {
    const key = this.sign * price;
    const i = this.lowerBound(key);
    const n = this.count;
    const exists = i < n && this.keys[i] === key;
    if (size <= 0) {
      if (exists) {
        this.keys.copyWithin(i, i + 1, n);
        this.sizes.copyWithin(i, i + 1, n);
        this.count = n - 1;
      }
      return;
    }
    if (exists) {
      this.sizes[i] = size;
      return;
    }
    if (n === this.keys.length) this.grow();
    if (i < n) {
      this.keys.copyWithin(i + 1, i, n);
      this.sizes.copyWithin(i + 1, i, n);
    }
    this.keys[i] = key;
    this.sizes[i] = size;
    this.count = n + 1;
  }

  /** Removes every level strictly better than `price`. */
  removeBetterThan(price: number): void {
    const key = this.sign * price;
    let i = this.lowerBound(key);
    if (i < this.count && this.keys[i] === key) i++;
    this.count = i;
  }

  /** Best price (price units), NaN when empty. */
  bestPrice(): number {
    return this.count > 0 ? this.sign * this.keys[this.count - 1]! : NaN;
  }

  /** Price of stored level `i` (price units); i = count − 1 is the best. */
  priceAt(i: number): number {
    return this.sign * this.keys[i]!;
  }

  private grow(): void {
    const capacity = Math.max(8, this.keys.length * 2);
    const keys = new Float64Array(capacity);
    const sizes = new Float64Array(capacity);
    keys.set(this.keys);
    sizes.set(this.sizes);
    this.keys = keys;
    this.sizes = sizes;
  }
}
