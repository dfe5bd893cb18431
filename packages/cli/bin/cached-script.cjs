// Runs a CommonJS file compiled with a V8 code cache kept beside it (issue 13: start-up). Node 20
// has no compile cache for modules (`module.enableCompileCache` arrived in 22.1); vm.Script's
// `cachedData` is the API it does have. The cache V8 produces after a run holds the bytecode of
// every function that run compiled, so the next run of the same command skips parsing and
// compiling them. One cache per `name` (the command), since commands compile different functions.
//
// A cache only ever speeds a start up, never changes what runs:
// - its file name carries the script's content hash (`hash`, computed by the build), so a cache
//   of other code is never offered (V8's own check compares the source length, not its content);
// - V8 rejects a cache made by another V8 version or with other flags, or a damaged one: the
//   script then compiles from source and the cache is written again;
// - it is written once the run is over, under a temporary name renamed into place (concurrent
//   starts each write a whole file); a directory that cannot be written just means no cache.
// CommonJS, required by the bin (bin/chassis.js): an ES module and its `import … from 'node:…'`
// facades cost the start-up ~3.5 CPU-ms more than require() does.
'use strict';
const { isAscii } = require('node:buffer');
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { basename, dirname, join } = require('node:path');
const vm = require('node:vm');

/** The code cache file of `file` (content hash `hash`) for `name`. */
function cachePathOf(file, hash, name) {
  return join(dirname(file), `${basename(file)}.${hash}.${name.replace(/[^a-z0-9-]/gi, '_')}.v8cache`);
}

/**
 * Compiles and evaluates the CommonJS `file` (its content hash `hash`), using and then refreshing
 * the code cache named `name`. `dynamicImport` is the script's `__chassisImport`: vm.Script code
 * compiled from a cache has no dynamic import of its own on Node 20.
 * @param {{ file: string, hash: string, name: string, dynamicImport: (specifier: string) => Promise<unknown> }} options
 * @returns {{ exports: Record<string, unknown>, cache: 'used' | 'rejected' | 'none', saveCache: () => boolean }}
 */
function runCachedScript({ file, hash, name, dynamicImport }) {
  keepBytecode();
  const cachePath = cachePathOf(file, hash, name);
  let cachedData;
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    cachedData = undefined;
  }
  // The bundle is ASCII (scripts/build-dist.mjs asciiOnly): read as Latin-1, a byte-for-byte copy
  // into a one-byte string, half the CPU of decoding 1.6 MB as UTF-8 (~2.5 ms of each start).
  const bytes = readFileSync(file);
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  // The CommonJS wrapper of Node's own loader, strict like the ES modules the bundle was made from.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __chassisImport) {"use strict";${source}\n})`, {
    filename: file,
    cachedData,
  });
  const cache = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), dynamicImport);
  const saveCache = () => {
    if (cache === 'used') return false;
    const tmp = `${cachePath}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cachePath);
      return true;
    } catch {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // the directory is not writable: there was no temporary file either
      }
      return false;
    }
  };
  return { exports: module.exports, cache, saveCache };
}

/**
 * Keeps the bytecode of every function compiled in this process (V8 flushes the bytecode of
 * functions that have not run for a while, at garbage collections). The cache is written at the
 * end of the first run of a command, and a code cache holds only the functions that still have
 * bytecode then: after a long first run (a backtest of a day) the start-up's functions had been
 * flushed, and every later start compiled them again — the first market event of a tiny backtest
 * 0.47 CPU-s instead of 0.32-0.36 with a cache written by a tiny run. Set before the script is
 * compiled, so the flag hash V8 checks a cache against is the same in every start.
 */
function keepBytecode() {
  require('node:v8').setFlagsFromString('--no-flush-bytecode');
}

exports.cachePathOf = cachePathOf;
exports.runCachedScript = runCachedScript;
