/**
 * Book oracle: the core book (SortedLevels, BookSideLevels, L2Book with the depth/BBO rule)
 * against a plain Map (price → size) after every operation. Prices follow paths that jump further than the ladder span (2^17 price units) and
 * come back, so re-anchoring, window growth and the outer side are all exercised; operations
 * include snapshot resets, removals of absent levels and zero sizes on both sides.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BboEvent, BookDeltaEvent } from '../events.ts';
import { L2Book } from './book.ts';
import { ReferenceL2Book } from './reference-book.ts';
import { BookSideLevels } from './book-side.ts';
import { SortedLevels } from './sorted-levels.ts';

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
/** A jump of the home price, in ticks (the ladder's span is SPAN slots = SPAN ticks). */
const jump = fc
  .tuple(fc.oneof({ arbitrary: nearSpan, weight: 3 }, { arbitrary: spans, weight: 1 }), fc.constantFrom(-1, 1))
  .map(([d, sign]) => sign * d);
const offset = fc.oneof(
  fc.integer({ min: -40, max: 40 }).map((k) => k * 100),
  fc.integer({ min: -3, max: 3 }),
);
const size = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 9 }), weight: 4 },
  { arbitrary: fc.constant(0), weight: 1 },
);

type Level = { isBid: boolean; price: number; size: number };
/** set a level; replace both sides (snapshot); remove the levels better than a price on one side (what a BBO does). */
type Op =
  ({ kind: 'set' } & Level) | { kind: 'snapshot'; levels: Level[] } | { kind: 'cut'; isBid: boolean; price: number };

function leg(home: number, nonInteger: boolean, tick: number): fc.Arbitrary<Op[]> {
  const near = offset.map((o) => home + o * tick);
  const price = fc.oneof(
    { arbitrary: near, weight: 30 },
    { arbitrary: fc.integer({ min: 1, max: 2 ** 40 }).map((p) => p * tick), weight: 1 },
    ...(nonInteger ? [{ arbitrary: near.map((p) => p + 0.5), weight: 1 }] : []),
    // off the tick grid (the side's grid refines to the gcd)
    ...(tick > 1 ? [{ arbitrary: fc.tuple(near, fc.integer({ min: 1, max: tick - 1 })).map(([p, d]) => p + d), weight: 1 }] : []),
  );
  const level = fc.record({ isBid: fc.boolean(), price, size });
  const op = fc.oneof(
    { arbitrary: level.map((l): Op => ({ kind: 'set', ...l })), weight: 30 },
    { arbitrary: fc.array(level, { maxLength: 12 }).map((levels): Op => ({ kind: 'snapshot', levels })), weight: 1 },
    { arbitrary: fc.record({ isBid: fc.boolean(), price }).map((c): Op => ({ kind: 'cut', ...c })), weight: 2 },
  );
  return fc.array(op, { minLength: 1, maxLength: 12 });
}

/**
 * Operations on both sides along a price path; `nonInteger` adds prices like 100.5; `tick` > 1
 * puts the prices on that grid (price units), now and then one off it.
 */
