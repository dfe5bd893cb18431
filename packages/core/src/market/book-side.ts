/**
 * One side of an L2 book: price (price units) → size (qty units), best first.
 *
 * A price-indexed ladder around the top of the book — slot i holds the level at price
 * `lo + i × step`, so setting a level at any depth is O(1) — plus a sorted `outer` side
 * (SortedLevels) for the few levels too far from the top to fit the ladder span (e.g. stray Binance USD-M BTCUSDT
 * levels at 5,600 and 6,213,687 USDT next to a 61,000 USDT top).
 * Invariant: every outer level is worse than every ladder level, so a best-first walk is the
 * ladder, then the outer side. The ladder follows the top: a better price out of its reach
 * grows the window toward it or, beyond the span, re-anchors the window there (ladder levels
 * that no longer fit move to the outer side; outer levels inside the window move back).
 * `step` is the price grid in price units (the instrument's tick: 10 for Binance USD-M BTCUSDT at
 * two price decimals, so a slot per tick, not nine empty slots in ten); every level is on it. A
 * safe-integer price off the grid refines it to the gcd of the two (every level moves to the
 * outer side and the ladder re-anchors). A side that ever sees a non-integer price keeps every
 * level in the outer side from then on.
 * An occupancy bitmap (one bit per ladder slot) lets walks skip empty slots 32 at a time: the
 * next level after a removed best, the cursor, and a full walk (the state hash visits every
 * level) cost O(levels + window/32), not O(window).
 * The split is a representation, never a behaviour: the book oracle (book-oracle.test.ts)
 * checks every read against a plain Map. Nothing is allocated per update except when the
 * ladder window grows.
 *
 * Levels are walked with a cursor: `first()` → a handle, `next(h)`, -1 at the end;
 * `priceOf(h)`, `sizeOf(h)`. A handle is valid until the next `set`/`clear`/`removeBetterThan`.
 */
import { SortedLevels } from './sorted-levels.ts';

/** Widest span of the ladder in slots (1 MB of sizes; 13,107 USDT at BTCUSDT's 0.1 tick). */
const MAX_SPAN = 1 << 17;
/** Ladder widths are multiples of 32 (one bitmap word per 32 slots). */
const INITIAL_WIDTH = 4096;

export class BookSideLevels {
  /** true for bids (best = highest price). */
  readonly isBid: boolean;
  /** +1 for bids, −1 for asks: `sign × price` grows toward the best. */
  private readonly sign: number;
  /** Size per ladder slot (qty units); 0 = no level. */
  private sizes = new Float64Array(0);
  /** Bit (i & 31) of word (i >>> 5) is set exactly when slot i holds a level (sizes[i] !== 0). */
  private occupied = new Uint32Array(0);
  /** Price of slot 0 (price units), a multiple of `step`. */
  private lo = 0;
  /** Price units per slot: every level's price is a multiple of it. */
  private step: number;
  private ladderCount = 0;
  /** Best ladder price, NaN when the ladder is empty. */
  private best = NaN;
  private readonly outer: SortedLevels;
  /** A non-integer price was seen: every level lives in `outer`. */
  private sortedOnly = false;

  /** `tickUnits`: the instrument's price grid (price units); anything but a positive safe integer means 1. */
  constructor(isBid: boolean, tickUnits = 1) {
    this.isBid = isBid;
    this.step = Number.isSafeInteger(tickUnits) && tickUnits > 0 ? tickUnits : 1;
    this.sign = isBid ? 1 : -1;
    this.outer = new SortedLevels(this.sign);
  }

  /** Number of levels. */
  get count(): number {
    return this.ladderCount + this.outer.count;
  }

  /**
   * Empties the side. Zeroes only the occupied slots, walking the bitmap from the best slot
   * toward the worse end until every level is found (no bit is set on the better side of the
   * best): before any depth every BBO clears the book, and filling the whole window (up to
   * 1 MB) each time cost microseconds per BBO.
   */
  clear(): void {
    const sizes = this.sizes;
    const occ = this.occupied;
    const step = this.sign > 0 ? -1 : 1;
    let left = this.ladderCount;
    for (let w = ((this.best - this.lo) / this.step) >>> 5; left > 0; w += step) {
      let bits = occ[w]!;
      if (bits === 0) continue;
      occ[w] = 0;
      for (; bits !== 0; bits &= bits - 1, left--) sizes[(w << 5) + 31 - Math.clz32(bits & -bits)] = 0;
    }
    this.ladderCount = 0;
    this.best = NaN;
    this.outer.clear();
  }

