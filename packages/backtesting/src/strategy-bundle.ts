/**
 * Compiled TypeScript strategies for the compiled runtime. When Chassis runs from its dist
 * directories there is no TypeScript loader; tsx's `tsImport` (a loader thread, ~0.3 CPU-s and
 * ~0.8 s of wall time on a loaded 2-core machine) was the price of every `.ts` strategy. Instead
 * the strategy is bundled once with esbuild — its own relative imports inlined, packages left as
 * imports — into `<node_modules>/.cache/chassis-strategies/<key>.mjs` and imported natively;
 * later runs import that file while its inputs are unchanged, with no transpiler loaded at all.
 *
 * The bundle behaves as the module graph it replaces:
 * - it sits under the node_modules directory nearest to the strategy, so a package it imports
 *   resolves to the same installed package the strategy's own import would (Node walks up from
 *   the importing file to the first node_modules that has it);
 * - `@chassis/<pkg>` points at the compiled `packages/<pkg>/dist/index.js` this process runs, so
 *   the strategy shares the engine's module instances;
 * - `import.meta.url`, `.dirname` and `.filename` keep each source file's own values.
 *
 * Validity: the first line records every input file with its size and mtime; one stat each per
 * load. The file is written under a temporary name and renamed, so a reader sees a whole bundle.
 * No node_modules above the strategy, esbuild missing, a `#` import or a failed build: null, and
 * the caller falls back to tsImport.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const FORMAT = 'chassis-strategy-bundle-v1';
const HEADER = `// ${FORMAT} `;
/** packages/ of the running Chassis (this file is packages/backtesting/{src,dist}/strategy-bundle.*). */
const PACKAGES_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** esbuild loaders of the source files a strategy may import (JSON and others: esbuild's defaults). */
const LOADERS: Readonly<Record<string, 'ts' | 'tsx' | 'js' | 'jsx'>> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx' };

interface BundleInput {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** The node_modules directory nearest to `dir` (walking up), or null. */
function nearestNodeModules(dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return join(d, 'node_modules');
    if (dirname(d) === d) return null;
  }
}

function bundlePathOf(entry: string): string | null {
  const nodeModules = nearestNodeModules(dirname(entry));
  if (nodeModules === null) return null;
  const key = createHash('sha256').update(`${entry}\0${PACKAGES_DIR}`).digest('hex').slice(0, 24);
  return join(nodeModules, '.cache', 'chassis-strategies', `${key}.mjs`);
}

const stamp = (path: string): BundleInput => {
  const s = statSync(path);
  return { path, size: s.size, mtimeMs: s.mtimeMs };
};

/** The recorded inputs of a bundle file, when every one is unchanged; otherwise null. */
function currentInputs(bundle: string): readonly BundleInput[] | null {
  let first: string;
  try {
    const text = readFileSync(bundle, 'utf8');
    first = text.slice(0, text.indexOf('\n'));
  } catch {
    return null;
  }
  if (!first.startsWith(HEADER)) return null;
  try {
    const inputs = JSON.parse(first.slice(HEADER.length)) as BundleInput[];
    for (const i of inputs) {
      const now = stamp(i.path);
      if (now.size !== i.size || now.mtimeMs !== i.mtimeMs) return null;
    }
    return inputs;
  } catch {
    return null; // an input vanished or the header is damaged: rebuild
  }
}

/** A source file's `import.meta` values as literals: the bundle's own would name the cache file. */
function withOwnImportMeta(source: string, file: string): string {
  const values: Record<string, string> = { url: pathToFileURL(file).href, dirname: dirname(file), filename: file };
  return source.replace(/\bimport\.meta\.(url|dirname|filename)\b/g, (_, k: string) => JSON.stringify(values[k]));
}

async function build(entry: string, bundle: string): Promise<boolean> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    return false;
  }
  let hashImport = false;
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    metafile: true,
    sourcemap: 'inline',
    sourcesContent: false,
    logLevel: 'silent',
    absWorkingDir: dirname(entry),
    plugins: [
      {
        name: 'chassis-strategy',
        setup(b) {
          // Packages stay imports (resolved from the bundle's node_modules, as from the strategy);
          // @chassis/<pkg> is the compiled package this process runs.
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            if (args.path.startsWith('#')) hashImport = true;
            const chassis = /^@chassis\/([a-z-]+)$/.exec(args.path);
            if (chassis) return { path: pathToFileURL(join(PACKAGES_DIR, chassis[1]!, 'dist', 'index.js')).href, external: true };
            return { path: args.path, external: true };
          });
          b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => ({
            contents: withOwnImportMeta(readFileSync(args.path, 'utf8'), args.path),
            loader: LOADERS[extname(args.path)] ?? 'js',
          }));
        },
      },
    ],
  });
  if (hashImport) return false; // `#` imports resolve by the nearest package.json, which the cache does not share
  const inputs = Object.keys(result.metafile.inputs).map((p) => stamp(resolve(dirname(entry), p)));
  mkdirSync(dirname(bundle), { recursive: true });
  const tmp = `${bundle}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${HEADER}${JSON.stringify(inputs)}\n${result.outputFiles[0]!.text}`);
  renameSync(tmp, bundle);
  return true;
}

/**
 * Imports the TypeScript strategy module `entry` (an absolute path) through its cached bundle,
 * building it when it is missing or stale. Null when no bundle can be made (see the module
 * comment); errors of the strategy's own code (syntax, evaluation) propagate.
 */
export async function importStrategyBundle(modulePath: string): Promise<unknown> {
  const entry = resolve(modulePath);
  const bundle = bundlePathOf(entry);
  if (bundle === null) return null;
  let inputs = currentInputs(bundle);
  if (inputs === null) {
    try {
      if (!(await build(entry, bundle))) return null;
    } catch (err) {
      rmSync(bundle, { force: true });
      const e = err as { errors?: { text: string; location?: { file: string; line: number } | null }[] };
      // A syntax or resolution error of the strategy: say it the way an import would have.
      if (e.errors?.length) throw new Error(e.errors.map((x) => `${x.location ? `${x.location.file}:${x.location.line}: ` : ''}${x.text}`).join('; '));
      return null;
    }
    inputs = currentInputs(bundle);
    if (inputs === null) return null;
  }
  // The inputs' stamps in the URL: an edited strategy re-imported in the same process is a new module.
  const version = createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 12);
  return import(`${pathToFileURL(bundle).href}?v=${version}`);
}
