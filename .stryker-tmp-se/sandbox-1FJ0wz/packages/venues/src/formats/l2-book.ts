/**
 * A price-level book keyed by decimal strings, kept sorted (bids descending, asks ascending)
 * so top-N reads are O(N). Used by OKX checksum verification and by tests and quality checks
 * that rebuild a book from book_delta records. Levels keep the venue's own strings, because
 * checksums are computed over the text as sent.
 */
// @ts-nocheck

import type { BookDeltaRecord } from './records.ts';

export interface Level {
  /** Price as the venue sent it. */
  readonly price: string;
  /** Size as the venue sent it (never "0": zero removes the level). */
  readonly size: string;
  /** Numeric price, only for ordering; decimal strings with < 16 significant digits map 1:1 to doubles. */
  readonly key: number;
}

class BookSide {
  readonly levels: Level[] = [];
  constructor(private readonly descending: boolean) {}

  /** Index of the level with this key, or -(insertion point) - 1. */
  private find(key: number): number {
    let lo = 0;
    let hi = this.levels.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.levels[mid]!.key;
      if (k === key) return mid;
      const before = this.descending ? k > key : k < key;
      if (before) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  set(price: string, size: string): void {
    const key = Number(price);
    const i = this.find(key);
    if (isZero(size)) {
      if (i >= 0) this.levels.splice(i, 1);
      return;
    }
    const level = { price, size, key };
    if (i >= 0) this.levels[i] = level;
    else this.levels.splice(-i - 1, 0, level);
  }

  clear(): void {
    this.levels.length = 0;
  }
}

export function isZero(size: string): boolean {
  return /^0*\.?0*$/.test(size);
}

export class L2Book {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);

  /** Applies absolute sizes per level; a snapshot replaces the whole book first. */
  apply(bids: readonly (readonly [string, string])[], asks: readonly (readonly [string, string])[], isSnapshot: boolean): void {
    if (isSnapshot) this.clear();
    for (const [p, s] of bids) this.bids.set(p, s);
    for (const [p, s] of asks) this.asks.set(p, s);
  }

  applyRecord(record: BookDeltaRecord): void {
    this.apply(record.bids, record.asks, record.isSnapshot);
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  bestBid(): Level | undefined {
    return this.bids.levels[0];
  }

  bestAsk(): Level | undefined {
    return this.asks.levels[0];
  }

  /** Best bid >= best ask (crossed or locked). */
  isCrossed(): boolean {
    const b = this.bestBid();
    const a = this.bestAsk();
    return b !== undefined && a !== undefined && b.key >= a.key;
  }
}
