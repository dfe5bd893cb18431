// @ts-nocheck
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalog, openStorage, readCanonical, type BboBatch, type BookDeltaBatch, type DatasetMeta, type Storage } from '@chassis/storage';
import { importCapture } from './importer.ts';
import { dataFixturesDir } from '../../../examples/data/index.ts';

const USDM = `${dataFixturesDir}/binance-hftbacktest/usdm_btcusdt_20240808.gz`;

function tmpRoot(): Storage {
  return openStorage(mkdtempSync(join(tmpdir(), 'chassis-q-')));
}

/** Best bid/ask (price units, size units) of a price→size map book. */
function best(side: Map<number, number>, isAsk: boolean): [number, number] {
  let p = isAsk ? Infinity : -Infinity;
  for (const k of side.keys()) if (isAsk ? k < p : k > p) p = k;
  return [p, side.get(p) ?? 0];
}

describe('importing the Binance USD-M BTCUSDT capture', () => {
  let storage: Storage;
  let first: Awaited<ReturnType<typeof importCapture>>;
  beforeAll(async () => {
    storage = tmpRoot();
    first = await importCapture(storage, USDM);
  });

  it('promotes book_delta, trade and bbo datasets with 0 gaps', () => {
    expect(first.rejected).toEqual([]);
    expect(first.datasets.every((d) => d.outcome === 'promoted')).toBe(true);
    expect(new Set(first.datasets.map((d) => d.meta.kind))).toEqual(new Set(['book_delta', 'trade', 'bbo']));
    expect(first.datasets.flatMap((d) => d.meta.gaps)).toEqual([]);
    const seq = first.datasets.find((d) => d.meta.kind === 'book_delta')!.meta.checks.find((c) => c.name === 'sequence')!;
    expect(seq).toMatchObject({ status: 'pass', count: 0 });
    const book = first.datasets.find((d) => d.meta.kind === 'book_delta' && d.meta.segment === 0)!.meta;
    expect(book.startsWithSnapshot).toBe(true);
    expect(book.instrument).toMatchObject({ venue: 'binance-usdm', symbol: 'BTCUSDT', contractType: 'linear', tickSize: '0.10' });
    expect(book.provenance.rawKeys[0]).toMatch(/^raw\/imports\/0ad7b3a0f5cff220761ea890cfd6e3c15f6899edc7f94637ec915043d7a72251\//);
  });

  it('is idempotent: a second import reports the same dataset ids as already present', async () => {
    const again = await importCapture(storage, USDM);
    expect(again.datasets.map((d) => d.meta.id)).toEqual(first.datasets.map((d) => d.meta.id));
    expect(again.datasets.every((d) => d.outcome === 'already_present')).toBe(true);
    expect((await openCatalog(storage).list()).length).toBe(first.datasets.length);
  });

  it('rebuilds the book from canonical book_delta alone and matches every bbo checkpoint exactly', async () => {
    const catalog = openCatalog(storage);
    const deltas = await catalog.find({ venue: 'binance-usdm', instrument: 'BTCUSDT', kind: 'book_delta' });
    const bbos = await catalog.find({ venue: 'binance-usdm', instrument: 'BTCUSDT', kind: 'bbo' });
    const checkpoint = new Map<bigint, [number, number, number, number]>();
    for (const ds of bbos) {
      for await (const b of readCanonical(storage, ds) as AsyncIterable<BboBatch>) {
        for (let i = 0; i < b.length; i++) checkpoint.set(b.updateId[i]!, [b.bidPrice[i]!, b.bidSize[i]!, b.askPrice[i]!, b.askSize[i]!]);
      }
    }
    const bids = new Map<number, number>();
    const asks = new Map<number, number>();
    let checked = 0;
    let pendingUid = -1n;
    let pendingBatch = -1n;
    const verify = () => {
      const want = checkpoint.get(pendingUid);
      if (!want) return;
      expect([...best(bids, false), ...best(asks, true)]).toEqual(want);
      checked++;
    };
    for (const ds of deltas as DatasetMeta[]) {
      for await (const b of readCanonical(storage, ds, { batchRows: 10_000 }) as AsyncIterable<BookDeltaBatch>) {
        for (let i = 0; i < b.length; i++) {
          if (b.batchId[i] !== pendingBatch) {
            if (pendingBatch >= 0n) verify();
            pendingBatch = b.batchId[i]!;
            pendingUid = b.updateId[i]!;
            if (b.isSnapshot[i] === 1) {
              bids.clear();
              asks.clear();
            }
          }
          const side = b.side[i] === 1 ? asks : bids;
          if (b.size[i] === 0) side.delete(b.price[i]!);
          else side.set(b.price[i]!, b.size[i]!);
        }
      }
    }
    verify();
    // every bookTicker whose u equals a diff's u (126 arrived after that diff, 503 before it)
    expect(checked).toBe(629);
    expect(best(bids, false)[0]).toBeLessThan(best(asks, true)[0]);
  });
});

/** The first `n` lines of the USD-M capture (snapshot at line 55), as text lines. */
function usdmLines(n: number): string[] {
  return gunzipSync(readFileSync(USDM)).toString('utf8').split('\n').slice(0, n);
}

function writeCapture(lines: readonly string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'chassis-bad-')), 'capture.txt');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Line number (1-based) of the k-th depthUpdate after the snapshot. */
function depthLineAfterSnapshot(lines: readonly string[], k: number): number {
  let seen = 0;
  for (let i = 60; i < lines.length; i++) if (lines[i]!.includes('depthUpdate') && ++seen === k) return i + 1;
  throw new Error('not enough depth lines');
}

