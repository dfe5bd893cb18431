/**
 * Columnar decode cache (a `derived/` artifact, never the source of truth): the decoded batch
 * columns of one canonical dataset, written on its first read and read back on later reads
 * straight into typed arrays — no Parquet decoding, no DECIMAL → double conversion.
 *
 * Location: `derived/columnar/<contentHash>/columns-v<FORMAT_VERSION>.bin` (fs data roots only).
 * The content hash names the dataset's content and instrument precision, so a cache can never
 * describe other data; a new format version is a new file name, old ones are simply ignored.
 *
 * Layout (little-endian):
 *   file header (80 B): magic `CHASSISC` · u32 version · u8 kind (0 book_delta, 1 trade, 2 bbo) ·
 *     u8 priceDecimals · u8 sizeDecimals · u8 0 · u32 chunkRows · u32 chunkCount ·
 *     u32 totalRows lo · u32 totalRows hi · 32 B content hash · u32 CRC-32 of bytes 0..63 · 12 B 0
 *   chunks: header (32 B): u32 `CHNK` · u32 rows · u32 payload bytes · u32 CRC-32 of the payload ·
 *     i64 min tsEventNs · i64 max tsEventNs; then the payload: the kind's columns in batch order
 *     (batches.ts), each `rows × width` bytes padded to 8 (int64 columns as int64, price/size as
 *     float64, flags/enums as u8; trade ids as u32 offsets[rows + 1] then their UTF-8 bytes).
 * Every chunk but the last holds exactly chunkRows rows. The file is written under a temporary
 * name and renamed once complete (the header, with the totals, is written last), so a visible
 * cache file is whole; a CRC or framing mismatch on read is reported as CorruptCache. A chunk's
 * CRC is computed once per process while the file stays the same (cache-checks.ts).
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { isAscii } from 'node:buffer';
import type { BboBatch, BookDeltaBatch, CanonicalBatch, CanonicalKind, TradeBatch } from './batches.ts';
import type { DatasetMeta } from './dataset.ts';
import { CacheChecks } from './cache-checks.ts';
import { crc32 } from '../crc32.ts';
import { scanWindow, windowWords, type WindowWords } from './event-window.ts';

export const FORMAT_VERSION = 1;
/** Rows per cache chunk (and per DuckDB-decoded source chunk): the canonical row-group size. */
export const CHUNK_ROWS = 65_536;
const MAGIC = 'CHASSISC';
const FILE_HEADER = 80;
const CHUNK_HEADER = 32;
const CHUNK_MAGIC = 0x4b4e4843; // 'CHNK'
const KIND_CODE: Record<CanonicalKind, number> = { book_delta: 0, trade: 1, bbo: 2 };

let writers = 0;
/** The chunks this process has checked, per cache file (one per process: any read may reuse another's checks). */
const checks = new CacheChecks();

/** Raised for any cache file that is not exactly what its header promises. */
export class CorruptCache extends Error {}

/** Cache file of a dataset under an fs data root. */
export function cachePath(root: string, meta: DatasetMeta): string {
  return join(root, 'derived', 'columnar', meta.contentHash, `columns-v${FORMAT_VERSION}.bin`);
}

type Width = 8 | 1;
/** Fixed-width columns of a kind in payload order (trade ids are handled separately, after the int64 pair). */
function fixedColumns(b: CanonicalBatch): readonly (BigInt64Array | Float64Array | Uint8Array)[] {
  switch (b.kind) {
    case 'book_delta':
      return [b.tsEventNs, b.tsLocalNs, b.updateId, b.batchId, b.isSnapshot, b.side, b.price, b.size];
    case 'trade':
      return [b.tsEventNs, b.tsLocalNs, b.price, b.size, b.aggressor];
    case 'bbo':
      return [b.tsEventNs, b.tsLocalNs, b.updateId, b.bidPrice, b.bidSize, b.askPrice, b.askSize];
  }
}
const WIDTHS: Record<CanonicalKind, readonly Width[]> = {
  book_delta: [8, 8, 8, 8, 1, 1, 8, 8],
  trade: [8, 8, 8, 8, 1],
  bbo: [8, 8, 8, 8, 8, 8, 8],
};
const pad8 = (n: number): number => (n + 7) & ~7;
function fixedBytes(kind: CanonicalKind, rows: number): number {
  let n = 0;
  for (const w of WIDTHS[kind]) n += pad8(rows * w);
  return n;
}

