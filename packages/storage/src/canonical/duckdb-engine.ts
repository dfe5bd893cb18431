import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/**
 * DuckDB (~0.3 CPU-s to load its native binding) is imported on the first connection, not with
 * this module: a backtest whose datasets are in the columnar decode cache never decodes Parquet,
 * and `chassis` start-up does not pay for it.
 */
const createInstance = async (): Promise<DuckDBInstance> => (await import('@duckdb/node-api')).DuckDBInstance.create(':memory:', { threads: '1' });

let instance: Promise<DuckDBInstance> | undefined;

/**
 * One in-memory DuckDB per process, used only as a Parquet codec (write via appender + COPY,
 * read via read_parquet streaming). Each caller gets its own connection and must close it.
 * One thread: a backtest writes its small artifact files while sweeps run one backtest per
 * core; a second writer thread made one run occupy ~1.3 cores (sweep speed-up 1.02× → 1.19×
 * with one thread) and did not speed up imports (import 84.5k msg/s, ratio 0.106 vs 0.089).
 */
export async function duckConnection(): Promise<DuckDBConnection> {
  instance ??= createInstance();
  return (await instance).connect();
}

let readInstance: Promise<DuckDBInstance> | undefined;

/**
 * A connection of the read-path instance: one DuckDB thread. A backtest reads while the run
 * loop computes on the main thread; a second decoder thread only made one run occupy ~1.4 cores
 * (sweeps of two runs on two cores then contend) for little gain. Writers keep duckConnection().
 */
export async function duckReadConnection(): Promise<DuckDBConnection> {
  readInstance ??= createInstance();
  return (await readInstance).connect();
}

/** Single-quoted SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
