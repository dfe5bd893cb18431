/**
 * Book oracle: every core book implementation against a plain Map (price → size) after every
 * operation. Prices follow paths that jump further than the ladder span (2^17 price units) and
 * come back, so re-anchoring, window growth and the outer side are all exercised; operations
 * include snapshot resets, removals of absent levels and zero sizes on both sides.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BookSideLevels, L2Book, LadderSide, SortedSide } from './book.ts';

const SPAN = 2 ** 17;
const HOME = 10_000_000;

/** Reference side: a Map, sorted on every read. */
class MapSide {
  readonly levels = new Map<number, number>();
  constructor(readonly isBid: boolean) {}
  set(price: number, size: number): void {
    if (size === 0) this.levels.delete(price);
    else this.levels.set(price, size);
  }
  /** [price, size] best first. */
  sorted(): [number, number][] {
    return [...this.levels].sort((a, b) => (this.isBid ? b[0] - a[0] : a[0] - b[0]));
  }
}

/**
 * Price paths that jump far and come back: a run is a sequence of legs, each a burst of
 * operations near one home; the homes are a base and jumps from it of a fraction of the ladder
 * span up to three spans, either way, mostly just under one span (where the ladder re-anchors
 * and can later grow back over the levels it moved out). Offsets from a home take few distinct
 * values, so coming back hits the very levels left behind. Rarely any price at all, or (for
 * books that accept them) a non-integer one.
 */
const nearSpan = fc.integer({ min: SPAN - 20_000, max: SPAN + 3000 });
const spans = fc.constantFrom(0.25, 0.5, 0.75, 1.5, 3).map((f) => Math.round(f * SPAN));
const jump = fc.tuple(fc.oneof({ arbitrary: nearSpan, weight: 3 }, { arbitrary: spans, weight: 1 }), fc.constantFrom(-1, 1)).map(([d, sign]) => sign * d);
const offset = fc.oneof(fc.integer({ min: -40, max: 40 }).map((k) => k * 100), fc.integer({ min: -3, max: 3 }));
const size = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 9 }), weight: 4 }, { arbitrary: fc.constant(0), weight: 1 });

type Level = { isBid: boolean; price: number; size: number };
type Op = ({ kind: 'set' } & Level) | { kind: 'snapshot'; levels: Level[] };

function leg(home: number, nonInteger: boolean): fc.Arbitrary<Op[]> {
  const near = offset.map((o) => home + o);
  const price = fc.oneof(
    { arbitrary: near, weight: 30 },
    { arbitrary: fc.integer({ min: 1, max: 2 ** 40 }), weight: 1 },
    ...(nonInteger ? [{ arbitrary: near.map((p) => p + 0.5), weight: 1 }] : []),
  );
  const level = fc.record({ isBid: fc.boolean(), price, size });
  const op = fc.oneof(
    { arbitrary: level.map((l): Op => ({ kind: 'set', ...l })), weight: 30 },
    { arbitrary: fc.array(level, { maxLength: 12 }).map((levels): Op => ({ kind: 'snapshot', levels })), weight: 1 },
  );
  return fc.array(op, { minLength: 1, maxLength: 15 });
}

/** Operations on both sides along a price path; `nonInteger` adds prices like 100.5. */
function ops(nonInteger: boolean): fc.Arbitrary<Op[]> {
  return fc
    .array(jump, { minLength: 1, maxLength: 3 })
    .chain((jumps) => {
      const homes = [HOME, ...jumps.map((j) => HOME + j)];
      return fc.array(fc.constantFrom(...homes.keys()).chain((h) => leg(homes[h]!, nonInteger)), { minLength: 1, maxLength: 8 });
    })
    .map((legs) => legs.flat());
}

/** The reads every side offers, compared with the reference after each operation. */
interface SideReads {
  count: number;
  price(level: number): number;
  size(level: number): number;
  sizeAt(price: number): number;
  depthQty(depth: number): number;
  forEachLevel(visit: (price: number, size: number) => void): void;
}

function expectSameSide(side: SideReads, ref: MapSide, probes: readonly number[]): void {
  const levels = ref.sorted();
  expect(side.count).toBe(levels.length);
  const seen: [number, number][] = [];
  side.forEachLevel((p, q) => seen.push([p, q]));
  expect(seen).toEqual(levels);
  for (let k = 0; k < Math.min(levels.length, 4); k++) {
    expect(side.price(k)).toBe(levels[k]![0]);
    expect(side.size(k)).toBe(levels[k]![1]);
  }
  expect(side.price(levels.length)).toBeNaN();
  for (const depth of [1, 3, levels.length + 1]) expect(side.depthQty(depth)).toBe(levels.slice(0, depth).reduce((a, l) => a + l[1], 0));
  for (const p of probes) expect(side.sizeAt(p)).toBe(ref.levels.get(p) ?? 0);
}

