import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rewriteSpecifiers } from '../../../scripts/build-dist.mjs';
import { distIsCurrent } from '../bin/dist-freshness.js';

describe('compiled output specifiers', () => {
  const outFile = '/repo/packages/cli/dist/commands/backtest.js';

  it('points relative TypeScript imports at the compiled .js files', () => {
    const code =
      'import { a } from "./a.ts";\nexport * from "../b/c.ts";\nimport "./side.ts";\nconst m = await import("./lazy.ts");';
    expect(rewriteSpecifiers(code, outFile)).toBe(
      'import { a } from "./a.js";\nexport * from "../b/c.js";\nimport "./side.js";\nconst m = await import("./lazy.js");',
    );
  });

  it("points a package import at that package's compiled index, relative to the importing file", () => {
    expect(rewriteSpecifiers('import { x } from "@chassis/core";', outFile)).toBe(
      'import { x } from "../../../core/dist/index.js";',
    );
    expect(rewriteSpecifiers("const s = await import('@chassis/storage');", '/repo/packages/cli/dist/main.js')).toBe(
      "const s = await import('../../storage/dist/index.js');",
    );
  });

  it('leaves third-party specifiers and strings that are not imports alone', () => {
    const code =
      'import { z } from "zod";\nconst strategy = "examples/strategies/market-maker.ts";\nconst url = new URL("./x.ts", import.meta.url);';
    expect(rewriteSpecifiers(code, outFile)).toBe(code);
  });
});

describe('whether the compiled build may run', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** packages/{a,b}/src with one module each (plus a test file the build ignores), and a stamp at `builtAtS`. */
  function fixture(builtAtS: number): { packages: string; stamp: string } {
    root = mkdtempSync(join(tmpdir(), 'chassis-dist-'));
    const packages = join(root, 'packages');
    for (const pkg of ['a', 'b']) {
      mkdirSync(join(packages, pkg, 'src'), { recursive: true });
      writeFileSync(join(packages, pkg, 'src', 'index.ts'), 'export {};\n');
      writeFileSync(join(packages, pkg, 'src', 'index.test.ts'), '\n');
      utimesSync(join(packages, pkg, 'src', 'index.ts'), 1000, 1000);
    }
    const stamp = join(root, 'stamp.json');
    writeFileSync(stamp, JSON.stringify({ files: 2, newestSourceMs: builtAtS * 1000 }));
    return { packages, stamp };
  }

  it('runs the build made from the sources as they are', () => {
    const { packages, stamp } = fixture(1000);
    expect(distIsCurrent(packages, stamp)).toBe(true);
  });

  it('runs the sources when one of them was edited after the build', () => {
    const { packages, stamp } = fixture(1000);
    utimesSync(join(packages, 'b', 'src', 'index.ts'), 1001, 1001);
    expect(distIsCurrent(packages, stamp)).toBe(false);
  });

  it('runs the sources when a module was added or removed since the build', () => {
    const { packages, stamp } = fixture(1000);
    writeFileSync(join(packages, 'a', 'src', 'new.ts'), 'export {};\n');
    utimesSync(join(packages, 'a', 'src', 'new.ts'), 900, 900);
    expect(distIsCurrent(packages, stamp)).toBe(false);
    rmSync(join(packages, 'a', 'src', 'new.ts'));
    rmSync(join(packages, 'b', 'src', 'index.ts'));
    expect(distIsCurrent(packages, stamp)).toBe(false);
  });

  it('runs the sources when there is no build', () => {
    const { packages, stamp } = fixture(1000);
    rmSync(stamp);
    expect(distIsCurrent(packages, stamp)).toBe(false);
  });
});
