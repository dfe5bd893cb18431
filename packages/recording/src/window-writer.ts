/**
 * One recording window of one session: its directory, its raw part files (a new one after
 * maxPartBytes, so that no file outgrows what recovery can read), its heartbeat and what
 * it has seen (counts, capture times, gaps, connection events). Closing it publishes the
 * manifest, last: files fsynced and closed, directory fsynced (seal), then files uploaded when
 * the storage is remote, the manifest written, and the heartbeat removed (publish).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Storage } from '@chassis/storage';
import type { DatasetManifest, ManifestConnectionEvent, ManifestGap } from '@chassis/quality';
import type { ConnectionEvent, VenueId } from '@chassis/venues';
import { buildManifest } from './manifest-builder.ts';
import { OPEN_FILE, MANIFEST_FILE, feedPrefix, partFileName, windowName } from './window-layout.ts';
import type { OpenWindowState } from './open-window.ts';
import { RawPartFile, type PartFileSummary } from './raw-part-file.ts';
import { onDisk, syncDirectory, writeAll, type RecordingFileSystem } from './recording-fs.ts';
import type { RecordingLog } from './recording-log.ts';
import type { LineRun } from './record-buffer.ts';

/** What every window of one feed recorder shares. */
export interface WindowContext {
  readonly fs: RecordingFileSystem;
  readonly storage: Storage;
  readonly spoolDir: string;
  /** True when the spool directory is the storage's own root (fs): files are written in place. */
  readonly inPlace: boolean;
  readonly venue: VenueId;
  readonly feed: string;
  readonly symbols: readonly string[];
  readonly session: string;
  readonly host: string;
  readonly gzipLevel: number;
  /** A part file that reached this size (compressed bytes) is closed and the next one begun. */
  readonly maxPartBytes: number;
  readonly heartbeatIntervalMs: number;
  readonly log: RecordingLog;
}

export function localPathOf(spoolDir: string, key: string): string {
  return join(spoolDir, ...key.split('/'));
}

/** A connection event as the manifest lists it (the symbol, when per symbol, leads the reason). */
export function manifestEvent(e: ConnectionEvent): ManifestConnectionEvent {
  const reason = e.instrument !== undefined && !e.reason.includes(e.instrument) ? `${e.instrument}: ${e.reason}` : e.reason;
  return { tsNs: String(e.tsNs), connectionId: e.connectionId, type: e.type, reason };
}

export function manifestGap(e: ConnectionEvent): ManifestGap {
  return {
    fromNs: String(e.fromNs ?? e.tsNs),
    toNs: String(e.toNs ?? e.tsNs),
    reason: e.reason,
    ...(e.instrument !== undefined ? { instrument: e.instrument } : {}),
  };
}

/** Writes a small file atomically: temp file, (fsync), rename, (fsync the directory). */
export async function replaceFile(fs: RecordingFileSystem, path: string, text: string, durable: boolean): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const file = await onDisk(tmp, 'creating', () => fs.open(tmp, 'w'));
  try {
    await onDisk(tmp, 'writing', () => writeAll(file, Buffer.from(text, 'utf8')));
    if (durable) await onDisk(tmp, 'fsync', () => file.sync());
  } finally {
    await file.close();
  }
  await onDisk(path, 'renaming into place', () => fs.rename(tmp, path));
  if (durable) await onDisk(join(path, '..'), 'fsync of the directory', () => syncDirectory(fs, join(path, '..')));
}

export class WindowWriter {
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly dirKey: string;
  private readonly ctx: WindowContext;
  private readonly localDir: string;
  private readonly coveredFromStart: boolean;
  private part: RawPartFile | null = null;
  /** Parts already full and closed, in order. */
  private readonly closedParts: PartFileSummary[] = [];
  private messages = 0;
  private firstNs: bigint | null = null;
  private lastNs: bigint | null = null;
  private readonly gaps: ManifestGap[] = [];
  private readonly events: ManifestConnectionEvent[] = [];
  private readonly connectionIds = new Set<string>();
  private lastHeartbeatMs = 0;

  private constructor(ctx: WindowContext, startNs: bigint, endNs: bigint, dirKey: string, coveredFromStart: boolean) {
    this.ctx = ctx;
    this.startNs = startNs;
    this.endNs = endNs;
    this.dirKey = dirKey;
    this.localDir = localPathOf(ctx.spoolDir, dirKey);
    this.coveredFromStart = coveredFromStart;
  }

  /** Claims a directory for the window and writes its first heartbeat durably. */
  static async open(ctx: WindowContext, startNs: bigint, endNs: bigint, coveredFromStart: boolean): Promise<WindowWriter> {
    const base = `${feedPrefix(ctx.venue, ctx.feed)}/${windowName(startNs)}`;
    let dirKey = base;
    for (let n = 1; existsSync(localPathOf(ctx.spoolDir, dirKey)) || (await ctx.storage.stat(`${dirKey}/${MANIFEST_FILE}`)) !== null; n++) {
      dirKey = n === 1 ? `${base}-${ctx.session}` : `${base}-${ctx.session}-${n}`;
    }
    const w = new WindowWriter(ctx, startNs, endNs, dirKey, coveredFromStart);
    await onDisk(w.localDir, 'creating the window directory', () => ctx.fs.mkdir(w.localDir));
    await onDisk(join(w.localDir, '..'), 'fsync of the feed directory', () => syncDirectory(ctx.fs, join(w.localDir, '..')));
    await w.heartbeat(null, 0, true);
    return w;
  }

  get messageCount(): number {
    return this.messages;
  }

  get hasGaps(): boolean {
    return this.gaps.length > 0;
  }

