/**
 * The run's Parquet writer: rows into an in-memory DuckDB table a data chunk (2,048 rows) at a
 * time, then `COPY … (FORMAT parquet, COMPRESSION zstd)` — one DuckDB thread, so the bytes are
 * reproducible. It talks to DuckDB's C API binding (`@duckdb/node-bindings`, what
 * `@duckdb/node-api` is built on) directly: the binding loads in ~60 ms of CPU, the node-api layer
 * with its instance in ~300–380 ms (`node -e "import('@duckdb/node-api')…"` here), and a backtest
 * needs DuckDB only for these few files at its end. Each column is filled in a typed array and
 * copied into its vector once per chunk (strings of up to 12 bytes too; a longer one: one binding call).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Bindings from '@duckdb/node-bindings';

export type ColumnType = 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN';
export type Column<R> = readonly [name: string, type: ColumnType, get: (row: R) => bigint | number | string | boolean];

type DuckDB = (typeof Bindings)['default'];
let tables = 0;
let opened: Promise<{ duckdb: DuckDB; database: Bindings.Database }> | undefined;

/** musl's dynamic loader on x64: present on a musl system (and wherever musl is installed beside glibc). */
const MUSL_LOADER = '/lib/ld-musl-x86_64.so.1';

/**
 * The binding's native module. The package's entry (duckdb.js) asks detect-libc whether Linux is
 * musl-based before it requires a platform build, ~11 CPU-ms here (detect-libc loads
 * child_process and reads the ELF interpreter). On Linux x64 without musl's loader the answer is
 * glibc, so that build is required directly, from the entry's directory as the entry would; in
 * every other case, or if that build is missing or fails to load, the entry decides (and names
 * the problem).
 */
function loadBinding(): DuckDB {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@duckdb/node-bindings');
  if (process.platform === 'linux' && process.arch === 'x64' && !existsSync(MUSL_LOADER)) {
    try {
      return createRequire(entry)('@duckdb/node-bindings-linux-x64/duckdb.node') as DuckDB;
    } catch {
      // the entry below loads the right build or throws its own error
    }
  }
  return require(entry) as DuckDB;
}

/**
 * The binding and one in-memory database, on first use. The binding loads synchronously and the
 * database opens on a libuv thread, so a caller with work left before its first write can start
 * the opening first (openParquetDatabase).
 */
function database(): NonNullable<typeof opened> {
  if (opened) return opened;
  const duckdb = loadBinding();
  const config = duckdb.create_config();
  duckdb.set_config(config, 'threads', '1');
  opened = duckdb.open(':memory:', config).then((database) => ({ duckdb, database }));
  return opened;
}

/**
 * Loads the binding now and starts opening the database (~25 ms on a libuv thread), so it is
 * open by the time the first writeParquet needs it. Never throws: a failure surfaces from the
 * writeParquet that needs the database.
 */
export function openParquetDatabase(): void {
  try {
    database().catch(() => undefined);
  } catch {
    // writeParquet calls database() again and rejects with the error
  }
}

/** Rows per data chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;
const TWO_32 = 4294967296;

/**
 * A VARCHAR vector's values are `duckdb_string_t` (duckdb.h), 16 bytes each: a string of at most 12
 * UTF-8 bytes is stored inline (uint32 length in host byte order, then the bytes, zero-padded), a
 * longer one as a pointer into memory DuckDB owns. The series' strings (instrument, side, status,
 * currency, ...) are short and few, so their slots are kept by value: a chunk's column is written
 * with one copy instead of a binding call (and a UTF-8 encoding) per row.
 */
const STRING_BYTES = 16;
const INLINE_BYTES = 12;
/** Slots of the strings met so far (null: too long to inline); cleared when it grows past SLOTS_KEPT. */
const slots = new Map<string, Uint32Array | null>();
const SLOTS_KEPT = 4096;

/** The slot of s as four 32-bit words (host byte order, as the vector holds them), or null. */
function inlineString(s: string): Uint32Array | null {
  let slot = slots.get(s);
  if (slot === undefined) {
    const bytes = Buffer.from(s, 'utf8');
    if (bytes.length > INLINE_BYTES) slot = null;
    else {
      slot = new Uint32Array(STRING_BYTES / 4);
      slot[0] = bytes.length;
      new Uint8Array(slot.buffer).set(bytes, 4);
    }
    if (slots.size >= SLOTS_KEPT) slots.clear();
    slots.set(s, slot);
  }
  return slot;
}

/**
 * Column c of rows[0..n) into the chunk's vector: fixed-width values into a typed array copied in
 * once; BIGINT from a bigint, or from a number exactly (a safe integer as its two 32-bit words,
 * anything else through BigInt, which throws for a fraction); a non-finite DOUBLE as NULL (the
 * validity mask is written for every DOUBLE column, so no chunk inherits another's).
 */
