/**
 * The market input of a run, built the same way when the run reads it and when replay or
 * readRunEvents regenerates it (journal format 2: market events by reference): one feed source
 * per instrument (run.json order) and kind (book_delta, trade, bbo), its datasets concatenated
 * in catalog order, clipped to the window, repeated `repeat` times with shifted timestamps,
 * tsLocal = tsEvent + feed latency for datasets without capture time.
 *
 * `openRunDatasets` finds the datasets a run recorded (run.json `datasets`: id + content hash)
 * and proves they are the same: the catalog entry must carry the recorded content hash and the
 * content hash recomputed from the dataset's Parquet files must equal it. The columnar decode
 * cache the feeder reads is named by that hash; what the feeder then yields is proved by the
 * journal's per-block market digests.
 */
import { existsSync } from 'node:fs';
import { ChassisError } from '@chassis/core';
import { contentHashOfFiles, openCatalog, openStorage, readCanonical, type CanonicalBatch, type DatasetMeta, type Storage } from '@chassis/storage';
import { KINDS } from './run-resolution.ts';
import { repeatFeed, type FeedSource } from './feeder.ts';
import type { ResolvedRun } from './resolved-run.ts';

export interface RunFeedInput {
  readonly storage: Storage;
  /** The run's datasets, in run.json order. */
  readonly datasets: readonly DatasetMeta[];
  /** Instrument ids in run.json order. */
  readonly instruments: readonly string[];
  readonly fromNs: bigint | undefined;
  readonly toNs: bigint | undefined;
  /** venue.feedLatencyUs of the run definition. */
  readonly feedLatencyUs: number;
  readonly repeat: number;
}

export interface RunFeed {
  readonly sources: FeedSource[];
  /** Earliest dataset start and latest dataset end, ns. */
  readonly startNs: bigint;
  readonly endNs: bigint;
  /** Time shift between repetitions, ns (data span + 1 s). */
  readonly spanNs: bigint;
}

async function* concatDatasets(storage: Storage, datasets: readonly DatasetMeta[], fromNs: bigint | undefined, toNs: bigint | undefined): AsyncIterable<CanonicalBatch> {
  for (const d of datasets) yield* readCanonical(storage, d, { ...(fromNs !== undefined ? { from: fromNs } : {}), ...(toNs !== undefined ? { to: toNs } : {}) });
}

export function runFeed(o: RunFeedInput): RunFeed {
  const { datasets, storage, fromNs, toNs, repeat } = o;
  const startNs = datasets.reduce((m, d) => (d.startNs < m ? d.startNs : m), datasets[0]!.startNs);
  const endNs = datasets.reduce((m, d) => (d.endNs > m ? d.endNs : m), datasets[0]!.endNs);
  const spanNs = endNs - startNs + 1_000_000_000n;
  const sources: FeedSource[] = [];
  for (const instrument of o.instruments) {
    for (const kind of KINDS) {
      const ds = datasets.filter((d) => `${d.venue}:${d.symbol}` === instrument && d.kind === kind);
      if (ds.length === 0) continue;
      const open = () => concatDatasets(storage, ds, fromNs, toNs);
      sources.push({
        instrument,
        batches: repeat > 1 ? repeatFeed(open, repeat, spanNs) : open(),
        feedLatencyNs: ds[0]!.provenance.tsLocalFromEvent ? BigInt(Math.round(o.feedLatencyUs * 1000)) : undefined,
      });
    }
  }
  return { sources, startNs, endNs, spanNs };
}

/** The feed of a recorded run (run.json + the manifest's `repeat`), from datasets already opened with openRunDatasets. */
export function recordedRunFeed(run: ResolvedRun, storage: Storage, datasets: readonly DatasetMeta[], repeat: number): RunFeed {
  return runFeed({
    storage,
    datasets,
    instruments: run.instruments.map((i) => i.id),
    fromNs: run.window.fromNs !== null ? BigInt(run.window.fromNs) : undefined,
    toNs: run.window.toNs !== null ? BigInt(run.window.toNs) : undefined,
    feedLatencyUs: run.definition.venue.feedLatencyUs,
    repeat,
  });
}

export interface OpenRunDatasetsOptions {
  /** Recompute each dataset's content hash from its Parquet files (default true). */
  readonly verifyContent?: boolean;
}

/**
 * The datasets `run` recorded, from the catalog under `dataRoot`, each proved to be the one the
 * run read: E_RUN_DATASET_MISSING when a dataset or one of its files is gone,
 * E_RUN_DATASET_CHANGED naming the dataset and the expected and actual content hash.
 */
export async function openRunDatasets(run: ResolvedRun, dataRoot: string, options: OpenRunDatasetsOptions = {}): Promise<{ storage: Storage; datasets: DatasetMeta[] }> {
  const storage = openStorage(dataRoot);
  const catalog = openCatalog(storage);
  const datasets: DatasetMeta[] = [];
  for (const ref of run.datasets) {
    const what = `dataset ${ref.id} (${ref.instrument} ${ref.kind})`;
    const meta = await catalog.get(ref.id);
    if (!meta) throw new ChassisError('E_RUN_DATASET_MISSING', `${what}, which the run read, is not in the catalog of ${dataRoot} (did the run read another data root? give it with --data)`);
    if (meta.contentHash !== ref.contentHash)
      throw new ChassisError('E_RUN_DATASET_CHANGED', `${what}: the catalog gives content hash ${meta.contentHash}, the run read ${ref.contentHash}`);
    if (options.verifyContent !== false) await verifyContent(storage, meta, what);
    datasets.push(meta);
  }
  return { storage, datasets };
}

async function verifyContent(storage: Storage, meta: DatasetMeta, what: string): Promise<void> {
  const paths: string[] = [];
  for (const f of meta.files) {
    const missing = () => new ChassisError('E_RUN_DATASET_MISSING', `${what}: its file ${f.key} is missing from ${storage.root}`);
    const path = await storage.localPath(f.key).catch(() => {
      throw missing();
    });
    if (!existsSync(path)) throw missing();
    paths.push(path);
  }
  let actual: string;
  try {
    actual = await contentHashOfFiles(paths, meta.kind, meta.rows, meta.instrument);
  } catch (err) {
    throw new ChassisError('E_RUN_DATASET_CHANGED', `${what}: its files cannot be read as the canonical dataset (${(err as Error).message})`);
  }
  if (actual !== meta.contentHash)
    throw new ChassisError('E_RUN_DATASET_CHANGED', `${what}: its files hash to content hash ${actual}, the run read ${meta.contentHash}`);
}
