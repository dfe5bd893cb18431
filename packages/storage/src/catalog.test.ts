import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsStorage } from './backends/fs-storage.ts';
import { openCatalog } from './catalog.ts';
import type { DatasetMeta } from './canonical/dataset.ts';

const S = 1_000_000_000n;
const DAY0 = 1723075200n * S; // 2024-08-08T00:00:00Z

/** A promoted book_delta dataset of BTCUSDT on 2024-08-08 spanning [fromS, toS] seconds of that day. */
function dataset(id: string, fromS: bigint, toS: bigint, version: number): DatasetMeta {
  return {
    id,
    contentHash: id.padEnd(64, '0'),
    venue: 'binance-usdm',
    symbol: 'BTCUSDT',
    kind: 'book_delta',
    day: '2024-08-08',
    startNs: DAY0 + fromS * S,
    endNs: DAY0 + toS * S,
    rows: 1,
    version,
    segment: 0,
    state: 'Promoted',
    prefix: `canonical/${id}`,
    files: [],
    instrument: {} as DatasetMeta['instrument'],
    gaps: [],
    checks: [],
    transitions: [],
    provenance: {} as DatasetMeta['provenance'],
    createdAt: '2026-12-02T00:00:00Z',
  };
}

async function found(datasets: readonly DatasetMeta[]): Promise<string[]> {
  const catalog = openCatalog(new FsStorage(mkdtempSync(join(tmpdir(), 'chassis-catalog-'))));
  for (const d of datasets) await catalog.add(d);
  return (await catalog.find({ venue: 'binance-usdm', instrument: 'BTCUSDT', kind: 'book_delta' })).map((d) => d.id);
}

describe('catalog.find', () => {
  it('a newer version of the same span replaces the older one', async () => {
    expect(await found([dataset('ds_a', 0n, 100n, 1), dataset('ds_b', 0n, 100n, 2)])).toEqual(['ds_b']);
  });

  it('a newer version that overlaps part of an older one still replaces it', async () => {
    expect(await found([dataset('ds_a', 0n, 100n, 1), dataset('ds_b', 50n, 150n, 2)])).toEqual(['ds_b']);
  });

  it('recordings of disjoint spans of one day are all kept, in time order (a restarted recorder)', async () => {
    const sessions = [
      dataset('ds_first', 0n, 100n, 1),
      dataset('ds_second', 200n, 300n, 2),
      dataset('ds_third', 400n, 500n, 3),
    ];
    expect(await found(sessions)).toEqual(['ds_first', 'ds_second', 'ds_third']);
  });

  it('keeps disjoint spans around a newer version that replaced an overlapping one', async () => {
    const list = [dataset('ds_old', 0n, 100n, 1), dataset('ds_later', 200n, 300n, 2), dataset('ds_redo', 10n, 90n, 3)];
    expect(await found(list)).toEqual(['ds_redo', 'ds_later']);
  });
});
