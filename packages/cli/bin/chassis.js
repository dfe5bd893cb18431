#!/usr/bin/env node
// Entry point of the `chassis` command. It runs the compiled JavaScript of the packages' dist
// directories when that build is current (scripts/build-dist.mjs, run by `npm ci` and
// `npm run build`): no runtime transpiler, so the command starts in a fraction of the time. When
// a source is newer than the build (an edit, a checkout) or CHASSIS_FROM_SOURCE=1, it runs the
// TypeScript sources through tsx instead, so an edit is never shadowed by a stale build. User
// strategy modules (.ts) load either way (the strategy loader brings tsx in for them).
import module from 'node:module';
import { fileURLToPath } from 'node:url';
import { distIsCurrent } from './dist-freshness.js';

// Node >= 22.1 keeps V8's compiled code of the modules loaded from here on in an on-disk cache
// between runs; Node 20 has no such cache (there, start-up is kept small by loading less:
// packages/cli/README.md, "Start-up").
module.enableCompileCache?.();

const compiled =
  process.env.CHASSIS_FROM_SOURCE !== '1' &&
  distIsCurrent(
    fileURLToPath(new URL('../../', import.meta.url)),
    fileURLToPath(new URL('../dist/.build.json', import.meta.url)),
  );
const entry = compiled ? '../dist' : '../src';
const ext = compiled ? 'js' : 'ts';
if (!compiled) (await import('tsx/esm/api')).register();
// Before main is linked: on a Node without zlib.crc32 its import graph fails to link with a
// bare SyntaxError, so an unsupported Node is named here instead.
const { unsupportedNodeMessage } = await import(`${entry}/node-version.${ext}`);
const unsupported = unsupportedNodeMessage(process.versions.node);
if (unsupported) {
  process.stderr.write(`E_NODE_VERSION: ${unsupported}\n`);
  process.exitCode = 1;
} else {
  const { main } = await import(`${entry}/main.${ext}`);
  process.exitCode = await main(process.argv);
}
