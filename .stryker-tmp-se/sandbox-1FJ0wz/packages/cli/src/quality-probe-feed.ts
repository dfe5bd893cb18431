/**
 * Feeds a QualityProbe from `chassis quality run` without touching the gate: the gate works
 * through a Storage, so the command hands it this observing Storage. Reads of manifest files
 * (the gate reads each once to check its sha256) count as import bytes; the gate's write of a
 * manifest's quality.json marks that manifest done, and its datasets (looked up in the catalog
 * for their row counts) move to their final states. Per manifest, never per record.
 */
// @ts-nocheck

import { openCatalog, type Storage } from '@chassis/storage';
import { recordDatasetTransition, type QualityProbe } from '@chassis/monitoring';

interface QualitySummary {
  readonly datasets?: readonly { readonly id: string; readonly outcome: string }[];
  readonly rejected?: readonly unknown[];
}

const stateOf = (outcome: string): string => (outcome === 'already_present' ? 'promoted' : outcome);

export function observeQualityRun(
  storage: Storage,
  probe: QualityProbe,
  pendingManifestKeys: readonly string[],
): Storage {
  const dirOf = (key: string) => key.slice(0, key.lastIndexOf('/') + 1);
  // Each pending manifest counts as one dataset in flight until the gate says what it produced.
  const inFlight = new Map<string, 'discovered' | 'in_validation'>();
  for (const k of pendingManifestKeys) {
    inFlight.set(dirOf(k), 'discovered');
    recordDatasetTransition(probe, null, 'discovered');
  }
  const catalog = openCatalog(storage);
  const observed: Pick<Storage, 'get' | 'put'> = {
    async get(key) {
      const bytes = await storage.get(key);
      const dir = dirOf(key);
      const state = inFlight.get(dir);
      if (state !== undefined && !key.endsWith('manifest.json')) {
        probe.importBytes += bytes.length;
        if (state === 'discovered') {
          inFlight.set(dir, 'in_validation');
          recordDatasetTransition(probe, 'discovered', 'in_validation');
        }
      }
      return bytes;
    },
    async put(key, bytes) {
      await storage.put(key, bytes);
      const dir = dirOf(key);
      const state = inFlight.get(dir);
      if (state === undefined || !key.endsWith('/quality.json')) return;
      inFlight.delete(dir);
      const summary = JSON.parse(new TextDecoder().decode(bytes)) as QualitySummary;
      let from: string | null = state;
      for (const d of summary.datasets ?? []) {
        recordDatasetTransition(probe, from, stateOf(d.outcome));
        from = null;
        const meta = await catalog.get(d.id);
        if (meta && d.outcome === 'promoted') probe.importRecords += meta.rows;
      }
      for (let i = 0; i < (summary.rejected?.length ?? 0); i++) {
        recordDatasetTransition(probe, from, 'rejected');
        from = null;
      }
      if (from !== null) recordDatasetTransition(probe, from, 'incomplete');
    },
  };
  // Everything else goes to the real storage, bound to it (whatever the Storage interface grows).
  return new Proxy(storage, {
    get(target, prop, receiver) {
      if (prop === 'get' || prop === 'put') return observed[prop];
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
