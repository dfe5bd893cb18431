/**
 * The live market input (SPEC.md §5 "Market input handler"): one venue feed through the
 * recording connector (`createFeedConnector`), normalised by the venue format's mapper into
 * canonical market event drafts in the instruments' integer units, stamped with the frame's
 * capture time (the session's wall clock on receipt) as tsLocalNs and the venue's time as
 * tsEventNs; feed health per instrument from the connector's events and the mapper's findings.
 * The same frames are recorded, byte for byte, through the recorder's FeedRecorder into
 * `<data>/raw/{venue}/{feed}/{window}/` with the session as provenance, so `chassis quality run`
 * promotes the session's window and a backtest can replay it.
 *
 * Flow, per frame (synchronously, in order of receipt):
 *   connector ─frame─► FeedRecorder.frame (raw line)          ─► FrameNormalizer (mapper)
 *     ─records─► sync issues → FeedHealth (gap, checksum → the book waits for a snapshot)
 *             ─► CanonicalEvents (gate admission, integer units) ─► sink.market
 *     ─► FeedHealth.settle ─► sink.feedHealth(restored)
 *   connector ─event─► FeedRecorder.event; gap / silent / resync / malformed / lost connection
 *     ─► sink.feedHealth(degraded); synced ─► restored when the book is in sync
 *
 * A book is never fed from an unsynchronised state: the mapper emits book deltas only once a
 * snapshot was applied, and everything it buffers before is released in order after it.
 */
import { ChassisError, type EventDraft, type Instrument, type MarketEvent } from '@chassis/core';
import type { Storage } from '@chassis/storage';
import { FeedRecorder, recoverOpenWindows, type RecordingLog } from '@chassis/recording';
import {
  createFeedConnector,
  feedName,
  type CapturedFrame,
  type ConnectionEvent,
  type ConnectorOptions,
  type Endpoints,
  type FeedConnector,
  type FeedSpec,
  type NormalizedRecord,
  type ProtocolOverrides,
  type RecordChannel,
  type VenueId,
} from '@chassis/venues';
import type { LiveClock, MarketInput, MarketInputSink } from '../contracts.ts';
import { CanonicalEvents } from './canonical-events.ts';
import { FeedHealth } from './feed-health.ts';
import { FrameNormalizer } from './frame-normalizer.ts';

/** Where and how the session's raw frames are recorded (as `chassis record` does). */
export interface SessionRecordingOptions {
  /** The data root (local directory or S3): frames go to `raw/{venue}/{feed}/{window}/`. */
  readonly storage: Storage;
  /** Local directory for open windows; default the data root itself (fs only). */
  readonly spoolDir?: string;
  /** Window length, ns, a whole number of seconds dividing a day; default one hour. */
  readonly windowNs?: bigint;
  /** ≤ 1000 ms: what a SIGKILL can lose of the recording (default 1000). */
  readonly flushIntervalMs?: number;
  /** Bound of the buffer between capture and disk, bytes (default 64 MiB). */
  readonly bufferLimitBytes?: number;
}

export interface MarketInputOptions {
  readonly venue: VenueId;
  /** The session's instruments on this venue; `symbol` is the venue's spelling, events name `id`. */
  readonly instruments: readonly Instrument[];
  /** Default depth, trade and bbo. */
  readonly channels?: readonly RecordChannel[];
  /** The session's wall clock (ns, never backwards): capture time of every frame = tsLocalNs. */
  readonly clock: LiveClock;
  /** Session id: connection ids, raw file names and the manifests' provenance name it. */
  readonly session: string;
  readonly endpoints?: Endpoints;
  readonly overrides?: ProtocolOverrides;
  /** Jitter source for reconnect backoff (tests); default Math.random. */
  readonly random?: () => number;
  /** Raw recording of the session's frames; null = none (tests, or a session told not to record). */
  readonly recording: SessionRecordingOptions | null;
  readonly log: RecordingLog;
  /** Every connection event, after it was handled (logging, metrics). */
  readonly onConnectionEvent?: (event: ConnectionEvent) => void;
  /** The connector factory (tests may inject one); default createFeedConnector. */
  readonly connect?: (spec: FeedSpec, options: ConnectorOptions) => FeedConnector;
}

