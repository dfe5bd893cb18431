import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BboEvent, BookDeltaEvent, MarketEvent, TradeEvent } from '@chassis/core';
import { MarketDigest } from './market-digest.ts';

/**
 * The digest written plainly: every field as 32-bit words computed with BigInt arithmetic
 * (two's complement words of an int64, low/high words of an integer), then the two lanes mixed
 * word by word. The oracle for MarketDigest's allocation-free word extraction.
 */
function referenceMarketDigest(events: readonly MarketEvent[]): string {
  // Words into both lanes, except level rows: their words alternate between lane A and lane B.
  const words: (number | { a: number } | { b: number })[] = [];
  const rows: [number, number, number][] = [];
  const big = (v: bigint) => {
    const u = BigInt.asUintN(64, v);
    words.push(Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0);
  };
  /** Low word (two's complement) and floor(v / 2^32) of an integer. */
  const split = (v: number): [number, number] => {
    const b = BigInt(v);
    const hi = b >= 0n ? b / 4294967296n : -((-b + 4294967295n) / 4294967296n);
    return [Number(BigInt.asUintN(32, b)) | 0, Number(BigInt.asIntN(32, hi))];
  };
  const units = (v: number) => words.push(...split(v));
  const text = (s: string) => {
    let h = s.length;
    for (const unit of s.split('').map((c) => c.charCodeAt(0))) h = Math.imul(h ^ unit, 0x01000193);
    return h;
  };
  for (const e of events) {
    words.push(e.seq, { book_delta: 1, trade: 2, bbo: 3 }[e.kind]);
    big(e.tsEventNs);
    big(e.tsLocalNs);
    words.push(text(e.instrument));
    if (e.kind === 'book_delta') {
      big(e.updateId);
      words.push(e.isSnapshot ? 1 : 0, e.count);
      rows.length = 0;
      for (let i = e.offset; i < e.offset + e.count; i++) rows.push([e.sides[i]!, e.prices[i]!, e.sizes[i]!]);
      for (const [side, price, size] of rows) {
        const [pLo, pHi] = split(price);
        const [qLo, qHi] = split(size);
        words.push({ a: pLo }, { b: qLo }, { a: (pHi & 0x1fffff) | (side << 21) }, { b: qHi });
      }
    } else if (e.kind === 'trade') {
      words.push(text(e.tradeId));
      units(e.priceUnits);
      units(e.qtyUnits);
      words.push({ buy: 1, sell: 2, unknown: 3 }[e.aggressor]);
    } else {
      big(e.updateId);
      for (const v of [e.bidPriceUnits, e.bidQtyUnits, e.askPriceUnits, e.askQtyUnits]) units(v);
    }
  }
  let a = 0x2545f491;
  let b = 0x6c62272e;
  for (const w of words) {
    if (typeof w === 'number' || 'a' in w) {
      a = Math.imul(a ^ (typeof w === 'number' ? w : w.a), 0x9e3779b1);
      a ^= a >>> 15;
    }
    if (typeof w === 'number' || 'b' in w) {
      b = Math.imul((b + (typeof w === 'number' ? w : w.b)) | 0, 0x85ebca6b);
      b ^= b >>> 13;
    }
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const units = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.maxSafeInteger().map((v) => Math.abs(v)),
  fc.constantFrom(0, 4294967295, 4294967296, -4294967297),
);
const header = {
  seq: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  tsEventNs: int64,
  tsLocalNs: int64,
  instrument: fc.constantFrom('binance-usdm:BTCUSDT', 'okx:BTC-USDT', ''),
};
const trade: fc.Arbitrary<TradeEvent> = fc.record({
  kind: fc.constant('trade' as const),
  ...header,
  tradeId: fc.string(),
  priceUnits: units,
  qtyUnits: units,
  aggressor: fc.constantFrom('buy' as const, 'sell' as const, 'unknown' as const),
});
const bbo: fc.Arbitrary<BboEvent> = fc.record({
  kind: fc.constant('bbo' as const),
  ...header,
  updateId: int64,
  bidPriceUnits: units,
  bidQtyUnits: units,
  askPriceUnits: units,
  askQtyUnits: units,
});
const bookDelta: fc.Arbitrary<BookDeltaEvent> = fc
  .record({
    ...header,
    updateId: int64,
    isSnapshot: fc.boolean(),
    rows: fc.array(fc.tuple(fc.constantFrom(0, 1), units, units), { minLength: 1, maxLength: 6 }),
    offset: fc.nat(3),
  })
  .map(({ rows, offset, ...h }) => {
    const n = offset + rows.length + 1;
    const [sides, prices, sizes] = [new Uint8Array(n), new Float64Array(n), new Float64Array(n)];
    rows.forEach(([s, p, q], i) => ((sides[offset + i] = s), (prices[offset + i] = p), (sizes[offset + i] = q)));
    return { kind: 'book_delta' as const, ...h, offset, count: rows.length, sides, prices, sizes };
  });
const marketEvent = fc.oneof(trade, bbo, bookDelta);

function digestOf(events: readonly MarketEvent[]): string {
  const d = new MarketDigest();
  for (const e of events) d.add(e);
  return d.hex();
}

describe('MarketDigest', () => {
  it('equals the plain BigInt reference digest for any market events', () => {
    fc.assert(
      fc.property(fc.array(marketEvent, { maxLength: 8 }), (events) => {
        expect(digestOf(events)).toBe(referenceMarketDigest(events));
      }),
    );
  });

  it('changes when any one field of one event changes', () => {
    const changed = (e: MarketEvent, field: number): MarketEvent => {
      const fields: (() => MarketEvent)[] = [
        () => ({ ...e, seq: e.seq + 1 }),
        () => ({ ...e, tsEventNs: e.tsEventNs + 1n }),
        () => ({ ...e, tsLocalNs: e.tsLocalNs ^ (1n << 40n) }),
        () => ({ ...e, instrument: `${e.instrument}x` }),
      ];
      if (e.kind === 'trade')
        fields.push(
          () => ({ ...e, tradeId: `${e.tradeId}1` }),
          () => ({ ...e, priceUnits: e.priceUnits + 1 }),
          () => ({ ...e, aggressor: e.aggressor === 'buy' ? 'sell' : 'buy' }),
        );
      if (e.kind === 'bbo')
        fields.push(
          () => ({ ...e, updateId: e.updateId + 1n }),
          () => ({ ...e, askQtyUnits: e.askQtyUnits + 1 }),
        );
      if (e.kind === 'book_delta') {
        const prices = Float64Array.from(e.prices as Float64Array);
        prices[e.offset + e.count - 1]! += 1;
        fields.push(
          () => ({ ...e, isSnapshot: !e.isSnapshot }),
          () => ({ ...e, prices }),
          () => ({ ...e, count: e.count - 1 }),
        );
      }
      return fields[field % fields.length]!();
    };
    fc.assert(
      fc.property(fc.array(marketEvent, { minLength: 1, maxLength: 4 }), fc.nat(), fc.nat(), (events, at, field) => {
        const i = at % events.length;
        const other = events.map((e, j) => (j === i ? changed(e, field) : e));
        expect(digestOf(other)).not.toBe(digestOf(events));
      }),
    );
  });

  it('reads only the rows of a book_delta message, not the rest of the shared batch columns', () => {
    fc.assert(
      fc.property(bookDelta, (e) => {
        const sizes = Float64Array.from(e.sizes as Float64Array);
        sizes[e.offset + e.count] = 12345; // the row after the message
        if (e.offset > 0) sizes[e.offset - 1] = 678; // and before it
        expect(digestOf([{ ...e, sizes }])).toBe(digestOf([e]));
      }),
    );
  });

  it('starts over after reset, as a fresh digest', () => {
    fc.assert(
      fc.property(fc.array(marketEvent, { maxLength: 4 }), fc.array(marketEvent, { maxLength: 4 }), (first, second) => {
        const d = new MarketDigest();
        for (const e of first) d.add(e);
        d.reset();
        for (const e of second) d.add(e);
        expect(d.hex()).toBe(digestOf(second));
        expect(d.events).toBe(second.length);
      }),
    );
  });
});
