/**
 * Backtest leftovers under `<data root>/experiments/` for `chassis gc`:
 * - `.staging-<run id>-<nonce>`: a run being written; abandoned when its owner process is gone
 *   (storage's staging-owner rule), in use while it lives;
 * - `<run id>.old-<pid>-<ms>`: the previous copy of a run being replaced (artifacts.ts publish);
 *   left when pid was killed between its two renames: removed when the run is back in place,
 *   renamed back when the run directory is missing;
 * - a run directory whose manifest says `failed` (only a manifest, written when a run failed).
 * Completed and halted runs, experiment directories and anything else are never listed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readRunManifest } from './run-manifest.ts';
import { entriesOf, isDirectory, orphanOwnerItems, processExists, stagingItem, type GcItem } from '@chassis/storage';

const EXPERIMENTS = 'experiments';
const OLD_COPY = /^(.+)\.old-(\d+)-\d+$/;

/** Status of a run directory's manifest.json, or null when it has none that parses as a manifest (then it is not touched). */
function manifestStatus(dir: string): string | null {
  if (!existsSync(join(dir, 'manifest.json'))) return null;
  try {
    return readRunManifest(dir).status;
  } catch {
    return null;
  }
}

function oldCopyItem(dataRoot: string, name: string): GcItem | null {
  const m = OLD_COPY.exec(name);
  if (!m) return null;
  const [, runDir, pidText] = m;
  const rel = `${EXPERIMENTS}/${name}`;
  const pid = Number(pidText);
  if (processExists(pid)) return { path: rel, action: 'keep', reason: `being replaced by pid ${pid}` };
  if (isDirectory(join(dataRoot, EXPERIMENTS, runDir!))) return { path: rel, action: 'remove', reason: `previous copy of ${runDir}, which was replaced` };
  return { path: rel, action: 'restore', restoreTo: `${EXPERIMENTS}/${runDir}`, reason: `previous copy of ${runDir}; pid ${pid} was killed before the new copy was in place` };
}

/** Every backtest leftover under the data root's experiments/, with what gc does about it. */
export function runGcItems(dataRoot: string, nowMs: number): GcItem[] {
  const items: GcItem[] = [];
  for (const name of entriesOf(dataRoot, EXPERIMENTS, (n) => !n.endsWith('.owner'))) {
    const rel = `${EXPERIMENTS}/${name}`;
    if (!isDirectory(join(dataRoot, rel))) continue;
    if (name.startsWith('.staging-')) {
      items.push(stagingItem(dataRoot, rel, nowMs));
      continue;
    }
    const old = oldCopyItem(dataRoot, name);
    if (old) items.push(old);
    else if (manifestStatus(join(dataRoot, rel)) === 'failed') items.push({ path: rel, action: 'remove', reason: 'failed run (its manifest says failed)' });
  }
  return [...items, ...orphanOwnerItems(dataRoot, EXPERIMENTS)];
}
