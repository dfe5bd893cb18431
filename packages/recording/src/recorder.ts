/**
 * The recorder process: one FeedRecorder (the writer of one venue feed's windows) and one
 * FeedConnector (the venue's WebSocket + REST protocol) per configured feed, the connector
 * delivering straight into its recorder. Around them: the data root, crash recovery of windows a
 * dead session left open, the Prometheus endpoint, and an orderly stop that publishes every open
 * window as a partial manifest.
 *
 *   start:  open storage → metrics endpoint (a busy port fails before any work) → recover open
 *           windows → per feed: FeedRecorder, then its connector → connectors start
 *   stop:   connectors stop (no frame after) → every FeedRecorder closes (flush, fsync, partial
 *           manifest) → metrics endpoint closes
 *   fail:   a FeedRecorder stopped on a fatal error (ENOSPC …) → the others stop as above, and
 *           `done` rejects with that error
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ChassisError } from '@chassis/core';
import type { CaptureClock, ConnectionEvent, ConnectorOptions, ConnectorSink, FeedConnector, FeedSpec } from '@chassis/venues';
import { openStorage, resolveDataRoot, type Storage } from '@chassis/storage';
import { startMonitoring, type MetricsRegistry, type Monitoring } from '@chassis/monitoring';
import type { RecorderConfig, RecorderFeed } from './recorder-config.ts';
import { logConnectionEvent, type RecordingLog } from './recording-log.ts';
import { readDiskFreeBytes, type RecordingMetrics } from './recording-metrics.ts';
import type { FeedRecorderOptions } from './feed-recorder.ts';
import type { RecoveredWindow, RecoverOptions } from './window-recovery.ts';

/** What the process needs of a feed's writer (part B's FeedRecorder implements it). */
export interface FeedWriter extends ConnectorSink {
  /** Closes the open window: flush, fsync, publish its manifest with completeness 'partial'. */
  close(reason: string): Promise<void>;
  /** Resolves once the writer stopped on a fatal error, with that error; never resolves otherwise. */
  readonly failed: Promise<ChassisError>;
}

/**
 * The parts the process assembles: the connectors (@chassis/venues), the writer and its crash
 * recovery (this package), the capture clock and the metrics. Injected so that the process can be
 * tested with fakes of each; `chassis record` passes the real ones (recorder-parts.ts).
 */
export interface RecorderParts {
  clock(): CaptureClock;
  openFeed(o: FeedRecorderOptions): FeedWriter;
  connect(spec: FeedSpec, o: ConnectorOptions): FeedConnector;
  /** Publishes an 'incomplete' manifest for every window a dead session left open; returns what it recovered. */
  recoverOpenWindows(o: RecoverOptions): Promise<readonly RecoveredWindow[]>;
  /** The prom-client side of RecordingMetrics; absent = the endpoint serves process metrics only. */
  createMetrics?(registry: MetricsRegistry['registry']): RecordingMetrics;
}

export interface RecorderOptions {
  readonly config: RecorderConfig;
  readonly parts: RecorderParts;
  readonly log: RecordingLog;
  /** For resolving the data root when the config gives none ($CHASSIS_DATA). */
  readonly env?: NodeJS.ProcessEnv;
  /** Recorder session id; default a new time-sortable id. */
  readonly session?: string;
  /** How often the free space of the spool's filesystem is exported, ms. */
  readonly diskFreeIntervalMs?: number;
}

interface FeedStatus {
  /**
   * Connections between their 'open' and 'closed' events. /readyz wants at least one per feed; a
   * feed whose second connection is down shows in the silent-feed alert, not here.
   */
  readonly openConnections: Set<string>;
  failed: boolean;
}

interface RunningFeed {
  readonly config: RecorderFeed;
  readonly writer: FeedWriter;
  readonly connector: FeedConnector;
  readonly status: FeedStatus;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID (26 Crockford base-32 characters: 48-bit ms timestamp, then 80 random bits): sessions
 * sort by start time in file names (`part-0001-{session}.jsonl.gz`) and never collide.
 */
export function newSessionId(nowMs: number = Date.now(), random: Uint8Array = randomBytes(10)): string {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  let bits = 0n;
  for (const b of random) bits = (bits << 8n) | BigInt(b);
  let rand = '';
  for (let i = 0; i < 16; i++) {
    rand = CROCKFORD[Number(bits & 31n)]! + rand;
    bits >>= 5n;
  }
  return time + rand;
}

/** Where open windows are written: the data root itself on a filesystem; `spool` for an object store. */
function spoolDirOf(storage: Storage, config: RecorderConfig): string {
  if (storage.kind === 'fs') return config.spool ?? storage.root;
  if (config.spool === undefined) {
    throw new ChassisError('E_RECORDER_CONFIG', `data root ${storage.root} is an object store: give spool (--spool DIR), a local directory where open windows are written before upload`, { exitCode: 2 });
  }
  return config.spool;
}

export class Recorder {
  readonly session: string;
  readonly dataRoot: string;
  readonly spoolDir: string;
  /** URL of the metrics endpoint, null without a metrics port. */
  readonly metricsUrl: string | null;
  /** Resolves when the recorder stopped cleanly; rejects with the error of a failed writer. */
  readonly done: Promise<void>;

