import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { Storage } from '../backends/storage.ts';
import type { CanonicalBatch } from './batches.ts';
import { datasetToJson, type DatasetMeta } from './dataset.ts';
import { writeCanonicalParquet } from './parquet-writer.ts';

/** Canonical prefix of a dataset: canonical/{venue}/{instrument}/{kind}/{YYYY-MM-DD}/{datasetId}. */
export function canonicalPrefix(m: Pick<DatasetMeta, 'venue' | 'symbol' | 'kind' | 'day' | 'id'>, storageClass: 'canonical' | 'quarantine' = 'canonical'): string {
  return `${storageClass}/${m.venue}/${m.symbol}/${m.kind}/${m.day}/${m.id}`;
}

/**
 * Writes a dataset (data.parquet + dataset.json) into a staging area and commits it under its
 * prefix in one step. Any failure before the commit (full disk, crash) leaves nothing under the
 * prefix. Returns the metadata with files filled in and whether it was already present.
 */
export async function writeDataset(
  storage: Storage,
  batch: CanonicalBatch,
  meta: Omit<DatasetMeta, 'files'>,
): Promise<{ meta: DatasetMeta; created: boolean }> {
  const staged = await storage.stage();
  try {
    const bytes = await writeCanonicalParquet(join(staged.dir, 'data.parquet'), batch, meta.instrument.priceDecimals, meta.instrument.sizeDecimals);
    const full: DatasetMeta = { ...meta, files: [{ key: `${meta.prefix}/data.parquet`, rows: batch.length, bytes }] };
    await writeFile(join(staged.dir, 'dataset.json'), datasetToJson(full));
    const created = await storage.commit(staged, meta.prefix);
    return { meta: full, created };
  } catch (err) {
    await storage.abort(staged);
    throw err;
  }
}
