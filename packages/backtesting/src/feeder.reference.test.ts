/**
 * The feeder against a naive one: every row of every source expanded up front (each repetition's
 * times shifted in bigint), book_delta rows grouped into messages by their message id, and one
 * stable sort by (tsLocalNs, kind rank, source order) — the tie rule of feeder.ts's header. Every
 * field of every event is compared (rows of a book_delta message by value, not by offset), over
 * batches cut anywhere, repetitions shifted per batch (repeatFeed), synthesised capture times,
 * times near 32-bit word carries and leaps of days that move the epoch.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BboBatch, BookDeltaBatch, CanonicalBatch, TradeBatch } from '@chassis/storage';
import type { MarketEvent } from '@chassis/core';
import { HistoricalFeeder, repeatFeed } from './feeder.ts';

const DAY_NS = 86_400_000_000_000n;
const KINDS = ['book_delta', 'trade', 'bbo'] as const;
type Kind = (typeof KINDS)[number];
const AGGRESSORS = ['buy', 'sell', 'unknown'] as const;

/** One row of a source: times, the message id step (book_delta: 0 continues the message before), and the values of its columns. */
interface Row {
  readonly tsEventNs: bigint;
  readonly tsLocalNs: bigint;
  readonly id: bigint;
  readonly snapshot: boolean;
  readonly side: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  readonly aggressor: number;
}

interface Source {
  readonly kind: Kind;
  readonly instrument: string;
  readonly rows: readonly Row[];
  readonly cuts: readonly number[];
  /** Set: capture times are tsEventNs + this (the tsLocalNs column is ignored). */
  readonly feedLatencyNs: bigint | undefined;
}

function batchOf(kind: Kind, rows: readonly Row[], k: number): CanonicalBatch {
  const big = (f: (r: Row) => bigint) => BigInt64Array.from(rows.map(f));
  const f64 = (f: (r: Row) => number) => Float64Array.from(rows.map(f));
  const common = { length: rows.length, tsEventNs: big((r) => r.tsEventNs), tsLocalNs: big((r) => r.tsLocalNs) };
  if (kind === 'book_delta') {
    const b: BookDeltaBatch = {
      kind, ...common, updateId: big((r) => r.id * 7n), batchId: big((r) => r.id), isSnapshot: Uint8Array.from(rows.map((r) => (r.snapshot ? 1 : 0))),
      side: Uint8Array.from(rows.map((r) => r.side)), price: f64((r) => r.a), size: f64((r) => r.b),
    };
    return b;
  }
  if (kind === 'trade') {
    const b: TradeBatch = { kind, ...common, tradeId: rows.map((r) => `t${r.id}.${k}`), price: f64((r) => r.a), size: f64((r) => r.b), aggressor: Uint8Array.from(rows.map((r) => r.aggressor)) };
    return b;
  }
  const b: BboBatch = { kind, ...common, updateId: big((r) => r.id), bidPrice: f64((r) => r.a), bidSize: f64((r) => r.b), askPrice: f64((r) => r.c), askSize: f64((r) => r.d) };
  return b;
}

/** The source's rows cut into batches by its cut sizes in turn: fresh objects on every call (repeatFeed keeps a shift per batch object). */
async function* batches(s: Source): AsyncIterable<CanonicalBatch> {
  for (let i = 0, c = 0; i < s.rows.length; c++) {
    const n = s.cuts[c % s.cuts.length]!;
    yield batchOf(s.kind, s.rows.slice(i, i + n), 0);
    i += n;
  }
}

/** What a consumer can see of an event: every field, a book_delta message's rows by value. */
function view(e: MarketEvent): unknown {
  const base = [e.kind, e.seq, e.instrument, e.tsEventNs, e.tsLocalNs];
  if (e.kind === 'book_delta') {
    const rows = Array.from({ length: e.count }, (_, i) => [e.sides[e.offset + i], e.prices[e.offset + i], e.sizes[e.offset + i]]);
    return [...base, e.updateId, e.isSnapshot, rows];
  }
  if (e.kind === 'trade') return [...base, e.tradeId, e.priceUnits, e.qtyUnits, e.aggressor];
  return [...base, e.updateId, e.bidPriceUnits, e.bidQtyUnits, e.askPriceUnits, e.askQtyUnits];
}

/** The naive feed: every message of every repetition, then one stable sort by (tsLocalNs, kind rank, source order). */
function naiveFeed(sources: readonly Source[], times: number, shiftNs: bigint): unknown[] {
  const messages: { tsLocalNs: bigint; rank: number; index: number; view: unknown }[] = [];
  sources.forEach((s, index) => {
    for (let k = 0; k < times; k++) {
      const shift = shiftNs * BigInt(k);
      for (let i = 0; i < s.rows.length; ) {
        let end = i + 1;
        if (s.kind === 'book_delta') while (end < s.rows.length && s.rows[end]!.id === s.rows[i]!.id) end++;
        const r = s.rows[i]!;
        const tsEventNs = r.tsEventNs + shift;
        const tsLocalNs = s.feedLatencyNs === undefined ? r.tsLocalNs + shift : tsEventNs + s.feedLatencyNs;
        const base = [s.kind, 0, s.instrument, tsEventNs, tsLocalNs];
        const v =
          s.kind === 'book_delta'
            ? [...base, r.id * 7n, r.snapshot, s.rows.slice(i, end).map((x) => [x.side, x.a, x.b])]
            : s.kind === 'trade'
              ? [...base, `t${r.id}.0`, r.a, r.b, AGGRESSORS[r.aggressor]]
              : [...base, r.id, r.a, r.b, r.c, r.d];
        messages.push({ tsLocalNs, rank: KINDS.indexOf(s.kind), index, view: v });
        i = end;
      }
    }
  });
  messages.sort((x, y) => (x.tsLocalNs !== y.tsLocalNs ? (x.tsLocalNs < y.tsLocalNs ? -1 : 1) : x.rank - y.rank || x.index - y.index));
  return messages.map((m) => m.view);
}

