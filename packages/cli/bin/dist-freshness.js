// Whether the compiled JavaScript (packages/<pkg>/dist, scripts/build-dist.mjs) may run: only
// when it was built from the sources as they are now. The build's stamp records how many modules
// it compiled and the newest source mtime; a source edited, added or removed since then (a
// developer's change, a checkout) means the sources run instead. Costs one stat per source file.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Compiled modules: what scripts/build-dist.mjs compiles. */
export const isCompiledSource = (name) =>
  name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts') && !name.endsWith('.bench.ts');

/**
 * @param {string} packagesDir the directory holding the packages
 * @param {string} stampPath the build's stamp (dist/.build.json of the cli package)
 */
export function distIsCurrent(packagesDir, stampPath) {
  return currentBuild(packagesDir, stampPath) !== null;
}

/**
 * The stamp of the compiled build when it may run (see distIsCurrent), else null. Its `bundle` is
 * the content hash of the CLI bundle (scripts/build-dist.mjs bundleCli), absent in older builds.
 * @param {string} packagesDir
 * @param {string} stampPath
 * @returns {{ files: number, newestSourceMs: number, bundle?: string } | null}
 */
export function currentBuild(packagesDir, stampPath) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
  } catch {
    return null;
  }
  // Paths joined by hand: path.join normalises each of the ~600 names, a third of this check's
  // cost at every start.
  const newest = stamp.newestSourceMs;
  let files = 0;
  const anyNewer = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (anyNewer(path)) return true;
      } else if (isCompiledSource(entry.name)) {
        files++;
        if (statSync(path).mtimeMs > newest) return true;
      }
    }
    return false;
  };
  for (const pkg of readdirSync(packagesDir, { withFileTypes: true })) {
    if (!pkg.isDirectory() || !existsSync(join(packagesDir, pkg.name, 'src'))) continue;
    if (anyNewer(join(packagesDir, pkg.name, 'src'))) return null;
  }
  return files === stamp.files ? stamp : null;
}
