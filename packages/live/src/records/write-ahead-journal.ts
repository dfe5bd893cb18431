/**
 * The session's write-ahead journal (journal.bin): each step's events are appended as one
 * block with one synchronous write *before* the core processes them, so a killed process loses
 * nothing it acted on — when the write returns, the bytes are in the kernel's page cache, which
 * outlives the process.
 *
 * Durability against a machine crash (power, kernel) is batched: the journal is fsynced at
 * most `fsyncWindowMs` (default 50 ms) after the first unsynced append, and at close. That
 * bounds what a machine crash can take to the last 50 ms of events; recovery then cuts the torn
 * block and reconciliation with the venue repairs what those events had said. `fsyncWindowMs: 0`
 * fsyncs after every append. `durable()` resolves once everything appended so far is fsynced
 * (the control API answers only then).
 *
 * Same file format as a backtest's journal (readJournal, `chassis events` and replay read both).
 */
import type { Event } from '@chassis/core';
import { JournalAppender, type RecoveredJournal } from '@chassis/backtesting';

export interface WriteAheadJournalOptions {
  /** Longest time appended bytes may stay un-fsynced, ms (default 50; 0 = fsync every append). */
  readonly fsyncWindowMs?: number;
}

export const DEFAULT_FSYNC_WINDOW_MS = 50;

export class WriteAheadJournal {
  private timer: NodeJS.Timeout | null = null;
  private waiters: (() => void)[] = [];
  private unsynced = false;
  private closed = false;
  private readonly windowMs: number;

  private constructor(
    private readonly appender: JournalAppender,
    options: WriteAheadJournalOptions,
  ) {
    this.windowMs = options.fsyncWindowMs ?? DEFAULT_FSYNC_WINDOW_MS;
  }

  /** A new session's journal (E_JOURNAL_EXISTS if there is one). */
  static create(path: string, options: WriteAheadJournalOptions = {}): WriteAheadJournal {
    return new WriteAheadJournal(JournalAppender.create(path), options);
  }

  /**
   * Reopens the journal of a session that stopped (or was killed): every event of its complete
   * blocks, and what was cut off its end (`recovered.cut`, null when nothing was torn).
   */
  static recover(
    path: string,
    options: WriteAheadJournalOptions = {},
  ): { journal: WriteAheadJournal; recovered: RecoveredJournal } {
    const { appender, recovered } = JournalAppender.recover(path);
    return { journal: new WriteAheadJournal(appender, options), recovered };
  }

  get lastSeq(): number {
    return this.appender.lastSeq;
  }

  get path(): string {
    return this.appender.path;
  }

  /** One step's events (seqs continuing the journal), written before the core sees them. */
  append(events: readonly Event[]): void {
    this.appender.appendBlock(events);
    if (events.length === 0) return;
    this.unsynced = true;
    if (this.windowMs === 0) this.sync();
    else if (this.timer === null) {
      this.timer = setTimeout(() => this.sync(), this.windowMs);
      // The window must not keep a stopping process alive; close() syncs what remains.
      this.timer.unref();
    }
  }

  /** Resolves once everything appended before the call is fsynced (within the window). */
  durable(): Promise<void> {
    if (!this.unsynced) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Digest of the encoded event stream so far (checkpoints.jsonl `streamDigest`). */
  streamDigest(): string {
    return this.appender.streamDigest();
  }

  /** fsync now (also what the window's timer calls). */
  sync(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.unsynced && !this.closed) this.appender.sync();
    this.unsynced = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** fsync and close; appends after close throw. */
  close(): void {
    if (this.closed) return;
    this.sync();
    this.closed = true;
    this.appender.close();
  }
}
