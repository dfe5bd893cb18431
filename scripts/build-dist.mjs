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
//
// The `chassis` command itself runs from one more output: the CLI bundled with its packages into
// a single CommonJS file, packages/cli/dist/bundle/chassis.cjs (bundleCli below), that the bin
// compiles with a V8 code cache (packages/cli/bin/cached-script.cjs). The per-file build stays what
// library users, sweep workers and strategies' `@chassis/*` imports load.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { basename, dirname, join, relative, sep } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, transformSync } from 'esbuild';
import { isCompiledSource, sourceDirs } from '../packages/cli/bin/dist-freshness.cjs';

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

/** Where the CLI bundle goes, and the name its wrapper gives `import()` (see bundleCli). */
export const BUNDLE_FILE = join(packagesDir, 'cli', 'dist', 'bundle', 'chassis.cjs');
const BUNDLE_IMPORT = '__chassisImport';
const BUNDLE_MODULE_URL = '__chassisModuleUrl';
/** Bundled into chassis.cjs; every other package stays a require()/import() of node_modules, as in the per-file build. */
const BUNDLED_LIBRARIES = new Set(['commander', 'zod']);

/**
 * A package source (packages/<pkg>/src/…/x.ts) for the bundle written to `outDir`: its
 * `import.meta.url` is the URL of its per-file build (packages/<pkg>/dist/…/x.js), computed from
 * the bundle's own location when it runs (so the repository may move after the build).
 */
export function withPerFileModuleUrl(source, sourcePath, outDir) {
  const parts = sourcePath.split(sep);
  const src = parts.findLastIndex((p, i) => p === 'src' && parts[i - 2] === 'packages');
  const perFile = [...parts.slice(0, src), 'dist', ...parts.slice(src + 1)].join(sep).replace(/\.ts$/, '.js');
  const rel = JSON.stringify(relative(outDir, perFile).split(sep).join('/'));
  return source.replace(/\bimport\.meta\.url\b/g, `${BUNDLE_MODULE_URL}(${rel})`);
}

/**
 * `import { z } from 'zod'` → `import * as z from 'zod'`: the same members (zod's root module
 * re-exports its namespace `z` and every member of it), but esbuild drops the members a namespace
 * import never reads, while the `z` binding keeps all of zod (~750 kB of its ~1 MB, every locale
 * and schema class evaluated at start).
 */
export function withShakableZod(source) {
  return source.replace(/^import \{ z \} from 'zod';$/gm, "import * as z from 'zod';");
}

/**
 * Non-ASCII characters as \u escapes. esbuild escapes them in code already; what is left are
 * comments it keeps (class members' doc comments: "≥", "×"), and one such character makes V8
 * hold the whole 1.6 MB source as a two-byte string. An escape means the same character in a
 * string, template, regular expression or identifier, and nothing in a comment.
 */
export function asciiOnly(code) {
  return code.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The bundle's dynamic `import(…)` calls (not `x.import(…)`, not `fooImport(…)`) → the bin's `__chassisImport(…)`. */
export function withBinImport(code) {
  return code.replace(/(?<![\w$.])import\(/g, `${BUNDLE_IMPORT}(`);
}

/** commander's load-time require of node:child_process, as it stands in commander/lib/command.js. */
const COMMANDER_CHILD_PROCESS = "const childProcess = require('node:child_process');";

/**
 * commander requires node:child_process when it loads (~2 ms: child_process, net, dgram and
 * streams) for one use only, spawning the executable of a stand-alone subcommand, which chassis
 * has none of. In the bundle it is required on that first spawn instead.
 */
export function withLazyChildProcess(source) {
  return source.replace(COMMANDER_CHILD_PROCESS, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };");
}

/**
 * The `chassis` command as one CommonJS file (issue 13: start-up). Node 20 resolves, reads and
 * compiles each ES module on its own and has no compile cache: the ~300 modules a backtest loads
 * cost ~0.2 CPU-s before any work. One file, compiled by the bin through vm.Script with a V8 code
 * cache (packages/cli/bin/cached-script.cjs), costs a read and a deserialisation. CommonJS because
 * vm.Script (the only code-cache API of Node 20) compiles scripts, not ES modules; no code
 * splitting, so a command's action is evaluated lazily (esbuild wraps dynamically imported modules)
 * but part of the one file.
 *
 * The sources run as they do per file, through three rewrites:
 * - `import.meta.url` of a source is the URL of its per-file build (packages/<pkg>/dist/…), so
 *   paths computed from it (the package.json, the source fingerprint, the shipped Prometheus
 *   config, createRequire of lazily required packages) name the same files as before;
 * - `import(x)` is `__chassisImport(x)`, the bin's own dynamic import (a vm.Script compiled from a
 *   code cache cannot import by itself on Node 20); every dynamic import of the CLI is of a package
 *   or an absolute URL, which resolve the same from the bin;
 * - `@chassis/<pkg>` is bundled from packages/<pkg>/src; other packages stay external except
 *   BUNDLED_LIBRARIES (pure JavaScript, loaded by every start); zod as a namespace import, so only
 *   what the schemas use is bundled (withShakableZod).
 * Resolves to the bundle's SHA-256 (hex, 16 chars), which names its code caches.
 */
export async function bundleCli(outFile = BUNDLE_FILE) {
  const code = asciiOnly(withBinImport(await bundleSources(join(packagesDir, 'cli', 'src', 'main.ts'), outFile, 'cjs', BUNDLED_LIBRARIES)));
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, code);
  return createHash('sha256').update(code).digest('hex').slice(0, 16);
}

/** Where the run child's bundle goes (bundleRunProcess); packages/experiments/src/run-process.ts starts it. */
export const RUN_PROCESS_BUNDLE_FILE = join(packagesDir, 'experiments', 'dist', 'bundle', 'run-process.mjs');

/**
 * The sweep pool's run child (packages/experiments/src/run-process-entry.ts) with the backtest
 * backend, as one ES module (issue 13: a sweep worker's start-up). Per file, the child loads
 * ~300 modules and all of zod (~0.27 CPU-s, a third of it zod's locales and schema classes); one
 * file with only the zod a run uses costs a fraction of that, paid once per worker. The same
 * rewrites as the CLI bundle's, except dynamic imports: an ES module keeps its own `import()`.
 * The child still loads any other backend by its module path (run-process-bundle.ts).
 */
export async function bundleRunProcess(outFile = RUN_PROCESS_BUNDLE_FILE) {
  const code = asciiOnly(await bundleSources(join(packagesDir, 'experiments', 'src', 'run-process-bundle.ts'), outFile, 'esm', new Set(['zod'])));
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, code);
}

