import { describe, expect, it } from 'vitest';
import type { Event } from '@chassis/core';
import { eventJson, eventLine } from './event-text.ts';

// 2024-08-08T23:54:15.030314667Z
const T = 1_723_161_255_030_314_667n;

const delta: Event = {
  kind: 'book_delta',
  seq: 2,
  tsEventNs: T - 5n,
  tsLocalNs: T,
  instrument: 'binance-usdm:BTCUSDT',
  updateId: 5123107837557n,
  isSnapshot: false,
  offset: 1,
  count: 4,
  sides: [9, 0, 1, 1, 0],
  prices: [0, 6_171_020, 6_171_030, 6_171_040, 6_171_000],
  sizes: [0, 14, 0, 2, 1],
};
const fill: Event = {
  kind: 'order_filled',
  seq: 5,
  tsEventNs: T,
  tsLocalNs: T,
  orderId: 1,
  requestSeq: 4,
  fillId: 'f 1',
  priceUnits: 6_171_000,
  qtyUnits: 1,
  liquidity: 'maker',
  feeUnits: -12n,
  final: true,
};

describe('events as text', () => {
  it('gives every field as JSON with bigints as decimal strings', () => {
    expect(eventJson(fill)).toEqual({
      kind: 'order_filled',
      seq: 5,
      tsEventNs: T.toString(),
      tsLocalNs: T.toString(),
      orderId: 1,
      requestSeq: 4,
      fillId: 'f 1',
      priceUnits: 6_171_000,
      qtyUnits: 1,
      liquidity: 'maker',
      feeUnits: '-12',
      final: true,
    });
  });

  it("gives a book delta's rows (from its offset, count of them) as [side, priceUnits, qtyUnits]", () => {
    const json = eventJson(delta);
    expect(json.levels).toEqual([
      ['bid', 6_171_020, 14],
      ['ask', 6_171_030, 0],
      ['ask', 6_171_040, 2],
      ['bid', 6_171_000, 1],
    ]);
    expect(json).not.toHaveProperty('sides');
    expect(json).toMatchObject({ updateId: '5123107837557', count: 4, isSnapshot: false });
  });

  it('writes one line: seq, local time in ISO with nanoseconds, kind, then the fields, quoting values with spaces', () => {
    expect(eventLine(fill)).toBe(
      '5 2024-08-08T23:54:15.030314667Z order_filled orderId=1 requestSeq=4 fillId="f 1" priceUnits=6171000 qtyUnits=1 liquidity=maker feeUnits=-12 final=true',
    );
  });

  it('shows the event time when it differs from the local time, and the first three levels of a book delta', () => {
    expect(eventLine(delta)).toBe(
      '2 2024-08-08T23:54:15.030314667Z book_delta tsEvent=2024-08-08T23:54:15.030314662Z instrument=binance-usdm:BTCUSDT updateId=5123107837557 isSnapshot=false levels=4 [bid 6171020x14, ask 6171030x0, ask 6171040x2, …]',
    );
  });
});
