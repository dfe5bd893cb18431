/**
 * A journal written one block per call: the write-ahead form of journal.ts (same file header,
 * same block framing, same record encoding, so readJournal reads it). A live session appends
 * each step's events as one block with a single synchronous write before the core processes
 * them; when the write returns, the bytes are in the operating system's page cache and survive
 * the process being killed. `sync()` (fsync) makes them survive a machine crash too; when to
 * call it is the caller's policy (the session batches it, see @chassis/live records).
 *
 * `recover` opens a journal left by a killed process: it reads every complete block, cuts a
 * torn final block (truncating the file to the last good block, reported as `cut`) and
 * continues appending after it, with the encoder primed by the recovered events (the record
 * encoding is a continuous stream: timestamps are deltas and strings are interned across blocks).
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { ChassisError, type Event } from '@chassis/core';
import { EventEncoder } from './codec.ts';
import {
  BLOCK_HEADER_BYTES,
  frameBlock,
  journalBlocks,
  journalHead,
  journalFormat,
  FORMAT_INLINE,
  JournalCorruptError,
  JOURNAL_HEAD_BYTES,
} from './journal.ts';

/** What recovery cut off the end of a journal. */
export interface JournalCut {
  /** Index of the first block removed. */
  readonly block: number;
  /** File offset where the removed bytes began (= the file's new length). */
  readonly atByte: number;
  readonly bytesCut: number;
  /** Seq of the last event kept (0 if none). */
  readonly afterSeq: number;
  /** The reader's description of the damage. */
  readonly reason: string;
}

export interface RecoveredJournal {
  /** Every event of the complete blocks, in order. */
  readonly events: readonly Event[];
  readonly blocks: number;
  /** File length after recovery. */
  readonly bytes: number;
  /** null when the journal ended on a block boundary. */
  readonly cut: JournalCut | null;
}

