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

/** Single-quoted SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
