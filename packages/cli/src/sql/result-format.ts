/**
 * How `chassis sql` prints a statement's result:
 * - `table`: aligned columns for people, numbers right-aligned, NULL spelled out, line breaks
 *   in values shown as \n, a row count footer; at most TABLE_MAX_ROWS rows are shown (the
 *   widths need every shown row in memory).
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

const CONTROL = /[\r\n\t]/g;
const ESCAPED: Readonly<Record<string, string>> = { '\r': '\\r', '\n': '\\n', '\t': '\\t' };

/** A table cell on one line: line breaks and tabs are shown escaped so the columns stay aligned. */
function cellText(value: Json): string {
  if (value === null) return 'NULL';
  return (typeof value === 'object' ? JSON.stringify(value) : String(value)).replace(CONTROL, (c) => ESCAPED[c]!);
}

async function writeTable(result: SqlResult, sink: TextSink): Promise<void> {
  const rows: string[][] = [];
  let total = 0;
  for await (const chunk of result.rows()) {
    for (const row of chunk) {
      if (rows.length < TABLE_MAX_ROWS) rows.push(row.map(cellText));
      total++;
    }
  }
  const header = result.columns.map((c) => c.name);
  const right = result.columns.map((c) => NUMERIC_TYPE.test(c.type));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[], alignRight: readonly boolean[]) =>
    cells
      .map((c, i) => (alignRight[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const text = [
    line(header, right),
    line(
      widths.map((w) => '-'.repeat(w)),
      right,
    ),
    ...rows.map((r) => line(r, right)),
  ];
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
