import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FsStorage, openCatalog } from '@chassis/storage';
import { importCapture, runPendingManifests } from '@chassis/quality';
import { FeedRecorder } from './feed-recorder.ts';
import { frameOf, ManualClock, memoryLog, usdmLines } from './recording-fixtures.ts';

describe('a recording the quality gate promotes', () => {
  it('promotes the published manifest to the same canonical datasets as importing the capture directly', async () => {
    // 8,000 real lines: ~550 depth diffs around the REST snapshot (line 55), trades and book tickers.
    const lines = usdmLines().slice(0, 8000);
    const root = mkdtempSync(join(tmpdir(), 'chassis-recq-'));
    const storage = new FsStorage(root);
    const rec = new FeedRecorder({
      storage, spoolDir: root, venue: 'binance-usdm', feed: 'depth+trade+bbo', symbols: ['BTCUSDT'], session: 's1',
      windowNs: 3_600_000_000_000n, flushIntervalMs: 50, bufferLimitBytes: 64 * 1024 * 1024,
      clock: new ManualClock(1_723_161_000_000_000_000n), log: memoryLog(),
    });
    for (const l of lines) rec.frame(frameOf(l));
    await rec.close('done');
    const [run] = await runPendingManifests(storage);
    const recorded = run!.results[0]!.datasets;
    expect(recorded.length).toBeGreaterThanOrEqual(3);
    expect(recorded.filter((d) => d.outcome === 'promoted').map((d) => d.meta.kind).sort()).toEqual(['bbo', 'book_delta', 'trade']);

    // The oracle: the same lines imported as the hftbacktest capture they came from.
    const importRoot = mkdtempSync(join(tmpdir(), 'chassis-recq-import-'));
    const file = join(importRoot, 'usdm_btcusdt_20240808.gz');
    writeFileSync(file, gzipSync(`${lines.join('\n')}\n`));
    const imported = await importCapture(new FsStorage(join(importRoot, 'data')), file, { venue: 'binance-usdm' });
    const summary = (ds: typeof recorded) => ds.map((d) => ({ id: d.meta.id, kind: d.meta.kind, rows: d.meta.rows, outcome: d.outcome })).sort((x, y) => x.id.localeCompare(y.id));
    expect(summary(recorded)).toEqual(summary(imported.datasets));
    expect((await openCatalog(storage).find({ venue: 'binance-usdm', instrument: 'BTCUSDT', kind: 'book_delta' })).length).toBeGreaterThan(0);
  });

  it('quarantines a window holding a frame that is not JSON, naming its line: the same rule as an imported capture', async () => {
    const lines = usdmLines().slice(0, 3000);
    const root = mkdtempSync(join(tmpdir(), 'chassis-recq-'));
    const storage = new FsStorage(root);
    const rec = new FeedRecorder({
      storage, spoolDir: root, venue: 'binance-usdm', feed: 'depth+trade+bbo', symbols: ['BTCUSDT'], session: 's1',
      windowNs: 3_600_000_000_000n, flushIntervalMs: 50, bufferLimitBytes: 64 * 1024 * 1024,
      clock: new ManualClock(1_723_161_000_000_000_000n), log: memoryLog(),
    });
    lines.forEach((l, i) => {
      const f = frameOf(l);
      rec.frame(f);
      if (i === 1999) rec.frame({ source: 'ws', tsCaptureNs: f.tsCaptureNs, connectionId: f.connectionId, text: '{"stream":"btcusdt@trade","data":{"e":"tr' });
    });
    await rec.close('done');
    const [run] = await runPendingManifests(storage);
    const datasets = run!.results[0]!.datasets;
    expect(datasets.length).toBeGreaterThan(0);
    for (const d of datasets) {
      expect(d.outcome).toBe('quarantined');
      expect(d.reason).toMatch(/schema failed \(1 at raw\/binance-usdm\/depth\+trade\+bbo\/20240808T230000Z\/part-0000-s1\.jsonl\.gz:2001\): 1 unparseable or unknown-field messages; first: parse_error: malformed JSON/);
    }
  });
});
