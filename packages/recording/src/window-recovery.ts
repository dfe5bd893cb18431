/**
 * recoverOpenWindows: on start, publish what a dead session left in its open windows. A window
 * still has its `open.json` when its session never closed it (SIGKILL, power loss, a disk
 * failure). If that session is dead — its pid is gone on this host, the pid is ours but the
 * session is not one of this process's, or it ran on another host and its heartbeat is stale —
 * each of its part files is
 * truncated to the last complete gzip member (whole lines only), and a manifest marked
 * 'incomplete' is published with what was durable, a gap from the last durable message to the
 * recovery time (or the window end), and the gaps and connection events of the last heartbeat.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, truncate } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { processExists, type Storage } from '@chassis/storage';
import type { DatasetManifest } from '@chassis/quality';
import { completeMembers } from './gzip-members.ts';
import { buildManifest } from './manifest-builder.ts';
import { isLiveSession, openWindowSchema, type OpenWindowState } from './open-window.ts';
import { onDisk, syncDirectory, nodeRecordingFs, type RecordingFileSystem } from './recording-fs.ts';
import type { RecordingLog } from './recording-log.ts';
import { MANIFEST_FILE, OPEN_FILE, PART_FILE } from './window-layout.ts';
import { localPathOf } from './window-writer.ts';
import type { PartFileSummary } from './raw-part-file.ts';

export interface RecoveredWindow {
  /** raw/{venue}/{feed}/{window} of the recovered window. */
  readonly dirKey: string;
  readonly session: string;
  /** The published manifest, or null when nothing durable was left (the directory was removed). */
  readonly manifest: DatasetManifest | null;
  /** Bytes cut from the part files (a torn last member). */
  readonly truncatedBytes: number;
}

export interface RecoverOptions {
  readonly storage: Storage;
  readonly spoolDir: string;
  readonly log: RecordingLog;
  readonly fs?: RecordingFileSystem;
  /** Recovery time, ns since the epoch (default now): the end of the crash gap, capped at the window end. */
  readonly nowNs?: bigint;
  /** A window of another host counts as abandoned once its heartbeat is this old, ms (default 60,000; heartbeats come every ≤ 5 s). */
  readonly staleAfterMs?: number;
}