  private inWindow(price: number): boolean {
    const i = (price - this.lo) / this.step;
    return i >= 0 && i < this.sizes.length && (i | 0) === i;
  }

  /** Size at `price` (qty units), 0 if no level. */
  sizeAt(price: number): number {
    if (this.inWindow(price)) return this.sizes[(price - this.lo) / this.step]!;
    return this.outer.count > 0 ? this.outer.sizeAt(price) : 0;
  }

  /**
   * Sets the level at `price` to `size` (qty units); size ≤ 0 removes it (absent levels are ignored).
   * The common row first, with the fewest branches: a price inside the ladder window whose
   * level exists and stays (a sorted-only side has an empty ladder, so it never takes this path).
   */
  set(price: number, size: number): void {
    const sizes = this.sizes;
    const i = (price - this.lo) / this.step;
    if (i >= 0 && i < sizes.length && (i | 0) === i) {
      if (size > 0 && sizes[i] !== 0) sizes[i] = size;
      else this.setSlot(i, price, size);
      return;
    }
    this.setOutsideWindow(price, size);
  }

  /**
   * Applies the rows [from, to) of a book_delta's columns that are on this side, as `set` would
   * one by one, while `sides[i] === code`; returns the index of the first row it did not apply
   * (`to`, or a row of another side code). The book's hot loop for a message whose sides come in
   * long runs (L2Book.applyDelta; `applyRow` takes interleaved rows): a row whose price is inside the
   * ladder window with a size ≥ 0 — almost every row — is one store of its size, one toggle of
   * its occupancy bit and a count update from the old size, with no branch on the old size (the
   * slot is often a cache miss, and a branch on it stalls every later row until it arrives);
   * the best moves only for a better new level or the best level's removal. Other rows take `set`.
   */
  applyRows(sides: ArrayLike<number>, prices: ArrayLike<number>, qtys: ArrayLike<number>, code: number, from: number, to: number): number {
    const sign = this.sign;
    let step = this.step;
    let sizes = this.sizes;
    let occ = this.occupied;
    let lo = this.lo;
    let count = this.ladderCount;
    let best = this.best;
    let i = from;
    for (; i < to && sides[i] === code; i++) {
      const price = prices[i]!;
      const size = qtys[i]!;
      const k = (price - lo) / step;
      if (k >= 0 && k < sizes.length && (k | 0) === k && size >= 0) {
        const w = k >>> 5;
        const word = occ[w]!;
        const had = (word >>> (k & 31)) & 1;
        const has = +(size > 0);
        sizes[k] = size + 0; // −0 is stored as 0 (no level)
        occ[w] = word ^ ((had ^ has) << (k & 31));
        count += has - had;
        if (has === 1 ? !(sign * price <= sign * best) : price === best) {
          // A new best (NaN best: the ladder was empty), or the best level removed.
          if (has === 1) best = price;
          else if (count > 0) best = lo + this.nextSlot(k) * step;
          else best = NaN;
        }
        if (count > 0 || had === 0 || this.outer.count === 0) continue;
        // This row removed the ladder's last level while the outer side holds levels: re-anchor at its best.
        this.ladderCount = 0;
        this.best = NaN;
        this.anchor(this.outer.bestPrice());
      } else {
        this.ladderCount = count;
        this.best = best;
        this.set(price, size);
      }
      step = this.step;
      sizes = this.sizes;
      occ = this.occupied;
      lo = this.lo;
      count = this.ladderCount;
      best = this.best;
    }
    this.ladderCount = count;
    this.best = best;
    return i;
  }

