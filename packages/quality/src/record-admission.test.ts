import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BboRecord, BookDeltaRecord, TradeRecord } from '@chassis/venues';
import { RecordAdmission } from './record-admission.ts';

const head = {
  venue: 'binance-usdm' as const,
  instrument: 'BTCUSDT',
  tsEventNs: 1n,
  tsLocalNs: 1n,
  source: { file: 'f', line: 1 },
};
const book = (updateId: bigint | null, isSnapshot = false): BookDeltaRecord => ({
  ...head,
  kind: 'book_delta',
  updateId,
  isSnapshot,
  bids: [['1', '1']],
  asks: [],
});
const trade = (tradeId: string): TradeRecord => ({
  ...head,
  kind: 'trade',
  tradeId,
  price: '1',
  size: '1',
  aggressor: 'buy',
});
const bbo = (updateId: bigint | null): BboRecord => ({
  ...head,
  kind: 'bbo',
  updateId,
  bidPrice: '1',
  bidSize: '1',
  askPrice: '2',
  askSize: '1',
});

describe('RecordAdmission (the gate rules against repeats)', () => {
  it('drops a book update at the last id as repeated and below it as backwards, but admits any snapshot', () => {
    const a = new RecordAdmission();
    expect(a.admit(book(10n))).toBe('admit');
    expect(a.admit(book(10n))).toBe('repeated_book_update');
    expect(a.admit(book(9n))).toBe('backwards_book_update');
    expect(a.admit(book(5n, true))).toBe('admit');
    expect(a.admit(book(6n))).toBe('admit');
  });

  it('admits book updates without an id whatever came before', () => {
    const a = new RecordAdmission();
    expect(a.admit(book(10n))).toBe('admit');
    expect(a.admit(book(null))).toBe('admit');
    expect(a.admit(book(null))).toBe('admit');
  });

  it('drops a quote repeating the previous update id only (an older id is admitted)', () => {
    const a = new RecordAdmission();
    expect(a.admit(bbo(7n))).toBe('admit');
    expect(a.admit(bbo(7n))).toBe('repeated_bbo');
    expect(a.admit(bbo(3n))).toBe('admit');
    expect(a.admit(bbo(7n))).toBe('admit');
  });

  it('drops a trade id exactly when it is among the 64 trade ids admitted last (a plain list as reference)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 400 }), (ids) => {
        const a = new RecordAdmission();
        const admitted: string[] = [];
        for (const n of ids) {
          const id = String(n);
          const repeat = admitted.slice(-64).includes(id);
          expect(a.admit(trade(id))).toBe(repeat ? 'repeated_trade' : 'admit');
          if (!repeat) admitted.push(id);
        }
      }),
    );
  });
});
