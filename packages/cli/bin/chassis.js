#!/usr/bin/env node
// Entry point of the `chassis` command. It runs the compiled JavaScript (scripts/build-dist.mjs,
// run by `npm ci` and `npm run build`) when that build is current: the CLI bundled into one
// CommonJS file compiled with a V8 code cache (bin/cached-script.cjs), or for the commands in
// PER_FILE_COMMANDS the packages' per-file dist directories. When a source is newer than the
// build (an edit, a checkout) or CHASSIS_FROM_SOURCE=1, it runs the TypeScript sources through
// tsx instead, so an edit is never shadowed by a stale build. CHASSIS_BUNDLE=0 runs the per-file
// build for every command. User strategy modules (.ts) load either way (the strategy loader
// bundles them with esbuild, or brings tsx in).
import module from 'node:module';

// Node's modules and the bin's own helpers by require(): an ES module import of each (a facade
// module per builtin) costs the start-up ~3.5 CPU-ms more.
const require = module.createRequire(import.meta.url);
const { existsSync } = require('node:fs');
const { fileURLToPath } = require('node:url');
const { runCachedScript } = require('./cached-script.cjs');
const { currentBuild } = require('./dist-freshness.cjs');

// Node >= 22.1 keeps V8's compiled code of the modules loaded from here on in an on-disk cache
// between runs; on Node 20 the bundle's own code cache does that job.
module.enableCompileCache?.();

/**
 * Commands that import Chassis modules by path in their own process (a sweep or worker loads its
 * run backend, @chassis/experiments' BACKTEST_BACKEND_MODULE, from the per-file build): run from
 * the bundle, they would hold two copies of the packages, and an error class of one would not be
 * an instance of the other's.
 */
const PER_FILE_COMMANDS = new Set(['sweep', 'worker']);

/** The CLI bundle of the compiled build (scripts/build-dist.mjs bundleCli); without it, the per-file build runs. */
const BUNDLE = fileURLToPath(new URL('../dist/bundle/chassis.cjs', import.meta.url));
const build =
  process.env.CHASSIS_FROM_SOURCE === '1'
    ? null
    : currentBuild(fileURLToPath(new URL('../../', import.meta.url)), fileURLToPath(new URL('../dist/.build.json', import.meta.url)));
const compiled = build !== null;
const entry = compiled ? '../dist' : '../src';
const ext = compiled ? 'js' : 'ts';
if (!compiled) (await import('tsx/esm/api')).register();
// Before main is linked: on a Node without zlib.crc32 its import graph fails to link with a
// bare SyntaxError, so an unsupported Node is named here instead.
const { unsupportedNodeMessage } = await import(`${entry}/node-version.${ext}`);
const unsupported = unsupportedNodeMessage(process.versions.node);
const command = process.argv[2] ?? '';
if (unsupported) {
  process.stderr.write(`E_NODE_VERSION: ${unsupported}\n`);
  process.exitCode = 1;
} else if (compiled && build.bundle && process.env.CHASSIS_BUNDLE !== '0' && !PER_FILE_COMMANDS.has(command) && existsSync(BUNDLE)) {
  // One code cache per command, and one for its help: each compiles different functions.
  const help = process.argv.includes('--help') || process.argv.includes('-h');
  const bundle = runCachedScript({
    file: BUNDLE,
    hash: build.bundle,
    name: `${/^[a-z][a-z-]*$/.test(command) ? command : 'chassis'}${help ? '-help' : ''}`,
    dynamicImport: (specifier) => import(specifier),
  });
  process.exitCode = await bundle.exports.main(process.argv);
  // Only a run that did its work: a refused command line compiled little of what the command needs.
  if (process.exitCode === 0) bundle.saveCache();
} else {
  const { main } = await import(`${entry}/main.${ext}`);
  process.exitCode = await main(process.argv);
}