/** Counters of what the input did, for status, metrics and tests. */
export interface MarketInputStats {
  frames: number;
  events: number;
  /** Records the gate would not store either (repeats), or with no level. */
  dropped: number;
  /** Frames that are not market data of the venue (subscription answers, keep-alive replies). */
  skipped: number;
  /** Events whose capture time was before the previous event's and was raised to it (tsLocal never goes back). */
  clampedTsLocal: number;
}

const DEFAULT_CHANNELS: readonly RecordChannel[] = ['depth', 'trade', 'bbo'];
const HOUR_NS = 3_600_000_000_000n;

/** Opens the market input: recovers raw windows a dead session left open, then returns it ready to start. */
export async function openMarketInput(o: MarketInputOptions): Promise<VenueMarketInput> {
  if (o.recording !== null) {
    const spoolDir = spoolDirOf(o.recording);
    await recoverOpenWindows({ storage: o.recording.storage, spoolDir, log: o.log });
  }
  return new VenueMarketInput(o);
}

function spoolDirOf(r: SessionRecordingOptions): string {
  if (r.spoolDir !== undefined) return r.spoolDir;
  if (r.storage.kind !== 'fs')
    throw new ChassisError(
      'E_LIVE_CONFIG',
      `data root ${r.storage.root} is an object store: the session's raw recording needs a local spool directory`,
    );
  return r.storage.root;
}

export class VenueMarketInput implements MarketInput {
  readonly stats: MarketInputStats = { frames: 0, events: 0, dropped: 0, skipped: 0, clampedTsLocal: 0 };
  readonly spec: FeedSpec;
  private readonly bySymbol = new Map<string, CanonicalEvents>();
  private readonly normalizer: FrameNormalizer;
  private sink: MarketInputSink | null = null;
  private health: FeedHealth | null = null;
  private connector: FeedConnector | null = null;
  private recorder: FeedRecorder | null = null;
  private lastTsLocalNs = 0n;
  private stopped = false;

  constructor(private readonly o: MarketInputOptions) {
    if (o.instruments.length === 0)
      throw new ChassisError('E_LIVE_CONFIG', `market input for ${o.venue} needs at least one instrument`);
    for (const inst of o.instruments) {
      if (inst.venue !== o.venue) throw new ChassisError('E_LIVE_CONFIG', `instrument ${inst.id} is not on ${o.venue}`);
      this.bySymbol.set(inst.symbol, new CanonicalEvents(inst));
    }
    const symbols = o.instruments.map((i) => i.symbol);
    this.spec = { venue: o.venue, symbols, channels: o.channels ?? DEFAULT_CHANNELS };
    this.normalizer = new FrameNormalizer(o.venue, symbols, `live:${o.session}`);
  }

  /** The raw feed directory under `raw/{venue}/`. */
  get feed(): string {
    return feedName(this.spec);
  }

