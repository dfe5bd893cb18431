/**
 * SQL text shared by the views: literals, quoted identifiers, and a view as a UNION ALL of one
 * SELECT per source — or, with no source, an empty SELECT of the same typed columns, so a query
 * against an empty data root finds the view (0 rows, right columns) instead of "table not found".
 */

/** A column as (name, DuckDB type); types carry no NOT NULL (a view's columns cannot). */
export type SqlColumn = readonly [name: string, type: string];

export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL literal: strings quoted, bigints and numbers as written, null as NULL. */
export function sqlLiteral(value: string | number | bigint | boolean | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return sqlString(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value);
}

/** A SQL list of string literals, `['a', 'b']`. */
export function sqlStringList(items: readonly string[]): string {
  return `[${items.map(sqlString).join(', ')}]`;
}

/** `read_parquet([...])` over local files. */
export function readParquet(paths: readonly string[]): string {
  return `read_parquet(${sqlStringList(paths)})`;
}

/** The select list casting each column to its view type: every branch of a union then agrees. */
export function castColumns(columns: readonly SqlColumn[]): string {
  return columns.map(([n, t]) => `CAST(${sqlIdentifier(n)} AS ${t}) AS ${sqlIdentifier(n)}`).join(', ');
}

/** Zero rows with these columns and types. */
export function emptySelect(columns: readonly SqlColumn[]): string {
  return `SELECT ${columns.map(([n, t]) => `CAST(NULL AS ${t}) AS ${sqlIdentifier(n)}`).join(', ')} WHERE false`;
}

/** `CREATE VIEW name AS` the union of `selects`, or the empty select of `columns` when there are none. */
export function createViewSql(name: string, selects: readonly string[], columns: readonly SqlColumn[]): string {
  const body = selects.length > 0 ? selects.join('\nUNION ALL\n') : emptySelect(columns);
  return `CREATE OR REPLACE VIEW ${sqlIdentifier(name)} AS\n${body}`;
}

/** A table column: name, DuckDB type, and how a row gives its value. */
export type TableColumn<R> = readonly [
  name: string,
  type: string,
  value: (row: R) => string | number | bigint | boolean | null | undefined,
];

/** Statements creating table `name` with `columns` and filling it with `rows` in order. */
export function createTableSql<R>(name: string, columns: readonly TableColumn<R>[], rows: readonly R[]): string[] {
  const create = `CREATE OR REPLACE TABLE ${sqlIdentifier(name)} (${columns.map(([n, t]) => `${sqlIdentifier(n)} ${t}`).join(', ')})`;
  if (rows.length === 0) return [create];
  const values = rows.map((r) => `(${columns.map(([, , value]) => sqlLiteral(value(r))).join(', ')})`);
  return [create, `INSERT INTO ${sqlIdentifier(name)} VALUES\n${values.join(',\n')}`];
}
