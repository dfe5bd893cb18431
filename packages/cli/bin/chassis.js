#!/usr/bin/env node
// Entry point of the `chassis` command. Sources are TypeScript; tsx registers a loader so the
// CLI, the packages and user strategy modules (.ts) run without a build step.
import { register } from 'tsx/esm/api';

register();
// Before main.ts is linked: on a Node without zlib.crc32 its import graph fails to link with a
// bare SyntaxError, so an unsupported Node is named here instead.
const { unsupportedNodeMessage } = await import('../src/node-version.ts');
const unsupported = unsupportedNodeMessage(process.versions.node);
if (unsupported) {
  process.stderr.write(`E_NODE_VERSION: ${unsupported}\n`);
  process.exitCode = 1;
} else {
  const { main } = await import('../src/main.ts');
  process.exitCode = await main(process.argv);
}
