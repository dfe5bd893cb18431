// @ts-nocheck
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsStorage } from '../backends/fs-storage.ts';
import type { BookDeltaBatch, TradeBatch } from './batches.ts';
import { contentHash } from './content-hash.ts';
import { DatasetPartsWriter } from './dataset-writer.ts';
import type { InstrumentMeta } from './dataset.ts';
import { readCanonical } from './reader.ts';
import { emptyBookDelta, promotedMeta, usdmInstrument } from './test-datasets.ts';

/** Rows [from, to) of a deterministic book_delta batch; prices/sizes in units at 2/4 decimals. */
function rows(from: number, to: number): BookDeltaBatch {
  const n = to - from;
  const b = emptyBookDelta(n);
  for (let k = 0; k < n; k++) {
    const i = from + k;
    b.tsEventNs[k] = 1723075200000000000n + BigInt(i) * 1000n;
    b.tsLocalNs[k] = b.tsEventNs[k]! + 3n;
    b.updateId[k] = i % 7 === 0 ? -1n : BigInt(i);
    b.batchId[k] = BigInt(i >> 3);
    b.isSnapshot[k] = i < 16 ? 1 : 0;
    b.side[k] = i & 1;
    b.price[k] = 6_000_000 + (i % 1013) * 10; // multiples of 10: also exact at 1 decimal
    b.size[k] = ((i * 7919) % 10_000) * 100; // multiples of 100: also exact at 2 decimals
  }
  return b;
}

/** The same rows at fewer decimals (units divided by 10^k), as an earlier part would hold them. */
function coarser(b: BookDeltaBatch, dp: number, ds: number): BookDeltaBatch {
  return { ...b, price: b.price.map((x) => x / 10 ** dp), size: b.size.map((x) => x / 10 ** ds) };
}

const meta = (hash: string, length: number, inst: InstrumentMeta) => promotedMeta(hash, 'book_delta', length, inst);

describe('a dataset written in parts', () => {
  it('has the same content hash as the whole batch, even when early parts were written at a lower precision, and reads back identically', async () => {
    const storage = new FsStorage(mkdtempSync(join(tmpdir(), 'chassis-parts-')));
    const whole = rows(0, 10_000);
    const inst = usdmInstrument(2, 4);
    const w = new DatasetPartsWriter(storage, 'book_delta');
    await w.append(coarser(rows(0, 3000), 1, 2), 1, 2); // precision not yet discovered: rescaled at seal
    await w.append(rows(3000, 7000), 2, 4);
    await w.append(rows(7000, 10_000), 2, 4);
    const hash = await w.seal(inst);
    expect(hash).toBe(contentHash(whole, inst));
    const { meta: written, created } = await w.commit(meta(hash, whole.length, inst));
    expect(created).toBe(true);
    expect(written.files.map((f) => [f.key.split('/').pop(), f.rows])).toEqual([['data-00000.parquet', 3000], ['data-00001.parquet', 4000], ['data-00002.parquet', 3000]]);
    let at = 0;
    for await (const b of readCanonical(storage, written, { batchRows: 2500 }) as AsyncIterable<BookDeltaBatch>) {
      for (const k of ['tsEventNs', 'updateId', 'batchId', 'isSnapshot', 'side', 'price', 'size'] as const) {
        expect(Array.from(b[k] as ArrayLike<unknown>)).toEqual(Array.from((whole[k] as BigInt64Array).subarray(at, at + b.length) as ArrayLike<unknown>));
      }
      at += b.length;
    }
    expect(at).toBe(10_000);
  });

  it('hashes trade ids after the numeric columns, like the whole batch', async () => {
    const storage = new FsStorage(mkdtempSync(join(tmpdir(), 'chassis-parts-')));
    const trade = (from: number, n: number): TradeBatch => ({
      kind: 'trade', length: n, tsEventNs: BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i)), tsLocalNs: BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i + 1)),
      tradeId: Array.from({ length: n }, (_, i) => `t${from + i}`), price: Float64Array.from({ length: n }, (_, i) => 100 + from + i), size: Float64Array.from({ length: n }, () => 5), aggressor: Uint8Array.from({ length: n }, (_, i) => (from + i) % 3),
    });
    const inst = usdmInstrument(1, 3);
    const w = new DatasetPartsWriter(storage, 'trade');
    await w.append(trade(0, 10), 1, 3);
    await w.append(trade(10, 5), 1, 3);
    expect(await w.seal(inst)).toBe(contentHash(trade(0, 15), inst));
    await w.abort();
  });
});
