/**
 * The benchmark input most sections share: the Binance USD-M BTCUSDT capture
 * (examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz, 93,954 messages, 345 s)
 * imported through the real quality gate (importCapture) into a temp data root, and its
 * canonical datasets read once with readCanonical into typed-array batches kept in memory.
 * Imported once per process (the import is seconds); the temp root is removed at exit.
 */
// @ts-nocheck

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalog, openStorage, readCanonical, type BboBatch, type BookDeltaBatch, type DatasetMeta, type Storage, type TradeBatch } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { USDM_CAPTURE_FILE as USDM_CAPTURE } from './capture-baseline.ts';

export { USDM_CAPTURE };

export interface UsdmCanonical {
  readonly root: string;
  readonly storage: Storage;
  readonly datasets: { readonly book_delta: DatasetMeta[]; readonly trade: DatasetMeta[]; readonly bbo: DatasetMeta[] };
  readonly bookDelta: BookDeltaBatch[];
  readonly trades: TradeBatch[];
  readonly bbos: BboBatch[];
  /** Rows over the three kinds (book_delta rows are price levels). */
  readonly rows: number;
  /** Market events: book_delta messages (distinct batch_id runs) + trades + BBOs. */
  readonly events: number;
  readonly bookDeltaRows: number;
  readonly bookDeltaMessages: number;
  readonly describe: string;
}

let cached: Promise<UsdmCanonical> | null = null;

async function readAll<T>(storage: Storage, metas: readonly DatasetMeta[]): Promise<T[]> {
  const out: T[] = [];
  for (const m of metas) for await (const b of readCanonical(storage, m)) out.push(b as T);
  return out;
}

/** Counts book_delta messages: runs of equal batch_id (one venue message = one event). */
export function countMessages(batches: readonly BookDeltaBatch[]): number {
  let n = 0;
  let prev = -1n;
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      const id = b.batchId[i]!;
      if (id !== prev) {
        n++;
        prev = id;
      }
    }
  }
  return n;
}

async function load(): Promise<UsdmCanonical> {
  const root = mkdtempSync(join(tmpdir(), 'chassis-bench-usdm-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  const storage = openStorage(root);
  const imported = await importCapture(storage, USDM_CAPTURE, { venue: 'binance-usdm' });
  if (!imported.datasets.every((d) => d.outcome === 'promoted')) throw new Error(`bench: ${USDM_CAPTURE} was not promoted by the quality gate`);
  const catalog = openCatalog(storage);
  const find = async (kind: 'book_delta' | 'trade' | 'bbo'): Promise<DatasetMeta[]> =>
    (await catalog.find({ venue: 'binance-usdm', instrument: 'BTCUSDT', kind })).sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
  const datasets = { book_delta: await find('book_delta'), trade: await find('trade'), bbo: await find('bbo') };
  const bookDelta = await readAll<BookDeltaBatch>(storage, datasets.book_delta);
  const trades = await readAll<TradeBatch>(storage, datasets.trade);
  const bbos = await readAll<BboBatch>(storage, datasets.bbo);
  const sum = (bs: readonly { length: number }[]): number => bs.reduce((s, b) => s + b.length, 0);
  const bookDeltaRows = sum(bookDelta);
  const bookDeltaMessages = countMessages(bookDelta);
  const rows = bookDeltaRows + sum(trades) + sum(bbos);
  const events = bookDeltaMessages + sum(trades) + sum(bbos);
  const describe =
    `Binance USD-M BTCUSDT capture 2024-08-08 (345 s) via the quality gate → canonical Parquet: ` +
    `${bookDeltaMessages} book_delta messages (${bookDeltaRows} level rows), ${sum(trades)} trades, ${sum(bbos)} BBOs = ${events} events, ${rows} rows`;
  return { root, storage, datasets, bookDelta, trades, bbos, rows, events, bookDeltaRows, bookDeltaMessages, describe };
}

/** The shared USD-M canonical input, imported on first use. */
export function usdmCanonical(): Promise<UsdmCanonical> {
  cached ??= load();
  return cached;
}
