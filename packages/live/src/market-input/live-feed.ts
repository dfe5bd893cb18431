/**
 * Test support: the market input over the venue server (test/venue-server, real captures in the
 * venue's own protocol), recording the session's raw frames on a fresh data root; and the oracle
 * side: the same window promoted by the quality gate and read back through the backtest feeder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Instrument, MarketEvent } from '@chassis/core';
import { FsStorage, readCanonical, type CanonicalKind } from '@chassis/storage';
import { runPendingManifests, type GateDatasetOutcome } from '@chassis/quality';
import { HistoricalFeeder } from '@chassis/backtesting';
import { MonotonicCaptureClock, type RecordingLog } from '@chassis/recording';
import {
  createFeedConnector,
  type CapturedFrame,
  type ConnectionEvent,
  type ProtocolOverrides,
  type RecordChannel,
  type VenueId,
} from '@chassis/venues';
import { startVenueServer, type VenueServer, type VenueServerOptions } from '../../../../test/venue-server/index.ts';
import type { LiveClock, MarketInputSink } from '../contracts.ts';
import { openMarketInput, type VenueMarketInput } from './market-input.ts';

export { specInstrument } from './spec-instrument.ts';

export const quietLog: RecordingLog = { info: () => {}, warn: () => {}, error: () => {} };

export interface HealthChange {
  readonly instrument: string;
  readonly state: 'degraded' | 'restored';
  readonly reason: string;
  /** Market events delivered before this change. */
  readonly afterEvents: number;
}

export interface LiveFeed {
  readonly root: string;
  readonly storage: FsStorage;
  readonly venue: VenueServer;
  readonly input: VenueMarketInput;
  readonly events: MarketEvent[];
  readonly health: HealthChange[];
  readonly connectionEvents: ConnectionEvent[];
  /** WebSocket data frames the connector delivered (keep-alive replies excluded). */
  readonly wsFrames: { count: number };
}

export interface LiveFeedOptions {
  readonly server: VenueServerOptions;
  readonly venue: VenueId;
  readonly instruments: readonly Instrument[];
  readonly channels?: readonly RecordChannel[];
  readonly overrides?: ProtocolOverrides;
  readonly prepare?: (venue: VenueServer) => void;
  /** The session's clock (default a fresh monotonic one). */
  readonly clock?: LiveClock;
  /** Also receives every market event and health change, after they were collected (a session loop). */
  readonly session?: MarketInputSink;
}

const roots: string[] = [];

export function removeLiveFeedRoots(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}

/** Starts the venue server and a recording market input against it. */
export async function startLiveFeed(o: LiveFeedOptions): Promise<LiveFeed> {
  const root = mkdtempSync(join(tmpdir(), 'chassis-live-input-'));
  roots.push(root);
  const storage = new FsStorage(root);
  const venue = await startVenueServer(o.server);
  o.prepare?.(venue);
  const events: MarketEvent[] = [];
  const health: HealthChange[] = [];
  const connectionEvents: ConnectionEvent[] = [];
  const wsFrames = { count: 0 };
  const input = await openMarketInput({
    venue: o.venue,
    instruments: o.instruments,
    ...(o.channels !== undefined ? { channels: o.channels } : {}),
    clock: o.clock ?? new MonotonicCaptureClock(),
    session: `paper${Date.now().toString(36)}`,
    endpoints: { wsBaseUrl: venue.wsBaseUrl, restBaseUrl: venue.restBaseUrl },
    ...(o.overrides !== undefined ? { overrides: o.overrides } : {}),
    random: () => 0.5,
    // A day-long window: a test crossing an hour boundary still records one window.
    recording: { storage, windowNs: 86_400_000_000_000n, flushIntervalMs: 100 },
    log: quietLog,
    onConnectionEvent: (e) => connectionEvents.push(e),
    // The real connector, its frames counted on the way (the test waits for every served frame).
    connect: (spec, options) =>
      createFeedConnector(spec, {
        ...options,
        sink: {
          frame: (f) => {
            if (f.source === 'ws' && f.keepAlive !== true) wsFrames.count++;
            options.sink.frame(f);
          },
          event: (e) => options.sink.event(e),
        },
      }),
  });
  const sink: MarketInputSink = {
    market: (e) => {
      events.push({ ...e, seq: 0 } as MarketEvent);
      o.session?.market(e);
    },
    feedHealth: (instrument, state, reason) => {
      health.push({ instrument, state, reason, afterEvents: events.length });
      o.session?.feedHealth(instrument, state, reason);
    },
  };
  input.start(sink);
  return { root, storage, venue, input, events, health, connectionEvents, wsFrames };
}