  /**
   * `set` for one book_delta row: the book's hot path for a message whose sides alternate
   * (L2Book.applyDelta calls it for every row after a short run of one side).
   * A row whose price is inside the ladder window with a size ≥ 0 — almost every row — is one
   * store of its size, one toggle of its occupancy bit and a count update from the old size, and
   * one comparison, almost always false, of its price with the best. No branch depends on the old
   * size (the slot is often a cache miss, and a branch on it stalls every later row until it
   * arrives) or on whether the row removes its level (about one row in five, at random: a branch
   * on it is mispredicted too often); only a row at or better than the best (or into an empty
   * ladder: the best is NaN) looks further, to move the best. Other rows take `set`.
   */
  applyRow(price: number, size: number): void {
    const sizes = this.sizes;
    const lo = this.lo;
    const step = this.step;
    const k = (price - lo) / step;
    if (!(k >= 0 && k < sizes.length && (k | 0) === k && size >= 0)) {
      this.set(price, size);
      return;
    }
    const occ = this.occupied;
    const w = k >>> 5;
    const word = occ[w]!;
    const had = (word >>> (k & 31)) & 1;
    const has = +(size > 0);
    sizes[k] = size + 0; // −0 is stored as 0 (no level)
    occ[w] = word ^ ((had ^ has) << (k & 31));
    const count = (this.ladderCount += has - had);
    const sign = this.sign;
    const best = this.best;
    if (!(sign * price < sign * best)) {
      // At or better than the best, or the ladder was empty (NaN best): a new best, or the best level removed.
      if (has === 1) {
        if (!(sign * price <= sign * best)) this.best = price;
      } else if (price === best) this.best = count > 0 ? lo + this.nextSlot(k) * step : NaN;
    }
    if (count > 0 || had === 0 || this.outer.count === 0) return;
    // This row removed the ladder's last level while the outer side holds levels: re-anchor at its best.
    this.anchor(this.outer.bestPrice());
  }