describe('bad input never yields a partial canonical dataset', () => {
  it('a truncated gzip is a clear error and leaves the catalog empty', async () => {
    const storage = tmpRoot();
    const bytes = readFileSync(USDM);
    const file = join(mkdtempSync(join(tmpdir(), 'chassis-bad-')), 'truncated.gz');
    writeFileSync(file, bytes.subarray(0, bytes.length >> 1));
    await expect(importCapture(storage, file)).rejects.toMatchObject({ code: 'E_CAPTURE_CORRUPT' });
    expect(await openCatalog(storage).list()).toEqual([]);
    expect(existsSync(join(storage.root, 'canonical'))).toBe(false);
  });

  it('a directory given as the source is refused as a directory, not as a missing file', async () => {
    const storage = tmpRoot();
    const dir = mkdtempSync(join(tmpdir(), 'chassis-bad-'));
    await expect(importCapture(storage, dir)).rejects.toMatchObject({ code: 'E_IMPORT_SOURCE', message: expect.stringContaining(`${dir} is a directory`) });
    expect(existsSync(join(storage.root, 'raw'))).toBe(false);
  });

  it('a text file that is not a capture names the given path and copies nothing under raw/', async () => {
    const storage = tmpRoot();
    const file = join(mkdtempSync(join(tmpdir(), 'chassis-bad-')), 'notes.txt');
    writeFileSync(file, 'hello\nthis is not market data\n');
    await expect(importCapture(storage, file)).rejects.toMatchObject({ code: 'E_UNKNOWN_LAYOUT', message: expect.stringMatching(new RegExp(`^${file}: not a known capture layout`)) });
    expect(existsSync(join(storage.root, 'raw'))).toBe(false);
    expect(existsSync(join(storage.root, 'canonical'))).toBe(false);
  });

  it('a malformed JSON line quarantines the datasets with the exact line', async () => {
    const storage = tmpRoot();
    const lines = usdmLines(3000);
    const at = depthLineAfterSnapshot(lines, 100);
    lines[at - 1] = lines[at - 1]!.slice(0, 60);
    const r = await importCapture(storage, writeCapture(lines));
    expect(r.datasets.length).toBeGreaterThan(0);
    expect(r.datasets.every((d) => d.meta.state === 'Quarantined')).toBe(true);
    const schema = r.datasets[0]!.meta.checks.find((c) => c.name === 'schema')!;
    expect(schema.status).toBe('fail');
    expect(schema.location).toMatch(new RegExp(`:${at}$`));
    expect(await openCatalog(storage).find({ venue: 'binance-usdm', instrument: 'BTCUSDT' })).toEqual([]);
    expect(existsSync(join(storage.root, 'canonical', 'binance-usdm'))).toBe(false);
  });

  it('a removed diff splits book_delta at the gap and records where (default policy)', async () => {
    const storage = tmpRoot();
    const lines = usdmLines(3000);
    const at = depthLineAfterSnapshot(lines, 100);
    lines.splice(at - 1, 1);
    // the gap shows at the next depthUpdate after the removed one
    let detectedAt = at;
    while (!lines[detectedAt - 1]!.includes('depthUpdate')) detectedAt++;
    const r = await importCapture(storage, writeCapture(lines));
    const book = r.datasets.filter((d) => d.meta.kind === 'book_delta');
    expect(book[0]!.outcome).toBe('promoted');
    const gap = book[0]!.meta.gaps[0]!;
    expect(gap.location).toMatch(new RegExp(`:${detectedAt}$`));
    expect(book[0]!.meta.endNs).toBeLessThanOrEqual(gap.atNs);
    // whatever follows the gap without a new snapshot cannot rebuild a book: never promoted
    for (const later of book.slice(1)) expect(later.meta.state).toBe('Incomplete');
    expect(r.datasets.filter((d) => d.meta.kind !== 'book_delta').every((d) => d.outcome === 'promoted')).toBe(true);
  });

  it('a removed diff quarantines book_delta under the quarantine policy', async () => {
    const storage = tmpRoot();
    const lines = usdmLines(3000);
    lines.splice(depthLineAfterSnapshot(lines, 100) - 1, 1);
    const r = await importCapture(storage, writeCapture(lines), { config: { gapPolicy: 'quarantine' } });
    const book = r.datasets.filter((d) => d.meta.kind === 'book_delta');
    expect(book.every((d) => d.meta.state === 'Quarantined')).toBe(true);
    expect(book[0]!.meta.prefix).toMatch(/^quarantine\//);
    expect(book[0]!.meta.provenance.rawKeys.length).toBe(1);
  });

  it('a duplicated message is dropped and reported with its line; the data stays promotable', async () => {
    const storage = tmpRoot();
    const lines = usdmLines(3000);
    const at = depthLineAfterSnapshot(lines, 100);
    lines.splice(at, 0, lines[at - 1]!);
    const r = await importCapture(storage, writeCapture(lines));
    const book = r.datasets.find((d) => d.meta.kind === 'book_delta')!;
    expect(book.outcome).toBe('promoted');
    const dup = book.meta.checks.find((c) => c.name === 'duplicates')!;
    expect(dup.count).toBe(1);
    expect(dup.location).toMatch(new RegExp(`:${at + 1}$`));
  });

  it('an unknown venue field quarantines with the exact line', async () => {
    const storage = tmpRoot();
    const lines = usdmLines(3000);
    const at = depthLineAfterSnapshot(lines, 100);
    lines[at - 1] = lines[at - 1]!.replace('"e":"depthUpdate"', '"e":"depthUpdate","zz":1');
    const r = await importCapture(storage, writeCapture(lines));
    const schema = r.datasets[0]!.meta.checks.find((c) => c.name === 'schema')!;
    expect(schema.status).toBe('fail');
    expect(schema.location).toMatch(new RegExp(`:${at}$`));
    expect(r.datasets.every((d) => d.meta.state === 'Quarantined')).toBe(true);
  });
});