/** Waits until `condition` holds, polling every 10 ms. */
export async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * For a venue server started with `start: 'manual'`: publishes the first messages one by one
 * until the input's book is synced, then starts the replay (a loaded machine may otherwise get
 * its first snapshot too late to use: the connector only fetches one on a break it sees).
 */
export async function syncThenReplay(feed: LiveFeed): Promise<void> {
  await until('the connection', () => feed.venue.openConnections().length === 1);
  feed.venue.step(1);
  await until('the first frame', () => feed.wsFrames.count > 0);
  feed.venue.step(1);
  await until('the book sync', () => feed.events.some((e) => e.kind === 'book_delta'));
  feed.venue.startReplay();
}

/** Ends the market (replay over, or held still with `now`), waits for every served frame, stops input and server. */
export async function finishLiveFeed(feed: LiveFeed, options: { now?: boolean } = {}): Promise<void> {
  if (options.now === true) feed.venue.pause();
  else await feed.venue.ended;
  const served = () =>
    feed.venue.served.filter((s) => s.text !== 'pong' && !s.text.includes('"ret_msg":"pong"')).length;
  await until('the input to receive every served frame', () => feed.wsFrames.count >= served());
  await feed.input.stop('end of the test');
  await feed.venue.close();
}

/** Promotes the recorded window (`chassis quality run`) and returns the gate's datasets. */
export async function promoteRecordedWindow(feed: LiveFeed): Promise<readonly GateDatasetOutcome[]> {
  const runs = await runPendingManifests(feed.storage);
  return runs.flatMap((r) => r.results.flatMap((x) => x.datasets));
}

/** The market events a backtest feeder yields from the datasets of one kind of one instrument (segments in order). */
export async function feederEvents(
  storage: FsStorage,
  datasets: readonly GateDatasetOutcome[],
  instrumentId: string,
  kind: CanonicalKind,
): Promise<MarketEvent[]> {
  const of = datasets
    .filter((d) => `${d.meta.venue}:${d.meta.symbol}` === instrumentId && d.meta.kind === kind)
    .sort((a, b) => a.meta.segment - b.meta.segment);
  const batches = (async function* () {
    for (const d of of) yield* readCanonical(storage, d.meta);
  })();
  const feeder = await HistoricalFeeder.open([{ instrument: instrumentId, batches }]);
  const out: MarketEvent[] = [];
  for (;;) {
    const e = feeder.next();
    if (e !== null) {
      out.push(e);
      continue;
    }
    if (!feeder.needsRefill) return out;
    await feeder.refill();
  }
}

/** An event as comparable plain data: book levels as `side:price:size` text, bigints as text. */
export function plain(e: MarketEvent): Record<string, unknown> {
  const { seq: _seq, ...rest } = e;
  if (e.kind !== 'book_delta')
    return {
      ...rest,
      tsEventNs: String(e.tsEventNs),
      tsLocalNs: String(e.tsLocalNs),
      ...('updateId' in e ? { updateId: String(e.updateId) } : {}),
    };
  const levels: string[] = [];
  for (let i = e.offset; i < e.offset + e.count; i++) levels.push(`${e.sides[i]}:${e.prices[i]}:${e.sizes[i]}`);
  return {
    kind: e.kind,
    instrument: e.instrument,
    tsEventNs: String(e.tsEventNs),
    tsLocalNs: String(e.tsLocalNs),
    updateId: String(e.updateId),
    isSnapshot: e.isSnapshot,
    levels,
  };
}

export type { CapturedFrame };