  start(sink: MarketInputSink): void {
    if (this.sink !== null) return;
    this.sink = sink;
    const o = this.o;
    this.health = new FeedHealth(
      o.instruments.map((i) => i.id),
      this.spec.channels.includes('depth'),
      (id, state, reason) => sink.feedHealth(id, state, reason),
    );
    if (o.recording !== null) {
      const r = o.recording;
      this.recorder = new FeedRecorder({
        storage: r.storage,
        spoolDir: spoolDirOf(r),
        venue: o.venue,
        feed: this.feed,
        symbols: this.spec.symbols,
        session: o.session,
        windowNs: r.windowNs ?? HOUR_NS,
        flushIntervalMs: r.flushIntervalMs ?? 1000,
        bufferLimitBytes: r.bufferLimitBytes ?? 64 * 1024 * 1024,
        clock: o.clock,
        log: o.log,
      });
      void this.recorder.failed.then((err) =>
        o.log.error(
          { code: err.code, session: o.session },
          `the session's raw recording stopped: ${err.message}; market data still flows to the session`,
        ),
      );
    }
    const connect = o.connect ?? createFeedConnector;
    this.connector = connect(this.spec, {
      clock: o.clock,
      sink: { frame: (f) => this.onFrame(f), event: (e) => this.onEvent(e) },
      ...(o.endpoints !== undefined ? { endpoints: o.endpoints } : {}),
      connectionIdPrefix: o.session,
      ...(o.random !== undefined ? { random: o.random } : {}),
      ...(o.overrides !== undefined ? { overrides: o.overrides } : {}),
    });
    this.connector.start();
  }

  async stop(reason: string): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.connector?.stop(reason);
    await this.recorder?.close(reason);
  }

  private onFrame(frame: CapturedFrame): void {
    if (this.stopped) return;
    this.recorder?.frame(frame);
    this.stats.frames++;
    const health = this.health!;
    const out = this.normalizer.map(frame);
    if (out.kind === 'skipped') this.stats.skipped++;
    else if (out.kind === 'unreadable') health.bookLost(null, out.reason);
    else for (const r of out.records) this.onRecord(r);
    health.settle();
  }

  private onRecord(r: NormalizedRecord): void {
    const health = this.health!;
    if (r.kind === 'sync_issue') {
      const id = r.instrument === '' ? null : this.bySymbol.get(r.instrument)?.instrument.id;
      if (id === undefined) return; // another instrument's finding
      if (r.issue === 'gap' || r.issue === 'checksum_mismatch') health.bookLost(id, `${r.issue}: ${r.message}`);
      else if (r.issue === 'parse_error') health.degrade(id, `${r.issue}: ${r.message}`);
      return; // stale_dropped and duplicate are the normal sync procedure; unknown_field is schema drift, the record itself is kept
    }
    const canonical = this.bySymbol.get(r.instrument);
    if (canonical === undefined) return;
    const id = canonical.instrument.id;
    let tsLocalNs = r.tsLocalNs;
    if (tsLocalNs < this.lastTsLocalNs) {
      tsLocalNs = this.lastTsLocalNs;
      this.stats.clampedTsLocal++;
    }
    const c = canonical.convert(r, tsLocalNs);
    if (c.kind === 'dropped') {
      this.stats.dropped++;
      return;
    }
    if (c.kind === 'unrepresentable') {
      if (r.kind === 'book_delta') health.bookLost(id, c.reason);
      else health.degrade(id, c.reason);
      return;
    }
    this.lastTsLocalNs = tsLocalNs;
    this.stats.events++;
    this.sink!.market(c.event as EventDraft<MarketEvent>);
    if (r.kind === 'book_delta' && r.isSnapshot) health.snapshotApplied(id);
    health.marketData(id);
  }

  private onEvent(e: ConnectionEvent): void {
    if (this.stopped) return;
    this.recorder?.event(e);
    this.o.onConnectionEvent?.(e);
    const health = this.health!;
    // Per-symbol events name the venue symbol; another feed's symbol is none of ours.
    const id = e.instrument === undefined ? null : this.bySymbol.get(e.instrument)?.instrument.id;
    if (id === undefined) return;
    switch (e.type) {
      case 'gap':
      case 'silent':
      case 'resync':
      case 'malformed':
      case 'reconnect-scheduled': // an unplanned loss (a rotation or a stop closes without scheduling a reconnect)
        health.degrade(id, `${e.type} on ${e.connectionId}: ${e.reason}`);
        break;
      case 'synced':
        if (id !== null) health.bookSynced(id, e.reason);
        break;
      default:
        break;
    }
    health.settle();
  }
}
