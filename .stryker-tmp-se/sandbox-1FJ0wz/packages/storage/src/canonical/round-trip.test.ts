// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { FsStorage } from '../backends/fs-storage.ts';
import { openCatalog } from '../catalog.ts';
import type { BookDeltaBatch, CanonicalBatch, TradeBatch } from './batches.ts';
import { writeDataset } from './dataset-writer.ts';
import { readCanonical } from './reader.ts';
import { duckConnection, sqlString } from './duckdb-engine.ts';
import { parquetColumns } from './schema.ts';
import { collectBatches, emptyBookDelta, metaForBatch, usdmInstrument } from './test-datasets.ts';

const instrument = usdmInstrument();
const metaFor = (batch: CanonicalBatch) => metaForBatch(batch, instrument);
const collect = collectBatches;

function bookDelta(n: number): BookDeltaBatch {
  const b = emptyBookDelta(n);
  for (let i = 0; i < n; i++) {
    b.tsEventNs[i] = 1723075200000000000n + BigInt(i) * 1000n;
    b.tsLocalNs[i] = b.tsEventNs[i]! + 7n;
    b.updateId[i] = i % 5 === 0 ? -1n : BigInt(i);
    b.batchId[i] = BigInt(i >> 2);
    b.isSnapshot[i] = i < 10 ? 1 : 0;
    b.side[i] = i & 1;
    b.price[i] = 600_000 + (i % 977);
    b.size[i] = (i * 7919) % 100_000;
  }
  return b;
}

describe('canonical Parquet round trip', () => {
  it('reads back a book_delta dataset exactly, in order, in batches of the requested size', async () => {
    const storage = new FsStorage(mkdtempSync(join(tmpdir(), 'chassis-st-')));
    const batch = bookDelta(150_000);
    const { meta } = await writeDataset(storage, batch, metaFor(batch));
    const got = (await collect(readCanonical(storage, meta, { batchRows: 40_000 }))) as BookDeltaBatch[];
    expect(got.map((b) => b.length)).toEqual([40_000, 40_000, 40_000, 30_000]);
    let at = 0;
    for (const b of got) {
      for (const k of ['tsEventNs', 'tsLocalNs', 'updateId', 'batchId', 'isSnapshot', 'side', 'price', 'size'] as const) {
        expect(Array.from(b[k] as ArrayLike<unknown>)).toEqual(Array.from((batch[k] as ArrayLike<unknown> & { subarray(a: number, b: number): ArrayLike<unknown> }).subarray(at, at + b.length)));
      }
      at += b.length;
    }
  });

  it('writes exactly the contract columns, types and values (null update_id, bid/ask strings, booleans)', async () => {
    const storage = new FsStorage(mkdtempSync(join(tmpdir(), 'chassis-st-')));
    const batch = bookDelta(12);
    const { meta } = await writeDataset(storage, batch, metaFor(batch));
    const con = await duckConnection();
    try {
      const file = sqlString(join(storage.root, meta.files[0]!.key));
      const cols = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${file})`)).getRows().map((r) => [r[0], r[1]]);
      expect(cols).toEqual(parquetColumns('book_delta', 1, 3).map(([n, t]) => [n, t.replace(' NOT NULL', '')]));
      const rows = (await con.runAndReadAll(`SELECT update_id, is_snapshot, side, price::VARCHAR FROM read_parquet(${file}) LIMIT 11`)).getRows();
      expect(rows[0]).toEqual([null, true, 'bid', '60000.0']);
      expect(rows[1]).toEqual([1n, true, 'ask', '60000.1']);
      expect(rows[10]).toEqual([null, false, 'bid', '60001.0']);
    } finally {
      con.closeSync();
    }
  });

  it('keeps any trade prices, sizes and ids exact through Parquet DECIMAL', async () => {
    const storage = new FsStorage(mkdtempSync(join(tmpdir(), 'chassis-st-')));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ price: fc.integer({ min: 1, max: 2 ** 52 }), size: fc.integer({ min: 0, max: 10 ** 15 }), aggr: fc.integer({ min: 0, max: 2 }), id: fc.string() }), { minLength: 1, maxLength: 300 }),
        async (rows) => {
          const n = rows.length;
          const t: TradeBatch = {
            kind: 'trade', length: n, tsEventNs: BigInt64Array.from(rows, (_r, i) => BigInt(i)), tsLocalNs: BigInt64Array.from(rows, (_r, i) => BigInt(i) + 1n),
            tradeId: rows.map((r) => r.id), price: Float64Array.from(rows, (r) => r.price), size: Float64Array.from(rows, (r) => r.size), aggressor: Uint8Array.from(rows, (r) => r.aggr),
          };
          const { meta } = await writeDataset(storage, t, metaFor(t));
          const [back] = (await collect(readCanonical(storage, meta))) as TradeBatch[];
          expect(Array.from(back!.price)).toEqual(Array.from(t.price));
          expect(Array.from(back!.size)).toEqual(Array.from(t.size));
          expect(back!.tradeId).toEqual(t.tradeId);
          expect(Array.from(back!.aggressor)).toEqual(Array.from(t.aggressor));
        },
      ),
      { numRuns: 15 },
    );
  });

  it('filters by event time window [from, to)', async () => {
    const storage = new FsStorage(mkdtempSync(join(tmpdir(), 'chassis-st-')));
    const batch = bookDelta(1000);
    const { meta } = await writeDataset(storage, batch, metaFor(batch));
    const got = await collect(readCanonical(storage, meta, { from: batch.tsEventNs[100]!, to: batch.tsEventNs[200]! }));
    expect(got[0]!.length).toBe(100);
    expect(got[0]!.tsEventNs[0]).toBe(batch.tsEventNs[100]);
  });

  it('leaves no canonical dataset and no catalog entry when a write fails mid-commit (full disk)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'chassis-st-'));
    const storage = new FsStorage(root, {
      beforeWrite: (key) => {
        if (key.endsWith('dataset.json')) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    });
    const batch = bookDelta(5000);
    await expect(writeDataset(storage, batch, metaFor(batch))).rejects.toThrow(/ENOSPC/);
    expect(existsSync(join(root, 'canonical'))).toBe(false);
    expect(readdirSync(join(root, 'staging'))).toEqual([]);
    expect(await openCatalog(storage).list()).toEqual([]);
  });

  it('gives the same content the same dataset id, and the catalog records it once', async () => {
    const storage = new FsStorage(mkdtempSync(join(tmpdir(), 'chassis-st-')));
    const catalog = openCatalog(storage);
    const a = await writeDataset(storage, bookDelta(100), metaFor(bookDelta(100)));
    const b = await writeDataset(storage, bookDelta(100), metaFor(bookDelta(100)));
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect((await catalog.add(a.meta)).alreadyPresent).toBe(false);
    expect((await catalog.add(b.meta)).alreadyPresent).toBe(true);
    const found = await catalog.find({ venue: 'binance-usdm', instrument: 'BTCUSDT', kind: 'book_delta' });
    expect(found.map((d) => d.id)).toEqual([a.meta.id]);
    expect(found[0]!.instrument.priceDecimals).toBe(1);
    expect(found[0]!.startNs).toBe(1723075200000000000n);
  });
});
