/**
 * Run artifacts: Parquet time series (parquet-writer.ts: DuckDB, the storage package's Parquet
 * engine, single-threaded so bytes are reproducible), JSON files with canonical key order,
 * the manifest, and the atomic publish (write into a staging directory, then rename).
 *
 * outputHash: SHA-256 over the sorted (file name, SHA-256) pairs of every artifact, where
 * metrics.json is hashed without its wall-clock `throughput` section and the manifest is not
 * an input (it holds wall-clock times). No absolute path appears in any hashed file, so
 * identical runs give identical hashes wherever they are written.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { claimStaging, releaseStaging } from '@chassis/storage';
import { canonicalJson, canonicalJsonPretty, sha256Hex } from './canonical-json.ts';

export { openParquetDatabase, writeParquet, type Column, type ColumnType } from './parquet-writer.ts';

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, canonicalJsonPretty(value));
}

/**
 * Digest of the artifacts in `dir` (see module comment). `known`: SHA-256s already computed while
 * writing (the journal hashes itself as it is written), so large files are not read back.
 */
export function outputHashOf(dir: string, files: readonly string[], known: Readonly<Record<string, string>> = {}): { outputHash: string; files: Record<string, string> } {
  const hashes: Record<string, string> = {};
  for (const f of [...files].sort()) {
    if (f === 'manifest.json') continue;
    const k = known[f];
    if (k !== undefined) {
      hashes[f] = k;
      continue;
    }
    const raw = readFileSync(join(dir, f));
    let bytes: Uint8Array | string = raw;
    if (f === 'metrics.json') {
      const { throughput: _t, ...rest } = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      bytes = canonicalJson(rest);
    }
    hashes[f] = sha256Hex(bytes);
  }
  return { outputHash: sha256Hex(canonicalJson(hashes)), files: hashes };
}

/**
 * A fresh staging directory next to the final one (same filesystem, so rename is atomic), owned
 * by this process (a `.owner` file beside it, so `chassis gc` can tell a killed run's leftovers).
 */
export function stagingDirFor(finalDir: string, nonce: string): string {
  const dir = join(dirname(finalDir), `.staging-${nonce}`);
  mkdirSync(dir, { recursive: true });
  claimStaging(dir);
  return dir;
}

/** Removes a staging directory that will not be published, and its owner file. */
export function discardStaging(staging: string): void {
  rmSync(staging, { recursive: true, force: true });
  releaseStaging(staging);
}

/**
 * Replaces `finalDir` with `staging` (an earlier run with the same id is replaced whole). The
 * earlier one is first renamed to `<finalDir>.old-<pid>-<ms>`: a process killed between the two
 * renames leaves it there, and `chassis gc` renames it back.
 */
export function publish(staging: string, finalDir: string): void {
  if (existsSync(finalDir)) {
    const old = `${finalDir}.old-${process.pid}-${Date.now()}`;
    renameSync(finalDir, old);
    renameSync(staging, finalDir);
    rmSync(old, { recursive: true, force: true });
  } else renameSync(staging, finalDir);
  releaseStaging(staging);
}
