/**
 * The journal: the event stream of a run or session, as checksummed blocks.
 *
 * File layout: magic `CHASSISJ` + format version byte, then blocks of
 *   u32 LE payload bytes · u32 LE event count · u32 LE CRC-32 of the payload · payload.
 * Format 1 (market inline; live and paper sessions): the payload is EventEncoder records
 * (codec.ts) of every event, the count is the number of records.
 * Format 2 (market by reference; backtests): the payload starts with the block's market
 * reference — varint first seq the block stands for · varint market events · 8-byte market
 * digest (market-digest.ts, big-endian hex order) — followed by the records of the run's own
 * events. The block stands for `count` consecutive seqs from its first seq: the records carry
 * their seqs, every other seq of the range is a market event, regenerated from the run's
 * datasets (run-events.ts) and proved by the digest. Blocks are cut at ~64 KiB of records or
 * `marketPerBlock` market events, written with synchronous appends as they fill (bounded
 * memory). The SHA-256 of the whole file is computed while writing and recorded in the run
 * manifest.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { ChassisError, type Event, type MarketEvent } from '@chassis/core';
import { crc32 } from '@chassis/storage';
import { EventDecoder, EventEncoder } from './codec.ts';
import { MarketDigest } from './market-digest.ts';

const MAGIC = new TextEncoder().encode('CHASSISJ');
/** Journal format: 1 = every event inline (sessions), 2 = market events by reference (backtests). */
export type JournalFormat = 1 | 2;
export const FORMAT_INLINE: JournalFormat = 1;
export const FORMAT_BY_REFERENCE: JournalFormat = 2;
/** Largest number of market events one format-2 block stands for (the resolution of a market digest mismatch). */
export const MARKET_PER_BLOCK = 8192;
/** Block header: u32 payload bytes · u32 event count · u32 CRC-32. */
export const BLOCK_HEADER_BYTES = 12;
const HEADER_BYTES = BLOCK_HEADER_BYTES;
/** File header: the magic and the format version byte. */
export const JOURNAL_HEAD_BYTES = MAGIC.length + 1;

/** The file header every journal starts with. */
export function journalHead(format: JournalFormat = FORMAT_INLINE): Uint8Array {
  const head = new Uint8Array(JOURNAL_HEAD_BYTES);
  head.set(MAGIC);
  head[MAGIC.length] = format;
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
  readonly format: JournalFormat;
  /** Events the journal stands for (records + market events by reference). */
  readonly events: number;
  /** Events stored as records. */
  readonly records: number;
  readonly blocks: number;
  readonly bytes: number;
  readonly sha256: string;
}

export interface JournalWriterOptions {
  /** Block size in bytes of records (default 64 KiB). */
  readonly blockBytes?: number;
  /** Format 2: market events by reference (`market(e)`), default format 1 (every event inline). */
  readonly marketByReference?: boolean;
  /** Format 2: cut a block after this many market events (default MARKET_PER_BLOCK). */
  readonly marketPerBlock?: number;
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
  private readonly format: JournalFormat;
  private readonly blockBytes: number;
  private readonly marketPerBlock: number;
  private readonly digest = new MarketDigest();
  /** Format 2: the block's market reference, written before its records. */
  private readonly reference = new Uint8Array(20 + 8);
  /** Format 2: first seq of the open block (0: none open) and the last seq appended. */
  private blockFirstSeq = 0;
  private lastSeq = 0;
  private blockEvents = 0;
  private events = 0;
  private records = 0;
  private blocks = 0;
  private bytes = 0;

  constructor(path: string, options: JournalWriterOptions | number = {}) {
    const o = typeof options === 'number' ? { blockBytes: options } : options;
    this.blockBytes = o.blockBytes ?? 1 << 16;
    this.format = o.marketByReference ? FORMAT_BY_REFERENCE : FORMAT_INLINE;
    this.marketPerBlock = o.marketPerBlock ?? MARKET_PER_BLOCK;
    this.fd = openSync(path, 'w');
    this.out(journalHead(this.format));
  }

