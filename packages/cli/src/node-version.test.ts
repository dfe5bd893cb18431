import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_NODE_RANGE, unsupportedNodeMessage } from './node-version.ts';

const repoRoot = join(import.meta.dirname, '../../..');
const manifests = ['package.json', ...readdirSync(join(repoRoot, 'packages')).map((p) => join('packages', p, 'package.json'))];

describe('the supported Node range', () => {
  it('is the engines range of the root and of every package (zlib.crc32 appeared in Node 20.15.0 and 22.2.0)', () => {
    for (const file of manifests) {
      const engines = (JSON.parse(readFileSync(join(repoRoot, file), 'utf8')) as { engines?: { node?: string } }).engines;
      expect(engines?.node, file).toBe(SUPPORTED_NODE_RANGE);
    }
  });

  it.each(['20.15.0', '20.20.2', '22.2.0', '22.12.1', '24.0.0'])('accepts Node %s, which has zlib.crc32', (v) => {
    expect(unsupportedNodeMessage(v)).toBeNull();
  });

  it.each(['18.20.4', '20.11.0', '20.14.9', '21.7.3', '22.1.0'])('refuses Node %s, which lacks zlib.crc32, naming the version and the range', (v) => {
    expect(unsupportedNodeMessage(v)).toBe(`Chassis needs Node.js ${SUPPORTED_NODE_RANGE} (it uses zlib.crc32); this is Node.js ${v}`);
  });
});
