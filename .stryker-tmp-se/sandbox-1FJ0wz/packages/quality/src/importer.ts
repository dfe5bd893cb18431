// @ts-nocheck
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ChassisError } from '@chassis/core';
import { cryptofeedHttpSiblings, detectCapture, readCaptureBatches, type VenueId } from '@chassis/venues';
import { openCatalog, type Storage } from '@chassis/storage';
import { runGate, type GateResult } from './gate.ts';
import type { GateConfig } from './gate-config.ts';
import { venueInstrumentMeta } from './venue-instrument.ts';

export interface ImportOptions {
  readonly venue?: VenueId;
  readonly instrument?: string;
  readonly config?: Partial<GateConfig>;
  /**
   * cryptofeed layout: the REST-response files (`{name}.http.*`) recorded with a `{name}.ws.*`
   * capture. Default: those siblings of the source file in its own directory. Each is stored
   * under raw/ like the capture and named in the provenance.
   */
  readonly httpFiles?: readonly string[];
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
  if (st === null) throw new ChassisError('E_IMPORT_SOURCE', `no such file: ${file}`);
  if (st.isDirectory()) throw new ChassisError('E_IMPORT_SOURCE', `${file} is a directory; give the capture files in it (e.g. ${join(file, '*.gz')})`);
  if (!st.isFile()) throw new ChassisError('E_IMPORT_SOURCE', `${file} is not a regular file`);
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
  // The layout is recognised on the user's file before anything is copied: a file that is not a
  // capture at all leaves nothing under raw/, and the error names the path the user gave.
  const st = await stat(file).catch(() => null);
  const detected = st?.isFile() ? await detectCapture(file) : null;
  const raw = await storeRaw(storage, file);
  const rawPath = await storage.localPath(raw.key);
  const companions = options.httpFiles ?? (CRYPTOFEED_WS.test(basename(file)) ? await cryptofeedHttpSiblings(file) : []);
  const companionRaw = [];
  for (const c of companions) companionRaw.push({ file: c, ...(await storeRaw(storage, c)) });
  const keyOf = new Map<string, string>([[rawPath, raw.key]]);
  for (const c of companionRaw) keyOf.set(await storage.localPath(c.key), c.key);
  const batches = readCaptureBatches(rawPath, {
    ...(options.venue ? { venue: options.venue } : {}),
    ...(options.instrument ? { instrument: options.instrument } : {}),
    // Always explicit: the raw copy's directory never holds the siblings.
    httpFiles: [...keyOf.keys()].slice(1),
  });
  // storeRaw accepted the file, so it was a regular file and detection ran on the same bytes.
  const tsLocalFromEvent = !detected!.hasCaptureTime;
  const result = await runGate(
    storage,
    openCatalog(storage),
    {
      batches,
      sourceKeys: keyOf,
      label: `${[file, ...companions].join(' + ')} (${[raw.key, ...companionRaw.map((c) => c.key)].join(', ')})`,
      provenance: {
        rawKeys: [raw.key, ...companionRaw.map((c) => c.key)],
        sourceFiles: [file, ...companions],
        sourceSha256: [raw.sha256, ...companionRaw.map((c) => c.sha256)],
        tsLocalFromEvent,
      },
    },
    { runId: `import-${raw.sha256.slice(0, 12)}-${randomBytes(4).toString('hex')}`, instrumentMeta: venueInstrumentMeta, ...(options.config ? { config: options.config } : {}) },
  );
  return { ...result, file, rawKey: raw.key, sha256: raw.sha256, rawAlreadyPresent: raw.alreadyPresent };
}

const CRYPTOFEED_WS = /^(.*)\.ws\.[^/]*$/;
const CRYPTOFEED_HTTP = /^(.*)\.http\.[^/]*$/;

/**
 * Groups the files of one `chassis import` invocation into sources: a cryptofeed
 * `{name}.http.*` file given together with its `{name}.ws.*` file (same directory and name)
 * belongs to that capture and is not a source of its own.
 */
export function groupImportFiles(files: readonly string[]): { file: string; httpFiles?: string[] }[] {
  const wsKeys = new Set<string>();
  for (const f of files) {
    const m = CRYPTOFEED_WS.exec(basename(f));
    if (m) wsKeys.add(join(dirname(f), m[1]!));
  }
  const http = new Map<string, string[]>();
  const rest: string[] = [];
  for (const f of files) {
    const m = CRYPTOFEED_HTTP.exec(basename(f));
    const key = m ? join(dirname(f), m[1]!) : '';
    if (m && wsKeys.has(key)) http.set(key, [...(http.get(key) ?? []), f]);
    else rest.push(f);
  }
  return rest.map((f) => {
    const m = CRYPTOFEED_WS.exec(basename(f));
    const given = m ? http.get(join(dirname(f), m[1]!)) : undefined;
    return given ? { file: f, httpFiles: given } : { file: f };
  });
}
