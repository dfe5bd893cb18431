import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeParquet, type Column, type ColumnType } from './parquet-writer.ts';

interface Row {
  id: number;
  big: bigint;
  units: number;
  x: number;
  text: string;
  flag: boolean;
}
const COLUMNS: readonly Column<Row>[] = [
  ['id', 'INTEGER', (r) => r.id],
  ['big', 'BIGINT', (r) => r.big],
  ['units', 'BIGINT', (r) => r.units],
  ['x', 'DOUBLE', (r) => r.x],
  ['text', 'VARCHAR', (r) => r.text],
  ['flag', 'BOOLEAN', (r) => r.flag],
];

const row = fc.record({
  id: fc.integer(),
  big: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  units: fc.maxSafeInteger(),
  x: fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0)),
  text: fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('', 'binance-usdm:BTCUSDT', 'buy', 'twelve bytes', 'thirteen byte', 'ééééé€', 'éééééé€', '\u0000a\u0000')),
  flag: fc.boolean(),
});

const db = await DuckDBInstance.create(':memory:');

async function readBack(path: string): Promise<Record<string, unknown>[]> {
  const con = await db.connect();
  try {
    return (await con.runAndReadAll(`SELECT * FROM read_parquet('${path}')`)).getRowObjects();
  } finally {
    con.closeSync();
  }
}

/** The row as written: each column's value in DuckDB's JS form, non-finite doubles as NULL. */
const expected = (r: Row) => ({ id: r.id, big: r.big, units: BigInt(r.units), x: Number.isFinite(r.x) ? r.x : null, text: r.text, flag: r.flag });

/** The plain writer: DuckDB's node-api appender, one value at a time (what writeParquet did before it wrote data chunks through the binding). */
async function rowByRowParquet(path: string, rows: readonly Row[]): Promise<void> {
  const con = await db.connect();
  try {
    await con.run(`CREATE OR REPLACE TABLE t (${COLUMNS.map(([n, t]) => `"${n}" ${t}`).join(', ')})`);
    const a = await con.createAppender('t');
    const put: Record<ColumnType, (v: never) => void> = {
      BIGINT: (v: bigint | number) => a.appendBigInt(BigInt(v)),
      INTEGER: (v: number) => a.appendInteger(v),
      DOUBLE: (v: number) => (Number.isFinite(v) ? a.appendDouble(v) : a.appendNull()),
      VARCHAR: (v: string) => a.appendVarchar(v),
      BOOLEAN: (v: boolean) => a.appendBoolean(v),
    };
    for (const r of rows) {
      for (const [, type, get] of COLUMNS) put[type](get(r) as never);
      a.endRow();
    }
    a.flushSync();
    a.closeSync();
    await con.run(`COPY t TO '${path}' (FORMAT parquet, COMPRESSION zstd)`);
  } finally {
    con.closeSync();
  }
}

/** n rows, n up to `max` with sizes around the chunk boundary (2,048) as likely as small ones. */
const rowsUpTo = (max: number) =>
  fc.oneof(fc.nat(12), fc.integer({ min: 2040, max: 2056 }), fc.integer({ min: 0, max })).chain((n) => fc.array(row, { minLength: n, maxLength: n }));

const dir = mkdtempSync(join(tmpdir(), 'chassis-artifacts-'));
let files = 0;

describe('writeParquet', () => {
  it('writes every row and column, read back equal (non-finite doubles as NULL), across data chunks of 2,048 rows', async () => {
    await fc.assert(
      fc.asyncProperty(rowsUpTo(5000), async (rows) => {
        const path = join(dir, `p${files++}.parquet`);
        await writeParquet(path, COLUMNS, rows);
        expect(await readBack(path)).toEqual(rows.map(expected));
      }),
      { numRuns: 12 },
    );
  });

  it('writes the same bytes as the row-by-row appender', async () => {
    await fc.assert(
      fc.asyncProperty(rowsUpTo(4500), async (rows) => {
        const [chunked, plain] = [join(dir, `c${files}.parquet`), join(dir, `r${files++}.parquet`)];
        await writeParquet(chunked, COLUMNS, rows);
        await rowByRowParquet(plain, rows);
        expect(readFileSync(chunked).equals(readFileSync(plain))).toBe(true);
      }),
      { numRuns: 6 },
    );
  });

  it('writes the same bytes when calls overlap on the one database', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowsUpTo(3000), { minLength: 2, maxLength: 4 }), async (tables) => {
        const paths = tables.map((_, i) => [join(dir, `o${files}-${i}.parquet`), join(dir, `s${files}-${i}.parquet`)] as const);
        files++;
        await Promise.all(tables.map((rows, i) => writeParquet(paths[i]![0], COLUMNS, rows)));
        for (const [i, rows] of tables.entries()) await writeParquet(paths[i]![1], COLUMNS, rows);
        for (const [overlapped, alone] of paths) expect(readFileSync(overlapped).equals(readFileSync(alone))).toBe(true);
      }),
      { numRuns: 4 },
    );
  });

  it('refuses a fraction in a BIGINT column instead of rounding it', async () => {
    await expect(writeParquet(join(dir, 'bad.parquet'), COLUMNS, [{ id: 1, big: 1n, units: 1.5, x: 0, text: '', flag: false }])).rejects.toThrow(RangeError);
  });
});
