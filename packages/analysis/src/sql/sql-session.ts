/**
 * A DuckDB session over a data root (`chassis sql`): an in-memory database whose views are the
 * catalog's canonical datasets, the runs' series and the experiments' index, and which runs
 * the user's SQL. Every DuckDB failure — parse, bind, a missing file — becomes
 * `E_SQL: <DuckDB's message>`; nothing else about the statement is interpreted.
 *
 * The data root is read once, at open: datasets imported or runs finished later are seen by a
 * new session. On an S3 root the dataset files are read through `Storage.localPath`, which
 * downloads each once into the local cache (DuckDB's httpfs cannot be installed offline); runs
 * and experiments are local directories, so an S3 root has none.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
// Types only: the DuckDB binding loads when a session opens, not with @chassis/analysis (a report needs no SQL).
import type { DuckDBConnection, DuckDBInstance, DuckDBResult, Json } from '@duckdb/node-api';
import { ChassisError } from '@chassis/core';
import { openCatalog, openStorage, type Storage } from '@chassis/storage';
import { CANONICAL_KINDS, canonicalViewSql, type LocalDataset } from './canonical-views.ts';
import { catalogTableSql } from './catalog-table.ts';
import { findRunDirs, RUN_SERIES_VIEWS, runsWithSeriesColumns, runViewSql } from './run-views.ts';
import { experimentsViewSql, findExperimentIndexes } from './experiments-view.ts';

/** What each view holds, for `.help` and the README. */
export const SQL_VIEWS: Readonly<Record<string, string>> = {
  book_delta: 'canonical L2 book deltas (price-level set/remove, snapshots flagged), per dataset',
  trade: 'canonical trades, per dataset',
  bbo: 'canonical best bid/offer, per dataset',
  datasets: 'the catalog: one row per dataset (every state), identity, window, rows, instrument terms',
  dataset_transitions: "the quality gate's state changes of each dataset, in order, with their reasons",
  dataset_checks: "the quality gate's checks of each dataset: status, count, detail, first location",
  dataset_gaps: 'the gaps the gate recorded in each source, at their ns time and location',
  orders: "backtest runs' orders (one row per order), per run",
  fills: "backtest runs' fills, per run",
  positions: "backtest runs' positions after each fill, per run",
  equity: "backtest runs' equity samples, per run",
  experiments: "the sweeps' index: one row per member run, its parameters and headline metrics",
};

export interface SqlColumnInfo {
  readonly name: string;
  /** DuckDB's type name, e.g. `DECIMAL(18,1)`, `BIGINT`. */
  readonly type: string;
}

/** One statement's outcome: its columns and rows as JSON values (BIGINT, HUGEINT and DECIMAL as exact strings). */
export interface SqlResult {
  readonly columns: readonly SqlColumnInfo[];
  /** false for statements that return nothing to show (CREATE, SET, …). */
  readonly returnsRows: boolean;
  rows(): AsyncIterable<readonly (readonly Json[])[]>;
}

export interface SqlSession {
  /** Datasets with missing files and directories that look like runs but cannot be read (shown as warnings). */
  readonly skipped: readonly string[];
  /** Runs each statement of `sql` in order; the caller reads a result's rows before asking for the next. */
  statements(sql: string): AsyncGenerator<SqlResult>;
  /** Views and tables of the session, sorted by name. */
  tables(): Promise<string[]>;
  /** Stops the running statement (it fails with DuckDB's "Interrupted" as E_SQL); the session stays usable. */
  interrupt(): void;
  close(): void;
}

/** DuckDB's message, without the node binding's wrapper prefix. */
export function sqlError(err: unknown): ChassisError {
  const message = (err instanceof Error ? err.message : String(err))
    .replace(/^Failed to extract statements: /, '')
    .trim();
  return new ChassisError('E_SQL', message);
}

async function sqlCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw sqlError(err);
  }
}

/**
 * Every catalog dataset with its files as local paths. A dataset with a missing file is left out
 * of the kind views (it stays in `datasets`) and named in `skipped`: one damaged dataset must not
 * stop every query of the root.
 */
