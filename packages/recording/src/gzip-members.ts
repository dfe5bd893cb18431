/**
 * The durable prefix of a raw part file after a crash. The writer appends one gzip member per
 * flush, so the file is a sequence of complete members, possibly followed by the torn start of
 * one more. This walks the members (header, deflate stream, CRC32 + size trailer, each checked)
 * and stops at the first that is incomplete or corrupt. A member must also end with a newline
 * (the writer only writes whole lines); anything else ends the durable prefix too.
 */
import { crc32, inflateRawSync } from 'node:zlib';

export interface DurablePrefix {
  /** Bytes of the file that hold complete members. */
  readonly bytes: number;
  /** The decompressed text of those members: whole lines. */
  readonly text: string;
  readonly members: number;
}

const HEADER_BYTES = 10;
const TRAILER_BYTES = 8;

/** Length of the complete member at `offset`, with its text; null when it is incomplete or not ours. */
function memberAt(buf: Buffer, offset: number): { length: number; data: Buffer } | null {
  if (buf.length - offset < HEADER_BYTES + TRAILER_BYTES) return null;
  // Magic, deflate, no optional header fields: the writer (zlib.gzip) writes exactly this header.
  if (buf[offset] !== 0x1f || buf[offset + 1] !== 0x8b || buf[offset + 2] !== 8 || buf[offset + 3] !== 0) return null;
  let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    inflated = inflateRawSync(buf.subarray(offset + HEADER_BYTES), { info: true }) as unknown as typeof inflated;
  } catch {
    return null; // the deflate stream is cut short (or damaged)
  }
  const trailer = offset + HEADER_BYTES + inflated.engine.bytesWritten;
  if (buf.length - trailer < TRAILER_BYTES) return null;
  const data = inflated.buffer;
  if (buf.readUInt32LE(trailer) !== crc32(data) || buf.readUInt32LE(trailer + 4) !== data.length % 2 ** 32) return null;
  if (data.length > 0 && data[data.length - 1] !== 0x0a) return null;
  return { length: trailer + TRAILER_BYTES - offset, data };
}

/**
 * The complete members from the start of the file, one at a time (a window's file can hold
 * more text than one string may: callers account per member), with the offset each ends at.
 */
export function* completeMembers(buf: Buffer): Generator<{ readonly end: number; readonly data: Buffer }> {
  let offset = 0;
  for (;;) {
    const m = memberAt(buf, offset);
    if (m === null) return;
    offset += m.length;
    yield { end: offset, data: m.data };
  }
}

/** The durable prefix as one text (for small files and tests; recovery goes member by member). */
export function durablePrefix(buf: Buffer): DurablePrefix {
  let bytes = 0;
  let members = 0;
  const parts: Buffer[] = [];
  for (const m of completeMembers(buf)) {
    parts.push(m.data);
    bytes = m.end;
    members++;
  }
  return { bytes, text: Buffer.concat(parts).toString('utf8'), members };
}
