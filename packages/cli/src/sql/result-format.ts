/**
 * How `chassis sql` prints a statement's result:
 * - `table`: aligned columns for people, numbers right-aligned, NULL spelled out, a value with
 *   line breaks over several lines of its row, a row count footer; at most TABLE_MAX_ROWS rows
 *   are shown (the widths need every shown row in memory).
 * - `csv`: RFC 4180 — a header line, CRLF line ends, a field quoted (quotes doubled) when it
 *   holds a comma, quote, CR or LF; NULL is an empty field.
 * - `json`: JSON Lines — one object per row, keys the column names; streams with no limit.
 * Every format prints BIGINT, HUGEINT and DECIMAL values as exact decimal strings from DuckDB
 * (JSON: strings, so a 19-digit nanosecond time or a DECIMAL(38,8) survives any JSON parser);
 * INTEGER and smaller as numbers; DOUBLE as a number (NaN/Infinity as strings).
 */
import type { Json } from '@duckdb/node-api';
import type { SqlColumnInfo, SqlResult } from '@chassis/analysis';
import type { TextSink } from './text-sink.ts';

export const SQL_FORMATS = ['table', 'csv', 'json'] as const;
export type SqlFormat = (typeof SQL_FORMATS)[number];

export const TABLE_MAX_ROWS = 10_000;

const NUMERIC_TYPE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

/**
 * A table cell as its lines: a value with line breaks (an EXPLAIN plan, a note) spans several
 * lines of its row; CR and tab are shown escaped so the columns stay aligned.
 */
function cellLines(value: Json): string[] {
  if (value === null) return ['NULL'];
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.replaceAll('\r', '\\r').replaceAll('\t', '\\t').split('\n');
}

async function writeTable(result: SqlResult, sink: TextSink): Promise<void> {
  const rows: string[][][] = [];
  let total = 0;
  for await (const chunk of result.rows()) {
    for (const row of chunk) {
      if (rows.length < TABLE_MAX_ROWS) rows.push(row.map(cellLines));
      total++;
    }
  }
  const header = result.columns.map((c) => [c.name]);
  const right = result.columns.map((c) => NUMERIC_TYPE.test(c.type));
  let widths = header.map(([h]) => h!.length);
  for (const row of [...rows, header]) widths = widths.map((w, i) => Math.max(w, ...row[i]!.map((l) => l.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  /** A row of cells, as many lines as its tallest cell. */
  const rowLines = (cells: readonly string[][]) => {
    const height = Math.max(...cells.map((c) => c.length));
    return Array.from({ length: height }, (_, k) => line(cells.map((c) => c[k] ?? '')));
  };
  const text = [...rowLines(header), line(widths.map((w) => '-'.repeat(w))), ...rows.flatMap(rowLines)];
  const hidden = total - rows.length;
  text.push(
    hidden > 0
      ? `(${total} rows, first ${rows.length} shown; --format csv or json prints all)`
      : `(${total} ${total === 1 ? 'row' : 'rows'})`,
  );
  await sink.write(`${text.join('\n')}\n`);
}

/** An RFC 4180 field. */
export function csvField(value: Json): string {
  if (value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function writeCsv(result: SqlResult, sink: TextSink): Promise<void> {
  await sink.write(`${result.columns.map((c) => csvField(c.name)).join(',')}\r\n`);
  for await (const chunk of result.rows()) {
    await sink.write(chunk.map((row) => `${row.map(csvField).join(',')}\r\n`).join(''));
  }
}

function jsonLine(columns: readonly SqlColumnInfo[], row: readonly Json[]): string {
  const object: Record<string, Json> = {};
  columns.forEach((c, i) => (object[c.name] = row[i]!));
  return `${JSON.stringify(object)}\n`;
}

async function writeJsonLines(result: SqlResult, sink: TextSink): Promise<void> {
  for await (const chunk of result.rows()) await sink.write(chunk.map((row) => jsonLine(result.columns, row)).join(''));
}

/** Prints one result in `format`; a statement without rows to show (CREATE, SET, …) prints nothing. */
export async function writeResult(result: SqlResult, format: SqlFormat, sink: TextSink): Promise<void> {
  if (!result.returnsRows) return;
  if (format === 'table') await writeTable(result, sink);
  else if (format === 'csv') await writeCsv(result, sink);
  else await writeJsonLines(result, sink);
}
