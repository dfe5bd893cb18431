/**
 * The backtests' series as SQL views (`orders`, `fills`, `positions`, `equity`): one SELECT per
 * finished run directory under `<data root>/experiments/`, the run id first, then the series'
 * documented columns (@chassis/backtesting `RUN_SERIES_SCHEMAS`). Exact values are the integer
 * `*_units` columns (price units of 10^-priceDecimals, size units of 10^-sizeDecimals, fee units
 * of 10^-settlementDecimals, per the run's instrument in run.json); the DOUBLE columns are the
 * artifacts' analysis floats, as written.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ChassisError } from '@chassis/core';
import { readRunManifest, RUN_SERIES_SCHEMAS } from '@chassis/backtesting';
import { castColumns, createViewSql, readParquet, sqlString, sqlStringList, type SqlColumn } from './view-sql.ts';

export type RunSeriesView = keyof typeof RUN_SERIES_SCHEMAS;
export const RUN_SERIES_VIEWS = Object.keys(RUN_SERIES_SCHEMAS) as RunSeriesView[];

/** A finished run's directory. */
export interface RunDir {
  readonly runId: string;
  readonly dir: string;
}

export function runViewColumns(view: RunSeriesView): SqlColumn[] {
  return [['run_id', 'VARCHAR'], ...RUN_SERIES_SCHEMAS[view].columns];
}

/** `CREATE VIEW <series>` over every run's series file. */
export function runViewSql(view: RunSeriesView, runs: readonly RunDir[]): string {
  const { file, columns } = RUN_SERIES_SCHEMAS[view];
  const selects = runs.map(
    (r) => `SELECT ${sqlString(r.runId)} AS run_id, ${castColumns(columns)} FROM ${readParquet([join(r.dir, file)])}`,
  );
  return createViewSql(view, selects, runViewColumns(view));
}

/**
 * The finished runs directly under `experimentsDir` (a failed run has no series and is left out
 * silently); `skipped` names directories that look like runs but cannot be read, and why.
 * Staging and replaced directories (`.staging-*`, `*.old-*`) are not runs.
 */
export function findRunDirs(experimentsDir: string): { runs: RunDir[]; skipped: string[] } {
  const runs: RunDir[] = [];
  const skipped: string[] = [];
  const names = existsSync(experimentsDir) ? readdirSync(experimentsDir).sort() : [];
  for (const name of names) {
    const dir = join(experimentsDir, name);
    if (name.startsWith('.') || name.includes('.old-') || !existsSync(join(dir, 'manifest.json'))) continue;
    try {
      const manifest = readRunManifest(dir);
      if (manifest.status === 'failed') continue;
      const missing = Object.values(RUN_SERIES_SCHEMAS)
        .map((s) => s.file)
        .filter((f) => !existsSync(join(dir, f)));
      if (missing.length > 0) skipped.push(`${dir}: missing ${missing.join(', ')}`);
      else runs.push({ runId: manifest.runId, dir });
    } catch (err) {
      if (!(err instanceof ChassisError)) throw err;
      skipped.push(`${dir}: ${err.code}: ${err.message}`);
    }
  }
  return { runs, skipped };
}

/**
 * The runs whose series files have every documented column; the others (written by an older
 * version of the series) named in `skipped` — binding a view to a file without one of its
 * columns would fail every query of the session. One read of the files' Parquet metadata.
 */
export async function runsWithSeriesColumns(
  con: DuckDBConnection,
  runs: readonly RunDir[],
): Promise<{ runs: RunDir[]; skipped: string[] }> {
  if (runs.length === 0) return { runs: [], skipped: [] };
  const files = runs.flatMap((r) => RUN_SERIES_VIEWS.map((v) => join(r.dir, RUN_SERIES_SCHEMAS[v].file)));
  const reader = await con.runAndReadAll(
    `SELECT file_name, list(name) FROM parquet_schema(${sqlStringList(files)}) GROUP BY file_name`,
  );
  const present = new Map(reader.getRowsJson().map((r) => [String(r[0]), new Set(r[1] as string[])]));
  const kept: RunDir[] = [];
  const skipped: string[] = [];
  for (const run of runs) {
    const missing = RUN_SERIES_VIEWS.flatMap((v) => {
      const { file, columns } = RUN_SERIES_SCHEMAS[v];
      const have = present.get(join(run.dir, file));
      return columns.filter(([name]) => !have?.has(name)).map(([name]) => `${file}:${name}`);
    });
    if (missing.length === 0) kept.push(run);
    else skipped.push(`${run.dir}: series written without column(s) ${missing.join(', ')}`);
  }
  return { runs: kept, skipped };
}
