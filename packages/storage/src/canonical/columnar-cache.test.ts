import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import * as checksum from '../crc32.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsStorage } from '../backends/fs-storage.ts';
import type { BboBatch, BookDeltaBatch, CanonicalBatch, TradeBatch } from './batches.ts';
import { cachePath, CHUNK_ROWS } from './columnar-cache.ts';
import { contentHash } from './content-hash.ts';
import { canonicalPrefix, writeDataset } from './dataset-writer.ts';
import type { DatasetMeta, InstrumentMeta } from './dataset.ts';
import { readCanonical, type ReadOptions } from './reader.ts';
import { SETTLE_MS } from './cache-checks.ts';

// crc32 as it is, counted: which reads checksum the cache's chunks.
vi.mock('../crc32.ts', async (original) => {
  const c = await original<typeof import('../crc32.ts')>();
  return { ...c, crc32: vi.fn(c.crc32) };
});
/** CRC-32s computed over more than a header's bytes (the header's own CRC is 64 bytes). */
const chunkChecksums = (): number => vi.mocked(checksum.crc32).mock.calls.filter(([data]) => (data as Uint8Array).length > 64).length;

const instrument: InstrumentMeta = {
  venue: 'binance-usdm', symbol: 'BTCUSDT', contractType: 'linear', baseCurrency: 'BTC', quoteCurrency: 'USDT',
  priceDecimals: 1, sizeDecimals: 3, tickSize: '0.1', lotSize: '0.001', multiplier: '1',
};
const T0 = 1723075200000000000n;

function bookDelta(n: number): BookDeltaBatch {
  const b: BookDeltaBatch = {
    kind: 'book_delta', length: n, tsEventNs: new BigInt64Array(n), tsLocalNs: new BigInt64Array(n), updateId: new BigInt64Array(n),
    batchId: new BigInt64Array(n), isSnapshot: new Uint8Array(n), side: new Uint8Array(n), price: new Float64Array(n), size: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    // Event time not monotonic in row order (venue clocks jitter): window filters must go row by row.
    b.tsEventNs[i] = T0 + BigInt(i) * 1000n + BigInt((i * 7) % 13) * 300n;
    b.tsLocalNs[i] = T0 + BigInt(i) * 1000n + 5_000n;
    b.updateId[i] = i % 5 === 0 ? -1n : BigInt(i) + 2n ** 40n;
    b.batchId[i] = BigInt(i >> 2);
    b.isSnapshot[i] = i < 10 ? 1 : 0;
    b.side[i] = (i >> 1) & 1;
    b.price[i] = 600_000 + (i % 977);
    b.size[i] = (i * 7919) % 100_000;
  }
  return b;
}

/** Trade ids of three shapes (non-ASCII, empty, digits); `ascii`: no non-ASCII ones. */
function trades(n: number, ascii = false): TradeBatch {
  const ids = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? (ascii ? `t-${i}-long-enough-to-be-sliced` : `t-${i}-é€`) : i % 3 === 1 ? '' : String(4_000_000_000 + i)));
  return {
    kind: 'trade', length: n, tsEventNs: BigInt64Array.from(ids, (_, i) => T0 + BigInt(i)), tsLocalNs: BigInt64Array.from(ids, (_, i) => T0 + BigInt(i) + 9n),
    tradeId: ids, price: Float64Array.from(ids, (_, i) => 2 ** 52 - i), size: Float64Array.from(ids, (_, i) => i * 3), aggressor: Uint8Array.from(ids, (_, i) => i % 3),
  };
}

function bbo(n: number): BboBatch {
  const f = (k: number) => Float64Array.from({ length: n }, (_, i) => 600_000 + i * k);
  return {
    kind: 'bbo', length: n, tsEventNs: BigInt64Array.from({ length: n }, (_, i) => T0 + BigInt(i) * 10n), tsLocalNs: BigInt64Array.from({ length: n }, (_, i) => T0 + BigInt(i) * 10n + 1n),
    updateId: BigInt64Array.from({ length: n }, (_, i) => (i % 2 ? -1n : BigInt(i))), bidPrice: f(1), bidSize: f(2), askPrice: f(3), askSize: f(4),
  };
}

function metaFor(batch: CanonicalBatch): Omit<DatasetMeta, 'files'> {
  const hash = contentHash(batch, instrument);
  const base = { id: `ds_${hash.slice(0, 24)}`, venue: instrument.venue, symbol: instrument.symbol, kind: batch.kind, day: '2024-08-08' };
  return {
    ...base, contentHash: hash, startNs: batch.tsEventNs[0]!, endNs: batch.tsEventNs[batch.length - 1]!, rows: batch.length, version: 1, segment: 0,
    state: 'Promoted', prefix: canonicalPrefix(base), instrument, gaps: [], checks: [], transitions: [],
    provenance: { rawKeys: [], sourceFiles: [], sourceSha256: [], tsLocalFromEvent: false }, createdAt: '2024-08-08T00:00:00Z',
  };
}