function fillColumn<R>(duckdb: DuckDB, vector: Bindings.Vector, [, type, get]: Column<R>, rows: readonly R[], n: number): void {
  let data: BigInt64Array | Int32Array | Float64Array | Uint8Array;
  switch (type) {
    case 'BIGINT': {
      const v = new BigInt64Array(n);
      const words = new Int32Array(v.buffer);
      for (let i = 0; i < n; i++) {
        const x = get(rows[i]!);
        if (typeof x === 'bigint') v[i] = x;
        else if (Number.isSafeInteger(x)) {
          words[2 * i] = (x as number) >>> 0;
          words[2 * i + 1] = Math.floor((x as number) / TWO_32);
        } else v[i] = BigInt(x as number);
      }
      data = v;
      break;
    }
    case 'INTEGER': {
      const v = new Int32Array(n);
      for (let i = 0; i < n; i++) v[i] = get(rows[i]!) as number;
      data = v;
      break;
    }
    case 'DOUBLE': {
      const v = new Float64Array(n);
      const valid = new Uint8Array(Math.ceil(n / 64) * 8).fill(0xff);
      for (let i = 0; i < n; i++) {
        const x = get(rows[i]!) as number;
        if (Number.isFinite(x)) v[i] = x;
        else valid[i >> 3]! &= ~(1 << (i & 7));
      }
      duckdb.vector_ensure_validity_writable(vector);
      duckdb.copy_data_to_vector_validity(vector, 0, valid.buffer, 0, valid.byteLength);
      data = v;
      break;
    }
    case 'BOOLEAN': {
      const v = new Uint8Array(n);
      for (let i = 0; i < n; i++) v[i] = get(rows[i]!) ? 1 : 0;
      data = v;
      break;
    }
    case 'VARCHAR': {
      // One copy for the strings stored inline, one binding call for each longer string.
      const v = new Uint32Array((STRING_BYTES / 4) * n);
      const long = new Map<number, string>();
      // A column repeats its value row after row (one instrument, side, status): the previous
      // value's slot is reused without a map lookup.
      let last: string | undefined;
      let slot: Uint32Array | null = null;
      for (let i = 0; i < n; i++) {
        const s = String(get(rows[i]!));
        if (s !== last) {
          last = s;
          slot = inlineString(s);
        }
        if (slot === null) long.set(i, s);
        else {
          const at = 4 * i;
          v[at] = slot[0]!;
          v[at + 1] = slot[1]!;
          v[at + 2] = slot[2]!;
          v[at + 3] = slot[3]!;
        }
      }
      duckdb.copy_data_to_vector(vector, 0, v.buffer, 0, v.byteLength);
      for (const [i, s] of long) duckdb.vector_assign_string_element(vector, i, s);
      return;
    }
  }
  duckdb.copy_data_to_vector(vector, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
}

/** Writes rows as a ZSTD Parquet file (module comment). */
export async function writeParquet<R>(path: string, columns: readonly Column<R>[], rows: Iterable<R>): Promise<void> {
  const { duckdb, database: db } = await database();
  const con = await duckdb.connect(db);
  // One table per call: calls may overlap on the one database.
  const table = `t_${++tables}`;
  try {
    await duckdb.query(con, `CREATE TABLE ${table} (${columns.map(([n, t]) => `"${n}" ${t}`).join(', ')})`);
    const appender = duckdb.appender_create_ext(con, null, null, table);
    const types = columns.map(([, t]) => duckdb.create_logical_type(duckdb.Type[t]));
    // The chunk's rows: slots reused from chunk to chunk (emptying the array by `length = 0` would
    // free its store, and the next chunk's pushes grow a new one).
    const pending: R[] = [];
    let n = 0;
    const flush = (): void => {
      const chunk = duckdb.create_data_chunk(types);
      duckdb.data_chunk_set_size(chunk, n);
      for (let c = 0; c < columns.length; c++) fillColumn(duckdb, duckdb.data_chunk_get_vector(chunk, c), columns[c]!, pending, n);
      duckdb.append_data_chunk(appender, chunk);
      n = 0;
    };
    // By index: a for-of here made an iterator result per row (this async function is not optimised).
    const list: readonly R[] = Array.isArray(rows) ? rows : [...rows];
    for (let i = 0; i < list.length; i++) {
      pending[n++] = list[i]!;
      if (n === CHUNK_ROWS) flush();
    }
    if (n > 0) flush();
    duckdb.appender_flush_sync(appender);
    duckdb.appender_close_sync(appender);
    await duckdb.query(con, `COPY ${table} TO '${path.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`);
    await duckdb.query(con, `DROP TABLE ${table}`);
  } finally {
    duckdb.disconnect_sync(con);
  }
}
