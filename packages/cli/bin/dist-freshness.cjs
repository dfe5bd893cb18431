// Whether the compiled JavaScript (packages/<pkg>/dist, scripts/build-dist.mjs) may run: only
// when it was built from the sources as they are now. The build's stamp records how many modules
// it compiled and the newest source mtime; a source edited, added or removed since then (a
// developer's change, a checkout) means the sources run instead. Costs one stat per source file;
// the source directories the build recorded (sourceDirs) are not listed again while their mtime
// is the recorded one (an entry added, removed or renamed changes it).
// CommonJS, required by the bin (as bin/cached-script.cjs).
'use strict';
const { existsSync, readdirSync, readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

/** Compiled modules: what scripts/build-dist.mjs compiles. */
const isCompiledSource = (name) =>
  name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts') && !name.endsWith('.bench.ts');

/**
 * Every directory under packages/<pkg>/src, by its path relative to `packagesDir` (`<pkg>/src/…`):
 * its mtime, the compiled sources it holds and its subdirectories, for the build's stamp. Each
 * directory's mtime is read before it is listed, so an entry added in between leaves a mtime that
 * no longer matches (and the directory is listed again), never a listing that lacks it.
 * @param {string} packagesDir
 * @returns {Record<string, [mtimeMs: number, sources: string[], dirs: string[]]>}
 */
function sourceDirs(packagesDir) {
  const out = {};
  const record = (dir, rel) => {
    const mtimeMs = statSync(dir).mtimeMs;
    const sources = [];
    const dirs = [];
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) dirs.push(entry.name);
      else if (isCompiledSource(entry.name)) sources.push(entry.name);
    }
    out[rel] = [mtimeMs, sources, dirs];
    for (const d of dirs) record(`${dir}/${d}`, `${rel}/${d}`);
  };
  for (const pkg of readdirSync(packagesDir, { withFileTypes: true })) {
    if (pkg.isDirectory() && existsSync(join(packagesDir, pkg.name, 'src'))) record(join(packagesDir, pkg.name, 'src'), `${pkg.name}/src`);
  }
  return out;
}

/**
 * @param {string} packagesDir the directory holding the packages
 * @param {string} stampPath the build's stamp (dist/.build.json of the cli package)
 */
function distIsCurrent(packagesDir, stampPath) {
  return currentBuild(packagesDir, stampPath) !== null;
}

/**
 * The stamp of the compiled build when it may run (see distIsCurrent), else null. Its `bundle` is
 * the content hash of the CLI bundle (scripts/build-dist.mjs bundleCli), absent in older builds.
 * @param {string} packagesDir
 * @param {string} stampPath
 * @returns {{ files: number, newestSourceMs: number, bundle?: string } | null}
 */
function currentBuild(packagesDir, stampPath) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
  } catch {
    return null;
  }
  // Paths joined by hand: path.join normalises each of the ~600 names, a third of this check's
  // cost at every start.
  const newest = stamp.newestSourceMs;
  const known = stamp.sourceDirs ?? {};
  let files = 0;
  // A source gone since the build (no mtime) counts as changed.
  const newer = (path) => !((statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) <= newest);
  const anyNewer = (dir, rel) => {
    const k = known[rel];
    // Listed by the build and not changed since: its recorded entries (a stat is ~3x cheaper than a listing).
    if (k !== undefined && statSync(dir, { throwIfNoEntry: false })?.mtimeMs === k[0]) {
      for (const name of k[1]) {
        files++;
        if (newer(`${dir}/${name}`)) return true;
      }
      for (const d of k[2]) if (anyNewer(`${dir}/${d}`, `${rel}/${d}`)) return true;
      return false;
    }
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (anyNewer(path, `${rel}/${entry.name}`)) return true;
      } else if (isCompiledSource(entry.name)) {
        files++;
        if (newer(path)) return true;
      }
    }
    return false;
  };
  for (const pkg of readdirSync(packagesDir, { withFileTypes: true })) {
    if (!pkg.isDirectory() || !existsSync(join(packagesDir, pkg.name, 'src'))) continue;
    if (anyNewer(join(packagesDir, pkg.name, 'src'), `${pkg.name}/src`)) return null;
  }
  return files === stamp.files ? stamp : null;
}

exports.isCompiledSource = isCompiledSource;
exports.sourceDirs = sourceDirs;
exports.distIsCurrent = distIsCurrent;
exports.currentBuild = currentBuild;
