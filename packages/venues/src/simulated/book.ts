/**
 * The simulated venue's exchange-side book: the core's L2Book (one book type, one rule for
 * depth and BBO — see @chassis/core market/book.ts), plus the one thing only the venue needs:
 * what our own taker orders took.
 *
 * The historical book never moves for our orders (no market impact), so without this two of
 * our orders could take the same liquidity twice. `consumed` (qty units) is remembered per
 * level in the state the level had when we took from it, and forgotten as soon as the market
 * changes that level's size or removes it (the data replaced it with a new state); setting a
 * level to the size it already has keeps it.
 *
 * Levels are visited with the core side's cursor: `first()` → a handle, `next(h)`, -1 at the
 * end; `priceOf(h)`, `sizeOf(h)`, plus `consumedOf(h)` and `consume(h, qty)` here.
 */
import { L2Book, type BboEvent, type BookDeltaEvent, type BookSideLevels } from '@chassis/core';

/** What our taker orders took from one level, and the level size it was taken from (qty units). */
interface Taken {
  readonly levelSize: number;
  qty: number;
}

/** One side of the exchange-side book: the core side's levels plus our consumed liquidity. */
export class ExchangeSide {
  /** Consumed liquidity by price (price units); empty almost always (only our taker fills add to it). */
  private readonly taken = new Map<number, Taken>();

  constructor(
    readonly levels: BookSideLevels,
    /** +1 for bids, −1 for asks. */
    readonly sign: number,
  ) {}

  get count(): number {
    return this.levels.count;
  }

  /** Historical size at `price` (qty units), 0 if no level. */
  sizeAt(price: number): number {
    return this.levels.sizeAt(price);
  }

  /** Best historical price (price units), or NaN when the side is empty. */
  bestPrice(): number {
    return this.levels.bestPrice();
  }

  first(): number {
    return this.levels.first();
  }

  next(h: number): number {
    return this.levels.next(h);
  }

  priceOf(h: number): number {
    return this.levels.priceOf(h);
  }

  sizeOf(h: number): number {
    return this.levels.sizeOf(h);
  }

  /** Liquidity our orders already took from the level at handle `h` in its current state (qty units). */
  consumedOf(h: number): number {
    if (this.taken.size === 0) return 0;
    const taken = this.taken.get(this.levels.priceOf(h));
    return taken !== undefined && taken.levelSize === this.levels.sizeOf(h) ? taken.qty : 0;
  }

  /** Adds `qty` (qty units) to the liquidity our orders took from the level at handle `h`. */
  consume(h: number, qty: number): void {
    const price = this.levels.priceOf(h);
    const size = this.levels.sizeOf(h);
    const taken = this.taken.get(price);
    if (taken !== undefined && taken.levelSize === size) taken.qty += qty;
    else this.taken.set(price, { levelSize: size, qty });
  }

  /** Best price among levels with liquidity we have not consumed, or NaN. */
  bestAvailablePrice(): number {
    for (let h = this.first(); h !== -1; h = this.next(h))
      if (this.sizeOf(h) > this.consumedOf(h)) return this.priceOf(h);
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

  /** Whether anything was consumed (the market-update path skips the bookkeeping otherwise). */
  get hasTaken(): boolean {
    return this.taken.size > 0;
  }

  /** A market row sets `price` to `size`: a different size is a new state of the level. */
  onRow(price: number, size: number): void {
    const taken = this.taken.get(price);
    if (taken !== undefined && taken.levelSize !== size) this.taken.delete(price);
  }

  /** Forgets what was taken from levels whose size changed or that are gone. */
  forgetChanged(): void {
    for (const [price, taken] of this.taken)
      if (this.levels.sizeAt(price) !== taken.levelSize) this.taken.delete(price);
  }

  forgetAll(): void {
    this.taken.clear();
  }
}

/** Both sides of one instrument's exchange-side book. */
export class ExchangeBook {
  readonly book: L2Book;
  readonly bids: ExchangeSide;
  readonly asks: ExchangeSide;

  constructor(instrument: string, tickUnits = 1) {
    this.book = new L2Book(instrument, tickUnits);
    this.bids = new ExchangeSide(this.book.bids, 1);
    this.asks = new ExchangeSide(this.book.asks, -1);
  }

  side(isBid: boolean): ExchangeSide {
    return isBid ? this.bids : this.asks;
  }

  /** A book_delta, by the core book's rule; consumed liquidity follows the levels it changes. */
  applyDelta(event: BookDeltaEvent): void {
    const { bids, asks } = this;
    if (bids.hasTaken || asks.hasTaken) {
      if (event.isSnapshot) {
        bids.forgetAll();
        asks.forgetAll();
      } else {
        const end = event.offset + event.count;
        for (let i = event.offset; i < end; i++)
          (event.sides[i] === 0 ? bids : asks).onRow(event.prices[i]!, event.sizes[i]!);
      }
    }
    this.book.applyDelta(event);
    if (bids.hasTaken) bids.forgetChanged();
    if (asks.hasTaken) asks.forgetChanged();
  }

  /** A BBO, by the core book's rule. */
  applyBbo(event: BboEvent): void {
    this.book.applyBbo(event);
    if (this.bids.hasTaken) this.bids.forgetChanged();
    if (this.asks.hasTaken) this.asks.forgetChanged();
  }
}
