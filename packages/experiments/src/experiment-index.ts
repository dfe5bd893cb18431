/**
 * The experiment index under `<data root>/experiments/<experiment-id>/`:
 *   experiment.json        members (run id, params, window) — written once, before any run
 *   members/<run-id>.json  one record per member: status, artifact location, metrics, error
 *   index.parquet          one row per member, for SQL (read_parquet)
 * Every file is written atomically (temp file + rename) and member records are keyed by run id,
 * so recording the same run twice (a retried job, a resumed sweep) leaves exactly one record.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ChassisError } from '@chassis/core';
import type { Experiment } from './sweep-expansion.ts';
import type { HeadlineMetrics } from './run-backend.ts';
import type { Scalar } from './sweep-file.ts';
import { experimentManifestSchema, memberRecordSchema, parseMessage } from './messages.ts';

export type MemberStatus = 'pending' | 'completed' | 'failed';

export interface MemberRecord {
  readonly runId: string;
  readonly status: MemberStatus;
  readonly params: Readonly<Record<string, Scalar>>;
  readonly dataset: string;
  readonly outDir: string | null;
  readonly metrics: HeadlineMetrics;
  readonly error: string | null;
}

export interface ExperimentManifest {
  readonly experimentId: string;
  readonly name: string;
  readonly source: string;
  readonly members: readonly { readonly runId: string; readonly params: Readonly<Record<string, Scalar>>; readonly dataset: string }[];
}

export function experimentDir(dataRoot: string, experimentId: string): string {
  return join(dataRoot, 'experiments', experimentId);
}

/** Writes `text` to `path` so readers see the old file or the new one, never a torn one. */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.${Math.floor(Math.random() * 1e9)}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Dataset label of a run definition: its dataset references, compactly. */
export function datasetLabel(definition: unknown): string {
  const d = definition as { datasets?: unknown; dataset?: unknown; window?: { from?: unknown; to?: unknown } } | null;
  const refs = d?.datasets ?? d?.dataset;
  const refText = refs === undefined ? '' : typeof refs === 'string' ? refs : JSON.stringify(refs);
  const w = d?.window;
  return w && w.from !== undefined ? `${refText}@${String(w.from)}..${String(w.to)}` : refText;
}

/** Creates the experiment directory and its manifest plus a pending record per new member. */
export function openExperiment(dataRoot: string, experiment: Experiment): string {
  const dir = experimentDir(dataRoot, experiment.experimentId);
  mkdirSync(join(dir, 'members'), { recursive: true });
  const manifest: ExperimentManifest = {
    experimentId: experiment.experimentId,
    name: experiment.name,
    source: experiment.source,
    members: experiment.members.map((m) => ({ runId: m.runId, params: m.params, dataset: datasetLabel(m.definition) })),
  };
  writeFileAtomic(join(dir, 'experiment.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const m of manifest.members) {
    if (!existsSync(memberPath(dir, m.runId))) {
      writeMemberRecord(dir, { runId: m.runId, status: 'pending', params: m.params, dataset: m.dataset, outDir: null, metrics: {}, error: null });
    }
  }
  return dir;
}

function memberPath(dir: string, runId: string): string {
  return join(dir, 'members', `${runId}.json`);
}

export function writeMemberRecord(dir: string, record: MemberRecord): void {
  writeFileAtomic(memberPath(dir, record.runId), `${JSON.stringify(record, null, 2)}\n`);
}

/** A member's record read back; undefined when there is none, E_BAD_MESSAGE naming the field when it is malformed. */
export function readMemberRecord(dir: string, runId: string): MemberRecord | undefined {
  const path = memberPath(dir, runId);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return parseMessage(memberRecordSchema, parseJson(text, path), path);
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ChassisError('E_BAD_MESSAGE', `${path} is not readable JSON: ${(err as Error).message}`);
  }
}

export interface ExperimentIndex {
  readonly dir: string;
  readonly manifest: ExperimentManifest;
  /** In manifest order. */
  readonly records: readonly MemberRecord[];
}

