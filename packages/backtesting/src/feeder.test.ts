import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BookDeltaBatch, CanonicalBatch, TradeBatch, BboBatch } from '@chassis/storage';
import type { MarketEvent } from '@chassis/core';
import { HistoricalFeeder, repeatBatches, repeatFeed } from './feeder.ts';

const big = (xs: number[]) => BigInt64Array.from(xs.map(BigInt));
const DAY_NS = 86_400_000_000_000n;

function deltas(rows: [ts: number, batchId: number, side: number, price: number, size: number][]): BookDeltaBatch {
  return {
    kind: 'book_delta', length: rows.length, tsEventNs: big(rows.map((r) => r[0] - 1)), tsLocalNs: big(rows.map((r) => r[0])), updateId: big(rows.map((r) => r[1])),
    batchId: big(rows.map((r) => r[1])), isSnapshot: new Uint8Array(rows.length), side: Uint8Array.from(rows.map((r) => r[2])),
    price: Float64Array.from(rows.map((r) => r[3])), size: Float64Array.from(rows.map((r) => r[4])),
  };
}
function trades(rows: [ts: number, price: number][]): TradeBatch {
  return {
    kind: 'trade', length: rows.length, tsEventNs: big(rows.map((r) => r[0] - 1)), tsLocalNs: big(rows.map((r) => r[0])), tradeId: rows.map((_, i) => `t${i}`),
    price: Float64Array.from(rows.map((r) => r[1])), size: Float64Array.from(rows.map(() => 1)), aggressor: new Uint8Array(rows.length),
  };
}
function bbos(ts: number[]): BboBatch {
  const f = () => Float64Array.from(ts.map(() => 1));
  return { kind: 'bbo', length: ts.length, tsEventNs: big(ts.map((t) => t - 1)), tsLocalNs: big(ts), updateId: big(ts), bidPrice: f(), bidSize: f(), askPrice: f(), askSize: f() };
}
/** The batch with these capture times (and exchange times 1 ns earlier). */
function at(b: TradeBatch, tsLocalNs: bigint[]): TradeBatch {
  return { ...b, tsLocalNs: BigInt64Array.from(tsLocalNs), tsEventNs: BigInt64Array.from(tsLocalNs.map((t) => t - 1n)) };
}
async function* stream(...batches: CanonicalBatch[]): AsyncIterable<CanonicalBatch> {
  for (const b of batches) yield b;
}
async function drain(f: HistoricalFeeder): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for (;;) {
    const e = f.next();
    if (e) out.push(e);
    else if (f.needsRefill) await f.refill();
    else return out;
  }
}

