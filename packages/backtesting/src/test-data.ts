/**
 * Test fixture: real data imported through the quality gate into a temporary data root
 * (the bundled Binance USD-M capture, optionally cut to its first lines or with a hole).
 */
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStorage } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import type { Event } from '@chassis/core';
import { readRunEvents, type RunEventsOptions } from './run-events.ts';
import { JournalWriter } from './journal/journal.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const USDM_CAPTURE = join(REPO_ROOT, 'examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz');

/** Imports lines [0, lines) of the capture, minus the `drop` range, into a fresh data root. */
export async function importedDataRoot(options: { lines?: number; drop?: readonly [number, number] } = {}): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'chassis-bt-'));
  let file = USDM_CAPTURE;
  if (options.lines !== undefined || options.drop) {
    const all = gunzipSync(readFileSync(USDM_CAPTURE)).toString('utf8').split('\n');
    const [a, b] = options.drop ?? [-1, -1];
    const kept = all.slice(0, options.lines ?? all.length).filter((_, i) => i < a || i >= b);
    file = join(root, 'capture.txt');
    writeFileSync(file, kept.join('\n'));
  }
  await importCapture(openStorage(join(root, 'data')), file, { venue: 'binance-usdm' });
  return join(root, 'data');
}

/** Every event of a run directory in seq order, market events regenerated from its datasets (readRunEvents). */
export async function runEvents(runDir: string, options: RunEventsOptions = {}): Promise<Event[]> {
  const out: Event[] = [];
  for await (const e of readRunEvents(runDir, options)) out.push(e);
  return out;
}

/**
 * Rewrites a backtest's journal (format 2) with `edit` applied to every event of its full stream,
 * as the run's recorder would have written it: own events as records, market events by
 * reference (their place and the block's digest of what `edit` returned).
 */
export async function rewriteRunJournal(runDir: string, edit: (e: Event) => Event): Promise<void> {
  const events = await runEvents(runDir, { verifyDatasets: false });
  const w = new JournalWriter(join(runDir, 'journal.bin'), { marketByReference: true });
  for (const original of events) {
    const e = edit(original);
    if (e.kind === 'book_delta' || e.kind === 'trade' || e.kind === 'bbo') w.market(e);
    else w.append(e);
  }
  w.close();
}

/** Rewrites one canonical Parquet file through DuckDB with `select` (SQL over `src`, the file as it is). */
export async function rewriteParquet(path: string, select: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await db.connect();
  try {
    const tmp = `${path}.rewrite`;
    await con.run(`CREATE TABLE src AS SELECT * FROM read_parquet('${path}')`);
    await con.run(`COPY (${select}) TO '${tmp}' (FORMAT parquet, COMPRESSION zstd)`);
    renameSync(tmp, path);
  } finally {
    con.closeSync();
  }
}