function ops(nonInteger: boolean, tick = 1): fc.Arbitrary<Op[]> {
  return fc
    .array(jump, { minLength: 1, maxLength: 3 })
    .chain((jumps) => {
      const homes = [HOME * tick, ...jumps.map((j) => (HOME + j) * tick)];
      return fc.array(
        fc.constantFrom(...homes.keys()).chain((h) => leg(homes[h]!, nonInteger, tick)),
        { minLength: 1, maxLength: 6 },
      );
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
  /** The levels by cursor (first/next), when the side has one. */
  walk?: () => [number, number][];
}

function cursorWalk(side: BookSideLevels): [number, number][] {
  const out: [number, number][] = [];
  for (let h = side.first(); h !== -1; h = side.next(h)) out.push([side.priceOf(h), side.sizeOf(h)]);
  return out;
}

/** SortedLevels read through the same questions as a book side (it stores best last). */
function sortedReads(side: SortedLevels): SideReads {
  const at = (level: number) => side.count - 1 - level;
  return {
    get count() {
      return side.count;
    },
    price: (level) => (level >= 0 && at(level) >= 0 ? side.priceAt(at(level)) : NaN),
    size: (level) => (level >= 0 && at(level) >= 0 ? side.sizes[at(level)]! : NaN),
    sizeAt: (price) => side.sizeAt(price),
    depthQty: (depth) => {
      let sum = 0;
      for (let level = 0; level < depth && at(level) >= 0; level++) sum += side.sizes[at(level)]!;
      return sum;
    },
    forEachLevel: (visit) => {
      for (let i = side.count - 1; i >= 0; i--) visit(side.priceAt(i), side.sizes[i]!);
    },
  };
}

function expectSameSide(side: SideReads, ref: MapSide, probes: readonly number[]): void {
  const levels = ref.sorted();
  expect(side.count).toBe(levels.length);
  const seen: [number, number][] = [];
  side.forEachLevel((p, q) => seen.push([p, q]));
  expect(seen).toEqual(levels);
  if (side.walk) expect(side.walk()).toEqual(levels);
  for (let k = 0; k < Math.min(levels.length, 4); k++) {
    expect(side.price(k)).toBe(levels[k]![0]);
    expect(side.size(k)).toBe(levels[k]![1]);
  }
  expect(side.price(levels.length)).toBeNaN();
  expect(side.size(levels.length)).toBeNaN();
  for (const depth of [1, 3]) expect(side.depthQty(depth)).toBe(levels.slice(0, depth).reduce((a, l) => a + l[1], 0));
  for (const p of probes) expect(side.sizeAt(p)).toBe(ref.levels.get(p) ?? 0);
}

function probesOf(op: Op): number[] {
  return op.kind === 'snapshot' ? op.levels.map((l) => l.price) : [op.price];
}

/** The levels an operation sets (none for a cut). */
function levelsOf(op: Op): readonly Level[] {
  return op.kind === 'set' ? [op] : op.kind === 'snapshot' ? op.levels : [];
}

describe('book oracle: each core book implementation equals a plain Map after every operation', () => {
  /** Applies `list` to a pair of sides and to Map references, comparing after every operation. */
  function runSides<S>(
    list: Op[],
    make: (isBid: boolean) => S,
    set: (side: S, price: number, size: number) => void,
    clear: (side: S) => void,
    cut: (side: S, price: number) => void,
    reads: (side: S) => SideReads,
  ): void {
    const sides = { bid: make(true), ask: make(false) };
    const refs = { bid: new MapSide(true), ask: new MapSide(false) };
    for (const op of list) {
      if (op.kind === 'snapshot') {
        clear(sides.bid);
        clear(sides.ask);
        refs.bid.levels.clear();
        refs.ask.levels.clear();
      }
      if (op.kind === 'cut') {
        cut(op.isBid ? sides.bid : sides.ask, op.price);
        const ref = op.isBid ? refs.bid : refs.ask;
        for (const [p] of ref.sorted()) if (op.isBid ? p > op.price : p < op.price) ref.set(p, 0);
      }
      for (const l of levelsOf(op)) {
        set(l.isBid ? sides.bid : sides.ask, l.price, l.size);
        (l.isBid ? refs.bid : refs.ask).set(l.price, l.size);
      }
      const probes = probesOf(op);
      expectSameSide(reads(sides.bid), refs.bid, probes);
      expectSameSide(reads(sides.ask), refs.ask, probes);
    }
  }

  /** runSides over BookSideLevels (on a grid of `tick` price units), read by index, cursor and visitor. */
  function runBookSides(list: Op[], tick = 1): void {
    runSides(
      list,
      (isBid) => new BookSideLevels(isBid, tick),
      (s, p, q) => s.set(p, q),
      (s) => s.clear(),
      (s, p) => s.removeBetterThan(p),
      (s) => Object.assign(s, { walk: () => cursorWalk(s) }),
    );
  }

  it('SortedLevels, on both sides, with snapshot resets, removals of absent levels and zero sizes', () => {
    fc.assert(
      fc.property(ops(true), (list) =>
        runSides(
          list,
          (isBid) => new SortedLevels(isBid ? 1 : -1, 2),
          (s, p, q) => s.set(p, q),
          (s) => s.clear(),
          (s, p) => s.removeBetterThan(p),
          sortedReads,
        ),
      ),
    );
  });

  it('BookSideLevels (ladder + outer side), on both sides, by index, by cursor and by visitor', () => {
    fc.assert(
      fc.property(ops(true), (list) =>
        runBookSides(list),
      ),
    );
  });

  it('BookSideLevels on a tick grid (a slot per tick of 10 or 7 price units), with prices now and then off the grid, which refines it', () => {
    for (const tick of [10, 7])
      fc.assert(
        fc.property(ops(true, tick), (list) =>
          runBookSides(list, tick),
        ),
      );
  });

  it('L2Book.applyDelta takes whole book_delta messages (typed columns, either side, any offset, sides in runs or interleaved) like set row by row', () => {
    // The ops' levels cut into messages of up to 40 rows; each message's rows go through the
    // book's own loop (L2Book.applyDelta: BookSideLevels.applyRows per run of one side while the
    // runs are long, then applyRow per row). `grouped` puts a message's bids before its asks (a
    // Binance message: long runs); otherwise sides alternate at random (short runs: row by row),
    // and a leading run of one side exercises the switch from runs to rows inside a message.
    const rows = (list: Op[]): Level[] => list.flatMap(levelsOf);
    fc.assert(
      fc.property(
        fc.constantFrom(1, 10).chain((tick) => fc.tuple(fc.constant(tick), ops(false, tick))),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1 }),
        fc.nat(3),
        fc.constantFrom('grouped', 'interleaved', 'leading-run'),
        ([tick, list], cuts, pad, layout) => {
          const levels = rows(list);
          const messages: Level[][] = [];
          for (let at = 0, c = 0; at < levels.length; c++) {
            const count = Math.min(cuts[c % cuts.length]!, levels.length - at);
            const m = levels.slice(at, at + count);
            if (layout === 'grouped') m.sort((a, b) => Number(b.isBid) - Number(a.isBid)); // stable: bids, then asks, each in order
            if (layout === 'leading-run') {
              const run = m.filter((l) => l.isBid === m[0]!.isBid);
              m.splice(0, m.length, ...run, ...m.filter((l) => l.isBid !== m[0]!.isBid));
            }
            messages.push(m);
            at += count;
          }
          const ordered = messages.flat();
          const n = pad + ordered.length;
          const sides = new Uint8Array(n);
          const prices = new Float64Array(n);
          const sizes = new Float64Array(n);
          ordered.forEach((l, i) => {
            sides[pad + i] = l.isBid ? 0 : 1;
            prices[pad + i] = l.price;
            sizes[pad + i] = l.size;
          });
          const book = new L2Book('x', tick);
          const refs = { bid: new MapSide(true), ask: new MapSide(false) };
          let at = 0;
          for (const m of messages) {
            book.applyDelta({ ...header, kind: 'book_delta', instrument: 'x', updateId: -1n, isSnapshot: false, offset: pad + at, count: m.length, sides, prices, sizes });
            const probes: number[] = [];
            for (const l of m) {
              (l.isBid ? refs.bid : refs.ask).set(l.price, l.size);
              probes.push(l.price);
            }
            at += m.length;
            expectSameSide(Object.assign(book.bids, { walk: () => cursorWalk(book.bids) }), refs.bid, probes);
            expectSameSide(Object.assign(book.asks, { walk: () => cursorWalk(book.asks) }), refs.ask, probes);
          }
        },
      ),
    );
  });

  it('BookSideLevels.applyRow and applyRows change a side exactly as set does, row by row', () => {
    // Each side alone, the rows of one side in messages: applyRows takes a message as one run,
    // applyRow takes its rows one by one; a third side takes set. All three read the same. Rows
    // come from the far-jumping paths or from a band of 24 slots with many removals (a side of a
    // few levels: its best removed down to the last level and beyond, new bests on both ends).
    const band = fc
      .array(fc.record({ isBid: fc.boolean(), price: fc.integer({ min: 0, max: 23 }).map((o) => HOME + o), size: fc.oneof(size, fc.constant(0)) }), { minLength: 1, maxLength: 200 })
      .map((levels): Op[] => levels.map((l) => ({ kind: 'set', ...l })));
    fc.assert(
      fc.property(fc.constantFrom(1, 10).chain((tick) => fc.tuple(fc.constant(tick), fc.oneof(ops(false, tick), band))), fc.boolean(), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1 }), ([tick, list], isBid, cuts) => {
        const levels = list.flatMap(levelsOf).filter((l) => l.isBid === isBid);
        const prices = Float64Array.from(levels, (l) => l.price);
        const sizes = Float64Array.from(levels, (l) => l.size);
        const sides = new Uint8Array(levels.length).fill(isBid ? 0 : 1);
        const byRuns = new BookSideLevels(isBid, tick);
        const byRow = new BookSideLevels(isBid, tick);
        const bySet = new BookSideLevels(isBid, tick);
        const ref = new MapSide(isBid);
        for (let at = 0, c = 0; at < levels.length; c++) {
          const end = Math.min(at + cuts[c % cuts.length]!, levels.length);
          expect(byRuns.applyRows(sides, prices, sizes, sides[at]!, at, end)).toBe(end);
          const probes: number[] = [];
          for (let i = at; i < end; i++) {
            byRow.applyRow(prices[i]!, sizes[i]!);
            bySet.set(prices[i]!, sizes[i]!);
            ref.set(prices[i]!, sizes[i]!);
            probes.push(prices[i]!);
          }
          at = end;
          for (const side of [byRuns, byRow, bySet]) expectSameSide(Object.assign(side, { walk: () => cursorWalk(side) }), ref, probes);
        }
      }),
    );
  });

  it('BookSideLevels walks dense levels across the 32-slot words of its occupancy bitmap, both ways', () => {
    // Every price in a band of 100 slots (four bitmap words or more, wherever the window starts):
    // levels on word edges, whole words empty, the best removed level by level.
    const price = fc.integer({ min: 0, max: 99 }).map((o) => HOME + o);
    const level = fc.record({ isBid: fc.boolean(), price, size });
    const op = fc.oneof(
      { arbitrary: level.map((l): Op => ({ kind: 'set', ...l })), weight: 20 },
      { arbitrary: fc.record({ isBid: fc.boolean(), price }).map((c): Op => ({ kind: 'cut', ...c })), weight: 2 },
      { arbitrary: fc.array(level, { maxLength: 40 }).map((levels): Op => ({ kind: 'snapshot', levels })), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 120 }), (list) =>
        runBookSides(list),
      ),
    );
  });

  it('BookSideLevels.removeBetterThan drops exactly the levels strictly better than the price', () => {
    fc.assert(
      fc.property(ops(true), fc.boolean(), fc.nat(), (list, isBid, pick) => {
        const side = new BookSideLevels(isBid);
        const ref = new MapSide(isBid);
        for (const op of list)
          for (const l of levelsOf(op)) {
            side.set(l.price, l.size);
            ref.set(l.price, l.size);
          }
        const levels = ref.sorted();
        const cut = levels.length > 0 ? levels[pick % levels.length]![0] + (pick % 3) - 1 : HOME;
        side.removeBetterThan(cut);
        for (const [p] of levels) if (isBid ? p > cut : p < cut) ref.set(p, 0);
        expectSameSide(Object.assign(side, { walk: () => cursorWalk(side) }), ref, [cut]);
      }),
    );
  });

  it('BookSideLevels.clear empties a side whose levels spread over the whole ladder window, which then takes levels like a new side', () => {
    // Levels anywhere within a span of the first one (so they stay in the ladder: clear walks its
    // bitmap from the best to the worst level), a few far beyond it (outer), then a clear.
    const spread = fc.integer({ min: -SPAN + 1, max: SPAN - 1 }).map((o) => HOME + o);
    const far = fc.integer({ min: 3 * SPAN, max: 40 * SPAN }).chain((d) => fc.constantFrom(HOME - d, HOME + d));
    const level = fc.record({ isBid: fc.boolean(), price: fc.oneof({ arbitrary: spread, weight: 9 }, { arbitrary: far, weight: 1 }), size });
    const sets = fc.array(level, { maxLength: 60 }).map((ls) => ls.map((l): Op => ({ kind: 'set', ...l })));
    fc.assert(
      fc.property(sets, fc.array(level, { maxLength: 12 }), sets, (before, snapshot, after) =>
        runBookSides([...before, { kind: 'snapshot', levels: snapshot }, ...after]),
      ),
    );
  });

  it('BookSideLevels.removeBetterThan at a ladder price keeps every level of the outer side, however far', () => {
    // The cut leaves a ladder level, so the outer side (all worse than the ladder) is not asked.
    const near = fc.integer({ min: -200, max: 200 }).map((o) => HOME + o);
    const far = fc.integer({ min: 2 * SPAN, max: 2 ** 30 });
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.tuple(near, size), { minLength: 1 }), fc.array(fc.tuple(far, size)), fc.nat(), (isBid, ladder, outer, pick) => {
        const side = new BookSideLevels(isBid);
        const ref = new MapSide(isBid);
        const worse = (d: number) => (isBid ? HOME - d : HOME + d);
        for (const [p, q] of ladder) {
          side.set(p, q);
          ref.set(p, q);
        }
        for (const [d, q] of outer) {
          side.set(worse(d), q);
          ref.set(worse(d), q);
        }
        const cut = ladder[pick % ladder.length]![0];
        side.removeBetterThan(cut);
        for (const [p] of ref.sorted()) if (isBid ? p > cut : p < cut) ref.set(p, 0);
        expectSameSide(Object.assign(side, { walk: () => cursorWalk(side) }), ref, [cut]);
      }),
    );
  });
});

