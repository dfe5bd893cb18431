#!/usr/bin/env node
// @ts-nocheck
// Entry point of the `chassis` command. Sources are TypeScript; tsx registers a loader so the
// CLI, the packages and user strategy modules (.ts) run without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
