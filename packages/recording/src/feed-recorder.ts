/**
 * FeedRecorder: the sink a venue connector delivers to, writing one feed's frames to raw files.
 *
 * Flow: frame() turns the frame into a raw line (raw-line.ts) and appends it to a bounded buffer
 * (record-buffer.ts), synchronously; every flushIntervalMs (and early when a quarter of the
 * buffer waits) a flush writes what is buffered as one gzip member per window and fsyncs it
 * (raw-part-file.ts). So a SIGKILL loses at most what arrived since the last flush. When the
 * flush passes a window boundary the window is closed and its manifest published
 * (window-writer.ts). The buffer is bounded: when the disk cannot keep up the recorder warns
 * (log + bufferFill metric) and, when full, drops frames — recorded as a gap with its reason,
 * never silently. A disk failure (ENOSPC, ...) stops the writer loudly: `failed` resolves with
 * the error, no manifest is published for the window, and its heartbeat stays for recovery.
 */
import { statfs } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { ChassisError } from '@chassis/core';
import type { Storage } from '@chassis/storage';
import type { CaptureClock, CapturedFrame, ConnectionEvent, ConnectorSink, VenueId } from '@chassis/venues';
import { frameLagMs } from './frame-lag.ts';
import { claimSession, releaseSession } from './open-window.ts';
import { DEFAULT_GZIP_LEVEL } from './raw-part-file.ts';
import { rawLine } from './raw-line.ts';
import { RecordBuffer, type BufferItem, type LineRun } from './record-buffer.ts';
import { nodeRecordingFs, writeFailure, type RecordingFileSystem } from './recording-fs.ts';
import type { RecordingLog } from './recording-log.ts';
import type { RecordingMetrics } from './recording-metrics.ts';
import { windowStartOf } from './window-layout.ts';
import { WindowWriter, type WindowContext } from './window-writer.ts';

export interface FeedRecorderOptions {
  /** Where raw files and manifests are published: the local data root (FsStorage) or S3. */
  readonly storage: Storage;
  /** Local directory for open windows (= the data root itself for fs: files are written in place). */
  readonly spoolDir: string;
  readonly venue: VenueId;
  readonly feed: string;
  readonly symbols: readonly string[];
  /** Recorder session id (time-sortable); part of every file name. */
  readonly session: string;
  /** Window length, ns, a whole number of seconds; windows are aligned to the UTC epoch. */
  readonly windowNs: bigint;
  /** ≤ 1000: the most a SIGKILL can lose, ms. */
  readonly flushIntervalMs: number;
  /** Bound of the buffer between capture and disk, UTF-8 bytes of raw lines. */
  readonly bufferLimitBytes: number;
  readonly clock: CaptureClock;
  readonly metrics?: RecordingMetrics;
  readonly log: RecordingLog;
  /** File operations (fault injection); default node:fs. */
  readonly fs?: RecordingFileSystem;
  /** gzip level of the raw files (default 1, see raw-part-file.ts). */
  readonly gzipLevel?: number;
  /** Compressed size at which a window's part file is closed and the next begun (default 512 MiB). */
  readonly maxPartBytes?: number;
  /** How often open.json is refreshed, ms (default 5000). */
  readonly heartbeatIntervalMs?: number;
}

/** Fill ratio at which the recorder warns that the disk is not keeping up, and at which it re-arms. */
const WARN_FILL = 0.8;
const REARM_FILL = 0.5;
/** Waiting bytes that trigger a flush before the interval: a quarter of the buffer, at most 8 MiB. */
const EARLY_FLUSH_MAX_BYTES = 8 * 1024 * 1024;

interface DropEpisode {
  fromNs: bigint;
  toNs: bigint;
  messages: number;
}

export class FeedRecorder implements ConnectorSink {
  /** Resolves once the writer stopped on a fatal error (ENOSPC, ...), with that error. */
  readonly failed: Promise<ChassisError>;
  private readonly o: FeedRecorderOptions;
  private readonly ctx: WindowContext;
  private readonly buffer: RecordBuffer;
  private readonly startedNs: bigint;
  private readonly earlyFlushBytes: number;
  private readonly timer: NodeJS.Timeout;
  private resolveFailed!: (e: ChassisError) => void;
  private failure: ChassisError | null = null;
  private current: WindowWriter | null = null;
  /** Items of windows already closed go to the next window: capture times never go back, but a late event might. */
  private minWindowNs = 0n;
  private chain: Promise<void> = Promise.resolve();
  private publishing: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private closing: Promise<void> | null = null;
  private drop: DropEpisode | null = null;
  private warnedFull = false;
  private lastLagMs: number | null = null;
  private lastDiskCheckMs = 0;
  private released = false;
  private connectionIds = new Set<string>();