/** Reads an experiment directory; E_EXPERIMENT_INCOMPLETE names what is missing. */
export function readExperimentIndex(dir: string): ExperimentIndex {
  let text: string;
  try {
    text = readFileSync(join(dir, 'experiment.json'), 'utf8');
  } catch {
    throw new ChassisError('E_EXPERIMENT_INCOMPLETE', `${dir}: experiment.json is missing or unreadable; is this an experiment directory?`);
  }
  const path = join(dir, 'experiment.json');
  const manifest: ExperimentManifest = parseMessage(experimentManifestSchema, parseJson(text, path), path);
  const onDisk = new Set(existsSync(join(dir, 'members')) ? readdirSync(join(dir, 'members')) : []);
  const records = manifest.members.map((m) => {
    const rec = onDisk.has(`${m.runId}.json`) ? readMemberRecord(dir, m.runId) : undefined;
    return rec ?? { runId: m.runId, status: 'pending' as const, params: m.params, dataset: m.dataset, outDir: null, metrics: {}, error: null };
  });
  return { dir, manifest, records };
}

/** Column names for params: the last path segment when unique, else the full path with `_`. */
export function paramColumns(paths: readonly string[]): Map<string, string> {
  const last = (p: string) => p.split('.').pop()!;
  const counts = new Map<string, number>();
  for (const p of paths) counts.set(last(p), (counts.get(last(p)) ?? 0) + 1);
  return new Map(paths.map((p) => [p, counts.get(last(p)) === 1 ? last(p) : p.replaceAll('.', '_')]));
}

let duckdb: typeof import('@duckdb/node-api') | undefined;
/**
 * DuckDB, which writes `index.parquet`: loaded on first use, not when @chassis/experiments is
 * imported (that would delay the sweep command before it even starts its workers), and with
 * require: importing this CommonJS package from ESM scans its sources for export names first
 * (import() 0.3-0.45 CPU-s, require 0.12-0.14). A local sweep loads it while its first runs
 * execute, so the index is not held up by it after the last one.
 */
export function loadIndexEngine(): typeof import('@duckdb/node-api') {
  duckdb ??= createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');
  return duckdb;
}

/**
 * Writes `index.parquet`: run_id, status, one column per swept parameter, dataset, out_dir,
 * error, one column per headline metric. Rows in manifest order; rewritten whole, atomically.
 */
export async function writeIndexParquet(dir: string): Promise<string> {
  const { records } = readExperimentIndex(dir);
  const paramPaths = [...new Set(records.flatMap((r) => Object.keys(r.params)))];
  const metricNames = [...new Set(records.flatMap((r) => Object.keys(r.metrics)))].sort();
  const cols = paramColumns(paramPaths);
  const taken = new Set(['run_id', 'status', 'dataset', 'out_dir', 'error', ...metricNames]);
  for (const [p, c] of cols) if (taken.has(c)) cols.set(p, `param_${c}`);
  const ndjson = records
    .map((r) => {
      const row: Record<string, unknown> = { run_id: r.runId, status: r.status };
      for (const p of paramPaths) row[cols.get(p)!] = r.params[p] ?? null;
      row.dataset = r.dataset;
      row.out_dir = r.outDir;
      row.error = r.error;
      for (const m of metricNames) row[m] = r.metrics[m] ?? null;
      return JSON.stringify(row);
    })
    .join('\n');
  const jsonPath = join(dir, `.index.${process.pid}.ndjson`);
  const tmpParquet = join(dir, `.index.${process.pid}.parquet`);
  writeFileSync(jsonPath, `${ndjson}\n`);
  const { DuckDBInstance } = loadIndexEngine();
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
    // Metrics are DOUBLE whatever JSON inference would guess from integral values.
    const metricCasts = metricNames.map((m) => `CAST("${m.replaceAll('"', '""')}" AS DOUBLE) AS "${m.replaceAll('"', '""')}"`);
    const select = metricCasts.length ? `SELECT * REPLACE (${metricCasts.join(', ')})` : 'SELECT *';
    await con.run(`COPY (${select} FROM read_json(${quote(jsonPath)}, format = 'newline_delimited')) TO ${quote(tmpParquet)} (FORMAT parquet, COMPRESSION zstd)`);
  } finally {
    con.closeSync();
    instance.closeSync();
    rmSync(jsonPath, { force: true });
  }
  const out = join(dir, 'index.parquet');
  renameSync(tmpParquet, out);
  return out;
}