function probesOf(op: Op): number[] {
  return op.kind === 'set' ? [op.price] : op.levels.map((l) => l.price);
}

describe('book oracle: each core book implementation equals a plain Map after every operation', () => {
  it('SortedSide, on both sides, with snapshot resets, removals of absent levels and zero sizes', () => {
    fc.assert(
      fc.property(ops(true), (list) => {
        const sides = { bid: new SortedSide(true), ask: new SortedSide(false) };
        const refs = { bid: new MapSide(true), ask: new MapSide(false) };
        for (const op of list) {
          if (op.kind === 'snapshot') {
            for (const s of [sides.bid, sides.ask]) s.clear();
            for (const r of [refs.bid, refs.ask]) r.levels.clear();
          }
          for (const l of op.kind === 'set' ? [op] : op.levels) {
            (l.isBid ? sides.bid : sides.ask).set(l.price, l.size);
            (l.isBid ? refs.bid : refs.ask).set(l.price, l.size);
          }
          const probes = probesOf(op);
          expectSameSide(sides.bid, refs.bid, probes);
          expectSameSide(sides.ask, refs.ask, probes);
        }
      }),
    );
  });

  it('LadderSide holds exactly the levels it accepted (set returns false for a price it cannot cover)', () => {
    fc.assert(
      fc.property(ops(true), (list) => {
        const sides = { bid: new LadderSide(true), ask: new LadderSide(false) };
        const refs = { bid: new MapSide(true), ask: new MapSide(false) };
        for (const op of list) {
          if (op.kind === 'snapshot') {
            for (const s of [sides.bid, sides.ask]) s.clear();
            for (const r of [refs.bid, refs.ask]) r.levels.clear();
          }
          for (const l of op.kind === 'set' ? [op] : op.levels) {
            if ((l.isBid ? sides.bid : sides.ask).set(l.price, l.size)) (l.isBid ? refs.bid : refs.ask).set(l.price, l.size);
          }
          const probes = probesOf(op);
          expectSameSide(sides.bid, refs.bid, probes);
          expectSameSide(sides.ask, refs.ask, probes);
        }
      }),
    );
  });

  it('BookSideLevels (ladder + outer side), on both sides', () => {
    fc.assert(
      fc.property(ops(true), (list) => {
        const sides = { bid: new BookSideLevels(true), ask: new BookSideLevels(false) };
        const refs = { bid: new MapSide(true), ask: new MapSide(false) };
        for (const op of list) {
          if (op.kind === 'snapshot') {
            for (const s of [sides.bid, sides.ask]) s.clear();
            for (const r of [refs.bid, refs.ask]) r.levels.clear();
          }
          for (const l of op.kind === 'set' ? [op] : op.levels) {
            (l.isBid ? sides.bid : sides.ask).set(l.price, l.size);
            (l.isBid ? refs.bid : refs.ask).set(l.price, l.size);
          }
          const probes = probesOf(op);
          expectSameSide(sides.bid, refs.bid, probes);
          expectSameSide(sides.ask, refs.ask, probes);
        }
      }),
    );
  });

  it('L2Book: level accessors, counts and imbalance over both sides', () => {
    fc.assert(
      fc.property(ops(false), (list) => {
        const book = new L2Book('x');
        const refs = { bid: new MapSide(true), ask: new MapSide(false) };
        for (const op of list) {
          if (op.kind === 'snapshot') {
            book.bids.clear();
            book.asks.clear();
            for (const r of [refs.bid, refs.ask]) r.levels.clear();
          }
          for (const l of op.kind === 'set' ? [op] : op.levels) {
            (l.isBid ? book.bids : book.asks).set(l.price, l.size);
            (l.isBid ? refs.bid : refs.ask).set(l.price, l.size);
          }
          const bids = refs.bid.sorted();
          const asks = refs.ask.sorted();
          expect([book.bidLevels, book.askLevels]).toEqual([bids.length, asks.length]);
          expect([book.bidPrice(0), book.bidQty(0)]).toEqual(bids[0] ?? [NaN, NaN]);
          expect([book.askPrice(0), book.askQty(0)]).toEqual(asks[0] ?? [NaN, NaN]);
          expect([book.bidPrice(1), book.askQty(1)]).toEqual([bids[1]?.[0] ?? NaN, asks[1]?.[1] ?? NaN]);
          if (bids.length > 0 && asks.length > 0) {
            const b = bids.slice(0, 2).reduce((a, l) => a + l[1], 0);
            const a = asks.slice(0, 2).reduce((s, l) => s + l[1], 0);
            expect(book.imbalance(2)).toBe((b - a) / (b + a));
          }
        }
      }),
    );
  });
});