  constructor(o: FeedRecorderOptions) {
    if (!(o.flushIntervalMs > 0 && o.flushIntervalMs <= 1000)) throw new ChassisError('E_RECORD_CONFIG', `flushIntervalMs must be in (0, 1000] ms (the most a crash may lose), got ${o.flushIntervalMs}`);
    if (o.windowNs <= 0n || o.windowNs % 1_000_000_000n !== 0n) throw new ChassisError('E_RECORD_CONFIG', `window length must be a positive whole number of seconds, got ${o.windowNs} ns`);
    if (!(o.bufferLimitBytes > 0)) throw new ChassisError('E_RECORD_CONFIG', `bufferLimitBytes must be positive, got ${o.bufferLimitBytes}`);
    this.o = o;
    this.ctx = {
      fs: o.fs ?? nodeRecordingFs,
      storage: o.storage,
      spoolDir: o.spoolDir,
      inPlace: o.storage.kind === 'fs' && resolve(o.storage.root) === resolve(o.spoolDir),
      venue: o.venue,
      feed: o.feed,
      symbols: o.symbols,
      session: o.session,
      host: hostname(),
      gzipLevel: o.gzipLevel ?? DEFAULT_GZIP_LEVEL,
      maxPartBytes: o.maxPartBytes ?? 512 * 1024 * 1024,
      heartbeatIntervalMs: o.heartbeatIntervalMs ?? 5000,
      log: o.log,
    };
    this.buffer = new RecordBuffer(o.bufferLimitBytes);
    this.earlyFlushBytes = Math.min(o.bufferLimitBytes / 4, EARLY_FLUSH_MAX_BYTES);
    this.startedNs = o.clock.nowNs();
    this.failed = new Promise((r) => (this.resolveFailed = r));
    claimSession(o.session);
    this.timer = setInterval(() => this.scheduleFlush(), o.flushIntervalMs);
    this.timer.unref();
  }

  frame(f: CapturedFrame): void {
    if (this.failure !== null || this.closing !== null) {
      this.o.metrics?.dropped(this.o.venue, this.o.feed, 1);
      return;
    }
    const line = rawLine(f, this.o.venue, this.o.feed);
    const bytes = Buffer.byteLength(line, 'utf8');
    if (!this.buffer.tryAppend(windowStartOf(f.tsCaptureNs, this.o.windowNs), line, bytes, f.tsCaptureNs)) {
      this.dropFrame(f);
      return;
    }
    if (this.drop !== null) this.endDrop();
    this.connectionIds.add(f.connectionId);
    if (this.o.metrics !== undefined) {
      const lag = frameLagMs(f.text, f.tsCaptureNs);
      if (lag !== null) this.lastLagMs = lag;
      this.o.metrics.frame(this.o.venue, this.o.feed, bytes, lag);
    }
    if (!this.warnedFull && this.buffer.fill >= WARN_FILL) this.warnFull();
    if (this.buffer.waitingBytes >= this.earlyFlushBytes) this.scheduleFlush();
  }

  event(e: ConnectionEvent): void {
    if (this.failure !== null || this.closing !== null) return;
    this.o.metrics?.connectionEvent(this.o.venue, this.o.feed, e.type);
    this.buffer.appendEvent(windowStartOf(e.tsNs, this.o.windowNs), e);
  }

  /** Closes the open window: flush, fsync, publish its manifest with completeness 'partial'. */
  close(reason: string): Promise<void> {
    this.closing ??= this.closeOnce(reason);
    return this.closing;
  }

  private async closeOnce(reason: string): Promise<void> {
    clearInterval(this.timer);
    if (this.drop !== null) this.endDrop();
    const tsNs = this.o.clock.nowNs();
    this.buffer.appendEvent(windowStartOf(tsNs, this.o.windowNs), { type: 'closed', tsNs, connectionId: this.o.session, reason: `recorder stopped: ${reason}` });
    this.flushQueued = true;
    this.chain = this.chain.then(() => this.flush(true));
    this.chain = this.chain.then(async () => {
      if (this.failure === null && this.current !== null) await this.guard(() => this.closeWindow(false));
    });
    await this.chain;
    await this.publishing;
    this.releaseOnce();
    if (this.failure !== null) throw this.failure;
  }

  private releaseOnce(): void {
    if (this.released) return;
    this.released = true;
    releaseSession(this.o.session);
  }

  private scheduleFlush(): void {
    if (this.flushQueued || this.failure !== null) return;
    this.flushQueued = true;
    this.chain = this.chain.then(() => this.flush(true));
  }

  /** Writes what is buffered; at a window boundary (by item or by time) closes the window first. */
  private async flush(closeByTime: boolean): Promise<void> {
    this.flushQueued = false;
    if (this.failure !== null) return;
    // Read the clock before taking the buffer: every frame stamped before cutNs is in what we take.
    const cutNs = this.o.clock.nowNs();
    this.o.metrics?.bufferFill(this.o.venue, this.o.feed, this.buffer.fill);
    const items = this.buffer.take();
    const ids = this.connectionIds;
    this.connectionIds = new Set();
    await this.guard(async () => {
      await this.writeItems(items, ids);
      if (closeByTime && this.current !== null && cutNs >= this.current.endNs) await this.closeWindow(true);
      const nowMs = Date.now();
      await this.current?.heartbeat(this.lastLagMs, nowMs);
      await this.reportDiskFree(nowMs);
    });
    if (this.warnedFull && this.buffer.fill < REARM_FILL) this.warnedFull = false;
  }