// ------------------------------------------------------------------ L2Book: depth + BBO rule

const header = { seq: 0, tsEventNs: 0n, tsLocalNs: 0n } as const;
/** Update ids: mostly rising with the step number, sometimes late (older), sometimes absent (-1). */
const updateId = fc.oneof(
  { arbitrary: fc.constant(0), weight: 6 },
  { arbitrary: fc.integer({ min: -5, max: -1 }), weight: 2 },
  { arbitrary: fc.constant(null), weight: 1 },
);

type MarketOp =
  | { kind: 'delta'; isSnapshot: boolean; levels: Level[]; id: number | null }
  | { kind: 'bbo'; bid: number; bidQty: number; ask: number; askQty: number; id: number | null };

function marketOps(tick = 1): fc.Arbitrary<MarketOp[]> {
  return ops(false, tick).chain((list) => {
    const prices = list.flatMap(probesOf);
    const price =
      prices.length > 0
        ? fc.constantFrom(...prices).chain((p) => fc.integer({ min: -2, max: 2 }).map((d) => p + d))
        : fc.constant(HOME);
    const bbo = fc.record({
      kind: fc.constant('bbo' as const),
      bid: price,
      bidQty: size,
      ask: price,
      askQty: size,
      id: updateId,
    });
    const delta = (op: Op) =>
      fc.record({
        kind: fc.constant('delta' as const),
        isSnapshot: fc.constant(op.kind === 'snapshot'),
        levels: fc.constant<Level[]>([...levelsOf(op)]),
        id: updateId,
      });
    return fc.tuple(...list.map((op) => fc.oneof({ arbitrary: delta(op), weight: 3 }, { arbitrary: bbo, weight: 1 })));
  });
}

