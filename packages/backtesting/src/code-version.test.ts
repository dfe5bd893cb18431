import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { sourceFingerprint } from './code-version.ts';

const SOURCE = fileURLToPath(new URL('./code-version.ts', import.meta.url));

/** The runtime packages' src directories with one source file (core), and code-version compiled into backtesting/dist as the build does. */
function compiledLayout(): { packages: string; dist: string } {
  const packages = mkdtempSync(join(tmpdir(), 'chassis-code-version-'));
  for (const pkg of ['core', 'venues', 'storage', 'quality', 'backtesting']) mkdirSync(join(packages, pkg, 'src'), { recursive: true });
  writeFileSync(join(packages, 'core', 'src', 'index.ts'), 'export const x = 1;\n');
  const dist = join(packages, 'backtesting', 'dist');
  mkdirSync(dist, { recursive: true });
  const { code } = transformSync(readFileSync(SOURCE, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20' });
  writeFileSync(join(dist, 'code-version.js'), code);
  return { packages, dist };
}

describe('the source fingerprint in run ids', () => {
  let packages = '';
  afterEach(() => rmSync(packages, { recursive: true, force: true }));

  it('is 12 hex characters from the sources', () => {
    expect(sourceFingerprint()).toMatch(/^[0-9a-f]{12}$/);
  });

  it('compiled, is the value the build recorded beside the module', async () => {
    const layout = compiledLayout();
    packages = layout.packages;
    writeFileSync(join(layout.dist, 'source-fingerprint.txt'), 'abcdef012345\n');
    const m = (await import(pathToFileURL(join(layout.dist, 'code-version.js')).href)) as { sourceFingerprint(): string };
    expect(m.sourceFingerprint()).toBe('abcdef012345');
  });

  it('compiled without a recorded value, hashes the sources (path and content of each runtime file)', async () => {
    const layout = compiledLayout();
    packages = layout.packages;
    const m = (await import(`${pathToFileURL(join(layout.dist, 'code-version.js')).href}?none`)) as { sourceFingerprint(): string };
    const expected = createHash('sha256').update('core/src/index.ts\0export const x = 1;\n\0').digest('hex').slice(0, 12);
    expect(m.sourceFingerprint()).toBe(expected);
  });
});