  private out(bytes: Uint8Array): void {
    writeSync(this.fd, bytes);
    this.hash.update(bytes);
    this.bytes += bytes.length;
  }

  /** An event stored as a record. */
  append(e: Event): void {
    if (this.format === FORMAT_BY_REFERENCE) this.position(e.seq);
    this.enc.write(e);
    this.blockEvents++;
    this.events++;
    this.records++;
    if (this.enc.pos >= this.blockBytes) this.flush();
  }

  /**
   * A market event: in format 2 only its place in the block and the block's digest (the event
   * is regenerated from the datasets on replay); in format 1 a record like any other.
   */
  market(e: MarketEvent): void {
    if (this.format === FORMAT_INLINE) return this.append(e);
    this.position(e.seq);
    this.digest.add(e);
    this.blockEvents++;
    this.events++;
    if (this.digest.events >= this.marketPerBlock) this.flush();
  }

  /** Format 2: a block stands for consecutive seqs, so the stream must be gap-free. */
  private position(seq: number): void {
    if (this.lastSeq !== 0 && seq !== this.lastSeq + 1)
      throw new ChassisError('E_JOURNAL_WRITE', `journal: seq ${seq} after ${this.lastSeq}; a journal by reference needs a gap-free stream`);
    if (this.blockFirstSeq === 0) this.blockFirstSeq = seq;
    this.lastSeq = seq;
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
    const records = this.enc.buf.subarray(0, this.enc.pos);
    const reference = this.format === FORMAT_BY_REFERENCE ? this.marketReference() : null;
    const length = records.length + (reference?.length ?? 0);
    this.headerView.setUint32(0, length, true);
    this.headerView.setUint32(4, this.blockEvents, true);
    this.headerView.setUint32(8, reference ? crc32(records, crc32(reference)) : crc32(records), true);
    this.out(this.header);
    if (reference) this.out(reference);
    this.out(records);
    this.enc.reset();
    this.blockEvents = 0;
    this.blocks++;
  }