/** Every batch flattened to plain arrays per column, plus the batch lengths. */
async function columns(storage: FsStorage, meta: DatasetMeta, options: ReadOptions): Promise<{ lengths: number[]; cols: Record<string, unknown[]> }> {
  const lengths: number[] = [];
  const cols: Record<string, unknown[]> = {};
  for await (const b of readCanonical(storage, meta, options)) {
    lengths.push(b.length);
    for (const [k, v] of Object.entries(b)) {
      if (k === 'kind' || k === 'length') continue;
      (cols[k] ??= []).push(...Array.from(v as ArrayLike<unknown>));
    }
  }
  return { lengths, cols };
}

async function dataset(batch: CanonicalBatch): Promise<{ storage: FsStorage; meta: DatasetMeta; path: string }> {
  const storage = new FsStorage(mkdtempSync(join(tmpdir(), 'chassis-cc-')));
  const { meta } = await writeDataset(storage, batch, metaFor(batch));
  return { storage, meta, path: cachePath(storage.root, meta) };
}

/** A book_delta dataset of three cache chunks, its cache written, and its rows as the Parquet decode gives them. */
async function cachedThreeChunks(): Promise<{ storage: FsStorage; meta: DatasetMeta; path: string; parquet: Awaited<ReturnType<typeof columns>> }> {
  const { storage, meta, path } = await dataset(bookDelta(2 * CHUNK_ROWS + 77));
  const parquet = await columns(storage, meta, { cache: false });
  await columns(storage, meta, {});
  return { storage, meta, path, parquet };
}