  /** All lines of one window in one flush become one gzip member (one write, one fsync); events go to the window's account. */
  private async writeItems(items: readonly BufferItem[], ids: Iterable<string>): Promise<void> {
    let runs: LineRun[] = [];
    const writeRuns = async (): Promise<void> => {
      if (runs.length === 0) return;
      const bytes = runs.reduce((n, r) => n + r.bytes, 0);
      try {
        await this.current!.append(runs, ids);
      } finally {
        this.buffer.written(bytes);
        runs = [];
      }
    };
    for (const item of items) {
      const startNs = item.windowStartNs < this.minWindowNs ? this.minWindowNs : item.windowStartNs;
      if (this.current !== null && startNs > this.current.startNs) {
        await writeRuns();
        await this.closeWindow(true);
      }
      this.current ??= await WindowWriter.open(this.ctx, startNs, startNs + this.o.windowNs, this.startedNs <= startNs);
      if (item.kind === 'event') this.current.record(item.event);
      else runs.push(item);
    }
    await writeRuns();
  }

  /**
   * Seals the current window in the write chain, and publishes it in the publish chain: an upload
   * to S3 at the top of the hour must not hold up the next window's writes (the buffer would fill).
   */
  private async closeWindow(atBoundary: boolean): Promise<void> {
    const w = this.current!;
    this.minWindowNs = w.endNs;
    const publish = await w.seal(atBoundary);
    this.current = null;
    this.publishing = this.publishing.then(() => this.guard(async () => void (await publish())));
  }

  /** Runs disk work; a failure stops the writer (once) and is reported, never rethrown into the chain. */
  private async guard(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      await this.fail(err);
    }
  }

  private async fail(err: unknown): Promise<void> {
    if (this.failure !== null) return;
    const dir = this.current?.dirKey ?? `raw/${this.o.venue}/${this.o.feed}`;
    this.failure = err instanceof ChassisError ? err : writeFailure(err, dir, 'recording');
    clearInterval(this.timer);
    this.releaseOnce();
    this.o.log.error({ code: this.failure.code, venue: this.o.venue, feed: this.o.feed, dir, ...this.failure.details }, `recorder stopped: ${this.failure.message}`);
    await this.current?.abandon();
    this.current = null;
    this.resolveFailed(this.failure);
  }

  /** Free space of the spool file system, for the disk-free metric, at the heartbeat's pace. */
  private async reportDiskFree(nowMs: number): Promise<void> {
    if (this.o.metrics === undefined || nowMs - this.lastDiskCheckMs < this.ctx.heartbeatIntervalMs) return;
    this.lastDiskCheckMs = nowMs;
    const s = await statfs(this.o.spoolDir).catch(() => null); // a metric, never a reason to stop recording
    if (s !== null) this.o.metrics.diskFreeBytes(s.bavail * s.bsize);
  }

  private warnFull(): void {
    this.warnedFull = true;
    this.o.metrics?.bufferFill(this.o.venue, this.o.feed, this.buffer.fill);
    this.o.log.warn({ venue: this.o.venue, feed: this.o.feed, bufferedBytes: this.buffer.bytes, limitBytes: this.buffer.limitBytes }, 'the disk is not keeping up: recording buffer above 80% full');
  }

  private dropFrame(f: CapturedFrame): void {
    this.o.metrics?.dropped(this.o.venue, this.o.feed, 1);
    if (this.drop === null) {
      this.drop = { fromNs: f.tsCaptureNs, toNs: f.tsCaptureNs, messages: 1 };
      this.o.metrics?.bufferFill(this.o.venue, this.o.feed, this.buffer.fill);
      this.o.log.warn({ venue: this.o.venue, feed: this.o.feed, limitBytes: this.buffer.limitBytes }, 'recording buffer full: dropping frames (recorded as a gap)');
    } else {
      this.drop.toNs = f.tsCaptureNs;
      this.drop.messages++;
    }
  }

  /** A drop episode ends (a frame fits again, or the recorder closes): it becomes a gap of its window. */
  private endDrop(): void {
    const d = this.drop!;
    this.drop = null;
    const reason = `recording buffer full (${this.buffer.limitBytes} bytes): ${d.messages} messages dropped because the disk could not keep up`;
    this.o.log.warn({ venue: this.o.venue, feed: this.o.feed, dropped: d.messages, fromNs: String(d.fromNs), toNs: String(d.toNs) }, reason);
    this.o.metrics?.connectionEvent(this.o.venue, this.o.feed, 'gap');
    this.buffer.appendEvent(windowStartOf(d.toNs, this.o.windowNs), { type: 'gap', tsNs: d.toNs, connectionId: this.o.session, reason, fromNs: d.fromNs, toNs: d.toNs });
  }
}
