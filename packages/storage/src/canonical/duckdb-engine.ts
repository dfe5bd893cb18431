import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

let instance: Promise<DuckDBInstance> | undefined;

/**
 * One in-memory DuckDB per process, used only as a Parquet codec (write via appender + COPY,
 * read via read_parquet streaming). Each caller gets its own connection and must close it.
 */
export async function duckConnection(): Promise<DuckDBConnection> {
  instance ??= DuckDBInstance.create(':memory:', { threads: '2' });
  return (await instance).connect();
}

let readInstance: Promise<DuckDBInstance> | undefined;

/**
 * A connection of the read-path instance: one DuckDB thread. A backtest reads while the run
 * loop computes on the main thread; a second decoder thread only made one run occupy ~1.4 cores
 * (sweeps of two runs on two cores then contend) for little gain. Writers keep duckConnection().
 */
export async function duckReadConnection(): Promise<DuckDBConnection> {
  readInstance ??= DuckDBInstance.create(':memory:', { threads: '1' });
  return (await readInstance).connect();
}

/** Single-quoted SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