  private readonly feeds: RunningFeed[] = [];
  private stopping: Promise<void> | null = null;
  private failure: ChassisError | null = null;
  private diskTimer: NodeJS.Timeout | null = null;
  private settle!: { resolve: () => void; reject: (e: ChassisError) => void };

  private constructor(
    private readonly o: RecorderOptions,
    private readonly storage: Storage,
    private readonly monitoring: Monitoring | null,
    private readonly metrics: RecordingMetrics | undefined,
  ) {
    this.session = o.session ?? newSessionId();
    this.dataRoot = storage.root;
    this.spoolDir = spoolDirOf(storage, o.config);
    this.metricsUrl = monitoring?.server?.url ?? null;
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // A failure is reported through `done`; nobody may be awaiting it yet.
    this.done.catch(() => {});
  }

  /** Opens the data root, serves metrics, recovers dead sessions' windows and starts every feed. */
  static async start(o: RecorderOptions): Promise<Recorder> {
    const storage = openStorage(resolveDataRoot(o.config.data, o.env));
    spoolDirOf(storage, o.config); // an object-store root without a spool fails before the port is taken
    const monitoring =
      o.config.metricsPort === undefined
        ? null
        : await startMonitoring({
            component: 'record',
            metricsPort: o.config.metricsPort,
            ...(o.config.metricsHost !== undefined ? { metricsHost: o.config.metricsHost } : {}),
            ...(storage.kind === 'fs' ? { dataRoot: storage.root } : {}),
          });
    const metrics = monitoring && o.parts.createMetrics ? o.parts.createMetrics(monitoring.metrics.registry) : undefined;
    const recorder = new Recorder(o, storage, monitoring, metrics);
    try {
      await recorder.begin();
    } catch (err) {
      await recorder.stop('start failed');
      throw err;
    }
    return recorder;
  }

  private async begin(): Promise<void> {
    const { config, parts, log } = this.o;
    mkdirSync(this.spoolDir, { recursive: true });
    const recovered = await parts.recoverOpenWindows({ storage: this.storage, spoolDir: this.spoolDir, log });
    for (const w of recovered) {
      const fields = { dirKey: w.dirKey, session: w.session, messages: w.manifest?.messages ?? 0, truncatedBytes: w.truncatedBytes };
      if (w.manifest) log.warn(fields, `${w.dirKey}: published an incomplete manifest for the window session ${w.session} left open`);
      else log.warn(fields, `${w.dirKey}: session ${w.session} left an open window with nothing durable; removed it`);
    }
    const clock = parts.clock();
    config.feeds.forEach((feed, i) => {
      const writer = parts.openFeed({
        storage: this.storage,
        spoolDir: this.spoolDir,
        venue: feed.spec.venue,
        feed: feed.feed,
        symbols: feed.spec.symbols,
        session: this.session,
        windowNs: config.windowNs,
        flushIntervalMs: config.flushIntervalMs,
        bufferLimitBytes: config.bufferLimitBytes,
        clock,
        ...(this.metrics ? { metrics: this.metrics } : {}),
        log,
      });
      const status: FeedStatus = { openConnections: new Set(), failed: false };
      // Frames go straight to the writer (no wrapper on the hot path); events are logged on the way.
      const sink: ConnectorSink = { frame: writer.frame.bind(writer), event: (e) => this.onEvent(feed, status, writer, e) };
      const connector = parts.connect(feed.spec, { clock, sink, endpoints: feed.endpoints, connectionIdPrefix: `${this.session}-${i}` });
      const running: RunningFeed = { config: feed, writer, connector, status };
      this.feeds.push(running);
      void writer.failed.then((err) => this.onWriterFailed(running, err));
    });
    this.monitoring?.readiness.register('feeds_connected', () => {
      const down = this.feeds.filter((f) => f.status.openConnections.size === 0).map((f) => `${f.config.spec.venue}/${f.config.feed}`);
      return down.length === 0 ? true : `not connected: ${down.join(', ')}`;
    });
    if (this.metrics) this.watchDiskFree(this.metrics);
    log.info(
      { session: this.session, dataRoot: this.dataRoot, spoolDir: this.spoolDir, window: config.window, host: hostname(), pid: process.pid, metrics: this.metricsUrl, feeds: config.feeds.map((f) => `${f.spec.venue}/${f.feed}: ${f.spec.symbols.join(',')}`) },
      `recording ${config.feeds.length} feed(s) into ${this.dataRoot}`,
    );
    for (const f of this.feeds) f.connector.start();
  }