async function localDatasets(storage: Storage, skipped: string[]): Promise<LocalDataset[]> {
  const out: LocalDataset[] = [];
  for (const meta of await openCatalog(storage).list()) {
    try {
      out.push({ meta, paths: await Promise.all(meta.files.map((f) => storage.localPath(f.key))) });
    } catch (err) {
      if (!(err instanceof ChassisError) || err.code !== 'E_NOT_FOUND') throw err;
      skipped.push(`dataset ${meta.id} (${meta.kind}): ${err.message}`);
      out.push({ meta, paths: [] });
    }
  }
  return out;
}

/** The statements that create every view of a data root, and what was skipped. */
async function viewStatements(
  dataRoot: string,
  storage: Storage,
  con: DuckDBConnection,
): Promise<{ sql: string[]; skipped: string[] }> {
  // A mistyped --data would otherwise answer every query with empty views.
  if (storage.kind === 'fs' && !existsSync(dataRoot)) {
    throw new ChassisError(
      'E_DATA_ROOT_NOT_FOUND',
      `data root ${dataRoot} does not exist (give --data DIR or set CHASSIS_DATA)`,
    );
  }
  const skipped: string[] = [];
  const datasets = await localDatasets(storage, skipped);
  const experimentsDir = storage.kind === 'fs' ? join(dataRoot, 'experiments') : null;
  const found = experimentsDir ? findRunDirs(experimentsDir) : { runs: [], skipped: [] };
  const { runs, skipped: older } = await sqlCall(() => runsWithSeriesColumns(con, found.runs));
  skipped.push(...found.skipped, ...older);
  const sql = [
    ...CANONICAL_KINDS.map((kind) => canonicalViewSql(kind, datasets)),
    ...catalogTableSql(datasets.map((d) => d.meta)),
    ...RUN_SERIES_VIEWS.map((view) => runViewSql(view, runs)),
    experimentsViewSql(experimentsDir ? findExperimentIndexes(experimentsDir) : []),
  ];
  return { sql, skipped };
}

async function* rowsOf(result: DuckDBResult): AsyncIterable<readonly (readonly Json[])[]> {
  const rows = result.yieldRowsJson()[Symbol.asyncIterator]();
  for (;;) {
    const next = await sqlCall(() => rows.next());
    if (next.done) return;
    yield next.value;
  }
}

class DuckSqlSession implements SqlSession {
  constructor(
    private readonly instance: DuckDBInstance,
    private readonly con: DuckDBConnection,
    readonly skipped: readonly string[],
    /** DuckDB's ResultReturnType.QUERY_RESULT. */
    private readonly queryResult: number,
  ) {}

  async *statements(sql: string): AsyncGenerator<SqlResult> {
    const extracted = await sqlCall(() => this.con.extractStatements(sql));
    for (let i = 0; i < extracted.count; i++) {
      const result = await sqlCall(async () => (await extracted.prepare(i)).stream());
      yield {
        columns: result.columnNames().map((name, c) => ({ name, type: result.columnType(c).toString() })),
        returnsRows: result.returnType === this.queryResult,
        rows: () => rowsOf(result),
      };
    }
  }

  async tables(): Promise<string[]> {
    const reader = await this.con.runAndReadAll(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name",
    );
    return reader.getRowsJson().map((r) => String(r[0]));
  }

  interrupt(): void {
    this.con.interrupt();
  }

  close(): void {
    this.con.closeSync();
    this.instance.closeSync();
  }
}

/** Opens a session over `dataRoot` (a directory or s3://bucket/prefix) with every view created. */
export async function openSqlSession(dataRoot: string, storage: Storage = openStorage(dataRoot)): Promise<SqlSession> {
  const { DuckDBInstance, ResultReturnType } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    const { sql, skipped } = await viewStatements(dataRoot, storage, con);
    for (const statement of sql) await sqlCall(() => con.run(statement));
    return new DuckSqlSession(instance, con, skipped, ResultReturnType.QUERY_RESULT);
  } catch (err) {
    con.closeSync();
    instance.closeSync();
    throw err;
  }
}
