import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { asciiOnly, bundleCli, bundleRunProcess, rewriteSpecifiers, withBinImport, withLazyChildProcess, withPerFileModuleUrl, withShakableZod } from '../../../scripts/build-dist.mjs';
import { distIsCurrent, sourceDirs } from '../bin/dist-freshness.cjs';

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

describe('the bundled chassis command (one CommonJS file)', () => {
  it("gives each source's import.meta.url the URL of its per-file build, relative to the bundle", () => {
    const source = "const pkg = new URL('../../../package.json', import.meta.url);\nconst here = import.meta.url;";
    expect(withPerFileModuleUrl(source, '/repo/packages/cli/src/commands/monitor.ts', '/repo/packages/cli/dist/bundle')).toBe(
      'const pkg = new URL(\'../../../package.json\', __chassisModuleUrl("../commands/monitor.js"));\nconst here = __chassisModuleUrl("../commands/monitor.js");',
    );
    expect(withPerFileModuleUrl('x(import.meta.url)', '/repo/packages/backtesting/src/code-version.ts', '/repo/packages/cli/dist/bundle')).toBe(
      'x(__chassisModuleUrl("../../../backtesting/dist/code-version.js"))',
    );
  });

  it('maps the package source folder, not an earlier src folder of the checkout path', () => {
    expect(withPerFileModuleUrl('import.meta.url', '/home/me/src/chassis/packages/core/src/index.ts', '/home/me/src/chassis/packages/cli/dist/bundle')).toBe(
      '__chassisModuleUrl("../../../core/dist/index.js")',
    );
  });

  it('runs commands from a fresh bundle, the second start compiled from the code cache the first wrote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chassis-bundle-'));
    try {
      const file = join(dir, 'chassis.cjs');
      const hash = await bundleCli(file);
      expect(hash).toMatch(/^[0-9a-f]{16}$/);
      const runner = `
        import { runCachedScript } from ${JSON.stringify(fileURLToPath(new URL('../bin/cached-script.cjs', import.meta.url)))};
        const run = runCachedScript({ file: ${JSON.stringify(file)}, hash: ${JSON.stringify(hash)}, name: process.argv[1], dynamicImport: (s) => import(s) });
        process.exitCode = await run.exports.main(['node', 'chassis', ...process.argv.slice(1)]);
        run.saveCache();
        process.stderr.write('cache ' + run.cache);`;
      const chassis = (...args: string[]): { out: string; cache: string } => {
        const r = spawnSync(process.execPath, ['--input-type=module', '-e', runner, '--', ...args], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        return { out: r.stdout, cache: /cache (\w+)$/.exec(r.stderr)?.[1] ?? r.stderr };
      };
      const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
      const empty = join(dir, 'data');
      mkdirSync(empty);
      expect(chassis('--version')).toEqual({ out: `${version}\n`, cache: 'none' });
      // data ls: its action imported dynamically, @chassis/storage and the catalog read from the bundle.
      const first = chassis('data', 'ls', '--data', empty, '--json');
      expect({ rows: JSON.parse(first.out) as unknown, cache: first.cache }).toEqual({ rows: [], cache: 'none' });
      const second = chassis('data', 'ls', '--data', empty, '--json');
      expect({ rows: JSON.parse(second.out) as unknown, cache: second.cache }).toEqual({ rows: [], cache: 'used' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("starts a sweep's run child from one file that answers for the backtest backend without loading any per-file module", async () => {
    // Inside the checkout, so the bundle's external packages resolve from its node_modules as they do from dist/bundle.
    // node_modules/.cache exists only once something cached there: a fresh clone may run this first.
    const cacheDir = fileURLToPath(new URL('../../../node_modules/.cache/', import.meta.url));
    mkdirSync(cacheDir, { recursive: true });
    const dir = mkdtempSync(join(cacheDir, 'chassis-run-bundle-'));
    try {
      const file = join(dir, 'bundle', 'run-process.mjs');
      await bundleRunProcess(file);
      // The URL a parent names the backend by: BACKTEST_BACKEND_MODULE of the per-file build.
      const backendModule = pathToFileURL(fileURLToPath(new URL('../../experiments/dist/backtest-backend.js', import.meta.url))).href;
      // A resolve hook reports every per-file Chassis module the child loads (there must be none).
      const hooks = `export async function resolve(s, c, next) { const r = await next(s, c); if (/[/]packages[/][a-z-]+[/](src|dist)[/]/.test(r.url)) process.stderr.write('loaded ' + r.url + '\\n'); return r; }`;
      const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
      const child = fork(file, [backendModule], {
        execArgv: ['--import', `data:text/javascript,${encodeURIComponent(register)}`],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        serialization: 'advanced',
      });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const messages: unknown[] = [];
      const next = (): Promise<unknown> => new Promise((resolve) => child.once('message', resolve));
      messages.push(await next());
      child.send({ type: 'run', runId: 'r1', definition: { seed: 'x' }, backendModule, ctx: { dataRoot: dir, baseDir: dir } });
      messages.push(await next());
      child.disconnect();
      await new Promise((resolve) => child.once('exit', resolve));
      expect(messages[0]).toMatchObject({ type: 'ready' });
      expect(messages[0]).not.toHaveProperty('error');
      // The backend's own validation answered, naming the field and the run.
      expect(messages[1]).toMatchObject({ type: 'error', message: expect.stringMatching(/^E_RUN_DEFINITION: .*seed: .*\(in run r1\)$/) });
      expect(stderr).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('imports zod as a namespace, whose unused members the bundler can drop; type imports stay as they are', () => {
    expect(withShakableZod("import { z } from 'zod';\nimport type { z as Z } from 'zod';\nconst s = z.object({});")).toBe(
      "import * as z from 'zod';\nimport type { z as Z } from 'zod';\nconst s = z.object({});",
    );
    expect(withShakableZod("import type { z } from 'zod';")).toBe("import type { z } from 'zod';");
  });

  it('escapes every non-ASCII character, so that the same program is one-byte text', () => {
    const code = '/** sign × price ≥ 0 */\nconst s = "é€😀";\nconst r = /[≤]/;';
    const out = asciiOnly(code);
    expect([...out].every((c) => c.charCodeAt(0) < 128)).toBe(true);
    // The same values once evaluated (the comment is gone either way).
    const run = (c: string): unknown => new Function(`${c}\nreturn [s, r.test('≤'), r.test('<')];`)();
    expect(run(out)).toEqual(run(code));
    expect(run(out)).toEqual(['é€😀', true, false]);
  });

  it("requires node:child_process in commander on its first spawn, not when commander loads", () => {
    const commander = readFileSync(fileURLToPath(new URL('../node_modules/commander/lib/command.js', import.meta.url)), 'utf8');
    const lazy = withLazyChildProcess(commander);
    expect(commander).toMatch(/^const childProcess = require\('node:child_process'\);$/m);
    expect(lazy).not.toMatch(/^const childProcess = require\('node:child_process'\);$/m);
    // Everything else is commander's own code; the one use it makes of the module still works.
    expect(lazy.replace(/^const childProcess = .*$/m, '')).toBe(commander.replace(/^const childProcess = .*$/m, ''));
    expect([...lazy.matchAll(/childProcess\.(\w+)/g)].map((m) => m[1])).toEqual(['spawn', 'spawn', 'spawn']);
    const childProcess = new Function('require', `${/^const childProcess = .*$/m.exec(lazy)![0]}\nreturn childProcess;`)((id: string) => {
      expect(id).toBe('node:child_process');
      return { spawn: (...args: unknown[]) => ['spawned', ...args] };
    }) as { spawn: (...args: unknown[]) => unknown };
    expect(childProcess.spawn('x', ['a'])).toEqual(['spawned', 'x', ['a']]);
  });

  it("routes dynamic import() calls to the bin's import, and nothing else", () => {
    const code = 'const d = await import("@duckdb/node-api");\nreturn import(url);\nconst { tsImport } = x;\ntsImport(a);\nloader.import(b);\nconst $import = 1;';
    expect(withBinImport(code)).toBe(
      'const d = await __chassisImport("@duckdb/node-api");\nreturn __chassisImport(url);\nconst { tsImport } = x;\ntsImport(a);\nloader.import(b);\nconst $import = 1;',
    );
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

  describe('with the source directories the build recorded (sourceDirs)', () => {
    /** The fixture plus a subdirectory in a, and the stamp recording every source directory as the build does. */
    function recorded(): { packages: string; stamp: string } {
      const f = fixture(1000);
      mkdirSync(join(f.packages, 'a', 'src', 'sub'));
      writeFileSync(join(f.packages, 'a', 'src', 'sub', 'deep.ts'), 'export {};\n');
      utimesSync(join(f.packages, 'a', 'src', 'sub', 'deep.ts'), 1000, 1000);
      // Whole seconds, so a test can put a directory's mtime back exactly.
      for (const d of ['a/src', 'a/src/sub', 'b/src']) utimesSync(join(f.packages, d), 2000, 2000);
      const dirs = sourceDirs(f.packages);
      expect(dirs).toEqual({
        'a/src': [2_000_000, ['index.ts'], ['sub']],
        'a/src/sub': [2_000_000, ['deep.ts'], []],
        'b/src': [2_000_000, ['index.ts'], []],
      });
      writeFileSync(f.stamp, JSON.stringify({ files: 3, newestSourceMs: 1_000_000, sourceDirs: dirs }));
      return f;
    }

    it('runs the build, and still sees a source edited in place (its directory unchanged)', () => {
      const { packages, stamp } = recorded();
      expect(distIsCurrent(packages, stamp)).toBe(true);
      utimesSync(join(packages, 'a', 'src', 'sub', 'deep.ts'), 1001, 1001);
      expect(distIsCurrent(packages, stamp)).toBe(false);
    });

    it('lists a directory again when its mtime moved: a module added there is seen', () => {
      const { packages, stamp } = recorded();
      writeFileSync(join(packages, 'a', 'src', 'sub', 'new.ts'), 'export {};\n');
      utimesSync(join(packages, 'a', 'src', 'sub', 'new.ts'), 900, 900);
      expect(distIsCurrent(packages, stamp)).toBe(false);
      // A test file added moves the mtime too, but the listing finds no new module: the build runs.
      rmSync(join(packages, 'a', 'src', 'sub', 'new.ts'));
      writeFileSync(join(packages, 'a', 'src', 'sub', 'deep.test.ts'), '\n');
      expect(distIsCurrent(packages, stamp)).toBe(true);
    });

    it('trusts the recorded listing of a directory whose mtime is the recorded one, and takes a recorded module that is gone for a change', () => {
      const { packages, stamp } = recorded();
      const sub = join(packages, 'a', 'src', 'sub');
      const mtimeS = 2000;
      // Not listed again: a module added behind a restored mtime is not counted (the listing is what makes the check cheap).
      writeFileSync(join(sub, 'hidden.ts'), 'export {};\n');
      utimesSync(join(sub, 'hidden.ts'), 900, 900);
      utimesSync(sub, mtimeS, mtimeS);
      expect(distIsCurrent(packages, stamp)).toBe(true);
      rmSync(join(sub, 'hidden.ts'));
      rmSync(join(sub, 'deep.ts'));
      utimesSync(sub, mtimeS, mtimeS);
      expect(distIsCurrent(packages, stamp)).toBe(false);
    });
  });
});
