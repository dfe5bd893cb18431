import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openCatalog, openStorage, type CanonicalKind } from '@chassis/storage';
import { runBacktest } from './run.ts';
import { replayRun } from './replay.ts';
import { journalBlocks, readJournal } from './journal/journal.ts';
import { eventJson } from './journal/event-text.ts';
import { readRunManifest } from './run-manifest.ts';
import { importedDataRoot, REPO_ROOT, rewriteParquet, runEvents } from './test-data.ts';

const mm = (extra: Record<string, unknown> = {}) => ({
  data: { venue: 'binance-usdm', instrument: 'BTCUSDT' },
  strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } },
  seed: 1,
  ...extra,
});

async function datasetOf(root: string, kind: CanonicalKind): Promise<{ id: string; contentHash: string; file: string }> {
  const storage = openStorage(root);
  const d = (await openCatalog(storage).find({ venue: 'binance-usdm', instrument: 'BTCUSDT', kind })).sort((a, b) => b.rows - a.rows)[0]!;
  return { id: d.id, contentHash: d.contentHash, file: await storage.localPath(d.files[0]!.key) };
}

describe('the full event stream of a backtest (journal format 2)', () => {
  let root = '';
  beforeAll(async () => {
    root = await importedDataRoot({ lines: 20_000 });
  });

  it('is exactly the stream the same run records when it stores every event inline (format 1)', async () => {
    const inline = await runBacktest({ definition: mm({ output: { dir: join(mkdtempSync(join(tmpdir(), 'bt-inline-')), 'run') } }), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-stream', journalFormat: 1 });
    const byRef = await runBacktest({ definition: mm(), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-stream' });
    const stored = [...readJournal(join(inline.outDir, 'journal.bin'))];
    const regenerated = await runEvents(byRef.outDir);
    expect(stored.length).toBe(byRef.events);
    expect(stored.filter((e) => e.kind === 'trade' || e.kind === 'bbo' || e.kind === 'book_delta').length).toBe(byRef.marketEvents);
    expect(regenerated.map(eventJson)).toEqual(stored.map(eventJson));
    const [a, b] = [readRunManifest(inline.outDir), readRunManifest(byRef.outDir)];
    if (a.status === 'failed' || b.status === 'failed') throw new Error('run failed');
    expect(b.finalStateHash).toBe(a.finalStateHash);
    expect(b.journal).toMatchObject({ format: 2, events: a.journal.events, records: byRef.events - byRef.marketEvents });
    expect(a.journal).toMatchObject({ format: 1, records: a.journal.events });
    // The file holds the run's own events only.
    expect([...readJournal(join(byRef.outDir, 'journal.bin'))].some((e) => e.kind === 'trade' || e.kind === 'bbo' || e.kind === 'book_delta')).toBe(false);
    expect(b.journal.bytes * 10).toBeLessThan(a.journal.bytes);
  });

  it('finds the datasets through the data root recorded in the manifest when the run was written elsewhere', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bt-elsewhere-')), 'run');
    const r = await runBacktest({ definition: mm({ output: { dir: out } }), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-elsewhere' });
    const rep = await replayRun(out, { baseDirs: [REPO_ROOT] });
    expect(rep.divergence).toBeNull();
    expect(rep.events).toBe(r.events);
  });

  it('blocks reference consecutive seqs, each block after the one before, covering the whole run', async () => {
    const r = await runBacktest({ definition: mm(), baseDir: REPO_ROOT, dataRoot: root, codeVersion: 'test-blocks' });
    let next = 1;
    let market = 0;
    for (const b of journalBlocks(join(r.outDir, 'journal.bin'))) {
      expect(b.market!.fromSeq).toBe(next);
      expect(b.market!.toSeq - b.market!.fromSeq + 1).toBe(b.events.length + b.market!.events);
      next = b.market!.toSeq + 1;
      market += b.market!.events;
    }
    expect(next - 1).toBe(r.events);
    expect(market).toBe(r.marketEvents);
  });
});

describe('replay of a backtest whose datasets changed', () => {
  // Each test alters its own data root.
  async function recordedRun(codeVersion: string): Promise<{ root: string; outDir: string }> {
    const root = await importedDataRoot({ lines: 10_000 });
    const r = await runBacktest({ definition: mm(), baseDir: REPO_ROOT, dataRoot: root, codeVersion });
    expect((await replayRun(r.outDir, { baseDirs: [REPO_ROOT] })).divergence).toBeNull();
    return { root, outDir: r.outDir };
  }

  it('fails with E_RUN_DATASET_CHANGED naming the dataset and both content hashes when a dataset file was altered', async () => {
    const { root, outDir } = await recordedRun('test-altered-dataset');
    const trade = await datasetOf(root, 'trade');
    await rewriteParquet(trade.file, `SELECT * REPLACE (CASE WHEN trade_id = (SELECT min(trade_id) FROM src) THEN price + 0.10 ELSE price END AS price) FROM src`);
    const err = (await replayRun(outDir, { baseDirs: [REPO_ROOT] }).catch((e: unknown) => e)) as { code: string; message: string };
    expect(err.code).toBe('E_RUN_DATASET_CHANGED');
    expect(err.message).toContain(trade.id);
    expect(err.message).toContain(trade.contentHash);
    expect(err.message).toMatch(/hash to content hash [0-9a-f]{64}/);
  });

  it('fails with E_RUN_MARKET_DIGEST when the decode cache the feeder reads differs from the dataset it is named after', async () => {
    const { root, outDir } = await recordedRun('test-altered-cache');
    const trade = await datasetOf(root, 'trade');
    // derived/columnar/<contentHash>/columns-v1.bin: 80-byte file header, 32-byte chunk header (CRC-32 of the payload at 12), then the columns tsEventNs, tsLocalNs, price…
    const path = join(root, 'derived', 'columnar', trade.contentHash, 'columns-v1.bin');
    const bytes = readFileSync(path);
    const rows = bytes.readUInt32LE(80 + 4);
    const payloadBytes = bytes.readUInt32LE(80 + 8);
    const priceAt = 80 + 32 + 2 * ((rows * 8 + 7) & ~7);
    bytes.writeDoubleLE(bytes.readDoubleLE(priceAt) + 1, priceAt);
    bytes.writeUInt32LE(crc32(bytes.subarray(80 + 32, 80 + 32 + payloadBytes)), 80 + 12);
    writeFileSync(path, bytes);
    const err = (await replayRun(outDir, { baseDirs: [REPO_ROOT] }).catch((e: unknown) => e)) as { code: string; details: { block: number; fromSeq: number } };
    expect(err.code).toBe('E_RUN_MARKET_DIGEST');
    // The first trade of the data is in the first block.
    expect(err.details).toMatchObject({ block: 0, fromSeq: 1 });
  });

  it('fails with E_RUN_DATASET_MISSING naming the dataset when its file was removed', async () => {
    const { root, outDir } = await recordedRun('test-dropped-file');
    const bbo = await datasetOf(root, 'bbo');
    rmSync(bbo.file);
    await expect(replayRun(outDir, { baseDirs: [REPO_ROOT] })).rejects.toMatchObject({ code: 'E_RUN_DATASET_MISSING', message: expect.stringContaining(bbo.id) });
  });

  it('fails with E_RUN_DATASET_MISSING naming the data root when the datasets are not in its catalog', async () => {
    const { outDir } = await recordedRun('test-other-root');
    const empty = mkdtempSync(join(tmpdir(), 'bt-empty-root-'));
    await expect(replayRun(outDir, { baseDirs: [REPO_ROOT], dataRoot: empty })).rejects.toMatchObject({ code: 'E_RUN_DATASET_MISSING', message: expect.stringContaining(`not in the catalog of ${empty}`) });
  });
});
