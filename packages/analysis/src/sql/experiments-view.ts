/**
 * The experiments' index as a SQL view, `experiments`: every `<data root>/experiments/<id>/
 * index.parquet` (written by @chassis/experiments: run_id, status, one column per swept
 * parameter, dataset, out_dir, error, one DOUBLE per headline metric), the experiment id first.
 * Sweeps differ in parameters and metrics, so the files are unioned by column name (a column an
 * experiment lacks is NULL in its rows).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { castColumns, emptySelect, readParquet, sqlIdentifier, sqlString, type SqlColumn } from './view-sql.ts';

/** The columns every experiment index has; with no experiment the view has just these. */
export const EXPERIMENTS_VIEW_COLUMNS: readonly SqlColumn[] = [
  ['experiment_id', 'VARCHAR'],
  ['run_id', 'VARCHAR'],
  ['status', 'VARCHAR'],
  ['dataset', 'VARCHAR'],
  ['out_dir', 'VARCHAR'],
  ['error', 'VARCHAR'],
];

export interface ExperimentIndexFile {
  readonly experimentId: string;
  readonly path: string;
}

/** The experiment indexes directly under `experimentsDir`, by directory name. */
export function findExperimentIndexes(experimentsDir: string): ExperimentIndexFile[] {
  const names = existsSync(experimentsDir) ? readdirSync(experimentsDir).sort() : [];
  return names
    .filter((name) => !name.startsWith('.'))
    .map((name) => ({ experimentId: name, path: join(experimentsDir, name, 'index.parquet') }))
    .filter((f) => existsSync(f.path));
}

export function experimentsViewSql(indexes: readonly ExperimentIndexFile[]): string {
  // The empty typed select is always a branch, so the fixed columns keep their types and order.
  // They are cast in every file too: an index whose members all have no error stores `error` as
  // JSON (type inference over nulls), and JSON would win the union's type.
  const fixed = castColumns(EXPERIMENTS_VIEW_COLUMNS.slice(1));
  const selects = [
    emptySelect(EXPERIMENTS_VIEW_COLUMNS),
    ...indexes.map(
      (f) => `SELECT ${sqlString(f.experimentId)} AS experiment_id, * REPLACE (${fixed}) FROM ${readParquet([f.path])}`,
    ),
  ];
  return `CREATE OR REPLACE VIEW ${sqlIdentifier('experiments')} AS\n${selects.join('\nUNION ALL BY NAME\n')}`;
}
