import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('promotes a window holding a frame that is not JSON: the book ends at the frame (named by its line) until a new snapshot, and every trade and quote before and after is kept', async () => {
    // 3,000 real lines; the venue's garbage frame goes in after the 2,000th (raw line 2,001).
    const lines = usdmLines().slice(0, 3000);
    const root = mkdtempSync(join(tmpdir(), 'chassis-recq-'));
    const storage = new FsStorage(root);
    const rec = new FeedRecorder({
      storage, spoolDir: root, venue: 'binance-usdm', feed: 'depth+trade+bbo', symbols: ['BTCUSDT'], session: 's1',
      windowNs: 3_600_000_000_000n, flushIntervalMs: 50, bufferLimitBytes: 64 * 1024 * 1024,
      clock: new ManualClock(1_723_161_000_000_000_000n), log: memoryLog(),
    });
    let frameNs = 0n;
    lines.forEach((l, i) => {
      const f = frameOf(l);
      rec.frame(f);
      if (i === 1999) {
        frameNs = f.tsCaptureNs;
        rec.frame({ source: 'ws', tsCaptureNs: f.tsCaptureNs, connectionId: f.connectionId, text: '{"stream":"btcusdt@trade","data":{"e":"tr' });
      }
    });
    await rec.close('done');
    const [run] = await runPendingManifests(storage);
    const result = run!.results[0]!;
    const at = 'raw/binance-usdm/depth+trade+bbo/20240808T230000Z/part-0000-s1.jsonl.gz:2001';
    expect(result.sourceGaps).toEqual([{ atNs: frameNs, location: at, message: expect.stringMatching(/^gap: malformed frame from the venue: /) }]);
    expect(result.datasets.filter((d) => d.outcome === 'quarantined')).toEqual([]);

    // The oracle: the same lines without the garbage frame, imported as the capture they came from.
    const importRoot = mkdtempSync(join(tmpdir(), 'chassis-recq-import-'));
    const file = join(importRoot, 'usdm_btcusdt_20240808.gz');
    writeFileSync(file, gzipSync(`${lines.join('\n')}\n`));
    const imported = (await importCapture(new FsStorage(join(importRoot, 'data')), file, { venue: 'binance-usdm' })).datasets;
    const of = (ds: typeof imported, kind: string) => ds.filter((d) => d.meta.kind === kind).sort((x, y) => x.meta.segment - y.meta.segment);

    // Trades and quotes: one dataset each, the very rows of the import (same content hash), the gap on record.
    for (const kind of ['trade', 'bbo']) {
      const [got, ...more] = of(result.datasets, kind);
      expect(more).toEqual([]);
      expect(got!.outcome).toBe('promoted');
      expect(got!.meta.id).toBe(of(imported, kind)[0]!.meta.id);
      expect(got!.meta.rows).toBe(lines.filter((l) => l.includes(kind === 'trade' ? '@trade"' : '@bookTicker"')).length);
      expect(got!.meta.gaps.map((g) => g.location)).toEqual([at]);
      expect(got!.meta.checks.find((c) => c.name === 'feed_gaps')).toMatchObject({ status: 'warn', count: 1, location: at });
    }

    // The book: promoted up to the frame, exactly the book of the lines before it; after the frame
    // it waits for a new snapshot (the connector would fetch one), and none follows in these lines.
    const [before, ...rest] = of(result.datasets, 'book_delta');
    expect(rest).toEqual([]);
    expect(before!.outcome).toBe('promoted');
    const lineOf = (where: string | undefined) => Number(/:(\d+)$/.exec(where ?? '')?.[1]);
    expect(lineOf(before!.meta.provenance.lastLine)).toBeLessThan(2001);
    expect(before!.meta.gaps.map((g) => [g.atNs, g.location])).toEqual([[frameNs, at]]);
    const headFile = join(importRoot, 'head_usdm_btcusdt_20240808.gz');
    writeFileSync(headFile, gzipSync(`${lines.slice(0, 2000).join('\n')}\n`));
    const head = (await importCapture(new FsStorage(join(importRoot, 'head')), headFile, { venue: 'binance-usdm' })).datasets;
    expect(before!.meta.rows).toBe(of(head, 'book_delta').reduce((n, d) => n + d.meta.rows, 0));

    const quality = JSON.parse(readFileSync(join(root, 'raw/binance-usdm/depth+trade+bbo/20240808T230000Z/quality.json'), 'utf8')) as { sourceGaps: unknown };
    expect(quality.sourceGaps).toEqual([{ atNs: String(frameNs), location: at, message: expect.stringMatching(/malformed frame from the venue/) }]);
  });

  it('still quarantines every dataset of an imported capture with a corrupt line, naming the line', async () => {
    const lines = [...usdmLines().slice(0, 3000)];
    lines[2000] = lines[2000]!.slice(0, 60);
    const root = mkdtempSync(join(tmpdir(), 'chassis-recq-import-'));
    const file = join(root, 'usdm_btcusdt_20240808.gz');
    writeFileSync(file, gzipSync(`${lines.join('\n')}\n`));
    const { datasets, sourceGaps } = await importCapture(new FsStorage(join(root, 'data')), file, { venue: 'binance-usdm' });
    expect(sourceGaps).toEqual([]);
    expect(datasets.length).toBeGreaterThan(0);
    for (const d of datasets) {
      expect(d.outcome).toBe('quarantined');
      expect(d.reason).toMatch(/schema failed \(1 at \S+:2001\): 1 unparseable or unknown-field messages; first: parse_error: malformed JSON/);
    }
  });
});