/** `entry` and the Chassis sources it imports as one file for `outFile` (rewritten as bundleCli describes); `libraries` bundled, other packages external. */
async function bundleSources(entry, outFile, format, libraries) {
  const outDir = dirname(outFile);
  const here =
    format === 'cjs'
      ? `require('node:url').pathToFileURL(require('node:path').join(__dirname, path)).href`
      : `new URL(path, import.meta.url).href`;
  const result = await build({
    entryPoints: [entry],
    outfile: outFile,
    bundle: true,
    format,
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'warning',
    banner: { js: `const ${BUNDLE_MODULE_URL} = (path) => ${here};` },
    plugins: [
      {
        name: 'chassis-bundle',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            const chassis = /^@chassis\/([a-z-]+)$/.exec(args.path);
            if (chassis) return { path: join(packagesDir, chassis[1], 'src', 'index.ts') };
            const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
            return libraries.has(name) ? undefined : { path: args.path, external: true };
          });
          b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => ({ contents: withLazyChildProcess(readFileSync(args.path, 'utf8')), loader: 'js' }));
          b.onLoad({ filter: /[\\/]packages[\\/][a-z-]+[\\/]src[\\/].*\.ts$/ }, (args) => ({
            contents: withShakableZod(withPerFileModuleUrl(readFileSync(args.path, 'utf8'), args.path, outDir)),
            loader: 'ts',
          }));
        },
      },
    ],
  });
  return result.outputFiles[0].text;
}

/** bundleCli and bundleRunProcess in a child process: esbuild runs plugins only asynchronously, and buildDist is synchronous for its callers. */
function bundleInChild() {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--bundle-cli'], { encoding: 'utf8' });
  if (r.status !== 0 || !/^[0-9a-f]{16}$/.test(r.stdout)) throw new Error(`build: cannot bundle the CLI and the run child: ${r.stderr}`);
  return r.stdout;
}

export function buildDist() {
  const started = performance.now();
  const stampPath = join(packagesDir, 'cli', 'dist', '.build.json');
  // First: a `chassis` started while this runs must take the sources, not a half-written build.
  rmSync(stampPath, { force: true });
  // Before any source is read: a directory changed from here on no longer matches its record.
  const dirs = sourceDirs(packagesDir);
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
  const bundle = bundleInChild();
  const stamp = { format: 'chassis-dist-v1', files, newestSourceMs, bundle, builtAt: new Date().toISOString(), sourceDirs: dirs };
  writeFileSync(stampPath, `${JSON.stringify(stamp, null, 2)}\n`);
  return { files, ms: performance.now() - started };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv[2] === '--bundle-cli') {
  const hash = await bundleCli();
  await bundleRunProcess();
  process.stdout.write(hash);
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { files, ms } = buildDist();
  process.stdout.write(`chassis: compiled ${files} modules to packages/*/dist in ${(ms / 1000).toFixed(1)} s\n`);
}
