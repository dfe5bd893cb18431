/**
 * The code version that goes into every run id: the release version plus a fingerprint of the
 * runtime's source (core, venues, storage, quality, backtesting; tests excluded), so a change
 * of simulation code gives a new run id even before a release. Content-based, not git-based:
 * the same sources give the same fingerprint in any checkout.
 *
 * The compiled build (scripts/build-dist.mjs) computes it once, from the sources it compiled,
 * into dist/source-fingerprint.txt beside this module: a compiled run reads 12 bytes instead of
 * hashing ~200 files (~20 ms of every start).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

const PACKAGES_DIR = fileURLToPath(new URL('../../', import.meta.url));
const RUNTIME_PACKAGES = ['core', 'venues', 'storage', 'quality', 'backtesting'];

function sources(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'fixtures' && entry.name !== 'node_modules') sources(p, out);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.bench.ts')) out.push(p);
  }
}

let cached: string | undefined;

/** The fingerprint the build recorded beside the compiled module, or undefined (sources, or none recorded). */
function builtFingerprint(): string | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  try {
    return readFileSync(new URL('./source-fingerprint.txt', import.meta.url), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** 12 hex chars of SHA-256 over the sorted runtime source files (path and content). */
export function sourceFingerprint(): string {
  if (cached) return cached;
  cached = builtFingerprint();
  if (cached) return cached;
  const files: string[] = [];
  for (const pkg of RUNTIME_PACKAGES) sources(join(PACKAGES_DIR, pkg, 'src'), files);
  const h = createHash('sha256');
  for (const f of files.map((f) => relative(PACKAGES_DIR, f)).sort()) {
    h.update(f);
    h.update('\0');
    h.update(readFileSync(join(PACKAGES_DIR, f)));
    h.update('\0');
  }
  cached = h.digest('hex').slice(0, 12);
  return cached;
}

/** e.g. `chassis@0.1.0+3f2a9c01b7de`. */
export function codeVersion(release: string): string {
  return `chassis@${release}+${sourceFingerprint()}`;
}
