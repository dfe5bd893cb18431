/**
 * The journal: the complete event stream of a run, as checksummed blocks.
 *
 * File layout: magic `CHASSISJ` + format version byte, then blocks of
 *   u32 LE payload bytes · u32 LE event count · u32 LE CRC-32 of the payload · payload
 * where the payload is EventEncoder records (codec.ts). Blocks are ~64 KiB, written with
 * synchronous appends as they fill (bounded memory). The SHA-256 of the whole file is computed
 * while writing and recorded in the run manifest.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { ChassisError, type Event } from '@chassis/core';
import { EventDecoder, EventEncoder } from './codec.ts';

const MAGIC = new TextEncoder().encode('CHASSISJ');
const FORMAT_VERSION = 1;
/** Block header: u32 payload bytes · u32 event count · u32 CRC-32. */
export const BLOCK_HEADER_BYTES = 12;
const HEADER_BYTES = BLOCK_HEADER_BYTES;
/** File header: the magic and the format version byte. */
export const JOURNAL_HEAD_BYTES = MAGIC.length + 1;

/** The file header every journal starts with. */
export function journalHead(): Uint8Array {
  const head = new Uint8Array(JOURNAL_HEAD_BYTES);
  head.set(MAGIC);
  head[MAGIC.length] = FORMAT_VERSION;
  return head;
}

/** One block as written: header (length, count, CRC-32 of the payload) followed by the payload. */
export function frameBlock(payload: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length, true);
  view.setUint32(4, count, true);
  view.setUint32(8, crc32(payload), true);
  out.set(payload, HEADER_BYTES);
  return out;
}

export interface JournalSummary {
  readonly events: number;
  readonly blocks: number;
  readonly bytes: number;
  readonly sha256: string;
}

export class JournalWriter {
  private readonly fd: number;
  private readonly enc = new EventEncoder();
  private readonly hash: Hash = createHash('sha256');
  /** SHA-256 over the encoded records only (no framing), readable at any event boundary. */
  private readonly stream: Hash = createHash('sha256');
  private streamed = 0;
  private readonly header = new Uint8Array(HEADER_BYTES);
  private readonly headerView = new DataView(this.header.buffer);
  private blockEvents = 0;
  private events = 0;
  private blocks = 0;
  private bytes = 0;

  constructor(
    path: string,
    private readonly blockBytes = 1 << 16,
  ) {
    this.fd = openSync(path, 'w');
    this.out(journalHead());
  }

  private out(bytes: Uint8Array): void {
    writeSync(this.fd, bytes);
    this.hash.update(bytes);
    this.bytes += bytes.length;
  }

  append(e: Event): void {
    this.enc.write(e);
    this.blockEvents++;
    this.events++;
    if (this.enc.pos >= this.blockBytes) this.flush();
  }

  /** Digest of every record appended so far (replay recomputes it from the decoded events). */
  streamDigest(): string {
    this.stream.update(this.enc.buf.subarray(this.streamed, this.enc.pos));
    this.streamed = this.enc.pos;
    return this.stream.copy().digest('hex');
  }

  private flush(): void {
    if (this.blockEvents === 0) return;
    this.stream.update(this.enc.buf.subarray(this.streamed, this.enc.pos));
    this.streamed = 0;
    const payload = this.enc.buf.subarray(0, this.enc.pos);
    this.headerView.setUint32(0, payload.length, true);
    this.headerView.setUint32(4, this.blockEvents, true);
    this.headerView.setUint32(8, crc32(payload), true);
    this.out(this.header);
    this.out(payload);
    this.enc.reset();
    this.blockEvents = 0;
    this.blocks++;
  }