function hashBytes(hex: string): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16) || 0;
  return out;
}

function fileHeader(meta: DatasetMeta, chunkCount: number, totalRows: number): Uint8Array {
  const h = new Uint8Array(FILE_HEADER);
  const v = new DataView(h.buffer);
  h.set(new TextEncoder().encode(MAGIC));
  v.setUint32(8, FORMAT_VERSION, true);
  h[12] = KIND_CODE[meta.kind];
  h[13] = meta.instrument.priceDecimals;
  h[14] = meta.instrument.sizeDecimals;
  v.setUint32(16, CHUNK_ROWS, true);
  v.setUint32(20, chunkCount, true);
  v.setUint32(24, totalRows >>> 0, true);
  v.setUint32(28, Math.floor(totalRows / 4294967296), true);
  h.set(hashBytes(meta.contentHash), 32);
  v.setUint32(64, crc32(h.subarray(0, 64)), true);
  return h;
}

/** Min and max of an int64 column (BigInt per row: write path only, once per dataset). */
function minMax(ts: BigInt64Array): [bigint, bigint] {
  let lo = ts[0]!;
  let hi = lo;
  for (let i = 1; i < ts.length; i++) {
    const t = ts[i]!;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return [lo, hi];
}

/**
 * Appends decoded chunks to a temporary file next to the cache file; `finish` writes the header
 * and renames it into place, `abort` removes it. Synchronous writes: this runs once per dataset.
 */
export class CacheWriter {
  private readonly fd: number;
  private readonly tmp: string;
  private pos = FILE_HEADER;
  private chunks = 0;
  private rows = 0;

  constructor(
    private readonly path: string,
    private readonly meta: DatasetMeta,
  ) {
    mkdirSync(join(path, '..'), { recursive: true });
    // Unique per writer: two processes (or two reads in one) may build the same cache at once; the last rename wins, both are whole.
    this.tmp = `${path}.tmp-${process.pid}-${++writers}`;
    this.fd = openSync(this.tmp, 'w');
  }

  /** One chunk: exactly CHUNK_ROWS rows unless it is the last. */
  append(b: CanonicalBatch): void {
    const n = b.length;
    if (n === 0) return;
    const widths = WIDTHS[b.kind];
    let ids: Uint8Array | null = null;
    let offsets: Uint32Array | null = null;
    if (b.kind === 'trade') {
      const text = Buffer.from((b.tradeId as string[]).slice(0, n).join(''), 'utf8');
      offsets = new Uint32Array(n + 1);
      let at = 0;
      for (let i = 0; i < n; i++) {
        offsets[i] = at;
        at += Buffer.byteLength(b.tradeId[i]!, 'utf8');
      }
      offsets[n] = at;
      ids = text;
    }
    const bytes = fixedBytes(b.kind, n) + (offsets ? pad8(offsets.byteLength) + pad8(ids!.length) : 0);
    const payload = new Uint8Array(bytes);
    let at = 0;
    const put = (src: Uint8Array): void => {
      payload.set(src, at);
      at += pad8(src.length);
    };
    const cols = fixedColumns(b);
    for (let c = 0; c < cols.length; c++) {
      const col = cols[c]!;
      put(new Uint8Array(col.buffer, col.byteOffset, n * widths[c]!));
      // Trade ids follow the two timestamp columns (batch order).
      if (c === 1 && offsets) {
        put(new Uint8Array(offsets.buffer));
        put(ids!);
      }
    }
    const [lo, hi] = minMax(b.tsEventNs.subarray(0, n));
    const head = new Uint8Array(CHUNK_HEADER);
    const v = new DataView(head.buffer);
    v.setUint32(0, CHUNK_MAGIC, true);
    v.setUint32(4, n, true);
    v.setUint32(8, bytes, true);
    v.setUint32(12, crc32(payload), true);
    v.setBigInt64(16, lo, true);
    v.setBigInt64(24, hi, true);
    this.pos += writeSync(this.fd, head, 0, CHUNK_HEADER, this.pos);
    this.pos += writeSync(this.fd, payload, 0, bytes, this.pos);
    this.chunks++;
    this.rows += n;
  }

  /** Publishes the cache if it holds the dataset's every row; otherwise discards it. */
  finish(): boolean {
    if (this.rows !== this.meta.rows) {
      this.abort();
      return false;
    }
    writeSync(this.fd, fileHeader(this.meta, this.chunks, this.rows), 0, FILE_HEADER, 0);
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
    return true;
  }

  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.tmp, { force: true });
  }
}

