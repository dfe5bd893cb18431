// Compiles every package's TypeScript sources to plain JavaScript under packages/<pkg>/dist/, so
// the `chassis` command starts without a runtime transpiler (issue 13: start-up). Run by
// `npm ci` (the root `prepare` script) and `npm run build`; takes about a second.
//
// Layout: packages/<pkg>/src/a/b.ts → packages/<pkg>/dist/a/b.js, the same depth as the source,
// so the modules' `new URL('../..', import.meta.url)` paths point at the same files. Tests and
// benches are not compiled. Two rewrites make the output loadable by plain Node:
// - relative specifiers `./x.ts` → `./x.js` (in `from '…'`, `import '…'` and `import('…')`);
// - package specifiers `@chassis/<pkg>` → the relative path of that package's dist/index.js
//   (the packages' `exports` keep pointing at src/ for tests, benches and tsx users).
// Type-only imports vanish in the transform (esbuild, `verbatimModuleSyntax` semantics).
//
// The stamp dist/.build.json (in packages/cli) lists the newest source mtime it compiled; the
// bin uses dist only when no source is newer (packages/cli/bin/chassis.js), so an edited source
// is never shadowed by a stale build.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { basename, dirname, join, relative, sep } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import { isCompiledSource } from '../packages/cli/bin/dist-freshness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = join(root, 'packages');

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (isCompiledSource(entry.name)) yield path;
  }
}

/** `@chassis/<pkg>` seen from a compiled file (packages/<own>/dist/…) → relative path to packages/<pkg>/dist/index.js. */
function packageSpecifier(outFile, pkg) {
  const ownPackage = outFile.slice(0, outFile.lastIndexOf(`${sep}dist${sep}`));
  const target = join(dirname(ownPackage), pkg, 'dist', 'index.js');
  const rel = relative(dirname(outFile), target).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

export function rewriteSpecifiers(code, outFile) {
  const relativeTs = (spec) => (/^\.\.?\//.test(spec) && spec.endsWith('.ts') ? `${spec.slice(0, -3)}.js` : spec);
  const chassis = (spec) => {
    const m = /^@chassis\/([a-z-]+)$/.exec(spec);
    return m ? packageSpecifier(outFile, m[1]) : spec;
  };
  const fix = (spec) => chassis(relativeTs(spec));
  return code
    .replace(/(\bfrom\s*|\bimport\s*)(['"])([^'"\n]+)\2/g, (_, kw, q, spec) => `${kw}${q}${fix(spec)}${q}`)
    .replace(
      /(\bimport\(\s*)(['"])([^'"\n]+)\2(\s*\))/g,
      (_, open, q, spec, close) => `${open}${q}${fix(spec)}${q}${close}`,
    );
}

/**
 * The run ids' source fingerprint (packages/backtesting/src/code-version.ts), computed by the
 * compiled module itself over the sources just compiled and kept beside it, so a compiled run
 * does not hash the sources again.
 */
function recordSourceFingerprint() {
  const module = join(packagesDir, 'backtesting', 'dist', 'code-version.js');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `process.stdout.write((await import(${JSON.stringify(pathToFileURL(module).href)})).sourceFingerprint())`], { encoding: 'utf8' });
  if (r.status !== 0 || !/^[0-9a-f]{12}$/.test(r.stdout)) throw new Error(`build: cannot compute the source fingerprint: ${r.stderr}`);
  writeFileSync(join(dirname(module), 'source-fingerprint.txt'), `${r.stdout}\n`);
}

export function buildDist() {
  const started = performance.now();
  const stampPath = join(packagesDir, 'cli', 'dist', '.build.json');
  // First: a `chassis` started while this runs must take the sources, not a half-written build.
  rmSync(stampPath, { force: true });
  let files = 0;
  let newestSourceMs = 0;
  for (const pkg of readdirSync(packagesDir)) {
    const src = join(packagesDir, pkg, 'src');
    const dist = join(packagesDir, pkg, 'dist');
    try {
      statSync(src);
    } catch {
      continue;
    }
    rmSync(dist, { recursive: true, force: true });
    for (const file of sourceFiles(src)) {
      const outFile = join(dist, relative(src, file)).replace(/\.ts$/, '.js');
      const source = readFileSync(file, 'utf8');
      newestSourceMs = Math.max(newestSourceMs, statSync(file).mtimeMs);
      const { code, map } = transformSync(source, {
        loader: 'ts',
        format: 'esm',
        target: 'node20',
        sourcefile: file,
        sourcemap: 'external',
        sourcesContent: false,
      });
      mkdirSync(dirname(outFile), { recursive: true });
      // The map in a file of its own: Node reads it only under --enable-source-maps, while an inline
      // map (as large as the code) would be read and scanned by every start.
      writeFileSync(outFile, `${rewriteSpecifiers(code, outFile)}//# sourceMappingURL=${basename(outFile)}.map\n`);
      writeFileSync(`${outFile}.map`, map);
      files++;
    }
  }
  recordSourceFingerprint();
  const stamp = { format: 'chassis-dist-v1', files, newestSourceMs, builtAt: new Date().toISOString() };
  writeFileSync(stampPath, `${JSON.stringify(stamp, null, 2)}\n`);
  return { files, ms: performance.now() - started };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { files, ms } = buildDist();
  process.stdout.write(`chassis: compiled ${files} modules to packages/*/dist in ${(ms / 1000).toFixed(1)} s\n`);
}
