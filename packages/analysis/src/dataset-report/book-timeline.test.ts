import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalPrefix, contentHash, openStorage, writeDataset, type BookDeltaBatch, type DatasetMeta, type InstrumentMeta, type Storage } from '@chassis/storage';
import { buildBookTimeline } from './book-timeline.ts';
import { bucketOf, timeGrid } from './time-grid.ts';

const instrument: InstrumentMeta = {
  venue: 'test', symbol: 'XY', contractType: 'linear', baseCurrency: 'X', quoteCurrency: 'Y',
  priceDecimals: 2, sizeDecimals: 3, tickSize: '0.01', lotSize: '0.001', multiplier: '1',
};
const T0 = 1_723_161_600_000_000_000n;
const SECOND = 1_000_000_000n;

/** Rows: [batch, tsNs, snapshot, side 0 bid / 1 ask, price units, size units]. */
type Row = readonly [number, bigint, boolean, 0 | 1, number, number];

async function dataset(storage: Storage, rows: readonly Row[], extra: Partial<DatasetMeta> = {}): Promise<DatasetMeta> {
  const n = rows.length;
  const b: BookDeltaBatch = {
    kind: 'book_delta', length: n, tsEventNs: BigInt64Array.from(rows, (r) => r[1]), tsLocalNs: BigInt64Array.from(rows, (r) => r[1]), updateId: new BigInt64Array(n).fill(-1n),
    batchId: BigInt64Array.from(rows, (r) => BigInt(r[0])), isSnapshot: Uint8Array.from(rows, (r) => (r[2] ? 1 : 0)), side: Uint8Array.from(rows, (r) => r[3]),
    price: Float64Array.from(rows, (r) => r[4]), size: Float64Array.from(rows, (r) => r[5]),
  };
  const hash = contentHash(b, instrument);
  const base = { id: `ds_${hash.slice(0, 24)}`, venue: 'test', symbol: 'XY', kind: 'book_delta' as const, day: '2024-08-09' };
  const meta: Omit<DatasetMeta, 'files'> = {
    ...base, contentHash: hash, startNs: rows[0]![1], endNs: rows[n - 1]![1], rows: n, version: 1, segment: 0, state: 'Promoted', prefix: canonicalPrefix(base), instrument,
    gaps: [], checks: [], transitions: [], provenance: { rawKeys: [], sourceFiles: [], sourceSha256: [], tsLocalFromEvent: false }, createdAt: '2024-08-09T00:00:00Z', ...extra,
  };
  return (await writeDataset(storage, b, meta)).meta;
}

const tmpStorage = () => openStorage(mkdtempSync(join(tmpdir(), 'chassis-book-timeline-')));

describe('the book timeline of a dataset report', () => {
  it('counts a level exactly at 1, 5 or 25 bps of mid in that band and one tick further out not', async () => {
    // mid 10000.00 (bid 9999.50, ask 10000.50): 1 bps = 1.00, 5 bps = 5.00, 25 bps = 25.00.
    // Sizes are powers of two so each sum names exactly the levels in it.
    const bids: [number, number][] = [[999_950, 1], [999_900, 2], [999_899, 4], [999_500, 8], [997_500, 16], [997_499, 32]];
    const asks: [number, number][] = [[1_000_050, 1], [1_000_100, 2], [1_000_101, 4], [1_000_500, 8], [1_002_500, 16], [1_002_501, 32]];
    const storage = tmpStorage();
    const meta = await dataset(storage, [...bids.map(([p, q]) => [1, T0, true, 0, p, q] as const), ...asks.map(([p, q]) => [1, T0, true, 1, p, q] as const)]);
    const grid = timeGrid(T0, T0 + SECOND, 10);
    const t = await buildBookTimeline(storage, [meta], grid, { fromNs: T0, toNs: T0 + SECOND });
    const k = bucketOf(grid, T0);
    expect(t.samples.depth[0].map((band) => band[k])).toEqual([1 + 2, 1 + 2 + 4 + 8, 1 + 2 + 4 + 8 + 16]);
    expect(t.samples.depth[1].map((band) => band[k])).toEqual([1 + 2, 1 + 2 + 4 + 8, 1 + 2 + 4 + 8 + 16]);
    expect([t.samples.bestBidQty[k], t.samples.bestAskQty[k]]).toEqual([1, 1]);
    expect([...t.spreadHistogram]).toEqual([[100, 1]]);
  });

  it('measures nothing after a dataset that does not continue the previous one, until a snapshot', async () => {
    const storage = tmpStorage();
    const first = await dataset(storage, [[1, T0, true, 0, 1000, 1], [1, T0, true, 1, 1010, 1], [2, T0 + SECOND, false, 0, 1005, 1]]);
    // After a gap: diffs without a snapshot (not measured), then a snapshot (measured again).
    const afterGap = await dataset(storage, [[3, T0 + 5n * SECOND, false, 0, 1006, 1], [4, T0 + 6n * SECOND, false, 1, 1009, 1], [5, T0 + 7n * SECOND, true, 0, 990, 1], [5, T0 + 7n * SECOND, true, 1, 1000, 1]], { segment: 1 });
    const grid = timeGrid(T0, T0 + 8n * SECOND, 100);
    const t = await buildBookTimeline(storage, [first, afterGap], grid, { fromNs: T0, toNs: T0 + 8n * SECOND });
    expect(t.messages).toBe(5);
    // Spreads measured: 10 and 5 (first dataset), 10 (the new snapshot); none from the two blind diffs.
    expect(new Map(t.spreadHistogram)).toEqual(new Map([[10, 2], [5, 1]]));
    expect(t.mid.has(bucketOf(grid, T0 + 5n * SECOND))).toBe(false);
    expect(t.mid.has(bucketOf(grid, T0 + 6n * SECOND))).toBe(false);
    expect(t.mid.has(bucketOf(grid, T0 + 7n * SECOND))).toBe(true);
  });
});
