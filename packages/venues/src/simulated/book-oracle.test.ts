/**
 * Book oracle for the simulated venue's exchange-side book (BookSide: ladder + outer sorted
 * side, cursor walks, BBO truncation) against a plain Map after every operation, over price
 * paths that jump further than the ladder span and come back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BookSide, ExchangeBook, SortedSide } from './book.ts';

const SPAN = 2 ** 17;
const HOME = 10_000_000;

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
type Op = ({ kind: 'set' } & Level) | { kind: 'snapshot'; levels: Level[] } | { kind: 'cut'; isBid: boolean; price: number };

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
    { arbitrary: fc.record({ isBid: fc.boolean(), price }).map((c): Op => ({ kind: 'cut', ...c })), weight: 2 },
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

type Side = Pick<BookSide, 'set' | 'clear' | 'sizeAt' | 'bestPrice' | 'count'> & { levels(): [number, number][]; removeBetterThan(price: number): void };

function cursorSide(side: BookSide): Side {
  return Object.assign(side, {
    levels(): [number, number][] {
      const out: [number, number][] = [];
      for (let h = side.first(); h !== -1; h = side.next(h)) out.push([side.priceOf(h), side.sizeOf(h)]);
      return out;
    },
  });
}

function sortedSide(side: SortedSide): Side {
  return Object.assign(side, {
    levels(): [number, number][] {
      const out: [number, number][] = [];
      for (let i = side.count - 1; i >= 0; i--) out.push([side.priceAt(i), side.sizes[i]!]);
      return out;
    },
  });
}

function run(list: Op[], make: (isBid: boolean) => Side): void {
  const sides = { bid: make(true), ask: make(false) };
  const refs = { bid: new Map<number, number>(), ask: new Map<number, number>() };
  for (const op of list) {
    if (op.kind === 'cut') {
      (op.isBid ? sides.bid : sides.ask).removeBetterThan(op.price);
      const ref = op.isBid ? refs.bid : refs.ask;
      for (const p of [...ref.keys()]) if (op.isBid ? p > op.price : p < op.price) ref.delete(p);
      continue;
    }
    if (op.kind === 'snapshot') {
      sides.bid.clear();
      sides.ask.clear();
      refs.bid.clear();
      refs.ask.clear();
    }
    for (const l of op.kind === 'set' ? [op] : op.levels) {
      (l.isBid ? sides.bid : sides.ask).set(l.price, l.size);
      if (l.size === 0) (l.isBid ? refs.bid : refs.ask).delete(l.price);
      else (l.isBid ? refs.bid : refs.ask).set(l.price, l.size);
    }
    for (const isBid of [true, false]) {
      const side = isBid ? sides.bid : sides.ask;
      const ref = isBid ? refs.bid : refs.ask;
      const levels = [...ref].sort((a, b) => (isBid ? b[0] - a[0] : a[0] - b[0]));
      expect(side.levels()).toEqual(levels);
      expect(side.count).toBe(levels.length);
      expect(side.bestPrice()).toBe(levels[0]?.[0] ?? NaN);
      for (const l of op.kind === 'set' ? [op] : op.kind === 'snapshot' ? op.levels : []) expect(side.sizeAt(l.price)).toBe(ref.get(l.price) ?? 0);
    }
  }
}

describe('book oracle: the venue book equals a plain Map after every operation', () => {
  it('SortedSide, both sides, with BBO truncations, snapshot resets and removals of absent levels', () => {
    fc.assert(fc.property(ops(true), (list) => run(list, (isBid) => sortedSide(new SortedSide(isBid ? 1 : -1, 4)))));
  });

  it('BookSide (ladder + outer side), both sides, walking levels with the cursor', () => {
    fc.assert(fc.property(ops(true), (list) => run(list, (isBid) => cursorSide(new BookSide(isBid ? 1 : -1)))), { numRuns: 300 });
  });

  it('ExchangeBook sides are a bid BookSide and an ask BookSide', () => {
    fc.assert(fc.property(ops(false), (list) => run(list, (isBid) => cursorSide(new ExchangeBook().side(isBid)))));
  });
});