  /** `set` for a price outside the ladder window (or any price of a sorted-only side). */
  private setOutsideWindow(price: number, size: number): void {
    if (this.sortedOnly) {
      this.outer.set(price, size);
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
    if (price % this.step !== 0) {
      this.regrid(gcd(this.step, Math.abs(price)));
      this.set(price, size);
      return;
    }
    if (this.ladderCount === 0) {
      // Empty ladder: anchor it at the better of this price and the outer best.
      const outerBest = this.outer.bestPrice();
      this.anchor(outerBest === outerBest && this.sign * outerBest > this.sign * price ? outerBest : price);
      if (this.inWindow(price)) this.setSlot((price - this.lo) / this.step, price, size);
      else this.outer.set(price, size);
      return;
    }
    if (this.sign * price > this.sign * this.best) {
      // A new best out of reach: grow toward it, or re-anchor there.
      if (!this.grow(price)) this.anchor(price);
      this.setSlot((price - this.lo) / this.step, price, size);
      return;
    }
    // Worse than the best and outside the window: grow when within the span, else outer (a
    // window already MAX_SPAN wide cannot grow over a price outside it).
    if (this.sizes.length < MAX_SPAN && this.grow(price)) this.setSlot((price - this.lo) / this.step, price, size);
    else this.outer.set(price, size);
  }

  private setSlot(i: number, price: number, size: number): void {
    const sizes = this.sizes;
    const old = sizes[i]!;
    if (size <= 0) {
      if (old === 0) return;
      sizes[i] = 0;
      this.occupied[i >>> 5]! &= ~(1 << (i & 31));
      if (--this.ladderCount === 0) {
        this.best = NaN;
        if (this.outer.count > 0) this.anchor(this.outer.bestPrice());
      } else if (price === this.best) this.best = this.lo + this.nextSlot(i) * this.step;
      return;
    }
    sizes[i] = size;
    if (old !== 0) return;
    this.occupied[i >>> 5]! |= 1 << (i & 31);
    if (++this.ladderCount === 1 || this.sign * price > this.sign * this.best) this.best = price;
  }

  /** Next non-empty ladder slot worse than slot i, or -1: the highest occupied slot below i (bids), the lowest above i (asks). */
  private nextSlot(i: number): number {
    const occ = this.occupied;
    let w = i >>> 5;
    if (this.sign > 0) {
      let bits = occ[w]! & ((1 << (i & 31)) - 1);
      while (bits === 0) {
        if (--w < 0) return -1;
        bits = occ[w]!;
      }
      return (w << 5) + 31 - Math.clz32(bits);
    }
    // -2 << b keeps the bits above b (none when b = 31).
    let bits = occ[w]! & (-2 << (i & 31));
    while (bits === 0) {
      if (++w >= occ.length) return -1;
      bits = occ[w]!;
    }
    return (w << 5) + 31 - Math.clz32(bits & -bits);
  }

  /** Grows the window (keeping every ladder level) to include `price` (on the grid); false when the span would exceed MAX_SPAN. */
  private grow(price: number): boolean {
    const cap = this.sizes.length;
    // In slots of the current window: price at slot k, the new window [lo, hi].
    const k = (price - this.lo) / this.step;
    const lo = Math.min(0, k);
    const hi = Math.max(cap - 1, k);
    const need = hi - lo + 1;
    if (need > MAX_SPAN) return false;
    const width = Math.min(MAX_SPAN, (Math.max(need + (need >> 1), cap * 2) + 31) & ~31);
    const newLo = k < 0 ? hi - width + 1 : lo;
    const sizes = new Float64Array(width);
    sizes.set(this.sizes, -newLo);
    this.sizes = sizes;
    this.lo += newLo * this.step;
    // The levels moved by (old lo − new lo) slots, not a whole number of words: rebuild the bits.
    this.occupied = occupancyOf(sizes);
    this.absorb();
    return true;
  }

  /**
   * Re-centres the window so that `price` (the new best, or the outer best) sits near its
   * better end: every ladder level moves to the outer side, then outer levels inside the
   * window move back. Rare: the top jumped further than the span. O(levels + window/32): the
   * moves are appends and one contiguous cut of the outer side, never an insert per level (a
   * USD-M day re-anchors a side of ~2,700 levels, which level by level cost ~50 ms).
   */
  private anchor(price: number): void {
    if (this.ladderCount > 0) this.spill();
    this.best = NaN;
    let width = this.sizes.length;
    if (width === 0) {
      width = INITIAL_WIDTH;
      this.sizes = new Float64Array(width);
      this.occupied = new Uint32Array(width >>> 5);
    }
    // Room for the book below the best (bids) or above it (asks), a little on the better side.
    const headroom = width >> 3;
    this.lo = this.sign > 0 ? price - (width - 1 - headroom) * this.step : price - headroom * this.step;
    this.absorb();
  }

  /**
   * Moves every ladder level to the outer side and empties the ladder. Each ladder level is
   * better than every outer level, so they go onto the outer side's better end, worst first.
   */
  private spill(): void {
    const sizes = this.sizes;
    const occ = this.occupied;
    const outer = this.outer;
    const lo = this.lo;
    const step = this.step;
    if (this.sign > 0) {
      // Bids: worst = lowest slot, lowest bit of each word first.
      for (let w = 0; w < occ.length; w++) {
        for (let bits = occ[w]!; bits !== 0; bits &= bits - 1) {
          const i = (w << 5) + 31 - Math.clz32(bits & -bits);
          outer.pushBest(lo + i * step, sizes[i]!);
          sizes[i] = 0;
        }
      }
    } else {
      // Asks: worst = highest slot, highest bit of each word first.
      for (let w = occ.length - 1; w >= 0; w--) {
        for (let bits = occ[w]!; bits !== 0; ) {
          const b = 31 - Math.clz32(bits);
          const i = (w << 5) + b;
          outer.pushBest(lo + i * step, sizes[i]!);
          sizes[i] = 0;
          bits ^= 1 << b;
        }
      }
    }
    occ.fill(0);
    this.ladderCount = 0;
    this.best = NaN;
  }

  /** Moves outer levels that fall inside the window into the ladder: one run of the outer side's levels, cut out at once. */
  private absorb(): void {
    const outer = this.outer;
    if (outer.count === 0) return;
    const sign = this.sign;
    const lo = this.lo;
    const step = this.step;
    const hi = lo + (this.sizes.length - 1) * step;
    const [from, to] = outer.indexRange(sign > 0 ? lo : -hi, sign > 0 ? hi : -lo);
    for (let j = from; j < to; j++) {
      const p = outer.priceAt(j);
      this.setSlot((p - lo) / step, p, outer.sizes[j]!);
    }
    outer.removeRange(from, to);
  }

  /** Refines the grid to `step` (a divisor of the current one): the ladder re-anchors at the best on the finer grid. */
  private regrid(step: number): void {
    if (this.ladderCount > 0) this.spill();
    // lo stays a multiple of the new step (it was one of the old).
    this.step = step;
    if (this.outer.count > 0) this.anchor(this.outer.bestPrice());
  }

  private toSortedOnly(): void {
    if (this.ladderCount > 0) this.spill();
    this.sizes = new Float64Array(0);
    this.occupied = new Uint32Array(0);
    this.best = NaN;
    this.sortedOnly = true;
  }

  /** Removes every level strictly better than `price` (price units). */
  removeBetterThan(price: number): void {
    while (this.ladderCount > 0 && this.sign * this.best > this.sign * price)
      this.setSlot((this.best - this.lo) / this.step, this.best, 0);
    // Outer levels are worse than every ladder level: a ladder level left means the best is
    // now at or worse than `price`, so none of them is better (the applied BBO's common case).
    if (this.ladderCount > 0) return;
    const outer = this.outer;
    if (outer.count > 0 && this.sign * outer.bestPrice() > this.sign * price) outer.removeBetterThan(price);
  }

  /** Best price (price units), NaN when the side is empty. */
  bestPrice(): number {
    return this.ladderCount > 0 ? this.best : this.outer.bestPrice();
  }

  // ------------------------------------------------------------------ cursor, best first
  // Handle: a ladder slot (≥ 0), or -(j + 2) for outer index j; -1 = end.

  first(): number {
    if (this.ladderCount > 0) return (this.best - this.lo) / this.step;
    return this.outer.count > 0 ? -(this.outer.count + 1) : -1;
  }

  next(h: number): number {
    if (h >= 0) {
      const k = this.nextSlot(h);
      if (k >= 0) return k;
      return this.outer.count > 0 ? -(this.outer.count + 1) : -1;
    }
    // outer index j = -h - 2; the next worse one is j - 1
    return h < -2 ? h + 1 : -1;
  }

  /** Price (price units) at a cursor handle. */
  priceOf(h: number): number {
    return h >= 0 ? this.lo + h * this.step : this.outer.priceAt(-h - 2);
  }

  /** Size (qty units) at a cursor handle. */
  sizeOf(h: number): number {
    return h >= 0 ? this.sizes[h]! : this.outer.sizes[-h - 2]!;
  }

  // ------------------------------------------------------------------ reads by depth

  /** Handle of the level-th best level (0 = best), or -1. O(level) over the ladder's gaps. */
  private handleAt(level: number): number {
    if (!(level >= 0 && level < this.count)) return -1;
    let h = this.first();
    for (let k = 0; k < level; k++) h = this.next(h);
    return h;
  }

  /** Price of the level-th best level (0 = best), NaN if absent. */
  price(level: number): number {
    // The top is what strategies read on every trigger: no cursor for it.
    if (level === 0) return this.bestPrice();
    const h = this.handleAt(level);
    return h === -1 ? NaN : this.priceOf(h);
  }

  /** Size of the level-th best level (0 = best), NaN if absent. */
  size(level: number): number {
    if (level === 0) {
      if (this.ladderCount > 0) return this.sizes[(this.best - this.lo) / this.step]!;
      const outer = this.outer;
      return outer.count > 0 ? outer.sizes[outer.count - 1]! : NaN;
    }
    const h = this.handleAt(level);
    return h === -1 ? NaN : this.sizeOf(h);
  }

  /** Sum of sizes over the best `depth` levels (qty units). */
  depthQty(depth: number): number {
    let sum = 0;
    let k = 0;
    for (let h = this.first(); h !== -1 && k < depth; h = this.next(h), k++) sum += this.sizeOf(h);
    return sum;
  }

  /** Visits levels best first (over the occupancy bits: state hashing walks every level of every book). */
  forEachLevel(visit: (price: number, size: number) => void): void {
    if (this.ladderCount > 0) {
      const sizes = this.sizes;
      const occ = this.occupied;
      const lo = this.lo;
      const step = this.step;
      const top = ((this.best - lo) / step) >>> 5;
      // No bit is set on the better side of the best slot, so whole words can be taken.
      if (this.sign > 0) {
        for (let w = top; w >= 0; w--) {
          for (let bits = occ[w]!; bits !== 0; ) {
            const b = 31 - Math.clz32(bits);
            const i = (w << 5) + b;
            visit(lo + i * step, sizes[i]!);
            bits ^= 1 << b;
          }
        }
      } else {
        for (let w = top; w < occ.length; w++) {
          for (let bits = occ[w]!; bits !== 0; ) {
            const low = bits & -bits;
            const i = (w << 5) + 31 - Math.clz32(low);
            visit(lo + i * step, sizes[i]!);
            bits ^= low;
          }
        }
      }
    }
    const outer = this.outer;
    for (let j = outer.count - 1; j >= 0; j--) visit(outer.priceAt(j), outer.sizes[j]!);
  }
}

/**
 * The occupancy bitmap of a ladder (bit i set exactly when sizes[i] !== 0; length a multiple of
 * 32). Its own function so that V8 optimises this loop on its own (on-stack replacement) instead
 * of `grow`, which runs a few times per run: an OSR compile of `grow` had no type feedback for the
 * code before the loop and deoptimised on every later call.
 */
function occupancyOf(sizes: Float64Array): Uint32Array<ArrayBuffer> {
  const width = sizes.length;
  const occ = new Uint32Array(width >>> 5);
  for (let i = 0; i < width; i++) if (sizes[i] !== 0) occ[i >>> 5]! |= 1 << (i & 31);
  return occ;
}

/** Greatest common divisor of two positive safe integers. */
function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
