/**
 * Price levels in sorted parallel arrays: any prices (integers or not), O(log n) lookup.
 * Key = sign × price, stored ascending, so the BEST level is the LAST element for both sides
 * (bids: sign +1, highest price last; asks: sign −1, lowest price last). Venue updates cluster
 * near the top, so inserting or removing there moves only the few levels better than it
 * (copyWithin), and nothing is allocated once the arrays have grown to the book's depth.
 * The outer part of a BookSideLevels, or all of it once a side has seen a non-integer price.
 */
/** Index guesses kept (a power of two) and the shift that maps a 32-bit hash onto them. */
const HINTS = 8;
const HINT_SHIFT = 29;

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

  /**
   * Index guesses by key hash (HINTS slots): where the level of a key was last found or put. A
   * guess is used only when it holds that very key (keys are unique), so inserts and removals
   * that shift the arrays never make one wrong, only stale. Far-off levels that a venue updates
   * again and again (USD-M BTCUSDT: bids at 1,000, 5,000 and 33,000 USDT in most diffs) then
   * cost one compare instead of a binary search.
   */
  private readonly hints = new Int32Array(HINTS);

  /** Index of the level with `key`, or of the first level whose key is > key (in [0, count]): the hinted index when it holds the key. */
  private find(key: number): number {
    const slot = Math.imul(key | 0, 0x9e3779b1) >>> HINT_SHIFT;
    const guess = this.hints[slot]!;
    if (guess < this.count && this.keys[guess] === key) return guess;
    const i = this.lowerBound(key);
    this.hints[slot] = i;
    return i;
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
    const i = this.find(key);
    return i < n && this.keys[i] === key ? this.sizes[i]! : 0;
  }

  /** Sets the level at `price` to `size` (qty units); size ≤ 0 removes it. */
  set(price: number, size: number): void {
    const key = this.sign * price;
    const i = this.find(key);
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

  /** Adds a level better than every stored one (the caller guarantees it). */
  pushBest(price: number, size: number): void {
    const n = this.count;
    if (n === this.keys.length) this.grow();
    this.keys[n] = this.sign * price;
    this.sizes[n] = size;
    this.count = n + 1;
  }

  /** [from, to): the stored levels whose key (sign × price) is in [lowKey, highKey]. */
  indexRange(lowKey: number, highKey: number): [number, number] {
    const from = this.lowerBound(lowKey);
    let to = this.lowerBound(highKey);
    if (to < this.count && this.keys[to] === highKey) to++;
    return [from, to];
  }

  /** Removes the stored levels [from, to). */
  removeRange(from: number, to: number): void {
    if (to <= from) return;
    const n = this.count;
    this.keys.copyWithin(from, to, n);
    this.sizes.copyWithin(from, to, n);
    this.count = n - (to - from);
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
