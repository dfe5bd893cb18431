/**
 * What the recorder reports to Prometheus. The writer and the process call this interface; the
 * prom-client implementation registers the `chassis_record_*` metrics of the monitoring catalog.
 *
 * Like the monitoring probes, a call only updates plain numbers of its feed (a few additions, one
 * wall-clock read per frame); the exposition text is computed when Prometheus scrapes.
 */
import { statfs } from 'node:fs/promises';
import type { Registry } from 'prom-client';
import { emitHistogram, recordLagBucketsSeconds, registerCatalogMetric, type EmitSample, type MetricLabels } from '@chassis/monitoring';
import type { ConnectionEventType } from '@chassis/venues';

export interface RecordingMetrics {
  /** One frame captured; lagMs = capture time − venue event time, null when the frame carries none. */
  frame(venue: string, feed: string, bytes: number, lagMs: number | null): void;
  connectionEvent(venue: string, feed: string, type: ConnectionEventType): void;
  /** Buffered bytes / buffer limit, 0…1. */
  bufferFill(venue: string, feed: string, ratio: number): void;
  diskFreeBytes(bytes: number): void;
  /** Messages the writer had to drop (each drop is also a recorded gap). */
  dropped(venue: string, feed: string, messages: number): void;
}

export interface RecordingMetricsOptions {
  /** Wall clock for the last-message timestamp, ms since the Unix epoch (default Date.now; injectable for tests). */
  readonly nowMs?: () => number;
}

/** Counters of one venue feed, updated in place. */
interface FeedStats {
  readonly labels: MetricLabels;
  messages: number;
  bytes: number;
  lastMessageUnixSeconds: number;
  /** Per lag bucket (le = recordLagBucketsSeconds[i]), plus one above the last bound. */
  readonly lagCounts: Float64Array;
  lagSumSeconds: number;
  lagCount: number;
  bufferFillRatio: number;
  dropped: number;
  /** Connection events by type, in first-seen order. */
  readonly events: Map<ConnectionEventType, number>;
}

/** Index of the lag bucket an observation falls in: the first bound ≥ seconds (the +Inf slot above the last). */
function lagBucket(seconds: number): number {
  const bounds = recordLagBucketsSeconds;
  for (let i = 0; i < bounds.length; i++) if (seconds <= bounds[i]!) return i;
  return bounds.length;
}

/** The per-feed store: a two-level map so a frame costs two lookups and no string building. */
class FeedTable {
  private readonly byVenue = new Map<string, Map<string, FeedStats>>();
  private readonly nowMs: () => number;

  constructor(nowMs: () => number) {
    this.nowMs = nowMs;
  }

  get(venue: string, feed: string): FeedStats {
    let feeds = this.byVenue.get(venue);
    if (feeds === undefined) this.byVenue.set(venue, (feeds = new Map()));
    let stats = feeds.get(feed);
    if (stats === undefined) feeds.set(feed, (stats = this.create(venue, feed)));
    return stats;
  }

  /** Every feed seen, in first-seen order (stable exposition order). */
  *all(): IterableIterator<FeedStats> {
    for (const feeds of this.byVenue.values()) yield* feeds.values();
  }

  private create(venue: string, feed: string): FeedStats {
    return {
      labels: { component: 'record', venue, feed },
      messages: 0,
      bytes: 0,
      // A feed that never delivers a frame must still look silent to the alert: it starts at first sight.
      lastMessageUnixSeconds: this.nowMs() / 1000,
      lagCounts: new Float64Array(recordLagBucketsSeconds.length + 1),
      lagSumSeconds: 0,
      lagCount: 0,
      bufferFillRatio: 0,
      dropped: 0,
      events: new Map(),
    };
  }
}

function perFeed(table: FeedTable, read: (f: FeedStats) => number) {
  return (emit: EmitSample): void => {
    for (const f of table.all()) emit(f.labels, read(f));
  };
}

/**
 * Registers the `chassis_record_*` catalog metrics in `registry` (a MetricsRegistry's
 * `registry`, or any prom-client Registry) and returns the recorder's side of them.
 */
export function createRecordingMetrics(registry: Registry, options: RecordingMetricsOptions = {}): RecordingMetrics {
  const nowMs = options.nowMs ?? Date.now;
  const feeds = new FeedTable(nowMs);
  let diskFreeBytes: number | null = null;

  registerCatalogMetric(registry, 'chassis_record_messages_total', perFeed(feeds, (f) => f.messages));
  registerCatalogMetric(registry, 'chassis_record_bytes_total', perFeed(feeds, (f) => f.bytes));
  registerCatalogMetric(registry, 'chassis_record_lag_seconds', (emit) => {
    for (const f of feeds.all()) emitHistogram(emit, 'chassis_record_lag_seconds', f.labels, recordLagBucketsSeconds, f.lagCounts, f.lagSumSeconds, f.lagCount);
  });
  registerCatalogMetric(registry, 'chassis_record_last_message_timestamp_seconds', perFeed(feeds, (f) => f.lastMessageUnixSeconds));
  registerCatalogMetric(registry, 'chassis_record_reconnects_total', perFeed(feeds, (f) => f.events.get('reconnect-scheduled') ?? 0));
  registerCatalogMetric(registry, 'chassis_record_gaps_total', perFeed(feeds, (f) => f.events.get('gap') ?? 0));
  registerCatalogMetric(registry, 'chassis_record_connection_events_total', (emit) => {
    for (const f of feeds.all()) for (const [type, count] of f.events) emit({ ...f.labels, type }, count);
  });
  registerCatalogMetric(registry, 'chassis_record_buffer_fill_ratio', perFeed(feeds, (f) => f.bufferFillRatio));
  registerCatalogMetric(registry, 'chassis_record_dropped_messages_total', perFeed(feeds, (f) => f.dropped));
  registerCatalogMetric(registry, 'chassis_record_disk_free_bytes', (emit) => {
    if (diskFreeBytes !== null) emit({ component: 'record' }, diskFreeBytes);
  });

  return {
    frame(venue, feed, bytes, lagMs) {
      const f = feeds.get(venue, feed);
      f.messages++;
      f.bytes += bytes;
      f.lastMessageUnixSeconds = nowMs() / 1000;
      if (lagMs === null || !Number.isFinite(lagMs)) return;
      const seconds = lagMs / 1000;
      const bucket = lagBucket(seconds);
      f.lagCounts[bucket] = f.lagCounts[bucket]! + 1;
      f.lagSumSeconds += seconds;
      f.lagCount++;
    },
    connectionEvent(venue, feed, type) {
      const f = feeds.get(venue, feed);
      f.events.set(type, (f.events.get(type) ?? 0) + 1);
    },
    bufferFill(venue, feed, ratio) {
      feeds.get(venue, feed).bufferFillRatio = ratio;
    },
    diskFreeBytes(bytes) {
      diskFreeBytes = bytes;
    },
    dropped(venue, feed, messages) {
      feeds.get(venue, feed).dropped += messages;
    },
  };
}

/** Bytes available to an unprivileged process on the filesystem holding `path` (statfs: bavail × bsize). */
export async function readDiskFreeBytes(path: string): Promise<number> {
  const st = await statfs(path);
  return st.bavail * st.bsize;
}