describe('historical feeder', () => {
  it('merges sources by tsLocal, breaking ties by kind order book_delta, trade, bbo, then source order', async () => {
    const f = await HistoricalFeeder.open([
      { instrument: 'B', batches: stream(bbos([10, 20])) },
      { instrument: 'B', batches: stream(trades([[10, 5], [30, 5]])) },
      { instrument: 'A', batches: stream(deltas([[10, 1, 0, 5, 1], [20, 2, 0, 5, 2]])) },
      { instrument: 'B', batches: stream(deltas([[10, 7, 0, 5, 1]])) },
    ]);
    const got = (await drain(f)).map((e) => `${e.tsLocalNs}:${e.kind}:${e.instrument}`);
    expect(got).toEqual(['10:book_delta:A', '10:book_delta:B', '10:trade:B', '10:bbo:B', '20:book_delta:A', '20:bbo:B', '30:trade:B']);
  });

  it("carries every trade and BBO unit value exactly as its column holds it: small integers, then values beyond 32 bits, negative and fractional ones", async () => {
    // Small integers first (the events' unit fields then hold them as small integers), then values
    // that do not fit 32 bits: the same numbers must come out (Object.is: -0 and NaN too).
    const values = [5_700_000, 1, 0, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 40 + 5, -(2 ** 45) - 3, 0.5, -7.25, 2 ** 53 - 1, Number.NaN, -0, 42];
    const ts = values.map((_, i) => 10 * (i + 1));
    const trade: TradeBatch = { ...trades(ts.map((t, i) => [t, values[i]!])), size: Float64Array.from(values.slice().reverse()) };
    const bbo: BboBatch = {
      ...bbos(ts),
      bidPrice: Float64Array.from(values),
      bidSize: Float64Array.from(values.map((_, i) => values[(i + 1) % values.length]!)),
      askPrice: Float64Array.from(values.map((_, i) => values[(i + 2) % values.length]!)),
      askSize: Float64Array.from(values.map((_, i) => values[(i + 3) % values.length]!)),
    };
    const events = await drain(await HistoricalFeeder.open([{ instrument: 'A', batches: stream(trade) }, { instrument: 'A', batches: stream(bbo) }]));
    const got = { tradePrice: [] as number[], tradeQty: [] as number[], bid: [] as number[], bidQty: [] as number[], ask: [] as number[], askQty: [] as number[] };
    for (const e of events) {
      if (e.kind === 'trade') {
        got.tradePrice.push(e.priceUnits);
        got.tradeQty.push(e.qtyUnits);
      } else if (e.kind === 'bbo') {
        got.bid.push(e.bidPriceUnits);
        got.bidQty.push(e.bidQtyUnits);
        got.ask.push(e.askPriceUnits);
        got.askQty.push(e.askQtyUnits);
      }
    }
    const same = (a: number[], b: ArrayLike<number>) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
    expect(same(got.tradePrice, trade.price)).toBe(true);
    expect(same(got.tradeQty, trade.size)).toBe(true);
    expect(same(got.bid, bbo.bidPrice)).toBe(true);
    expect(same(got.bidQty, bbo.bidSize)).toBe(true);
    expect(same(got.ask, bbo.askPrice)).toBe(true);
    expect(same(got.askQty, bbo.askSize)).toBe(true);
  });

  it('starts the first read of every source before it waits for any, and merges them as before', async () => {
    const log: string[] = [];
    async function* logged(name: string, ...batches: CanonicalBatch[]): AsyncIterable<CanonicalBatch> {
      for (const b of batches) {
        log.push(`read ${name}`);
        await new Promise((r) => setTimeout(r, 1));
        log.push(`got ${name}`);
        yield b;
      }
    }
    const f = await HistoricalFeeder.open([
      { instrument: 'A', batches: logged('book', deltas([[10, 1, 0, 5, 1], [30, 2, 0, 5, 2]])) },
      { instrument: 'A', batches: logged('trade', trades([[20, 5]])) },
      { instrument: 'A', batches: logged('bbo', bbos([15])) },
    ]);
    expect(log.slice(0, 3)).toEqual(['read book', 'read trade', 'read bbo']);
    const got = (await drain(f)).map((e) => `${e.tsLocalNs}:${e.kind}`);
    expect(got).toEqual(['10:book_delta', '15:bbo', '20:trade', '30:book_delta']);
  });

  it('emits one book_delta event per venue message pointing at the batch rows, even when the message spans two batches', async () => {
    const f = await HistoricalFeeder.open([
      { instrument: 'A', batches: stream(deltas([[1, 1, 0, 10, 1], [2, 2, 0, 11, 1], [2, 2, 1, 12, 1]]), deltas([[2, 2, 1, 13, 1], [3, 3, 0, 9, 0]])) },
    ]);
    const ev = (await drain(f)) as Extract<MarketEvent, { kind: 'book_delta' }>[];
    expect(ev.map((e) => e.count)).toEqual([1, 3, 1]);
    const m = ev[1]!;
    expect(Array.from({ length: m.count }, (_, i) => m.prices[m.offset + i])).toEqual([11, 12, 13]);
  });

  it('groups rows into the same messages however the stream is cut into batches (messages spanning one, two or many batches)', async () => {
    const split = fc.record({
      // Message sizes and where batches are cut (cut positions over the concatenated rows).
      sizes: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 25 }),
      cuts: fc.array(fc.nat(), { maxLength: 12 }),
    });
    await fc.assert(
      fc.asyncProperty(split, async ({ sizes, cuts }) => {
        const rows: [number, number, number, number, number][] = [];
        sizes.forEach((n, m) => {
          for (let i = 0; i < n; i++) rows.push([m + 1, m + 1, i % 2, 100 * m + i, 1]);
        });
        const at = [...new Set(cuts.map((c) => c % (rows.length + 1)))].sort((a, b) => a - b);
        const bounds = [0, ...at, rows.length];
        const batches = bounds.slice(1).map((end, i) => deltas(rows.slice(bounds[i], end)));
        const f = await HistoricalFeeder.open([{ instrument: 'A', batches: stream(...batches) }]);
        const ev = (await drain(f)) as Extract<MarketEvent, { kind: 'book_delta' }>[];
        expect(ev.map((e) => e.count)).toEqual(sizes);
        expect(ev.flatMap((e) => Array.from({ length: e.count }, (_, i) => e.prices[e.offset + i]))).toEqual(rows.map((r) => r[3]));
        expect(ev.map((e) => e.updateId)).toEqual(sizes.map((_, m) => BigInt(m + 1)));
      }),
    );
  });

  it('stamps tsLocal as tsEvent plus the feed latency when the dataset has no capture time', async () => {
    const f = await HistoricalFeeder.open([{ instrument: 'A', batches: stream(trades([[100, 5]])), feedLatencyNs: 1000n }]);
    const [e] = await drain(f);
    expect(e!.tsLocalNs).toBe(99n + 1000n);
  });

  it('orders two messages 1 ns apart 200 days after the first by time, not by the tie rule (the epoch moves)', async () => {
    const t0 = 1_722_000_000_000_000_000n;
    const far = t0 + 200n * DAY_NS;
    // Source 0 ranks first at equal times: a clock that rounded both far times together would put it first.
    const f = await HistoricalFeeder.open([
      { instrument: 'A', batches: stream(at(trades([[0, 5], [0, 6]]), [t0, far + 1n])) },
      { instrument: 'B', batches: stream(at(trades([[0, 7]]), [far])) },
    ]);
    expect((await drain(f)).map((e) => `${e.instrument}:${e.tsLocalNs - t0}`)).toEqual(['A:0', `B:${far - t0}`, `A:${far - t0 + 1n}`]);
  });

  it('refuses a feed latency beyond the number clock\'s ±2^50 ns (E_FEED_SPAN), naming the value', async () => {
    const latency = 2n ** 50n + 1n;
    await expect(HistoricalFeeder.open([{ instrument: 'A', batches: stream(trades([[1, 5]])), feedLatencyNs: latency }])).rejects.toMatchObject({
      code: 'E_FEED_SPAN',
      message: expect.stringContaining(`feed latency of source 0 (A) of ${latency} ns`),
    });
  });

  it('merges feeds spanning up to years with gaps of any length in the order of a bigint sort', async () => {
    // Shared far-apart instants (up to 3 years); each source's capture times are some of them plus 0–3 ns, so messages of
    // different sources often fall 0–3 ns apart far from the first one. The reference sorts by (tsLocal, kind, source, row) on bigints.
    const instants = fc.uniqueArray(fc.bigInt({ min: 0n, max: 3n * 365n * DAY_NS }), { minLength: 1, maxLength: 6 });
    const pick = fc.tuple(fc.nat(5), fc.bigInt({ min: 0n, max: 3n }));
    const source = fc.record({ kind: fc.constantFrom('trade', 'bbo'), picks: fc.array(pick, { minLength: 1, maxLength: 10 }), cut: fc.integer({ min: 1, max: 4 }) });
    await fc.assert(
      fc.asyncProperty(instants, fc.array(source, { minLength: 1, maxLength: 4 }), fc.constantFrom(1, 1000, 2 ** 40, undefined), async (at0, sources, rebaseAtNs) => {
        const t0 = 1_700_000_000_000_000_000n;
        const rows = sources.map((src) => src.picks.map(([k, d]) => t0 + at0[k % at0.length]! + d).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
        const feed = sources.map((src, k) => {
          const times = rows[k]!;
          const parts: CanonicalBatch[] = [];
          for (let i = 0; i < times.length; i += src.cut) {
            const ts = times.slice(i, i + src.cut);
            parts.push(src.kind === 'trade' ? at(trades(ts.map(() => [0, 5])), ts) : { ...bbos(ts.map(() => 0)), tsLocalNs: BigInt64Array.from(ts), tsEventNs: BigInt64Array.from(ts) });
          }
          return { instrument: `S${k}`, batches: stream(...parts) };
        });
        const rank = (k: number): number => (sources[k]!.kind === 'trade' ? 1 : 2);
        const want = rows
          .flatMap((ts, k) => ts.map((t, i) => ({ t, k, i })))
          .sort((a, b) => (a.t !== b.t ? (a.t < b.t ? -1 : 1) : rank(a.k) - rank(b.k) || a.k - b.k || a.i - b.i))
          .map((x) => `S${x.k}@${x.t}`);
        const f = await HistoricalFeeder.open(feed, rebaseAtNs === undefined ? {} : { rebaseAtNs });
        expect((await drain(f)).map((e) => `${e.instrument}@${e.tsLocalNs}`)).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });

  it('orders messages whose times differ by 1 ns far from the epoch (exact relative times)', async () => {
    // 2024 in ns is beyond 2^53: as plain doubles these times would round together and tie.
    const t0 = 1_722_000_000_000_000_000n + 80n * 2n ** 32n;
    const f = await HistoricalFeeder.open([
      { instrument: 'A', batches: stream(at(trades([[0, 5], [0, 6]]), [t0, t0 + 3n])) },
      { instrument: 'B', batches: stream(at(trades([[0, 7]]), [t0 + 2n])) },
    ]);
    expect((await drain(f)).map((e) => `${e.instrument}:${e.tsLocalNs - t0}`)).toEqual(['A:0', 'B:2', 'A:3']);
  });

  it('repeats a stream with shifted timestamps', async () => {
    const f = await HistoricalFeeder.open([{ instrument: 'A', batches: repeatBatches(() => stream(trades([[1, 5], [2, 5]])), 3, 10n) }]);
    expect((await drain(f)).map((e) => e.tsLocalNs)).toEqual([1n, 2n, 11n, 12n, 21n, 22n]);
  });

  it('feeds a repetition shifted per batch (repeatFeed) exactly as one shifted in its columns (repeatBatches), messages split by batch cuts and repetition seams included', async () => {
    // Times near 2^32-word carries and far from the feed's epoch; book_delta messages (rows sharing an id) cut at random batch bounds.
    const row = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 9 }));
    const cuts = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 16 }),
        cuts,
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 6 }),
        fc.bigInt({ min: 1n, max: 2n ** 40n }),
        fc.bigInt({ min: 2n ** 60n - 2n ** 33n, max: 2n ** 60n }),
        fc.constantFrom(undefined, 1_000, 2 ** 33),
        async (rows, cutSizes, tradeGaps, shift, t0, rebaseAtNs) => {
          // book_delta rows: time steps by the first number (0: same message id as the row before).
          let t = 0;
          let id = 0;
          const dRows = rows.map(([dt, side, price]): [number, number, number, number, number] => {
            if (dt > 0 || id === 0) id++;
            t += dt;
            return [t, id, side % 2, price, 1];
          });
          const batchesOf = (): CanonicalBatch[] => {
            const out: CanonicalBatch[] = [];
            for (let i = 0, c = 0; i < dRows.length; c++) {
              const n = cutSizes[c % cutSizes.length]!;
              const d = deltas(dRows.slice(i, i + n));
              out.push({ ...d, tsEventNs: d.tsEventNs.map((x) => x + t0), tsLocalNs: d.tsLocalNs.map((x) => x + t0) });
              i += n;
            }
            return out;
          };
          let tt = 0;
          const tr = trades(tradeGaps.map((g) => [(tt += g), 5]));
          const tradeBatch: TradeBatch = { ...tr, tsEventNs: tr.tsEventNs.map((x) => x + t0), tsLocalNs: tr.tsLocalNs.map((x) => x + t0) };
          const feed = async (repeat: typeof repeatFeed) =>
            drain(
              await HistoricalFeeder.open(
                [
                  { instrument: 'A', batches: repeat(() => stream(...structuredClone(batchesOf())), 3, shift) },
                  { instrument: 'A', batches: repeat(() => stream(structuredClone(tradeBatch)), 3, shift) },
                ],
                rebaseAtNs === undefined ? {} : { rebaseAtNs },
              ),
            );
          const view = (e: MarketEvent) =>
            e.kind === 'book_delta' ? [e.kind, e.tsEventNs, e.tsLocalNs, e.updateId, Array.from({ length: e.count }, (_, i) => e.prices[e.offset + i])] : [e.kind, e.tsEventNs, e.tsLocalNs];
          const byColumns = (await feed(repeatBatches)).map(view);
          expect((await feed(repeatFeed)).map(view)).toEqual(byColumns);
          // Every repetition's messages are there, none merged at a seam.
          expect(byColumns.filter((v) => v[0] === 'book_delta')).toHaveLength(3 * id);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('shifts 64-bit timestamps and message ids exactly across 32-bit word carries', async () => {
    const int64 = fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n });
    await fc.assert(
      fc.asyncProperty(fc.array(int64, { minLength: 1, maxLength: 20 }), fc.bigInt({ min: 0n, max: 2n ** 56n }), async (ts, shift) => {
        const b: BookDeltaBatch = { ...deltas(ts.map(() => [0, 0, 0, 1, 1])), tsEventNs: BigInt64Array.from(ts), tsLocalNs: BigInt64Array.from(ts), batchId: BigInt64Array.from(ts) };
        const out: CanonicalBatch[] = [];
        // Each open() yields batches the caller owns (as readCanonical does): repeatBatches shifts in place.
        for await (const x of repeatBatches(() => stream(structuredClone(b)), 3, shift)) out.push(x);
        const wrap = (v: bigint) => BigInt.asIntN(64, v);
        for (let k = 0; k < 3; k++) {
          const o = out[k] as BookDeltaBatch;
          expect([...o.tsEventNs]).toEqual(ts.map((t) => wrap(t + shift * BigInt(k))));
          expect([...o.tsLocalNs]).toEqual(ts.map((t) => wrap(t + shift * BigInt(k))));
          expect([...o.batchId]).toEqual(ts.map((t) => wrap(t + (BigInt(k) << 40n))));
        }
      }),
      { numRuns: 50 },
    );
  });
});