/** The head of a raw line: capture time and connection id (the writer's fixed field order). */
const LINE_HEAD = /^\{"tsLocalNs":"(\d+)","venue":"[^"]*","feed":"(?:[^"\\]|\\.)*","connectionId":("(?:[^"\\]|\\.)*")/;

/** Directories three levels under raw/ (venue/feed/window) that hold an open.json. */
async function openWindowDirs(spoolDir: string): Promise<string[]> {
  const out: string[] = [];
  const sub = async (dir: string): Promise<string[]> => {
    try {
      return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
    } catch {
      return [];
    }
  };
  for (const venue of await sub(join(spoolDir, 'raw')))
    for (const feed of await sub(venue))
      for (const win of await sub(feed)) {
        const names = await readdir(win);
        if (names.includes(OPEN_FILE)) out.push(win);
      }
  return out.sort();
}

/**
 * Whether the session that left this heartbeat is gone. On this host: its pid is gone, or the pid
 * is ours but the session is not one of ours. On another host (a shared spool) its pid cannot be
 * checked, so only a heartbeat older than `staleAfterMs` says so — cutting a file another
 * machine is still appending to would destroy data.
 */
function isDead(s: OpenWindowState, staleAfterMs: number, nowMs: number): boolean {
  if (isLiveSession(s.session)) return false;
  if (s.host !== hostname()) return nowMs - s.updatedAtMs > staleAfterMs;
  return s.pid === process.pid || !processExists(s.pid);
}

interface RecoveredPart {
  readonly summary: PartFileSummary;
  readonly cut: number;
  readonly firstNs: string | undefined;
  readonly lastNs: string | undefined;
  readonly connectionIds: readonly string[];
}

/** Cuts a part file to its durable prefix and accounts for what remains, member by member. */
async function recoverPart(fs: RecordingFileSystem, path: string, key: string): Promise<RecoveredPart> {
  const bytes = await readFile(path);
  const ids = new Set<string>();
  let firstNs: string | undefined;
  let lastNs: string | undefined;
  let messages = 0;
  let durable = 0;
  for (const m of completeMembers(bytes)) {
    durable = m.end;
    const lines = m.data.toString('utf8').split('\n');
    lines.pop(); // a member ends with a newline: the last piece is empty
    messages += lines.length;
    for (const line of lines) {
      const head = LINE_HEAD.exec(line);
      if (head === null) continue;
      firstNs ??= head[1];
      lastNs = head[1];
      ids.add(JSON.parse(head[2]!) as string);
    }
  }
  if (durable < bytes.length) {
    await onDisk(path, 'truncating to the last complete gzip member', () => truncate(path, durable));
    const fh = await fs.open(path, 'r');
    await onDisk(path, 'fsync', () => fh.sync()).finally(() => fh.close());
  }
  const sha256 = createHash('sha256').update(bytes.subarray(0, durable)).digest('hex');
  return { summary: { key, sha256, bytes: durable, messages }, cut: bytes.length - durable, firstNs, lastNs, connectionIds: [...ids] };
}

async function recoverWindow(o: RecoverOptions, fs: RecordingFileSystem, inPlace: boolean, dir: string, s: OpenWindowState): Promise<RecoveredWindow> {
  const names = (await readdir(dir)).filter((n) => PART_FILE.exec(n)?.[2] === s.session).sort();
  const parts: RecoveredPart[] = [];
  for (const n of names) parts.push(await recoverPart(fs, join(dir, n), `${s.dirKey}/${n}`));
  await onDisk(dir, 'fsync of the window directory', () => syncDirectory(fs, dir));
  const cut = parts.reduce((n, p) => n + p.cut, 0);
  const kept = parts.filter((p) => p.summary.messages > 0);
  if (kept.length === 0) {
    o.log.warn({ dir: s.dirKey, session: s.session }, 'open window of a dead session held no durable message; removed without a manifest');
    await onDisk(dir, 'removing the empty window', () => fs.rm(dir));
    return { dirKey: s.dirKey, session: s.session, manifest: null, truncatedBytes: cut };
  }
  const firstNs = kept[0]!.firstNs;
  const lastNs = kept[kept.length - 1]!.lastNs;
  const nowNs = o.nowNs ?? BigInt(Date.now()) * 1_000_000n;
  const endNs = BigInt(s.window.endNs);
  const crashGap = {
    fromNs: lastNs ?? s.window.startNs,
    toNs: String(nowNs < endNs ? nowNs : endNs),
    reason: `recorder session ${s.session} (pid ${s.pid} on ${s.host}) ended without closing the window; nothing after its last durable message was recorded`,
  };
  const account = {
    ...s,
    ...(firstNs !== undefined ? { firstCaptureNs: firstNs } : {}),
    ...(lastNs !== undefined ? { lastCaptureNs: lastNs } : {}),
    gaps: [...s.gaps, crashGap],
    connectionIds: [...new Set([...s.connectionIds, ...kept.flatMap((p) => p.connectionIds)])],
  };
  if (!inPlace) for (const p of kept) await o.storage.putFile(p.summary.key, join(dir, p.summary.key.slice(s.dirKey.length + 1)));
  const manifest = buildManifest(account, kept.map((p) => p.summary), 'incomplete');
  await o.storage.put(`${s.dirKey}/${MANIFEST_FILE}`, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'));
  await onDisk(dir, 'removing the heartbeat', () => fs.rm(inPlace ? join(dir, OPEN_FILE) : dir));
  o.log.warn({ dir: s.dirKey, session: s.session, messages: manifest.messages, truncatedBytes: cut }, 'published the open window of a dead recorder session as incomplete');
  return { dirKey: s.dirKey, session: s.session, manifest, truncatedBytes: cut };
}

/** Publishes a manifest (completeness 'incomplete') for every window a dead session left open. */
export async function recoverOpenWindows(o: RecoverOptions): Promise<RecoveredWindow[]> {
  const fs = o.fs ?? nodeRecordingFs;
  const inPlace = o.storage.kind === 'fs' && resolve(o.storage.root) === resolve(o.spoolDir);
  const out: RecoveredWindow[] = [];
  for (const dir of await openWindowDirs(o.spoolDir)) {
    const text = await readFile(join(dir, OPEN_FILE), 'utf8');
    let state: OpenWindowState;
    try {
      state = openWindowSchema.parse(JSON.parse(text));
    } catch (err) {
      o.log.error({ dir, error: (err as Error).message }, 'unreadable open.json: window left as it is for an operator to inspect');
      continue;
    }
    if (localPathOf(o.spoolDir, state.dirKey) !== dir) {
      o.log.error({ dir, dirKey: state.dirKey }, 'open.json names another directory: window left as it is');
      continue;
    }
    if (!isDead(state, o.staleAfterMs ?? 60_000, Date.now())) {
      o.log.info({ dir: state.dirKey, session: state.session, pid: state.pid }, 'window is open by a live recorder; left alone');
      continue;
    }
    out.push(await recoverWindow(o, fs, inPlace, dir, state));
  }
  return out;
}
