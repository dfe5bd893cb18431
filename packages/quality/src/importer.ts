import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ChassisError } from '@chassis/core';
import { readCapture, type NormalizedRecord, type VenueId } from '@chassis/venues';
import { openCatalog, type Storage } from '@chassis/storage';
import { runGate, type GateResult } from './gate.ts';
import type { GateConfig } from './gate-config.ts';
import { venueInstrumentMeta } from './venue-instrument.ts';

export interface ImportOptions {
  readonly venue?: VenueId;
  readonly instrument?: string;
  readonly config?: Partial<GateConfig>;
}

export interface ImportResult extends GateResult {
  readonly file: string;
  readonly rawKey: string;
  readonly sha256: string;
  readonly rawAlreadyPresent: boolean;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Copies a source file into raw/imports/{sha256}/{name} (content-addressed, never modified). */
export async function storeRaw(storage: Storage, file: string): Promise<{ key: string; sha256: string; alreadyPresent: boolean }> {
  const st = await stat(file).catch(() => null);
  if (!st?.isFile()) throw new ChassisError('E_IMPORT_SOURCE', `no such file: ${file}`);
  const sha256 = await sha256File(file);
  const key = `raw/imports/${sha256}/${basename(file)}`;
  if ((await storage.stat(key)) !== null) return { key, sha256, alreadyPresent: true };
  await storage.putFile(key, file);
  return { key, sha256, alreadyPresent: false };
}

/**
 * Imports one capture: raw copy, then the whole quality gate over the venue records read from
 * the raw copy (so provenance line numbers refer to the stored raw object).
 */
export async function importCapture(storage: Storage, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const raw = await storeRaw(storage, file);
  const rawPath = await storage.localPath(raw.key);
  const records: AsyncIterable<NormalizedRecord> = readCapture(rawPath, {
    ...(options.venue ? { venue: options.venue } : {}),
    ...(options.instrument ? { instrument: options.instrument } : {}),
  });
  let tsLocalFromEvent = false;
  try {
    const { detectCapture } = await import('@chassis/venues');
    tsLocalFromEvent = !(await detectCapture(rawPath)).hasCaptureTime;
  } catch {
    // detection problems surface again, with their location, when the records are read
  }
  const result = await runGate(
    storage,
    openCatalog(storage),
    {
      records: relabel(records, rawPath, raw.key),
      label: `${file} (${raw.key})`,
      provenance: { rawKeys: [raw.key], sourceFiles: [file], sourceSha256: [raw.sha256], tsLocalFromEvent },
    },
    { runId: `import-${raw.sha256.slice(0, 12)}-${randomBytes(4).toString('hex')}`, instrumentMeta: venueInstrumentMeta, ...(options.config ? { config: options.config } : {}) },
  );
  return { ...result, file, rawKey: raw.key, sha256: raw.sha256, rawAlreadyPresent: raw.alreadyPresent };
}

/** Rewrites record locations from the local path of the raw object to its storage key. */
async function* relabel(records: AsyncIterable<NormalizedRecord>, localPath: string, key: string): AsyncGenerator<NormalizedRecord> {
  for await (const r of records) {
    yield r.source.file === localPath ? { ...r, source: { file: key, line: r.source.line } } : r;
  }
}
