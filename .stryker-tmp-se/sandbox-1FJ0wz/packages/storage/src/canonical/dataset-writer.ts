// @ts-nocheck
import { join } from 'node:path';
import { rename, writeFile } from 'node:fs/promises';
import type { StagedDir, Storage } from '../backends/storage.ts';
import type { CanonicalBatch, CanonicalKind } from './batches.ts';
import { contentHashOfFiles } from './content-hash.ts';
import { datasetToJson, type DatasetMeta, type InstrumentMeta } from './dataset.ts';
import { rescaleCanonicalParquet, writeCanonicalParquet } from './parquet-writer.ts';

/** Canonical prefix of a dataset: canonical/{venue}/{instrument}/{kind}/{YYYY-MM-DD}/{datasetId}. */
export function canonicalPrefix(
  m: Pick<DatasetMeta, 'venue' | 'symbol' | 'kind' | 'day' | 'id'>,
  storageClass: 'canonical' | 'quarantine' = 'canonical',
): string {
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
    const bytes = await writeCanonicalParquet(
      join(staged.dir, 'data.parquet'),
      batch,
      meta.instrument.priceDecimals,
      meta.instrument.sizeDecimals,
    );
    const full: DatasetMeta = { ...meta, files: [{ key: `${meta.prefix}/data.parquet`, rows: batch.length, bytes }] };
    await writeFile(join(staged.dir, 'dataset.json'), datasetToJson(full));
    const created = await storage.commit(staged, meta.prefix);
    return { meta: full, created };
  } catch (err) {
    await storage.abort(staged);
    throw err;
  }
}

/**
 * A dataset written part by part while it is produced, so a large source never has to sit in
 * memory whole. Parts go to one staging area as `data-00000.parquet`, … each at the precision
 * known when it was written; `seal` brings them all to the instrument's precision and computes
 * the content hash from the files (the same hash as `contentHash` over the whole batch), and
 * `commit` makes the dataset visible in one step, exactly like `writeDataset` (a single part is
 * named `data.parquet`). Encoding happens before `commit`, so a caller holding the catalog lock
 * only around `commit` holds it for a rename, not for the Parquet encoding.
 */
export class DatasetPartsWriter {
  private staged: StagedDir | undefined;
  private readonly parts: { name: string; rows: number; priceDecimals: number; sizeDecimals: number; bytes: number }[] =
    [];
  private total = 0;

  constructor(
    private readonly storage: Storage,
    readonly kind: CanonicalKind,
  ) {}

  get rows(): number {
    return this.total;
  }

  get partCount(): number {
    return this.parts.length;
  }

  /** Highest precision among the parts written so far. */
  get decimals(): { priceDecimals: number; sizeDecimals: number } {
    return {
      priceDecimals: this.parts.reduce((m, p) => Math.max(m, p.priceDecimals), 0),
      sizeDecimals: this.parts.reduce((m, p) => Math.max(m, p.sizeDecimals), 0),
    };
  }

  async append(batch: CanonicalBatch, priceDecimals: number, sizeDecimals: number): Promise<void> {
    if (batch.length === 0) return;
    this.staged ??= await this.storage.stage();
    const name = `data-${String(this.parts.length).padStart(5, '0')}.parquet`;
    const bytes = await writeCanonicalParquet(join(this.staged.dir, name), batch, priceDecimals, sizeDecimals);
    this.parts.push({ name, rows: batch.length, priceDecimals, sizeDecimals, bytes });
    this.total += batch.length;
  }

  /** Rescales parts below the instrument's precision; returns the dataset's content hash. */
  async seal(instrument: InstrumentMeta): Promise<string> {
    const dir = this.staged!.dir;
    for (const p of this.parts) {
      if (p.priceDecimals === instrument.priceDecimals && p.sizeDecimals === instrument.sizeDecimals) continue;
      p.bytes = await rescaleCanonicalParquet(
        join(dir, p.name),
        this.kind,
        instrument.priceDecimals,
        instrument.sizeDecimals,
      );
      p.priceDecimals = instrument.priceDecimals;
      p.sizeDecimals = instrument.sizeDecimals;
    }
    return contentHashOfFiles(
      this.parts.map((p) => join(dir, p.name)),
      this.kind,
      this.total,
      instrument,
    );
  }

  async commit(meta: Omit<DatasetMeta, 'files'>): Promise<{ meta: DatasetMeta; created: boolean }> {
    const staged = this.staged!;
    this.staged = undefined;
    try {
      // A dataset of one part looks exactly like one written by writeDataset.
      if (this.parts.length === 1 && this.parts[0]!.name !== 'data.parquet') {
        await rename(join(staged.dir, this.parts[0]!.name), join(staged.dir, 'data.parquet'));
        this.parts[0]!.name = 'data.parquet';
      }
      const full: DatasetMeta = {
        ...meta,
        files: this.parts.map((p) => ({ key: `${meta.prefix}/${p.name}`, rows: p.rows, bytes: p.bytes })),
      };
      await writeFile(join(staged.dir, 'dataset.json'), datasetToJson(full));
      return { meta: full, created: await this.storage.commit(staged, meta.prefix) };
    } catch (err) {
      await this.storage.abort(staged);
      throw err;
    }
  }

  async abort(): Promise<void> {
    if (this.staged) await this.storage.abort(this.staged);
    this.staged = undefined;
  }
}
