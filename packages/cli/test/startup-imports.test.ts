// Every `chassis` command loads the CLI's whole static import graph at start-up, so a heavy library
// imported statically anywhere in it is paid by every command. These load on first use instead.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** CPU cost to import, measured on this machine: ccxt ~0.8 s, BullMQ ~0.22 s, the AWS SDK ~0.11 s, ioredis ~0.05 s. */
const LOADED_ON_FIRST_USE = ['ccxt', 'bullmq', 'ioredis', '@aws-sdk/client-s3'];

/** Value imports (not `import type`, not dynamic `import()`), re-exports included. */
function staticSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of code.matchAll(/^\s*(import|export)\s+(?!type\b)([^'";]*?\bfrom\s+)?['"]([^'"]+)['"]/gm)) {
    const clause = m[2] ?? '';
    if (/^\{\s*\}?\s*from/.test(clause)) continue;
    if (m[1] === 'export' && !clause) continue;
    out.push(m[3]!);
  }
  return out;
}

/** Third-party packages reachable from `entry` through static imports of the repository's sources. */
function reachablePackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of staticSpecifiers(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else if (spec.startsWith('@chassis/')) visit(join(root, 'packages', spec.slice('@chassis/'.length), 'src', 'index.ts'));
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  };
  visit(entry);
  return packages;
}

describe('what every chassis command loads at start-up', () => {
  const reachable = reachablePackages(join(root, 'packages/cli/src/main.ts'));

  it('reaches the libraries it does need (the scan follows the graph)', () => {
    expect(existsSync(join(root, 'packages/cli/src/main.ts'))).toBe(true);
    expect(reachable).toContain('commander');
    expect(reachable).toContain('@duckdb/node-api');
  });

  it.each(LOADED_ON_FIRST_USE)('does not import %s statically', (pkg) => {
    expect(reachable).not.toContain(pkg);
  });
});
