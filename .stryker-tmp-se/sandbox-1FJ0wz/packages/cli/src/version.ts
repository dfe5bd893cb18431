// @ts-nocheck
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
/** The Chassis release version (root package.json); part of every run id's code version. */
export const version: string = pkg.version;