  /** Format 2: the open block's market reference (first seq, market events, digest); resets them for the next block. */
  private marketReference(): Uint8Array {
    const r = this.reference;
    let at = writeUvar(r, 0, this.blockFirstSeq);
    at = writeUvar(r, at, this.digest.events);
    const hex = this.digest.hex();
    for (let i = 0; i < 8; i++) r[at + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    this.digest.reset();
    this.blockFirstSeq = 0;
    return r.subarray(0, at + 8);
  }

  close(): JournalSummary {
    this.flush();
    closeSync(this.fd);
    return { format: this.format, events: this.events, records: this.records, blocks: this.blocks, bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

/** Unsigned varint of a safe integer at `at`; returns the position after it. */
function writeUvar(into: Uint8Array, at: number, v: number): number {
  while (v >= 128) {
    into[at++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  into[at++] = v;
  return at;
}

/** Reads an unsigned varint at `at`: [value, position after it], or null when the bytes end first. */
function readUvar(from: Uint8Array, at: number): [number, number] | null {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 8; i++) {
    if (at >= from.length) return null;
    const b = from[at++]!;
    v += (b & 127) * mul;
    if (b < 128) return [v, at];
    mul *= 128;
  }
  return null;
}

/** One checksummed block as read from the file: where it lies and the events it holds. */
export interface JournalBlock {
  /** Block index, 0-based. */
  readonly index: number;
  /** File byte offset of the block header. */
  readonly startByte: number;
  /** File byte offset just past the block's payload (where the next block starts). */
  readonly endByte: number;
  /** The events the block stores (format 2: the run's own events only). */
  readonly events: readonly Event[];
  /** Format 2: the seqs the block stands for and the market events among them; null in format 1. */
  readonly market: BlockMarket | null;
}

/** The market reference of a format-2 block. */
export interface BlockMarket {
  /** First and last seq the block stands for (inclusive); the seqs no record carries are market events. */
  readonly fromSeq: number;
  readonly toSeq: number;
  /** Market events in the range. */
  readonly events: number;
  /** MarketDigest of those events, 16 hex digits. */
  readonly digest: string;
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

/** Opens the journal at `path` for reading (a file descriptor); a missing or unreadable file is E_JOURNAL_MISSING. */
export function openJournal(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (err) {
    throw new ChassisError('E_JOURNAL_MISSING', `${path}: cannot open the journal (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** The journal's blocks in file order, each verified and decoded; damage throws JournalCorruptError. */
export function* journalBlocks(path: string): Generator<JournalBlock> {
  const fd = openJournal(path);
  try {
    yield* readBlocks(path, fd);
  } finally {
    closeSync(fd);
  }
}

function* readBlocks(path: string, fd: number): Generator<JournalBlock> {
  const format = readFormat(path, fd);
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  let payload = new Uint8Array(1 << 16);
  const dec = new EventDecoder();
  let pos = JOURNAL_HEAD_BYTES;
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
    let market: BlockMarket | null = null;
    let records = body;
    if (format === FORMAT_BY_REFERENCE) {
      const ref = marketReference(body, count);
      if (typeof ref === 'string') throw corrupt(`${where} (after seq ${lastSeq}): ${ref}`);
      if (ref.market.fromSeq !== lastSeq + 1)
        throw corrupt(`${where} starts at seq ${ref.market.fromSeq}, the block before ended at seq ${lastSeq}`);
      market = ref.market;
      records = body.subarray(ref.recordsAt);
    }
    const stored = market ? count - market.events : count;
    dec.feed(records);
    const events: Event[] = [];
    for (let i = 0; i < stored; i++) {
      let e: Event;
      try {
        e = dec.read();
      } catch (err) {
        throw corrupt(`${where}, event ${i} of ${stored} (after seq ${lastSeq}): ${(err as Error).message}`);
      }
      if (market && (e.seq <= (events.at(-1)?.seq ?? market.fromSeq - 1) || e.seq > market.toSeq))
        throw corrupt(`${where}: record ${i} has seq ${e.seq}, outside the block's seqs ${market.fromSeq}..${market.toSeq} or out of order`);
      lastSeq = e.seq;
      events.push(e);
    }
    if (!dec.done) throw corrupt(`${where} has trailing bytes`);
    if (market) lastSeq = market.toSeq;
    const endByte = pos + HEADER_BYTES + len;
    yield { index: block, startByte: pos, endByte, events, market };
    pos = endByte;
  }
}

/** Checks the magic and returns the format version byte. */
function readFormat(path: string, fd: number): JournalFormat {
  const head = new Uint8Array(JOURNAL_HEAD_BYTES);
  if (readSync(fd, head, 0, head.length, 0) < head.length || !MAGIC.every((b, i) => head[i] === b))
    throw new ChassisError('E_JOURNAL_CORRUPT', `${path} is not a Chassis journal`);
  const format = head[MAGIC.length];
  if (format !== FORMAT_INLINE && format !== FORMAT_BY_REFERENCE)
    throw new ChassisError('E_JOURNAL_CORRUPT', `${path}: unsupported journal format ${format}`);
  return format;
}

/** The journal's format: 1 (every event inline) or 2 (market events by reference). */
export function journalFormat(path: string): JournalFormat {
  const fd = openJournal(path);
  try {
    return readFormat(path, fd);
  } finally {
    closeSync(fd);
  }
}

/** Parses a format-2 block's market reference; a string says what is wrong with it. */
function marketReference(body: Uint8Array, count: number): { market: BlockMarket; recordsAt: number } | string {
  const first = readUvar(body, 0);
  const events = first && readUvar(body, first[1]);
  if (!first || !events || events[1] + 8 > body.length) return 'truncated market reference';
  const [fromSeq] = first;
  const [marketEvents, at] = events;
  if (marketEvents > count) return `market reference of ${marketEvents} events in a block of ${count}`;
  let digest = '';
  for (let i = 0; i < 8; i++) digest += body[at + i]!.toString(16).padStart(2, '0');
  return { market: { fromSeq, toSeq: fromSeq + count - 1, events: marketEvents, digest }, recordsAt: at + 8 };
}

/** Reads into `into` from file offset `at` until it is full or the file ends; returns the bytes read. */
export function readFully(fd: number, into: Uint8Array, at: number): number {
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
