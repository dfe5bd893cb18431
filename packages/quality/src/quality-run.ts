import { createHash, randomBytes } from 'node:crypto';
import { ChassisError } from '@chassis/core';
import { readCaptureBatches, type NormalizedRecord } from '@chassis/venues';
import { openCatalog, type Storage } from '@chassis/storage';
import { runGate, type GateResult } from './gate.ts';
import type { GateConfig } from './gate-config.ts';
import { parseManifest } from './manifest.ts';
import { venueInstrumentMeta } from './venue-instrument.ts';

export interface ManifestRun {
  readonly manifestKey: string;
  readonly results: readonly GateResult[];
}

/** Manifests under raw/ that have no quality.json beside them yet. */
export async function pendingManifests(storage: Storage): Promise<string[]> {
  const keys = await storage.list('raw');
  const set = new Set(keys);
  return keys.filter((k) => k.endsWith('/manifest.json') && !set.has(k.replace(/manifest\.json$/, 'quality.json')));
}

/** The manifest's files in order, as record arrays; locations map back to storage keys. */
async function* concat(storage: Storage, keys: readonly string[], venue: NormalizedRecord['venue'], instrument: string | undefined, sourceKeys: Map<string, string>): AsyncGenerator<NormalizedRecord[]> {
  for (const key of keys) {
    const path = await storage.localPath(key);
    sourceKeys.set(path, key);
    yield* readCaptureBatches(path, { venue, ...(instrument ? { instrument } : {}) });
  }
}

/** Processes every pending manifest through the gate; records the outcome in quality.json beside it. */
export async function runPendingManifests(storage: Storage, config?: Partial<GateConfig>): Promise<ManifestRun[]> {
  const runs: ManifestRun[] = [];
  for (const manifestKey of await pendingManifests(storage)) {
    const manifest = parseManifest(manifestKey, new TextDecoder().decode(await storage.get(manifestKey)));
    for (const f of manifest.files) {
      const bytes = await storage.get(f.key);
      const sha = createHash('sha256').update(bytes).digest('hex');
      if (sha !== f.sha256) throw new ChassisError('E_MANIFEST_HASH', `${f.key}: sha256 ${sha} differs from ${f.sha256} in ${manifestKey}`);
    }
    const sourceKeys = new Map<string, string>();
    const result = await runGate(
      storage,
      openCatalog(storage),
      {
        batches: concat(storage, manifest.files.map((f) => f.key), manifest.venue, manifest.instrument, sourceKeys),
        sourceKeys,
        label: manifestKey,
        provenance: {
          rawKeys: manifest.files.map((f) => f.key),
          sourceFiles: manifest.files.map((f) => f.key),
          sourceSha256: manifest.files.map((f) => f.sha256),
          tsLocalFromEvent: false,
          manifestKey,
        },
      },
      { runId: `manifest-${randomBytes(6).toString('hex')}`, instrumentMeta: venueInstrumentMeta, ...(config ? { config } : {}) },
    );
    const summary = {
      manifestKey,
      // The recorder's own account, kept beside the gate's verdict: the datasets name this manifest in
      // their provenance, so whoever reads a dataset can find out how its window was recorded.
      completeness: manifest.completeness,
      recorderGaps: manifest.gaps,
      connectionEvents: manifest.connectionEvents?.length ?? 0,
      datasets: result.datasets.map((d) => ({ id: d.meta.id, kind: d.meta.kind, outcome: d.outcome, reason: d.reason })),
      rejected: result.rejected,
      // Gaps of every instrument (malformed frames from the venue), whoever was seen before them.
      sourceGaps: result.sourceGaps.map((g) => ({ ...g, atNs: String(g.atNs) })),
    };
    await storage.put(manifestKey.replace(/manifest\.json$/, 'quality.json'), new TextEncoder().encode(JSON.stringify(summary, null, 2)));
    runs.push({ manifestKey, results: [result] });
  }
  return runs;
}