/** One chunk of the cache as a batch over a freshly read buffer (views, no copy), plus its event-time range. */
export interface CachedChunk {
  readonly batch: CanonicalBatch;
  readonly minTsEventNs: bigint;
  readonly maxTsEventNs: bigint;
}

async function readExactly(fh: FileHandle, buf: Uint8Array, pos: number, path: string): Promise<void> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, pos + got);
    if (bytesRead === 0) throw new CorruptCache(`${path}: truncated at byte ${pos + got}`);
    got += bytesRead;
  }
}

/** An open cache file whose header matched its dataset. */
export interface OpenCache {
  readonly fh: FileHandle;
  readonly chunkCount: number;
  /** Per chunk, 1 when this process already checked its CRC on this very file (null: check every chunk). */
  readonly checked: Uint8Array | null;
}

/**
 * Opens a cache file and checks its header against the dataset; null when there is no file.
 * Throws CorruptCache when the file exists but does not match.
 */
export async function openCache(path: string, meta: DatasetMeta): Promise<OpenCache | null> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const h = new Uint8Array(FILE_HEADER);
    await readExactly(fh, h, 0, path);
    const v = new DataView(h.buffer);
    const expected = fileHeader(meta, v.getUint32(20, true), meta.rows);
    for (let i = 0; i < FILE_HEADER; i++) if (h[i] !== expected[i]) throw new CorruptCache(`${path}: header does not match dataset ${meta.id} (byte ${i})`);
    const chunkCount = v.getUint32(20, true);
    return { fh, chunkCount, checked: checks.chunksOf(path, await fh.stat({ bigint: true }), chunkCount, Date.now()) };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/**
 * Streams the chunks of an open cache file. Each chunk is read with one positional read into its
 * own buffer (the batch's arrays are views over it, so batches handed out stay valid while the
 * next one is read). Chunks entirely outside [from, to) are skipped without reading their payload;
 * of a trade chunk only partly inside, only the ids of the rows inside are decoded (the others are
 * left unset: readCanonical hands out no other row of such a chunk, Rebatcher.push); `window` is
 * [from, to) as words, the read's own (Rebatcher.window).
 * Throws CorruptCache on a framing or CRC mismatch, before yielding the bad chunk; a chunk whose
 * CRC this process already checked on the unchanged file (`cache.checked`) is not checked again.
 */
export async function* readCacheChunks(
  cache: OpenCache,
  meta: DatasetMeta,
  path: string,
  from: bigint | undefined,
  to: bigint | undefined,
  window: WindowWords = windowWords(from, to),
): AsyncGenerator<CachedChunk | number> {
  const { fh, chunkCount, checked } = cache;
  const head = new Uint8Array(CHUNK_HEADER);
  const hv = new DataView(head.buffer);
  let pos = FILE_HEADER;
  let rowsSeen = 0;
  for (let c = 0; c < chunkCount; c++) {
    await readExactly(fh, head, pos, path);
    const rows = hv.getUint32(4, true);
    const bytes = hv.getUint32(8, true);
    const last = c === chunkCount - 1;
    if (hv.getUint32(0, true) !== CHUNK_MAGIC || rows === 0 || rows > CHUNK_ROWS || (!last && rows !== CHUNK_ROWS))
      throw new CorruptCache(`${path}: bad header of chunk ${c}`);
    if (meta.kind === 'trade' ? bytes < fixedBytes('trade', rows) + pad8(4 * (rows + 1)) : bytes !== fixedBytes(meta.kind, rows))
      throw new CorruptCache(`${path}: chunk ${c} payload size ${bytes} does not fit ${rows} ${meta.kind} rows`);
    const minTs = hv.getBigInt64(16, true);
    const maxTs = hv.getBigInt64(24, true);
    pos += CHUNK_HEADER;
    rowsSeen += rows;
    if ((from !== undefined && maxTs < from) || (to !== undefined && minTs >= to)) {
      // Entirely outside the window: report the skipped rows, never read the payload.
      pos += bytes;
      yield rows;
      continue;
    }
    // Not zero-filled first: readExactly fills every byte or throws. byteOffset 0, so the columns are aligned views.
    const payload = Buffer.allocUnsafeSlow(bytes);
    await readExactly(fh, payload, pos, path);
    pos += bytes;
    if (checked?.[c] !== 1) {
      if (crc32(payload) !== hv.getUint32(12, true)) throw new CorruptCache(`${path}: checksum mismatch in chunk ${c}`);
      if (checked) checked[c] = 1;
    }
    const partly = (from !== undefined && minTs < from) || (to !== undefined && maxTs >= to);
    yield { batch: decodeChunk(meta.kind, payload, rows, path, c, partly ? window : null), minTsEventNs: minTs, maxTsEventNs: maxTs };
  }
  if (rowsSeen !== meta.rows) throw new CorruptCache(`${path}: ${rowsSeen} rows, dataset has ${meta.rows}`);
}