describe('columnar decode cache', () => {
  it('serves book_delta, trade and bbo reads identical to the Parquet decode, and writes the cache on the first read', async () => {
    for (const batch of [bookDelta(2 * CHUNK_ROWS + 1234), trades(3000), bbo(5000)]) {
      const { storage, meta, path } = await dataset(batch);
      const parquet = await columns(storage, meta, { cache: false });
      expect(existsSync(path)).toBe(false);
      const first = await columns(storage, meta, {});
      expect(existsSync(path)).toBe(true);
      const cached = await columns(storage, meta, {});
      expect(first).toEqual(parquet);
      expect(cached).toEqual(parquet);
      expect(cached.cols['tsEventNs']!.length).toBe(batch.length);
    }
  });

  it('reads trade ids of all-ASCII chunks (one string per chunk, a substring per id) and of mixed chunks equal to the Parquet decode', async () => {
    for (const batch of [trades(CHUNK_ROWS + 500, true), trades(CHUNK_ROWS + 500)]) {
      const { storage, meta } = await dataset(batch);
      await columns(storage, meta, {});
      const cached = await columns(storage, meta, {});
      expect(cached).toEqual(await columns(storage, meta, { cache: false }));
      expect(cached.cols['tradeId']).toEqual(batch.tradeId);
    }
  });

  it('keeps the batch size contract and the [from, to) event-time window when served from the cache', async () => {
    const batch = bookDelta(2 * CHUNK_ROWS + 500);
    const { storage, meta } = await dataset(batch);
    await columns(storage, meta, {});
    for (const options of [{ batchRows: 40_000 }, { from: T0 + 70_000_000n, to: T0 + 131_000_000n, batchRows: 9_999 }, { to: T0 + 3_000n }, { from: T0 + 10n ** 12n }]) {
      const parquet = await columns(storage, meta, { ...options, cache: false });
      const cached = await columns(storage, meta, options);
      expect(cached).toEqual(parquet);
    }
    expect((await columns(storage, meta, { batchRows: 40_000 })).lengths).toEqual([40_000, 40_000, 40_000, 11_572]);
  });

  it('decodes only the trade ids a window keeps of a chunk partly inside it, and serves the same rows as the Parquet decode', async () => {
    for (const ascii of [true, false]) {
      const batch = trades(CHUNK_ROWS + 500, ascii);
      // Event times not monotonic in row order, some a word (2^32 ns) away, so the window cuts each chunk into several runs.
      for (let i = 0; i < batch.length; i++) (batch.tsEventNs as BigInt64Array)[i] = T0 + BigInt(i) * 1000n + (i % 97 === 0 ? 2n ** 32n : 0n) - (i % 13 === 0 ? 5_000n : 0n);
      const { storage, meta } = await dataset(batch);
      await columns(storage, meta, {});
      for (const options of [{ from: T0 + 1_000_000n, to: T0 + 1_200_000n }, { from: T0 + 65_000_000n, to: T0 + 66_000_000n, batchRows: 77 }, { to: T0 + 50_000n }, { from: T0 + 65_530_000n }]) {
        const decoded = vi.spyOn(Buffer.prototype, 'toString');
        const cached = await columns(storage, meta, options);
        // Mixed chunks decode id by id (a toString each): no more than the rows kept, where the whole chunks are 66,036.
        const perId = decoded.mock.calls.filter((args) => args.length === 3).length;
        decoded.mockRestore();
        expect(cached).toEqual(await columns(storage, meta, { ...options, cache: false }));
        expect(cached.cols['tradeId']!.every((id) => typeof id === 'string')).toBe(true);
        expect(perId).toBe(ascii ? 0 : cached.cols['tradeId']!.length);
      }
    }
  });

  it('falls back to the Parquet, rebuilds the cache and warns naming the file when a chunk is corrupt, a file truncated or a header wrong', async () => {
    const { storage, meta, path, parquet } = await cachedThreeChunks();
    const good = readFileSync(path);
    const damage: ((p: string) => void)[] = [
      (p) => {
        const bytes = readFileSync(p);
        bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff; // inside the last chunk: found after two chunks were delivered
        writeFileSync(p, bytes);
      },
      (p) => truncateSync(p, statSync(p).size - 8),
      (p) => {
        const bytes = readFileSync(p);
        bytes[13] = 7; // price decimals in the file header
        writeFileSync(p, bytes);
      },
    ];
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      for (const [i, d] of damage.entries()) {
        d(path);
        expect(await columns(storage, meta, { batchRows: 50_000 })).toEqual(await columns(storage, meta, { batchRows: 50_000, cache: false }));
        expect(readFileSync(path).equals(good)).toBe(true);
        await sleep(0); // warnings are emitted on the next tick
        expect(warnings).toHaveLength(i + 1);
        expect(warnings[i]).toMatchObject({ code: 'CHASSIS_DECODE_CACHE_REBUILT' });
        expect(warnings[i]!.message).toContain(meta.id);
        expect(warnings[i]!.message).toContain(path);
      }
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/checksum mismatch in chunk 2\)/),
      expect.stringMatching(/truncated at byte \d+\)/),
      expect.stringMatching(/header does not match dataset .* \(byte 13\)\)/),
    ]);
    expect(await columns(storage, meta, {})).toEqual(parquet);
  });

  describe('once the cache file has settled (its last change SETTLE_MS or more before it is read)', () => {
    afterEach(() => {
      vi.useRealTimers();
    });
    /** Reads as if SETTLE_MS had passed since the file was written (only Date is faked). */
    const settle = () => vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + SETTLE_MS + 1000 });

    it('checksums each chunk on the first read only, while the file stays the same', async () => {
      const { storage, meta, parquet } = await cachedThreeChunks();
      settle();
      vi.mocked(checksum.crc32).mockClear();
      expect(await columns(storage, meta, {})).toEqual(parquet);
      expect(chunkChecksums()).toBe(3);
      expect(await columns(storage, meta, {})).toEqual(parquet);
      expect(await columns(storage, meta, { batchRows: 10_000 })).toEqual(await columns(storage, meta, { batchRows: 10_000, cache: false }));
      expect(chunkChecksums()).toBe(3);
    });

    it('still catches a chunk altered in place after it was checked, and serves the Parquet rows', async () => {
      const { storage, meta, path, parquet } = await cachedThreeChunks();
      const good = readFileSync(path);
      settle();
      expect(await columns(storage, meta, {})).toEqual(parquet);
      // Past the filesystem's timestamp tick, so the write below gets a new change time.
      await sleep(50);
      const fd = openSync(path, 'r+');
      writeSync(fd, Uint8Array.of(good[good.length - 100]! ^ 0xff), 0, 1, good.length - 100); // same size, inside the last chunk
      closeSync(fd);
      vi.mocked(checksum.crc32).mockClear();
      expect(await columns(storage, meta, {})).toEqual(parquet);
      expect(chunkChecksums()).toBeGreaterThan(0);
      expect(readFileSync(path).equals(good)).toBe(true); // rebuilt
    });
  });

  it('writes nothing under derived/ when the cache is switched off', async () => {
    const { storage, meta, path } = await dataset(trades(10));
    await columns(storage, meta, { cache: false });
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(storage.root, 'derived', 'columnar'))).toBe(false);
  });
});
