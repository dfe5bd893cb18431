/**
 * What `chassis gc` may remove from a local data root: work that a killed process left behind.
 * Each package that stages work lists its own leftovers as GcItems (storage: transactions under
 * `staging/`; backtesting: run staging and failed runs under `experiments/`); the CLI prints
 * them and, unless it is a dry run, carries them out with applyGcItem.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newestMtimeMs, ownerFileOf, processExists, stagingOwner } from './staging-owner.ts';

/** A staging directory without an owner file (written before owners were recorded) is abandoned once untouched this long. */
export const UNOWNED_STAGING_AGE_MS = 24 * 3600 * 1000;

export interface GcItem {
  /** Path relative to the data root, '/'-separated. */
  readonly path: string;
  readonly action: 'remove' | 'keep' | 'restore';
  /** For 'restore': the path (relative to the data root) it is renamed back to. */
  readonly restoreTo?: string;
  /** Why, in words (e.g. "staging of pid 4123, which is gone"). */
  readonly reason: string;
}

/** Verdict on one staging directory (relative path `rel` under `dataRoot`) from its owner file, or its age when it has none. */
export function stagingItem(dataRoot: string, rel: string, nowMs: number): GcItem {
  const owner = stagingOwner(join(dataRoot, rel));
  switch (owner.state) {
    case 'gone':
      return { path: rel, action: 'remove', reason: `abandoned: its writer, pid ${owner.pid}, is gone` };
    case 'alive':
      return { path: rel, action: 'keep', reason: `in use by pid ${owner.pid}` };
    case 'other_host':
      return { path: rel, action: 'keep', reason: `written by pid ${owner.pid} on host ${owner.host}, which gc cannot check from here` };
    case 'unknown': {
      const idleMs = nowMs - newestMtimeMs(join(dataRoot, rel));
      return idleMs > UNOWNED_STAGING_AGE_MS
        ? { path: rel, action: 'remove', reason: `no owner recorded and untouched for ${Math.floor(idleMs / 3_600_000)} h` }
        : { path: rel, action: 'keep', reason: 'no owner recorded and touched within 24 h' };
    }
  }
}

/** Names of the entries of `dir` (relative to the data root) that pass `keep`; none when it does not exist. */
export function entriesOf(dataRoot: string, dir: string, keep: (name: string) => boolean): string[] {
  const abs = join(dataRoot, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs).filter(keep).sort();
}

/**
 * Storage leftovers: transactions `staging/tx-*` (a dataset being written) by their owner, and
 * temporary objects `staging/objects/tmp-<pid>-*` whose pid is gone.
 */
export function storageGcItems(dataRoot: string, nowMs: number): GcItem[] {
  const items = entriesOf(dataRoot, 'staging', (n) => n.startsWith('tx-') && !n.endsWith('.owner')).map((n) => stagingItem(dataRoot, `staging/${n}`, nowMs));
  for (const n of entriesOf(dataRoot, 'staging/objects', (name) => /^tmp-\d+-/.test(name))) {
    const pid = Number(/^tmp-(\d+)-/.exec(n)![1]);
    if (!processExists(pid)) items.push({ path: `staging/objects/${n}`, action: 'remove', reason: `temporary object of pid ${pid}, which is gone` });
  }
  return [...items, ...orphanOwnerItems(dataRoot, 'staging')];
}

/** Owner files left beside no directory (a writer killed between publishing and releasing). */
export function orphanOwnerItems(dataRoot: string, dir: string): GcItem[] {
  return entriesOf(dataRoot, dir, (n) => n.endsWith('.owner'))
    .filter((n) => !existsSync(join(dataRoot, dir, n.slice(0, -'.owner'.length))))
    .map((n) => ({ path: `${dir}/${n}`, action: 'remove' as const, reason: 'owner file of a staging directory that no longer exists' }));
}

/** Carries out one item: removes it (and its owner file), or renames it back; 'keep' does nothing. */
export function applyGcItem(dataRoot: string, item: GcItem): void {
  const abs = join(dataRoot, item.path);
  if (item.action === 'remove') {
    rmSync(abs, { recursive: true, force: true });
    if (!item.path.endsWith('.owner')) rmSync(ownerFileOf(abs), { force: true });
  } else if (item.action === 'restore' && item.restoreTo !== undefined) {
    renameSync(abs, join(dataRoot, item.restoreTo));
  }
}

/** Whether `path` is a directory (false when it does not exist). */
export function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}