/**
 * The trade ids of a chunk: n strings at byte offsets[i]..offsets[i + 1] of its UTF-8 text. All
 * ASCII (venue trade ids are digits): one string for the chunk and a substring per id, each
 * made without leaving JavaScript (a toString per id crossed into C++: ~60 ns each); otherwise
 * each id decoded from UTF-8. With `window`, only the rows whose event time (`ts`) is in it: a
 * short run's first trade chunk spans minutes (the bench's 10 s run decoded 21,313 ids to use
 * ~600, 4 ms of its start-up).
 */
function tradeIds(text: Buffer, offsets: Uint32Array, n: number, ts: BigInt64Array, window: WindowWords | null): string[] {
  const ids = new Array<string>(n);
  const all = isAscii(text) ? text.toString('latin1') : null;
  const words = window ? new Int32Array(ts.buffer, ts.byteOffset, 2 * n) : null;
  for (let r = words ? scanWindow(words, 0, n, true, window!) : 0; r < n; ) {
    const end = words ? scanWindow(words, r, n, false, window!) : n;
    if (all !== null) for (let i = r; i < end; i++) ids[i] = all.substring(offsets[i]!, offsets[i + 1]!);
    else for (let i = r; i < end; i++) ids[i] = text.toString('utf8', offsets[i]!, offsets[i + 1]!);
    r = words ? scanWindow(words, end, n, true, window!) : n;
  }
  return ids;
}

function decodeChunk(kind: CanonicalKind, payload: Uint8Array, n: number, path: string, c: number, window: WindowWords | null): CanonicalBatch {
  const buf = payload.buffer;
  let at = 0;
  const i64 = (): BigInt64Array => {
    const a = new BigInt64Array(buf, at, n);
    at += pad8(n * 8);
    return a;
  };
  const f64 = (): Float64Array => {
    const a = new Float64Array(buf, at, n);
    at += pad8(n * 8);
    return a;
  };
  const u8 = (): Uint8Array => {
    const a = new Uint8Array(buf, at, n);
    at += pad8(n);
    return a;
  };
  switch (kind) {
    case 'book_delta': {
      const b: BookDeltaBatch = { kind, length: n, tsEventNs: i64(), tsLocalNs: i64(), updateId: i64(), batchId: i64(), isSnapshot: u8(), side: u8(), price: f64(), size: f64() };
      return b;
    }
    case 'trade': {
      const tsEventNs = i64();
      const tsLocalNs = i64();
      const offsets = new Uint32Array(buf, at, n + 1);
      at += pad8(4 * (n + 1));
      const textLen = offsets[n]!;
      if (at + pad8(textLen) + fixedBytes('trade', n) - 16 * n !== payload.length) throw new CorruptCache(`${path}: chunk ${c} trade id bytes do not add up`);
      const tradeId = tradeIds(Buffer.from(buf, at, textLen), offsets, n, tsEventNs, window);
      at += pad8(textLen);
      const b: TradeBatch = { kind, length: n, tsEventNs, tsLocalNs, tradeId, price: f64(), size: f64(), aggressor: u8() };
      return b;
    }
    case 'bbo': {
      const b: BboBatch = { kind, length: n, tsEventNs: i64(), tsLocalNs: i64(), updateId: i64(), bidPrice: f64(), bidSize: f64(), askPrice: f64(), askSize: f64() };
      return b;
    }
  }
}