async function drain(f: HistoricalFeeder): Promise<unknown[]> {
  const out: unknown[] = [];
  for (;;) {
    const e = f.next();
    if (e) out.push(view(e));
    else if (f.needsRefill) await f.refill();
    else return out;
  }
}

/** A source's rows: times step by 0 (ties), a few ns, or (rarely) days; message ids step with time or by chance. */
const source = (t0: bigint, index: number): fc.Arbitrary<Source> =>
  fc
    .record({
      kind: fc.constantFrom(...KINDS),
      steps: fc.array(
        fc.record({
          dt: fc.oneof({ arbitrary: fc.bigInt({ min: 0n, max: 3n }), weight: 8 }, { arbitrary: fc.bigInt({ min: 1n, max: 200n * DAY_NS }), weight: 1 }),
          newId: fc.boolean(),
          lagNs: fc.bigInt({ min: 0n, max: 5n }),
          snapshot: fc.boolean(),
          side: fc.integer({ min: 0, max: 1 }),
          a: fc.integer({ min: 1, max: 99 }),
          b: fc.double({ min: 0, max: 10, noNaN: true }),
          c: fc.integer({ min: 1, max: 99 }),
          d: fc.integer({ min: 0, max: 9 }),
          aggressor: fc.integer({ min: 0, max: 2 }),
        }),
        { minLength: 1, maxLength: 14 },
      ),
      cuts: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
      feedLatencyNs: fc.option(fc.bigInt({ min: 0n, max: 4n }), { nil: undefined }),
    })
    .map(({ kind, steps, cuts, feedLatencyNs }) => {
      let t = t0;
      let id = 0n;
      const rows = steps.map((st, i): Row => {
        t += st.dt;
        // A message's rows share one time: a new id wherever the time moves.
        if (i === 0 || st.dt !== 0n || st.newId) id++;
        const tsEventNs = t - st.lagNs;
        // Capture times must not go back within a source: synthesised ones follow tsEventNs, so its lag is then fixed.
        return { ...st, tsEventNs: feedLatencyNs === undefined ? tsEventNs : t, tsLocalNs: t, id: id + BigInt(index) * 1000n };
      });
      return { kind, instrument: `I${index % 2}`, rows, cuts, feedLatencyNs };
    });

const scenario = fc
  .record({
    t0: fc.oneof(fc.constant(1_700_000_000_000_000_000n), fc.bigInt({ min: 2n ** 62n - 2n ** 33n, max: 2n ** 62n }), fc.bigInt({ min: -(2n ** 34n), max: 2n ** 34n })),
    n: fc.integer({ min: 1, max: 3 }),
    times: fc.integer({ min: 1, max: 3 }),
    /** Added to the longest source's span: repetitions follow one another on every source. */
    extraShiftNs: fc.oneof(fc.bigInt({ min: 1n, max: 8n }), fc.bigInt({ min: 1n, max: 2n ** 40n }), fc.bigInt({ min: 1n, max: 400n * DAY_NS })),
    rebaseAtNs: fc.constantFrom(undefined, 1, 1_000, 2 ** 33),
  })
  .chain(({ t0, n, extraShiftNs, ...rest }) =>
    fc.tuple(...Array.from({ length: n }, (_, i) => source(t0, i))).map((sources) => {
      const span = sources.reduce((m, s) => (s.rows.at(-1)!.tsLocalNs - t0 > m ? s.rows.at(-1)!.tsLocalNs - t0 : m), 0n);
      return { ...rest, sources: sources as Source[], shiftNs: span + extraShiftNs };
    }),
  );

describe('the feeder against a naive expand-and-sort feed', () => {
  it('yields every message of every source and repetition, each field equal, in (tsLocal, kind, source) order', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ sources, times, shiftNs, rebaseAtNs }) => {
        const feeder = await HistoricalFeeder.open(
          sources.map((s) => ({ instrument: s.instrument, batches: times === 1 ? batches(s) : repeatFeed(() => batches(s), times, shiftNs), feedLatencyNs: s.feedLatencyNs })),
          rebaseAtNs === undefined ? {} : { rebaseAtNs },
        );
        expect(await drain(feeder)).toEqual(naiveFeed(sources, times, shiftNs));
      }),
      { numRuns: 300 },
    );
  });

  it('repeatFeed refuses a shift that does not tell repetitions apart (zero or negative) and repeats nothing zero times', async () => {
    const s: Source = { kind: 'trade', instrument: 'A', rows: [{ tsEventNs: 1n, tsLocalNs: 1n, id: 1n, snapshot: false, side: 0, a: 1, b: 1, c: 1, d: 1, aggressor: 0 }], cuts: [1], feedLatencyNs: undefined };
    const all = async (it: AsyncIterable<CanonicalBatch>) => {
      const out: CanonicalBatch[] = [];
      for await (const b of it) out.push(b);
      return out;
    };
    await expect(all(repeatFeed(() => batches(s), 2, 0n))).rejects.toThrow(new RangeError('repeatFeed: shiftNs must be > 0, got 0'));
    await expect(all(repeatFeed(() => batches(s), 2, -1n))).rejects.toThrow(RangeError);
    expect(await all(repeatFeed(() => batches(s), 0, 1n))).toHaveLength(0);
    const feeder = await HistoricalFeeder.open([{ instrument: 'A', batches: repeatFeed(() => batches(s), 2, 1n) }]);
    expect(await drain(feeder)).toEqual(naiveFeed([s], 2, 1n));
  });
});
