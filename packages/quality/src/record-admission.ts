/**
 * Which normalized market records of one instrument become canonical rows: the gate's rules
 * against repeats, in one place, so that the gate and the live market input (@chassis/live)
 * admit exactly the same records and a live session's events equal a backtest of its window.
 *
 * - book_delta: an update id at or below the last one seen (snapshots excepted) is never stored,
 *   or the book would apply it twice; equal = repeated, lower = backwards.
 * - trade: a trade id among the last 64 of the instrument is a repeat.
 * - bbo: an update id equal to the previous quote's is a repeat.
 * Records without an id (updateId null) are always admitted.
 */
import type { BboRecord, BookDeltaRecord, TradeRecord } from '@chassis/venues';

export type MarketRecord = BookDeltaRecord | TradeRecord | BboRecord;

/** 'admit', or why the record is dropped. */
export type Admission = 'admit' | 'repeated_book_update' | 'backwards_book_update' | 'repeated_trade' | 'repeated_bbo';

/** Trade ids remembered per instrument for the repeat check. */
const RECENT_TRADE_IDS = 64;

export class RecordAdmission {
  private lastUpdateId = -1n;
  private lastBboUpdateId = -2n;
  private readonly recentTradeIds: string[] = [];

  /** Decides one record of this instrument, in processing order, and remembers what it admits. */
  admit(r: MarketRecord): Admission {
    if (r.kind === 'book_delta') {
      const uid = r.updateId ?? -1n;
      if (r.updateId !== null && !r.isSnapshot && uid <= this.lastUpdateId)
        return uid === this.lastUpdateId ? 'repeated_book_update' : 'backwards_book_update';
      if (r.updateId !== null) this.lastUpdateId = uid;
      return 'admit';
    }
    if (r.kind === 'trade') {
      if (this.recentTradeIds.includes(r.tradeId)) return 'repeated_trade';
      this.recentTradeIds.push(r.tradeId);
      if (this.recentTradeIds.length > RECENT_TRADE_IDS) this.recentTradeIds.shift();
      return 'admit';
    }
    const uid = r.updateId ?? -1n;
    if (r.updateId !== null && uid === this.lastBboUpdateId) return 'repeated_bbo';
    this.lastBboUpdateId = uid;
    return 'admit';
  }

  /** Update id of the last admitted book record with one (-1n before any). */
  get lastBookUpdateId(): bigint {
    return this.lastUpdateId;
  }
}
