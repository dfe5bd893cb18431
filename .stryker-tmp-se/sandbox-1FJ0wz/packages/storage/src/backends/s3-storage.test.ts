// @ts-nocheck
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
// s3rver: a real S3-compatible HTTP server (npm), run on loopback for the duration of the test.
//  s3rver ships no type declarations; its use is typed at the call below
import S3rver from 's3rver';
import { S3Storage } from './s3-storage.ts';
import { writeDataset, canonicalPrefix } from '../canonical/dataset-writer.ts';
import { readCanonical } from '../canonical/reader.ts';
import { openCatalog } from '../catalog.ts';
import { contentHash } from '../canonical/content-hash.ts';
import type { TradeBatch } from '../canonical/batches.ts';
import type { InstrumentMeta } from '../canonical/dataset.ts';

let server: { run(): Promise<AddressInfo>; close(): Promise<void> };
let endpoint = '';

beforeAll(async () => {
  server = new (S3rver as unknown as new (o: object) => typeof server)({
    port: 0, address: '127.0.0.1', silent: true, directory: mkdtempSync(join(tmpdir(), 's3rver-')), configureBuckets: [{ name: 'chassis' }],
  });
  const addr = await server.run();
  endpoint = `http://127.0.0.1:${addr.port}`;
});
afterAll(async () => {
  await server.close();
});

function storage(): S3Storage {
  return new S3Storage({
    url: 's3://chassis/team-a', endpoint, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    cacheDir: mkdtempSync(join(tmpdir(), 'chassis-s3c-')),
  });
}

describe('S3-compatible backend against a local s3rver', () => {
  it('puts, stats, lists, gets and deletes objects under the same key layout', async () => {
    const s = storage();
    await s.put('raw/x/a.txt', new TextEncoder().encode('hello'));
    await s.put('raw/x/b.txt', new TextEncoder().encode('world!'));
    expect(await s.stat('raw/x/b.txt')).toEqual({ size: 6 });
    expect(await s.list('raw/x')).toEqual(['raw/x/a.txt', 'raw/x/b.txt']);
    expect(new TextDecoder().decode(await s.get('raw/x/a.txt'))).toBe('hello');
    await s.delete('raw/x/a.txt');
    expect(await s.stat('raw/x/a.txt')).toBeNull();
    await expect(s.get('raw/x/a.txt')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    s.close();
  });

  it('round-trips a canonical dataset and its catalog entry through the object store', async () => {
    const s = storage();
    const instrument: InstrumentMeta = {
      venue: 'binance-spot', symbol: 'ETHUSDT', contractType: 'spot', baseCurrency: 'ETH', quoteCurrency: 'USDT',
      priceDecimals: 2, sizeDecimals: 4, tickSize: '0.01', lotSize: '0.0001', multiplier: '1',
    };
    const n = 5000;
    const t: TradeBatch = {
      kind: 'trade', length: n, tsEventNs: BigInt64Array.from({ length: n }, (_v, i) => 1723075200000000000n + BigInt(i)),
      tsLocalNs: BigInt64Array.from({ length: n }, (_v, i) => 1723075200000000100n + BigInt(i)), tradeId: Array.from({ length: n }, (_v, i) => `t${i}`),
      price: Float64Array.from({ length: n }, (_v, i) => 260_000 + i), size: Float64Array.from({ length: n }, (_v, i) => 1 + (i % 50)),
      aggressor: Uint8Array.from({ length: n }, (_v, i) => i % 3),
    };
    const hash = contentHash(t, instrument);
    const base = { id: `ds_${hash.slice(0, 24)}`, venue: 'binance-spot', symbol: 'ETHUSDT', kind: 'trade' as const, day: '2024-08-08' };
    const { meta, created } = await writeDataset(s, t, {
      ...base, contentHash: hash, startNs: t.tsEventNs[0]!, endNs: t.tsEventNs[n - 1]!, rows: n, version: 1, segment: 0, state: 'Promoted',
      prefix: canonicalPrefix(base), instrument, gaps: [], checks: [], transitions: [],
      provenance: { rawKeys: [], sourceFiles: [], sourceSha256: [], tsLocalFromEvent: false }, createdAt: '2024-08-08T00:00:00Z',
    });
    expect(created).toBe(true);
    await openCatalog(s).add(meta);
    expect(await s.list(meta.prefix)).toEqual([`${meta.prefix}/data.parquet`, `${meta.prefix}/dataset.json`]);
    const reopened = storage();
    const [found] = await openCatalog(reopened).find({ venue: 'binance-spot', instrument: 'ETHUSDT', kind: 'trade' });
    let rows = 0;
    for await (const b of readCanonical(reopened, found!)) {
      const tb = b as TradeBatch;
      for (let i = 0; i < tb.length; i++) {
        expect(tb.price[i]).toBe(t.price[rows + i]);
        expect(tb.tradeId[i]).toBe(t.tradeId[rows + i]);
      }
      rows += tb.length;
    }
    expect(rows).toBe(n);
    s.close();
    reopened.close();
  });
});