function toEvents(list: MarketOp[]): (BookDeltaEvent | BboEvent)[] {
  return list.map((op, step) => {
    const id = op.id === null ? -1n : BigInt(step * 10 + op.id * 10);
    if (op.kind === 'bbo')
      return {
        ...header,
        kind: 'bbo',
        instrument: 'x',
        updateId: id,
        bidPriceUnits: op.bid,
        bidQtyUnits: op.bidQty,
        askPriceUnits: op.ask,
        askQtyUnits: op.askQty,
      };
    return {
      ...header,
      kind: 'book_delta',
      instrument: 'x',
      updateId: id,
      isSnapshot: op.isSnapshot,
      offset: 0,
      count: op.levels.length,
      sides: op.levels.map((l) => (l.isBid ? 0 : 1)),
      prices: op.levels.map((l) => l.price),
      sizes: op.levels.map((l) => l.size),
    };
  });
}

describe('book oracle: L2Book combines depth and BBO by the one documented rule', () => {
  it('equals the plainly written rule over Maps after every book_delta and BBO, on both sides (ladder grid 1 or 10 price units)', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 10).chain((tick) => fc.tuple(fc.constant(tick), marketOps(tick))), ([tick, list]) => {
        const book = new L2Book('x', tick);
        const ref = new ReferenceL2Book();
        for (const ev of toEvents(list)) {
          if (ev.kind === 'bbo') {
            book.applyBbo(ev);
            ref.applyBbo(ev);
          } else {
            book.applyDelta(ev);
            ref.applyDelta(ev);
          }
          const bids = ref.levels(true);
          const asks = ref.levels(false);
          const refBids = Object.assign(new MapSide(true), { levels: ref.bids });
          const refAsks = Object.assign(new MapSide(false), { levels: ref.asks });
          expect([book.bidLevels, book.askLevels]).toEqual([bids.length, asks.length]);
          expect([book.bidPrice(0), book.bidQty(0)]).toEqual(bids[0] ?? [NaN, NaN]);
          expect([book.askPrice(0), book.askQty(0)]).toEqual(asks[0] ?? [NaN, NaN]);
          expect([book.bidPrice(1), book.askQty(1)]).toEqual([bids[1]?.[0] ?? NaN, asks[1]?.[1] ?? NaN]);
          expectSameSide(book.bids, refBids, []);
          expectSameSide(book.asks, refAsks, []);
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