  private onEvent(feed: RecorderFeed, status: FeedStatus, writer: FeedWriter, e: ConnectionEvent): void {
    if (e.type === 'open') status.openConnections.add(e.connectionId);
    else if (e.type === 'closed') status.openConnections.delete(e.connectionId);
    logConnectionEvent(this.o.log, feed.spec.venue, feed.feed, e);
    writer.event(e);
  }

  private onWriterFailed(feed: RunningFeed, err: ChassisError): void {
    feed.status.failed = true;
    this.failure ??= err;
    this.o.log.error({ venue: feed.config.spec.venue, feed: feed.config.feed, code: err.code }, `${feed.config.spec.venue}/${feed.config.feed} writer failed: ${err.code}: ${err.message}`);
    void this.stop(`writer of ${feed.config.spec.venue}/${feed.config.feed} failed (${err.code})`);
  }

  private watchDiskFree(metrics: RecordingMetrics): void {
    const sample = (): void => {
      // a vanished spool shows as a stale gauge; the writer reports the real error
      readDiskFreeBytes(this.spoolDir).then((bytes) => metrics.diskFreeBytes(bytes), () => {});
    };
    sample();
    this.diskTimer = setInterval(sample, this.o.diskFreeIntervalMs ?? 5000);
    this.diskTimer.unref();
  }

  /**
   * Stops every connector (no frame arrives after), then closes every writer that has not failed
   * (partial manifests). Idempotent: a second call returns the first call's promise.
   */
  stop(reason: string): Promise<void> {
    this.stopping ??= this.stopAll(reason);
    return this.stopping;
  }

  private async stopAll(reason: string): Promise<void> {
    const { log } = this.o;
    log.info({ reason }, `stopping: ${reason}`);
    if (this.diskTimer) clearInterval(this.diskTimer);
    await Promise.allSettled(this.feeds.map((f) => f.connector.stop(reason)));
    const closing = await Promise.allSettled(this.feeds.filter((f) => !f.status.failed).map((f) => f.writer.close(reason)));
    await this.monitoring?.finish();
    // An S3 root's client keeps sockets that would hold the process open after the last window.
    (this.storage as Partial<{ close(): void }>).close?.();
    const closeError = closing.find((r) => r.status === 'rejected')?.reason as unknown;
    const error =
      this.failure ??
      (closeError === undefined ? null : closeError instanceof ChassisError ? closeError : new ChassisError('E_RECORD_CLOSE', `closing a window failed: ${(closeError as Error).message}`, { cause: closeError }));
    if (error) {
      log.error({ code: error.code }, `stopped on error: ${error.code}: ${error.message}`);
      this.settle.reject(error);
    } else {
      log.info({ feeds: this.feeds.length }, 'stopped: every open window that held messages was published with a partial manifest');
      this.settle.resolve();
    }
  }
}

/** The part of `process` the signal handling uses (an EventEmitter in tests). */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/** Exit codes of a process ended by a signal (128 + signal number), as shells report them. */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * SIGINT/SIGTERM stop the recorder in order (partial manifests); a second signal while it is
 * stopping exits at once with 128 + signal, losing at most the unflushed buffer. Returns a
 * function that removes the handlers.
 */
export function stopOnSignals(recorder: Pick<Recorder, 'stop'>, log: RecordingLog, source: SignalSource = process, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  let received: string | null = null;
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = (): void => {
      if (received !== null) {
        log.warn({ signal }, `${signal} while stopping: exiting now; windows still open are recovered as incomplete on the next start`);
        exit(SIGNAL_EXIT_CODES[signal]);
        return;
      }
      received = signal;
      void recorder.stop(`received ${signal}`);
    };
    source.on(signal, handler);
    return { signal, handler };
  });
  return () => {
    for (const { signal, handler } of handlers) source.off(signal, handler);
  };
}