  close(): JournalSummary {
    this.flush();
    closeSync(this.fd);
    return { events: this.events, blocks: this.blocks, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

/** One checksummed block as read from the file: where it lies and the events it holds. */
export interface JournalBlock {
  /** Block index, 0-based. */
  readonly index: number;
  /** File byte offset of the block header. */
  readonly startByte: number;
  /** File byte offset just past the block's payload (where the next block starts). */
  readonly endByte: number;
  readonly events: readonly Event[];
}

/**
 * How a block is damaged: its bytes end early (`truncated`), they differ from what was written
 * (`checksum`), it claims no events (`empty`: a writer never writes one; zero-filled space reads
 * so), or its checksummed bytes do not decode (`decode`: a codec mismatch, never a torn write).
 */
export type BlockDamage = 'truncated' | 'checksum' | 'empty' | 'decode';

/**
 * A damaged block: E_JOURNAL_CORRUPT with the block index, the byte offset where it starts, the
 * last good seq and the kind of damage, so recovery (journal-appender.ts) can tell a torn tail.
 */
export class JournalCorruptError extends ChassisError {
  constructor(
    readonly path: string,
    readonly block: number,
    readonly atByte: number,
    readonly afterSeq: number,
    readonly damage: BlockDamage,
    message: string,
  ) {
    super('E_JOURNAL_CORRUPT', `${path}: ${message}`, { details: { path, block, atByte, afterSeq } });
  }
}

/**
 * Reads every event of a journal, one block in memory at a time (header, then payload, read with
 * positional reads), verifying each block's CRC before decoding it. Events of the blocks before a
 * damaged one are yielded first; the damage is E_JOURNAL_CORRUPT naming the block, the file byte
 * offset where it starts and the last good seq.
 */
export function* readJournal(path: string): Generator<Event> {
  for (const block of journalBlocks(path)) yield* block.events;
}

/** The journal's blocks in file order, each verified and decoded; damage throws JournalCorruptError. */
export function* journalBlocks(path: string): Generator<JournalBlock> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new ChassisError(
      'E_JOURNAL_MISSING',
      `${path}: cannot open the journal (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  try {
    yield* readBlocks(path, fd);
  } finally {
    closeSync(fd);
  }
}

function* readBlocks(path: string, fd: number): Generator<JournalBlock> {
  const head = new Uint8Array(JOURNAL_HEAD_BYTES);
  if (readSync(fd, head, 0, head.length, 0) < head.length || !MAGIC.every((b, i) => head[i] === b))
    throw new ChassisError('E_JOURNAL_CORRUPT', `${path} is not a Chassis journal`);
  if (head[MAGIC.length] !== FORMAT_VERSION)
    throw new ChassisError('E_JOURNAL_CORRUPT', `${path}: unsupported journal format ${head[MAGIC.length]}`);
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  let payload = new Uint8Array(1 << 16);
  const dec = new EventDecoder();
  let pos = head.length;
  let lastSeq = 0;
  for (let block = 0; ; block++) {
    const where = `block ${block} at byte ${pos}`;
    const corrupt = (message: string, damage: BlockDamage = 'decode') =>
      new JournalCorruptError(path, block, pos, lastSeq, damage, message);
    const got = readSync(fd, header, 0, HEADER_BYTES, pos);
    if (got === 0) return;
    if (got < HEADER_BYTES) throw corrupt(`truncated header of ${where} (after seq ${lastSeq})`, 'truncated');
    const len = view.getUint32(0, true);
    const count = view.getUint32(4, true);
    if (count === 0)
      throw corrupt(`${where} holds no events (after seq ${lastSeq}); a writer never writes an empty block`, 'empty');
    if (payload.length < len) payload = new Uint8Array(len);
    const body = payload.subarray(0, len);
    const read = readFully(fd, body, pos + HEADER_BYTES);
    if (read !== len)
      throw corrupt(
        `truncated ${where} (after seq ${lastSeq}): header gives ${len} payload bytes, the file has ${read}`,
        'truncated',
      );
    if (crc32(body) !== view.getUint32(8, true))
      throw corrupt(`checksum mismatch in ${where} (events after seq ${lastSeq})`, 'checksum');
    dec.feed(body);
    const events: Event[] = [];
    for (let i = 0; i < count; i++) {
      let e: Event;
      try {
        e = dec.read();
      } catch (err) {
        throw corrupt(`${where}, event ${i} of ${count} (after seq ${lastSeq}): ${(err as Error).message}`);
      }
      lastSeq = e.seq;
      events.push(e);
    }
    if (!dec.done) throw corrupt(`${where} has trailing bytes`);
    const endByte = pos + HEADER_BYTES + len;
    yield { index: block, startByte: pos, endByte, events };
    pos = endByte;
  }
}

/** Reads into `into` from file offset `at` until it is full or the file ends; returns the bytes read. */
function readFully(fd: number, into: Uint8Array, at: number): number {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, at + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Recomputes JournalWriter.streamDigest() from decoded events. */
export class StreamDigest {
  private readonly enc = new EventEncoder();
  private readonly hash: Hash = createHash('sha256');

  add(e: Event): void {
    this.enc.write(e);
    if (this.enc.pos >= 1 << 16) this.drain();
  }

  private drain(): void {
    this.hash.update(this.enc.buf.subarray(0, this.enc.pos));
    this.enc.reset();
  }

  digest(): string {
    this.drain();
    return this.hash.copy().digest('hex');
  }
}

/** SHA-256 of a file, hex, read in 1 MiB chunks. */
export function fileSha256(path: string): string {
  const hash = createHash('sha256');
  const chunk = new Uint8Array(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let at = 0, n; (n = readSync(fd, chunk, 0, chunk.length, at)) > 0; at += n) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