  /** A connection event of this window: gaps to the gap list, the rest to the event log. */
  record(e: ConnectionEvent): void {
    // The recorder's own events (stop, forced drops) carry the session id, which is no connection.
    if (e.connectionId !== this.ctx.session) this.connectionIds.add(e.connectionId);
    if (e.type === 'gap') this.gaps.push(manifestGap(e));
    else this.events.push(manifestEvent(e));
  }

  /** Appends runs of lines as one durable gzip member (creating the part file on first use). */
  async append(runs: readonly LineRun[], connectionIds: Iterable<string>): Promise<void> {
    if (this.part !== null && this.part.bytes >= this.ctx.maxPartBytes) {
      this.closedParts.push(await this.part.close());
      this.part = null;
    }
    if (this.part === null) {
      const key = `${this.dirKey}/${partFileName(this.closedParts.length, this.ctx.session)}`;
      this.part = await RawPartFile.create(this.ctx.fs, key, localPathOf(this.ctx.spoolDir, key), this.ctx.gzipLevel);
      await onDisk(this.localDir, 'fsync of the window directory', () => syncDirectory(this.ctx.fs, this.localDir));
    }
    let text = '';
    let messages = 0;
    for (const r of runs) {
      text += r.lines.join('');
      messages += r.lines.length;
    }
    await this.part.appendMember(text, messages);
    this.messages += messages;
    this.firstNs ??= runs[0]!.firstNs;
    this.lastNs = runs[runs.length - 1]!.lastNs;
    for (const id of connectionIds) this.connectionIds.add(id);
  }

  private state(lagMs: number | null, nowMs: number): OpenWindowState {
    return {
      format: 'chassis-open-window-v1',
      session: this.ctx.session,
      pid: process.pid,
      host: this.ctx.host,
      venue: this.ctx.venue,
      feed: this.ctx.feed,
      symbols: [...this.ctx.symbols],
      dirKey: this.dirKey,
      window: { startNs: String(this.startNs), endNs: String(this.endNs) },
      coveredFromStart: this.coveredFromStart,
      files: [...this.closedParts, ...(this.part === null ? [] : [this.part])].map((f) => ({ key: f.key, bytes: f.bytes, messages: f.messages })),
      messages: this.messages,
      ...(this.firstNs !== null ? { firstCaptureNs: String(this.firstNs) } : {}),
      ...(this.lastNs !== null ? { lastCaptureNs: String(this.lastNs) } : {}),
      gaps: [...this.gaps],
      connectionEvents: [...this.events],
      connectionIds: [...this.connectionIds],
      lagMs,
      updatedAtMs: nowMs,
    };
  }

  /** Rewrites open.json when the last one is older than the heartbeat interval (or when forced). */
  async heartbeat(lagMs: number | null, nowMs: number, force = false): Promise<void> {
    if (!force && nowMs - this.lastHeartbeatMs < this.ctx.heartbeatIntervalMs) return;
    this.lastHeartbeatMs = nowMs;
    // Only the first heartbeat must be durable (it is what recovery finds); later ones only refresh counts.
    await replaceFile(this.ctx.fs, join(this.localDir, OPEN_FILE), `${JSON.stringify(this.state(lagMs, nowMs), null, 2)}\n`, force);
  }

  /**
   * Seals the window: closes the part file and fsyncs the directory, so everything in it is
   * durable. Returns the step that publishes it — upload when the storage is remote, then the
   * manifest, then the heartbeat removed — which the recorder runs beside the next window's
   * writes. 'complete' only when this session recorded the window from its start to its end
   * without a gap. Publishing an empty window removes it and yields null.
   */
  async seal(atBoundary: boolean): Promise<() => Promise<DatasetManifest | null>> {
    const files: PartFileSummary[] = [...this.closedParts, ...(this.part === null ? [] : [await this.part.close()])];
    this.part = null;
    await onDisk(this.localDir, 'fsync of the window directory', () => syncDirectory(this.ctx.fs, this.localDir));
    const completeness = atBoundary && this.coveredFromStart && this.gaps.length === 0 ? 'complete' : 'partial';
    const account = { ...this.state(null, 0), window: { startNs: String(this.startNs), endNs: String(this.endNs) } };
    return () => this.publish(files, buildManifest(account, files, completeness));
  }

  private async publish(files: readonly PartFileSummary[], manifest: DatasetManifest): Promise<DatasetManifest | null> {
    if (manifest.messages === 0) {
      this.ctx.log.info({ dir: this.dirKey, events: this.events.length, gaps: this.gaps.length }, 'window closed without any message; no manifest published');
      await onDisk(this.localDir, 'removing the empty window', () => this.ctx.fs.rm(this.localDir));
      return null;
    }
    const { storage } = this.ctx;
    if (!this.ctx.inPlace) for (const f of files) await onDisk(`${storage.root}/${f.key}`, 'uploading the raw file', () => storage.putFile(f.key, localPathOf(this.ctx.spoolDir, f.key)));
    const key = `${this.dirKey}/${MANIFEST_FILE}`;
    await onDisk(`${storage.root}/${key}`, 'publishing the manifest', () => storage.put(key, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8')));
    await onDisk(this.localDir, 'removing the heartbeat', () => this.ctx.fs.rm(this.ctx.inPlace ? join(this.localDir, OPEN_FILE) : this.localDir));
    this.ctx.log.info({ dir: this.dirKey, messages: manifest.messages, completeness: manifest.completeness, gaps: manifest.gaps.length }, 'window published');
    return manifest;
  }

  /** Releases the part file after a failure; the heartbeat stays, so the next start recovers what was durable. */
  async abandon(): Promise<void> {
    await this.part?.abandon();
    this.part = null;
  }
}
