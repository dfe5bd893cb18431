/**
 * The whole Binance USD-M capture recorded from the venue server, promoted by the quality gate
 * (`chassis quality run`), gives the same canonical book as importing the capture directly
 * (`chassis import`): at every bookTicker checkpoint the recording reaches, the top 100 levels
 * of both books are equal, and both best levels equal the book ticker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsStorage } from '@chassis/storage';
import { importCapture, runPendingManifests } from '@chassis/quality';
import { CAPTURES } from '../../../test/venue-server/index.ts';
import { bboCheckpoints, bookAtCheckpoints, type BookSample } from './canonical-book.ts';
import { finishRecording, removeRecordingRoots, startRecording, until, type Recording } from './venue-recording.ts';

/**
 * Levels compared per side. The recorder's book starts from the venue's REST snapshot, which
 * holds the top 1000 levels only; the capture's book also keeps levels deeper than that, which
 * no diff touched since. The top 100 are far inside what the snapshot covers.
 */
const DEPTH = 100;

let rec: Recording;
let importRoot: string;
let checkpoints: Map<bigint, string>;
let recorded: Map<bigint, BookSample>;
let imported: Map<bigint, BookSample>;

beforeAll(async () => {
  // The market waits until the recorder has synced its book, then runs at full speed.
  rec = await startRecording({ venue: 'binance-usdm', symbols: ['BTCUSDT'], channels: ['depth', 'trade', 'bbo'], server: { venue: 'binance-usdm', speed: 'max', start: 'manual', recordServed: false } });
  await until('the connection', () => rec.venue.openConnections().length === 1);
  rec.venue.step(1);
  await until('the first diff', () => rec.frames.length > 0);
  rec.venue.step(1);
  await until('the book sync', () => rec.events.some((e) => e.type === 'synced'));
  rec.venue.startReplay();
  await finishRecording(rec);
  const [run] = await runPendingManifests(rec.storage);

  expect(run!.results[0]!.datasets.every((d) => d.outcome === 'promoted')).toBe(true);
  importRoot = mkdtempSync(join(tmpdir(), 'chassis-e2e-import-'));
  const importStorage = new FsStorage(importRoot);
  await importCapture(importStorage, CAPTURES.usdmBtcusdt.path);
  checkpoints = await bboCheckpoints(importStorage, 'binance-usdm', 'BTCUSDT');
  const ids = new Set(checkpoints.keys());
  recorded = await bookAtCheckpoints(rec.storage, 'binance-usdm', 'BTCUSDT', ids, DEPTH);
  imported = await bookAtCheckpoints(importStorage, 'binance-usdm', 'BTCUSDT', ids, DEPTH);
}, 120_000);

afterAll(() => {
  removeRecordingRoots();
  rmSync(importRoot, { recursive: true, force: true });
});

describe('recorded from the venue and promoted vs imported from the capture (Binance USD-M BTCUSDT, 93,954 messages)', () => {
  it('reaches every bookTicker checkpoint of the capture after the first two served messages', () => {
    // 629 book tickers share their u with a diff (the quality package's import test); the market
    // waited for the recorder's book sync after its first two messages, so all are reached.
    expect(imported.size).toBe(629);
    expect([...imported.keys()].filter((id) => !recorded.has(id))).toEqual([]);
  });

  it('has the same top 100 levels per side as the import at every checkpoint both reach', () => {
    const differing = [...recorded].filter(([id, s]) => imported.get(id)?.top !== s.top).map(([id]) => id);
    expect(differing).toEqual([]);
  });

  it('has best bid and ask equal to the book ticker at every checkpoint', () => {
    const wrong = [...recorded].filter(([id, s]) => checkpoints.get(id) !== s.best).map(([id]) => id);
    expect(wrong).toEqual([]);
  });
});
