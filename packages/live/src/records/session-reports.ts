/**
 * The session's documents: each configuration version (config/{version}.json) and each
 * reconciliation report (reconciliation-{n}.json). Written canonically (sorted keys, bigints as
 * decimal strings) and atomically (temporary file renamed into place); never rewritten.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ChassisError } from '@chassis/core';
import { canonicalJsonPretty } from '@chassis/backtesting';
import { configVersionPath, reconciliationReportPath } from './session-paths.ts';

function writeOnce(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/**
 * Writes configuration `version`. Versions are immutable: writing the same content again is a
 * no-op, different content under an existing version is E_CONFIG_VERSION_EXISTS.
 */
export function writeConfigVersion(dir: string, version: string, config: unknown): string {
  const path = configVersionPath(dir, version);
  const text = canonicalJsonPretty(config);
  if (existsSync(path)) {
    if (readFileSync(path, 'utf8') === text) return path;
    throw new ChassisError(
      'E_CONFIG_VERSION_EXISTS',
      `${path} already holds a different configuration: a new configuration needs a new version`,
    );
  }
  writeOnce(path, text);
  return path;
}

export function readConfigVersion(dir: string, version: string): unknown {
  const path = configVersionPath(dir, version);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ChassisError('E_CONFIG_VERSION', `${path}: ${(err as Error).message}`);
  }
}

/** Numbers of the reconciliation reports present, ascending. */
export function reconciliationReportNumbers(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^reconciliation-(\d+)\.json$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Writes the next reconciliation report (n = highest present + 1, from 1); returns its path. */
export function writeReconciliationReport(dir: string, report: unknown): string {
  const n = (reconciliationReportNumbers(dir).at(-1) ?? 0) + 1;
  const path = reconciliationReportPath(dir, n);
  writeOnce(path, canonicalJsonPretty(report));
  return path;
}
