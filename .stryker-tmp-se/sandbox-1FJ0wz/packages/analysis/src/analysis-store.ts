/**
 * Versioned analysis outputs under `<data root>/derived/analysis/<id>/`. The id hashes the
 * analysis kind and version, its parameters and its inputs (by id and content hash), so the
 * same analysis of the same inputs lands in the same place with identical bytes, and a new
 * analysis version or changed input gets a new id. An existing directory is never overwritten:
 * identical content is a no-op, different content under the same id is an error.
 */
// @ts-nocheck

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChassisError } from '@chassis/core';

/** Bump when any computation changes its output. */
export const ANALYSIS_VERSION = '1.0.0';

export interface AnalysisInput {
  readonly id: string;
  /** sha256 of the input's content (e.g. of its metrics/artifact files). */
  readonly sha256: string;
}

export interface Provenance {
  readonly analysisId: string;
  readonly kind: string;
  readonly analysisVersion: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly inputs: readonly AnalysisInput[];
  /** sha256 of each output file. */
  readonly outputs: Readonly<Record<string, string>>;
}

/** JSON with object keys sorted, so equal values give equal bytes. */
export function canonicalJsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function analysisId(kind: string, parameters: Readonly<Record<string, unknown>>, inputs: readonly AnalysisInput[], version = ANALYSIS_VERSION): string {
  return `${kind}-${sha256(canonicalJsonText({ kind, version, parameters, inputs })).slice(0, 16)}`;
}

export interface WrittenAnalysis {
  readonly dir: string;
  readonly provenance: Provenance;
  /** false when the identical analysis already existed. */
  readonly created: boolean;
}

export function writeAnalysis(
  dataRoot: string,
  kind: string,
  parameters: Readonly<Record<string, unknown>>,
  inputs: readonly AnalysisInput[],
  outputs: Readonly<Record<string, string>>,
  version = ANALYSIS_VERSION,
): WrittenAnalysis {
  const id = analysisId(kind, parameters, inputs, version);
  const dir = join(dataRoot, 'derived', 'analysis', id);
  const provenance: Provenance = {
    analysisId: id,
    kind,
    analysisVersion: version,
    parameters,
    inputs,
    outputs: Object.fromEntries(Object.entries(outputs).map(([name, text]) => [name, sha256(text)]).sort((x, y) => (x[0]! < y[0]! ? -1 : 1))),
  };
  const provText = `${JSON.stringify(JSON.parse(canonicalJsonText(provenance)), null, 2)}\n`;
  if (existsSync(join(dir, 'provenance.json'))) {
    const existing = readFileSync(join(dir, 'provenance.json'), 'utf8');
    if (existing === provText) return { dir, provenance, created: false };
    throw new ChassisError(
      'E_ANALYSIS_CONFLICT',
      `${dir} already holds analysis ${id} with different outputs; the analysis changed without a version bump (ANALYSIS_VERSION ${version}) — refusing to overwrite`,
    );
  }
  // Written into a staging directory and renamed, so a reader never sees half an analysis.
  const staging = join(dataRoot, 'derived', 'analysis', `.staging-${id}-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const [name, text] of Object.entries(outputs)) writeFileSync(join(staging, name), text);
  writeFileSync(join(staging, 'provenance.json'), provText);
  try {
    renameSync(staging, dir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(join(dir, 'provenance.json')) && readFileSync(join(dir, 'provenance.json'), 'utf8') === provText) return { dir, provenance, created: false };
    throw err;
  }
  return { dir, provenance, created: true };
}
