import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { importStrategyBundle } from './strategy-bundle.ts';

/** A project directory (with node_modules, where the bundle cache goes) holding the given files. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'chassis-strategy-bundle-'));
  mkdirSync(join(dir, 'node_modules'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const cacheFiles = (dir: string): string[] => readdirSync(join(dir, 'node_modules', '.cache', 'chassis-strategies'));

describe('TypeScript strategies bundled for the compiled runtime', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("loads a strategy with its relative TypeScript imports, each file keeping its own import.meta.url", async () => {
    dir = project({
      'strategies/mm.ts': "import { spread, where } from './lib/params.ts';\nconst n: number = spread(2);\nexport const here = import.meta.url;\nexport default { create: () => ({ onEvent: () => [] }), n, where };\n",
      'strategies/lib/params.ts': 'export const spread = (ticks: number): number => ticks * 2;\nexport const where: string = import.meta.url;\n',
    });
    const m = (await importStrategyBundle(join(dir, 'strategies/mm.ts'))) as { here: string; default: { n: number; where: string } };
    expect(m.default.n).toBe(4);
    expect(m.here).toBe(pathToFileURL(join(dir, 'strategies/mm.ts')).href);
    expect(m.default.where).toBe(pathToFileURL(join(dir, 'strategies/lib/params.ts')).href);
    expect(cacheFiles(dir)).toHaveLength(1);
  });

  it('rebuilds the bundle when an imported file changed, and imports the new code in the same process', async () => {
    dir = project({ 'mm.ts': "export { value } from './v.ts';\n", 'v.ts': 'export const value: number = 1;\n' });
    expect(((await importStrategyBundle(join(dir, 'mm.ts'))) as { value: number }).value).toBe(1);
    writeFileSync(join(dir, 'v.ts'), 'export const value: number = 22;\n');
    utimesSync(join(dir, 'v.ts'), new Date(), new Date(Date.now() + 5000));
    expect(((await importStrategyBundle(join(dir, 'mm.ts'))) as { value: number }).value).toBe(22);
  });

  it('reuses the cached bundle while its inputs are unchanged', async () => {
    dir = project({ 'mm.ts': 'export const value: number = 3;\n' });
    await importStrategyBundle(join(dir, 'mm.ts'));
    const [file] = cacheFiles(dir);
    const bundle = join(dir, 'node_modules', '.cache', 'chassis-strategies', file!);
    // A marker only the cached file carries: a rebuild would replace the file without it.
    writeFileSync(bundle, `${readFileSync(bundle, 'utf8')}// reused\n`);
    await importStrategyBundle(join(dir, 'mm.ts'));
    expect(readFileSync(bundle, 'utf8')).toContain('// reused');
  });

  it("points @chassis packages at the compiled packages this process runs and leaves other packages as imports", async () => {
    dir = project({ 'mm.ts': "import { ChassisError } from '@chassis/core';\nimport { z } from 'zod';\nexport const both = [ChassisError, z];\n" });
    await importStrategyBundle(join(dir, 'mm.ts')).catch(() => undefined); // dist may not be built here
    const text = readFileSync(join(dir, 'node_modules', '.cache', 'chassis-strategies', cacheFiles(dir)[0]!), 'utf8');
    expect(text).toMatch(/from "file:\/\/\/[^"]*\/packages\/core\/dist\/index\.js"/);
    expect(text).toContain('from "zod"');
  });

  it('names the file and line of a syntax error in the strategy', async () => {
    dir = project({ 'mm.ts': 'export const a = 1;\nexport const b = ;\n' });
    await expect(importStrategyBundle(join(dir, 'mm.ts'))).rejects.toThrow(/mm\.ts:2: /);
  });

  it('gives no bundle for a strategy without a node_modules directory above it (the caller uses tsx)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'chassis-strategy-bundle-'));
    writeFileSync(join(dir, 'mm.ts'), 'export const value: number = 1;\n');
    expect(await importStrategyBundle(join(dir, 'mm.ts'))).toBeNull();
  });
});
