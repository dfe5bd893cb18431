import { describe, expect, it } from 'vitest';
import type { BookDeltaRecord, TradeRecord } from '@chassis/venues';
import { specInstrument } from './spec-instrument.ts';
import { CanonicalEvents } from './canonical-events.ts';

const head = {
  venue: 'binance-usdm' as const,
  instrument: 'BTCUSDT',
  tsEventNs: 5n,
  tsLocalNs: 7n,
  source: { file: 'live:s', line: 3 },
};
const book = (bids: [string, string][], asks: [string, string][], updateId: bigint | null = 10n): BookDeltaRecord => ({
  ...head,
  kind: 'book_delta',
  updateId,
  isSnapshot: false,
  bids,
  asks,
});
const trade = (price: string, size: string): TradeRecord => ({
  ...head,
  kind: 'trade',
  tradeId: '1',
  price,
  size,
  aggressor: 'sell',
});

describe('CanonicalEvents (records → events in the instrument units)', () => {
  const inst = specInstrument('binance-usdm', 'BTCUSDT');

  it('lays a book message out as bids then asks, side 0 then 1, sizes absolute, 0 kept as a removal', () => {
    const c = new CanonicalEvents(inst).convert(
      book(
        [
          ['60000.1', '1.5'],
          ['59999.9', '0'],
        ],
        [['60000.2', '2']],
      ),
      9n,
    );
    expect(c.kind).toBe('event');
    const e = (
      c as {
        event: {
          sides: ArrayLike<number>;
          prices: ArrayLike<number>;
          sizes: ArrayLike<number>;
          count: number;
          tsLocalNs: bigint;
          tsEventNs: bigint;
          instrument: string;
        };
      }
    ).event;
    expect([...Array.from(e.sides)]).toEqual([0, 0, 1]);
    expect(Array.from(e.prices)).toEqual([
      600001 * 10 ** (inst.priceDecimals - 1),
      599999 * 10 ** (inst.priceDecimals - 1),
      600002 * 10 ** (inst.priceDecimals - 1),
    ]);
    expect(Array.from(e.sizes)).toEqual([
      1500 * 10 ** (inst.sizeDecimals - 3),
      0,
      2000 * 10 ** (inst.sizeDecimals - 3),
    ]);
    expect([e.count, e.tsLocalNs, e.tsEventNs, e.instrument]).toEqual([3, 9n, 5n, inst.id]);
  });

  it('yields no event for a message with no level (canonical data has no row for it)', () => {
    expect(new CanonicalEvents(inst).convert(book([], []), 9n)).toEqual({ kind: 'dropped', reason: 'no_levels' });
  });

  it('drops what the gate drops: a repeated book update', () => {
    const c = new CanonicalEvents(inst);
    expect(c.convert(book([['1', '1']], []), 9n).kind).toBe('event');
    expect(c.convert(book([['1', '2']], []), 9n)).toEqual({ kind: 'dropped', reason: 'repeated_book_update' });
  });

  it('reports a price finer than the instrument precision instead of rounding it', () => {
    const c = new CanonicalEvents(inst).convert(trade(`60000.${'1'.repeat(inst.priceDecimals + 1)}`, '1'), 9n);
    expect(c.kind).toBe('unrepresentable');
    expect((c as { reason: string }).reason).toMatch(/trade of binance-usdm:BTCUSDT \(live:s:3\): .*decimals/);
  });
});
