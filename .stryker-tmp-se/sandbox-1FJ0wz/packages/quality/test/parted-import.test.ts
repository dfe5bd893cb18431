// @ts-nocheck
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCatalog, openStorage, readCanonical } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { dataFixturesDir } from '../../../examples/data/index.ts';

const USDM = `${dataFixturesDir}/binance-hftbacktest/usdm_btcusdt_20240808.gz`;

describe('an import that writes datasets in parts (bounded memory)', () => {
  it('yields the same datasets, ids and rows as an import held in memory', async () => {
    const whole = openStorage(mkdtempSync(join(tmpdir(), 'chassis-whole-')));
    const parted = openStorage(mkdtempSync(join(tmpdir(), 'chassis-parted-')));
    const a = await importCapture(whole, USDM);
    const b = await importCapture(parted, USDM, { config: { partRows: 20_000 } });
    expect(b.datasets.map((d) => [d.meta.id, d.meta.rows, d.meta.startNs, d.meta.endNs, d.outcome])).toEqual(
      a.datasets.map((d) => [d.meta.id, d.meta.rows, d.meta.startNs, d.meta.endNs, d.outcome]),
    );
    const book = b.datasets.find((d) => d.meta.kind === 'book_delta')!.meta;
    expect(book.files.length).toBeGreaterThan(5);
    let rows = 0;
    for await (const batch of readCanonical(parted, book)) rows += batch.length;
    expect(rows).toBe(book.rows);
    expect((await openCatalog(parted).list()).map((d) => d.id)).toEqual((await openCatalog(whole).list()).map((d) => d.id));
    expect(readdirSync(join(parted.root, 'staging')).filter((n) => n.startsWith('tx-'))).toEqual([]);
  });
});
