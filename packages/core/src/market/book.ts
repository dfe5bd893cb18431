/**
 * L2 order book of one instrument: price levels on both sides in integer price/qty units,
 * driven by book_delta and BBO events through `applyDelta` and `applyBbo`. The one book type
 * of Chassis: the core's market state and the simulated venue's exchange-side book are both
 * this class, so a strategy and the venue see the same book, only at different times.
 *
 * How depth and BBO combine (one rule, for every venue):
 * - book_delta sets absolute sizes per level (0 removes); a snapshot replaces both sides first.
 * - A BBO is authoritative for the top when it is provably not older than the depth applied
 *   so far: its venue update id is ≥ the last depth update id (Binance bookTicker `u` and
 *   depth-diff `u` count the same order-book updates). Then on each side with a quantity it
 *   removes the levels strictly better than the BBO price and sets the BBO level's size.
 * - A depth update older than the last applied BBO (update id < the BBO's; the diff stream
 *   lags bookTicker by up to its 100 ms batching) is applied and then the BBO's top is
 *   applied again, so an old diff cannot bring back levels the newer BBO removed; a later BBO
 *   that was not applied (stale or unsequenced) does not change which top that is. A depth
 *   update at or after the BBO's id is authoritative for every level it names.
 * - A BBO without an update id, or older than the depth, never touches a book that has depth
 *   (a lagging or unsequenced top must not corrupt it); it is kept in `bbo*` only.
 * - Before any depth (BBO-only data) the BBO is the book: each side with a quantity becomes
 *   that one level.
 */
import type { BboEvent, BookDeltaEvent } from '../events.ts';
import type { BookView } from '../state/view.ts';
import { BookSideLevels } from './book-side.ts';

/** A run of one side's rows this short (or shorter) sends the rest of its message row by row. */
const SHORT_RUN = 4;

export class L2Book implements BookView {
  readonly instrument: string;
  readonly bids: BookSideLevels;
  readonly asks: BookSideLevels;
  /** [bids, asks]: a book_delta row's side by its code (0 bid, 1 ask: the event's contract; the low bit decides). */
  private readonly bySide: readonly [BookSideLevels, BookSideLevels];
  /** Venue update id of the last book_delta that had one (-1n = none). */
  lastUpdateId = -1n;
  /** Whether any book_delta was applied: from then on depth owns the levels. */
  hasDepth = false;
  /** The last BBO event seen (price/qty units; NaN before any), applied to the levels or not. */
  bboBidPrice = NaN;
  bboBidQty = NaN;
  bboAskPrice = NaN;
  bboAskQty = NaN;
  /** Venue update id of the last BBO (-1n = none or unsequenced). */
  bboUpdateId = -1n;
  /** The top of the last BBO applied to the levels (price/qty units; NaN before any): re-applied after an older depth update. */
  appliedBidPrice = NaN;
  appliedBidQty = NaN;
  appliedAskPrice = NaN;
  appliedAskQty = NaN;
  /** Venue update id of the last applied BBO (-1n = none or unsequenced). */
  appliedUpdateId = -1n;

  /** `tickUnits`: the instrument's tick in price units, the grid of the ladder (a price off it still works: the grid refines). */
  constructor(instrument: string, tickUnits = 1) {
    this.instrument = instrument;
    this.bids = new BookSideLevels(true, tickUnits);
    this.asks = new BookSideLevels(false, tickUnits);
    this.bySide = [this.bids, this.asks];
  }

  /** Applies a book_delta's rows (absolute sizes; a snapshot replaces the book), then the newer BBO's top if there is one. */
  applyDelta(event: BookDeltaEvent): void {
    const { bids, asks } = this;
    if (event.isSnapshot) {
      bids.clear();
      asks.clear();
    }
    const end = event.offset + event.count;
    const sides = event.sides;
    const prices = event.prices;
    const sizes = event.sizes;
    const bySide = this.bySide;
    // Runs of one side at a time (a Binance message is its bids, then its asks) while the runs
    // are long; after a short run the rest row by row, the side picked by index, not by a branch:
    // a message whose rows alternate sides at random would mispredict the end of nearly every run.
    let i = event.offset;
    while (i < end) {
      const code = sides[i]!;
      const from = i;
      i = bySide[code & 1]!.applyRows(sides, prices, sizes, code, i, end);
      if (i - from < SHORT_RUN) break;
    }
    for (; i < end; i++) bySide[sides[i]! & 1]!.applyRow(prices[i]!, sizes[i]!);
    this.hasDepth = true;
    const updateId = event.updateId;
    if (updateId >= 0n) {
      this.lastUpdateId = updateId;
      if (this.appliedUpdateId > updateId) this.applyTop();
    }
  }

  /** Records a BBO and applies it to the levels when the rule above says it is authoritative. */
  applyBbo(event: BboEvent): void {
    this.bboBidPrice = event.bidPriceUnits;
    this.bboBidQty = event.bidQtyUnits;
    this.bboAskPrice = event.askPriceUnits;
    this.bboAskQty = event.askQtyUnits;
    this.bboUpdateId = event.updateId;
    if (this.hasDepth && !(event.updateId >= 0n && event.updateId >= this.lastUpdateId)) return;
    if (!this.hasDepth) {
      if (event.bidQtyUnits > 0) this.bids.clear();
      if (event.askQtyUnits > 0) this.asks.clear();
    }
    this.appliedBidPrice = event.bidPriceUnits;
    this.appliedBidQty = event.bidQtyUnits;
    this.appliedAskPrice = event.askPriceUnits;
    this.appliedAskQty = event.askQtyUnits;
    this.appliedUpdateId = event.updateId;
    this.applyTop();
  }

  /** The applied BBO as the top of each side that has a quantity: better levels go, the BBO level gets its size. */
  private applyTop(): void {
    if (this.appliedBidQty > 0) {
      this.bids.removeBetterThan(this.appliedBidPrice);
      this.bids.set(this.appliedBidPrice, this.appliedBidQty);
    }
    if (this.appliedAskQty > 0) {
      this.asks.removeBetterThan(this.appliedAskPrice);
      this.asks.set(this.appliedAskPrice, this.appliedAskQty);
    }
  }

  get bidLevels(): number {
    return this.bids.count;
  }

  get askLevels(): number {
    return this.asks.count;
  }

  bidPrice(level = 0): number {
    return this.bids.price(level);
  }

  bidQty(level = 0): number {
    return this.bids.size(level);
  }

  askPrice(level = 0): number {
    return this.asks.price(level);
  }

  askQty(level = 0): number {
    return this.asks.size(level);
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
    const bq = this.bids.depthQty(depth);
    const aq = this.asks.depthQty(depth);
    return (bq - aq) / (bq + aq);
  }
}
