/**
 * Capture containers: plain text, gzip, or a zip holding exactly one file. Detected from magic
 * bytes, streamed (never fully loaded), and split into lines in chunk-sized batches so the
 * per-line cost is a string slice, not a promise.
 */
// @ts-nocheck

import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createInflateRaw } from 'node:zlib';
import type { Readable } from 'node:stream';
import { ChassisError } from '@chassis/core';

export type Container = 'plain' | 'gzip' | 'zip';

/** Container from the first bytes: 1f 8b = gzip, "PK\x03\x04" = zip, anything else = plain. */
export async function sniffContainer(path: string): Promise<Container> {
  const fh = await openOrThrow(path);
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (bytesRead === 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
    return 'plain';
  } finally {
    await fh.close();
  }
}

async function openOrThrow(path: string) {
  try {
    return await open(path, 'r');
  } catch (err) {
    throw new ChassisError('E_CAPTURE_NOT_FOUND', `cannot open capture ${path}: ${(err as Error).message}`, { cause: err });
  }
}

interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly dataStart: number;
  readonly compressedSize: number;
}

/** Finds the single file of a zip through its central directory (sizes in local headers may be deferred). */
async function zipSingleEntry(path: string): Promise<ZipEntry> {
  const size = (await stat(path)).size;
  const fh = await openOrThrow(path);
  try {
    const tailLen = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ChassisError('E_CAPTURE_CORRUPT', `${path}: zip end-of-central-directory record not found (truncated zip?)`, { details: { file: path } });
    const entries = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const files: { name: string; method: number; compressedSize: number; localOffset: number }[] = [];
    let p = 0;
    for (let n = 0; n < entries; n++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new ChassisError('E_CAPTURE_CORRUPT', `${path}: bad zip central directory entry at byte ${cdOffset + p}`, { details: { file: path, byte: cdOffset + p } });
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      let compressedSize = cd.readUInt32LE(p + 20);
      let localOffset = cd.readUInt32LE(p + 42);
      // Zip64: 0xffffffff fields live in the 0x0001 extra block, in the order uncompressed, compressed, offset.
      if (compressedSize === 0xffffffff || localOffset === 0xffffffff || cd.readUInt32LE(p + 24) === 0xffffffff) {
        let e = p + 46 + nameLen;
        const end = e + extraLen;
        while (e + 4 <= end) {
          const id = cd.readUInt16LE(e);
          const len = cd.readUInt16LE(e + 2);
          if (id === 0x0001) {
            let q = e + 4;
            if (cd.readUInt32LE(p + 24) === 0xffffffff) q += 8;
            if (compressedSize === 0xffffffff) {
              compressedSize = Number(cd.readBigUInt64LE(q));
              q += 8;
            }
            if (localOffset === 0xffffffff) localOffset = Number(cd.readBigUInt64LE(q));
          }
          e += 4 + len;
        }
      }
      if (!name.endsWith('/')) files.push({ name, method: cd.readUInt16LE(p + 10), compressedSize, localOffset });
      p += 46 + nameLen + extraLen + cd.readUInt16LE(p + 32);
    }
    if (files.length !== 1) throw new ChassisError('E_UNSUPPORTED_CONTAINER', `${path}: a capture zip must hold exactly one file, found ${files.length}`, { details: { file: path } });
    const f = files[0]!;
    if (f.compressedSize === 0xffffffff) throw new ChassisError('E_CAPTURE_CORRUPT', `${path}: zip64 entry without its size in the extra field`, { details: { file: path } });
    if (f.method !== 0 && f.method !== 8) throw new ChassisError('E_UNSUPPORTED_CONTAINER', `${path}: zip compression method ${f.method} is not supported (stored or deflate only)`, { details: { file: path } });
    const local = Buffer.alloc(30);
    await fh.read(local, 0, 30, f.localOffset);
    if (local.readUInt32LE(0) !== 0x04034b50) throw new ChassisError('E_CAPTURE_CORRUPT', `${path}: bad zip local header at byte ${f.localOffset}`, { details: { file: path, byte: f.localOffset } });
    const dataStart = f.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    return { name: f.name, method: f.method, dataStart, compressedSize: f.compressedSize };
  } finally {
    await fh.close();
  }
}

/**
 * Yields the file's lines in batches (one batch per decoded chunk), without line terminators.
 * A container that cannot be read to its end throws E_CAPTURE_CORRUPT naming the compressed
 * byte offset and the number of complete lines read.
 */
export async function* readLineBatches(path: string, container?: Container): AsyncGenerator<string[]> {
  const kind = container ?? (await sniffContainer(path));
  let source: Readable;
  let entryName = '';
  if (kind === 'zip') {
    const entry = await zipSingleEntry(path);
    entryName = ` (zip entry ${entry.name})`;
    if (entry.compressedSize === 0) return;
    source = createReadStream(path, { start: entry.dataStart, end: entry.dataStart + entry.compressedSize - 1 });
    if (entry.method === 8) source = pipeInto(source, createInflateRaw());
  } else {
    source = createReadStream(path, { highWaterMark: 256 * 1024 });
    if (kind === 'gzip') source = pipeInto(source, createGunzip());
  }
  let compressedBytes = 0;
  let raw: Readable | undefined = (source as Readable & { chassisRaw?: Readable }).chassisRaw;
  if (raw === undefined) raw = source;
  raw.on('data', (c: Buffer) => {
    compressedBytes += c.length;
  });

  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lines = 0;
  try {
    for await (const chunk of source) {
      const text = rest + decoder.write(chunk as Buffer);
      const parts = text.split('\n');
      rest = parts.pop()!;
      for (let i = 0; i < parts.length; i++) {
        const s = parts[i]!;
        if (s.endsWith('\r')) parts[i] = s.slice(0, -1);
      }
      lines += parts.length;
      if (parts.length > 0) yield parts;
    }
  } catch (err) {
    if (err instanceof ChassisError) throw err;
    throw new ChassisError(
      'E_CAPTURE_CORRUPT',
      `${path}${entryName}: ${kind} data unreadable after ${compressedBytes} bytes of the file (${lines} complete lines read, failed in line ${lines + 1}): ${(err as Error).message}`,
      { details: { file: path, byte: compressedBytes, line: lines + 1 }, cause: err },
    );
  }
  rest += decoder.end();
  if (rest.length > 0) yield [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
}

/** Pipes a file stream into a decompressor, forwarding read errors, and remembers the raw stream for byte counting. */
function pipeInto(src: Readable, inflater: Readable & NodeJS.WritableStream): Readable {
  src.on('error', (e) => inflater.destroy(e));
  src.pipe(inflater);
  (inflater as Readable & { chassisRaw?: Readable }).chassisRaw = src;
  return inflater;
}
