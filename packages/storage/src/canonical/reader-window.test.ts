import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BookDeltaBatch } from './batches.ts';
import { Rebatcher } from './reader.ts';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Event times anywhere in int64, many of them on or next to a 32-bit word boundary (where a word-wise compare can go wrong). */
const tsArb = fc.oneof(
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.tuple(fc.integer({ min: -3, max: 3 }), fc.bigInt({ min: -2n, max: 2n })).map(([hi, d]) => BigInt(hi) * 2n ** 32n + d),
  fc.bigInt({ min: 1_723_161_256_000_000_000n, max: 1_723_161_256_000_000_100n }),
);

function chunkOf(ts: readonly bigint[], firstRow: number): BookDeltaBatch {
  const n = ts.length;
  return {
    kind: 'book_delta', length: n, tsEventNs: BigInt64Array.from(ts), tsLocalNs: BigInt64Array.from(ts, (t) => BigInt.asIntN(64, t + 1n)),
    updateId: BigInt64Array.from(ts, (_, i) => BigInt(firstRow + i)), batchId: BigInt64Array.from(ts, (_, i) => BigInt(firstRow + i)),
    isSnapshot: new Uint8Array(n), side: Uint8Array.from(ts, (_, i) => (firstRow + i) % 2), price: Float64Array.from(ts, (_, i) => firstRow + i), size: Float64Array.from(ts, () => 1),
  };
}

describe('re-cutting canonical chunks to an event-time window', () => {
  it('hands out exactly the rows whose event time is in [from, to), in stored order, in batches of the requested size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(tsArb, { maxLength: 40 }), { maxLength: 6 }),
        fc.option(tsArb, { nil: undefined }),
        fc.option(tsArb, { nil: undefined }),
        fc.integer({ min: 1, max: 17 }),
        (chunkTimes, from, to, cap) => {
          // The reference: every stored row, kept by a plain BigInt comparison.
          const expected: { ts: bigint; row: number }[] = [];
          let row = 0;
          for (const ts of chunkTimes) for (const t of ts) {
            if ((from === undefined || t >= from) && (to === undefined || t < to)) expected.push({ ts: t, row });
            row++;
          }
          const re = new Rebatcher('book_delta', cap, from, to);
          const out: BookDeltaBatch[] = [];
          let first = 0;
          for (const ts of chunkTimes) {
            re.push(chunkOf(ts, first), false);
            first += ts.length;
            out.push(...(re.out.splice(0) as BookDeltaBatch[]));
          }
          re.flush();
          out.push(...(re.out.splice(0) as BookDeltaBatch[]));
          const got = out.flatMap((b) => Array.from({ length: b.length }, (_, i) => ({ ts: b.tsEventNs[i]!, row: b.price[i]! })));
          expect(got).toEqual(expected);
          // Every column moved with its row.
          for (const b of out) for (let i = 0; i < b.length; i++) {
            expect(b.updateId[i]).toBe(BigInt(b.price[i]!));
            expect(b.tsLocalNs[i]).toBe(BigInt.asIntN(64, b.tsEventNs[i]! + 1n));
            expect(b.side[i]).toBe(b.price[i]! % 2);
          }
          expect(out.every((b) => b.length > 0)).toBe(true);
          expect(out.slice(0, -1).every((b) => b.length === cap)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('grows a batch filled over many row runs and chunks (batches larger than its first allocation) without losing or moving a row', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ rows: fc.integer({ min: 0, max: 3000 }), outEvery: fc.integer({ min: 2, max: 400 }) }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1100, max: 5000 }),
        (chunkSpecs, cap) => {
          // Rows 0, 1, 2, … at event times T + row, every outEvery-th one moved far outside the window.
          const T = 1_723_161_256_000_000_000n;
          const from = T;
          const to = T + 10n ** 12n;
          const expected: bigint[] = [];
          const re = new Rebatcher('book_delta', cap, from, to);
          const out: BookDeltaBatch[] = [];
          let row = 0;
          for (const { rows, outEvery } of chunkSpecs) {
            const ts = Array.from({ length: rows }, (_, i) => ((row + i) % outEvery === 0 ? T - 1n - BigInt(row + i) : T + BigInt(row + i)));
            for (const t of ts) if (t >= from && t < to) expected.push(t);
            re.push(chunkOf(ts, row), false);
            row += rows;
            out.push(...(re.out.splice(0) as BookDeltaBatch[]));
          }
          re.flush();
          out.push(...(re.out.splice(0) as BookDeltaBatch[]));
          expect(out.flatMap((b) => Array.from(b.tsEventNs))).toEqual(expected);
          expect(out.flatMap((b) => Array.from(b.price))).toEqual(expected.map((t) => Number(t - T)));
          expect(out.slice(0, -1).every((b) => b.length === cap)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
