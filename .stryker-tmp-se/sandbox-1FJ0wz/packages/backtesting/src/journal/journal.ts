/**
 * The journal: the complete event stream of a run, as checksummed blocks.
 *
 * File layout: magic `CHASSISJ` + format version byte, then blocks of
 *   u32 LE payload bytes · u32 LE event count · u32 LE CRC-32 of the payload · payload
 * where the payload is EventEncoder records (codec.ts). Blocks are ~64 KiB, written with
 * synchronous appends as they fill (bounded memory). The SHA-256 of the whole file is computed
 * while writing and recorded in the run manifest.
 */
// @ts-nocheck

import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { ChassisError, type Event } from '@chassis/core';
import { EventDecoder, EventEncoder } from './codec.ts';

const MAGIC = new TextEncoder().encode('CHASSISJ');
const FORMAT_VERSION = 1;
const HEADER_BYTES = 12;

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
    const head = new Uint8Array(MAGIC.length + 1);
    head.set(MAGIC);
    head[MAGIC.length] = FORMAT_VERSION;
    this.out(head);
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

/** Reads every event of a journal, verifying each block's CRC; throws E_JOURNAL_CORRUPT naming the block. */
export function* readJournal(path: string): Generator<Event> {
  const file = readFileSync(path);
  if (file.length < MAGIC.length + 1 || !MAGIC.every((b, i) => file[i] === b)) throw new ChassisError('E_JOURNAL_CORRUPT', `${path} is not a Chassis journal`);
  if (file[MAGIC.length] !== FORMAT_VERSION) throw new ChassisError('E_JOURNAL_CORRUPT', `${path}: unsupported journal format ${file[MAGIC.length]}`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const dec = new EventDecoder();
  let pos = MAGIC.length + 1;
  let block = 0;
  let lastSeq = 0;
  while (pos < file.length) {
    if (pos + HEADER_BYTES > file.length) throw new ChassisError('E_JOURNAL_CORRUPT', `${path}: truncated header of block ${block} (after seq ${lastSeq})`);
    const len = view.getUint32(pos, true);
    const count = view.getUint32(pos + 4, true);
    const crc = view.getUint32(pos + 8, true);
    const payload = file.subarray(pos + HEADER_BYTES, pos + HEADER_BYTES + len);
    if (payload.length !== len) throw new ChassisError('E_JOURNAL_CORRUPT', `${path}: truncated block ${block} (after seq ${lastSeq})`);
    if (crc32(payload) !== crc) throw new ChassisError('E_JOURNAL_CORRUPT', `${path}: checksum mismatch in block ${block} (events after seq ${lastSeq})`);
    dec.feed(payload);
    for (let i = 0; i < count; i++) {
      const e = dec.read();
      lastSeq = e.seq;
      yield e;
    }
    if (!dec.done) throw new ChassisError('E_JOURNAL_CORRUPT', `${path}: block ${block} has trailing bytes`);
    pos += HEADER_BYTES + len;
    block++;
  }
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

/** SHA-256 of a file, hex. */
export function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