export class JournalAppender {
  private readonly enc = new EventEncoder();
  /** SHA-256 over the encoded records only (no framing): JournalWriter.streamDigest's definition. */
  private readonly stream: Hash = createHash('sha256');
  private failed: Error | null = null;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    private bytes: number,
    private seq: number,
    private blockCount: number,
  ) {}

  /** Creates a new journal (refuses to overwrite one: E_JOURNAL_EXISTS) and makes its header durable. */
  static create(path: string): JournalAppender {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST')
        throw new ChassisError(
          'E_JOURNAL_EXISTS',
          `${path} already exists: open it with recovery instead of creating it`,
        );
      throw new ChassisError(
        'E_JOURNAL_WRITE',
        `${path}: cannot create the journal (${code ?? (err as Error).message})`,
      );
    }
    const a = new JournalAppender(path, fd, 0, 0, 0);
    a.write(journalHead());
    a.sync();
    return a;
  }

  /** Opens an existing journal for appending after cutting a torn final block (module comment). */
  static recover(path: string): { appender: JournalAppender; recovered: RecoveredJournal } {
    let fd: number;
    try {
      fd = openSync(path, 'r+');
    } catch (err) {
      throw new ChassisError(
        'E_JOURNAL_MISSING',
        `${path}: cannot open the journal for recovery (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      );
    }
    try {
      const size = fstatSync(fd).size;
      if (size < JOURNAL_HEAD_BYTES) return JournalAppender.restartTornHead(path, fd, size);
      // A write-ahead journal stores every event; a backtest's (format 2) references market events it could not append.
      if (journalFormat(path) !== FORMAT_INLINE)
        throw new ChassisError('E_JOURNAL_CORRUPT', `${path} is a backtest journal (market events by reference), not a session's write-ahead journal`);
      const { events, blocks, goodBytes, damage } = readGoodBlocks(path);
      const cut = damage === null ? null : tornTail(path, fd, size, goodBytes, damage);
      if (cut) {
        ftruncateSync(fd, goodBytes);
        fsyncSync(fd);
      }
      const a = new JournalAppender(path, fd, goodBytes, events.at(-1)?.seq ?? 0, blocks);
      for (const e of events) a.encode(e);
      a.enc.reset();
      return { appender: a, recovered: { events, blocks, bytes: goodBytes, cut } };
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** A file shorter than the header: a process killed while creating it. Only a prefix of the header may be there. */
  private static restartTornHead(
    path: string,
    fd: number,
    size: number,
  ): { appender: JournalAppender; recovered: RecoveredJournal } {
    const got = new Uint8Array(size);
    readSync(fd, got, 0, size, 0);
    const head = journalHead();
    if (!got.every((b, i) => b === head[i]))
      throw new ChassisError('E_JOURNAL_CORRUPT', `${path} is not a Chassis journal`);
    ftruncateSync(fd, 0);
    const a = new JournalAppender(path, fd, 0, 0, 0);
    a.write(head);
    a.sync();
    const cut =
      size === 0
        ? null
        : {
            block: 0,
            atByte: 0,
            bytesCut: size,
            afterSeq: 0,
            reason: `${path}: torn file header (${size} of ${head.length} bytes)`,
          };
    return { appender: a, recovered: { events: [], blocks: 0, bytes: head.length, cut } };
  }

  /** Seq of the last event appended (0 for an empty journal). */
  get lastSeq(): number {
    return this.seq;
  }

  get blocks(): number {
    return this.blockCount;
  }

  /** File length in bytes. */
  get size(): number {
    return this.bytes;
  }

  /**
   * Appends `events` as one block with one synchronous write. Their seqs must continue the
   * journal's without a gap (E_JOURNAL_SEQ otherwise: SPEC.md L3). After a failed write the
   * journal refuses further appends (its end is unknown until recovery).
   */
  appendBlock(events: readonly Event[]): void {
    if (this.failed)
      throw new ChassisError(
        'E_JOURNAL_WRITE',
        `${this.path}: an earlier write failed (${this.failed.message}); recover the journal before appending`,
      );
    if (events.length === 0) return;
    for (let i = 0; i < events.length; i++) {
      if (events[i]!.seq !== this.seq + 1 + i) {
        throw new ChassisError(
          'E_JOURNAL_SEQ',
          `${this.path}: event ${i} of the block has seq ${events[i]!.seq}, expected ${this.seq + 1 + i} (the journal ends at seq ${this.seq})`,
        );
      }
    }
    this.enc.reset();
    for (const e of events) this.encode(e);
    this.write(frameBlock(this.enc.buf.subarray(0, this.enc.pos), events.length));
    this.seq += events.length;
    this.blockCount++;
  }

  /** Digest of every record appended so far, equal to StreamDigest over the same events. */
  streamDigest(): string {
    return this.stream.copy().digest('hex');
  }

  /** fsync: what was appended survives a machine crash once this returns. */
  sync(): void {
    fsyncSync(this.fd);
  }

  close(): void {
    if (!this.failed) this.sync();
    closeSync(this.fd);
  }

  private encode(e: Event): void {
    const from = this.enc.pos;
    this.enc.write(e);
    this.stream.update(this.enc.buf.subarray(from, this.enc.pos));
  }

  private write(bytes: Uint8Array): void {
    try {
      for (let done = 0; done < bytes.length;)
        done += writeSync(this.fd, bytes, done, bytes.length - done, this.bytes + done);
    } catch (err) {
      this.failed = err as Error;
      throw new ChassisError(
        'E_JOURNAL_WRITE',
        `${this.path}: write at byte ${this.bytes} failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      );
    }
    this.bytes += bytes.length;
  }
}

function readGoodBlocks(path: string): {
  events: Event[];
  blocks: number;
  goodBytes: number;
  damage: JournalCorruptError | null;
} {
  const events: Event[] = [];
  let blocks = 0;
  let goodBytes = JOURNAL_HEAD_BYTES;
  try {
    for (const b of journalBlocks(path)) {
      for (const e of b.events) events.push(e);
      blocks++;
      goodBytes = b.endByte;
    }
    return { events, blocks, goodBytes, damage: null };
  } catch (err) {
    if (err instanceof JournalCorruptError) return { events, blocks, goodBytes, damage: err };
    throw err;
  }
}

/**
 * Decides whether the damaged block is a torn tail (the last write of a killed process, or a
 * zero-filled extension after a machine crash) — cut — or damage inside the journal with good
 * data after it, which recovery must never cut silently (E_JOURNAL_CORRUPT).
 */
function tornTail(path: string, fd: number, size: number, goodBytes: number, damage: JournalCorruptError): JournalCut {
  const cut = {
    block: damage.block,
    atByte: goodBytes,
    bytesCut: size - goodBytes,
    afterSeq: damage.afterSeq,
    reason: damage.message,
  };
  const rest = new Uint8Array(size - goodBytes);
  readSync(fd, rest, 0, rest.length, goodBytes);
  if (rest.every((b) => b === 0)) return cut;
  if (damage.damage === 'truncated') return cut;
  const declared = rest.length >= BLOCK_HEADER_BYTES ? new DataView(rest.buffer).getUint32(0, true) : 0;
  const after = rest.length - BLOCK_HEADER_BYTES - declared;
  if (damage.damage === 'checksum' && after === 0) return cut;
  const why =
    damage.damage === 'checksum' || damage.damage === 'empty'
      ? `${after} more bytes follow the damaged block, so it is not a torn final block`
      : 'its checksum is right, so it was written whole: the bytes do not decode';
  throw new ChassisError('E_JOURNAL_CORRUPT', `${damage.message}; ${why}: recovery refuses to cut it`, {
    details: { path, block: damage.block, atByte: damage.atByte },
  });
}
