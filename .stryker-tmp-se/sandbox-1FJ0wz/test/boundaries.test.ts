// @ts-nocheck
// Enforces the dependency direction of the architecture on the source text itself, so that a
// relative import across packages (which the lint rule cannot see) also fails.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageBoundaries } from '../scripts/package-boundaries.js';

const root = resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) specs.push(m[1]!);
  return specs;
}

describe('package dependency direction', () => {
  for (const [pkg, rule] of Object.entries(packageBoundaries)) {
    it(`${pkg} imports only ${rule.allowed.join(', ') || 'nothing'} from other packages`, () => {
      const violations: string[] = [];
      for (const file of sourceFiles(join(root, 'packages', pkg, 'src'))) {
        for (const spec of importsOf(readFileSync(file, 'utf8'))) {
          let target: string | undefined;
          if (spec.startsWith('@chassis/')) target = spec.split('/')[1];
          else if (spec.startsWith('.')) {
            const rel = relative(join(root, 'packages'), resolve(file, '..', spec)).split(sep);
            if (rel[0] !== '..') target = rel[0];
          }
          if (target && target !== pkg && !rule.allowed.includes(target)) violations.push(`${relative(root, file)} imports ${spec}`);
        }
      }
      expect(violations).toEqual([]);
    });
  }
});

describe('the core is pure', () => {
  const banned = [/\bDate\b/, /\bMath\.random\b/, /\bperformance\./, /\bprocess\./, /\bset(Timeout|Interval|Immediate)\b/, /\brequire\(/];
  it('core source uses no clock, randomness, process, timers or Node APIs', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(join(root, 'packages', 'core', 'src'))) {
      if (file.endsWith('.test.ts')) continue;
      const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
      for (const re of banned) if (re.test(text)) violations.push(`${relative(root, file)} uses ${re}`);
      for (const spec of importsOf(text)) if (!spec.startsWith('./') && !spec.startsWith('../')) violations.push(`${relative(root, file)} imports ${spec}`);
    }
    expect(violations).toEqual([]);
  });
});
