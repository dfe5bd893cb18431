// Every `chassis` command loads the CLI's static import graph at start-up (main.ts: commander and
// the command declarations), and `chassis backtest` adds its action's graph (backtest-action.ts).
// A heavy library imported statically anywhere in them is paid by every start; these load on
// first use instead (a dynamic import(), or a lazy require of a CommonJS package).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/**
 * CPU cost to import, measured on this machine: ccxt ~0.8 s, DuckDB ~0.3 s, BullMQ ~0.22 s, ws
 * ~0.12 s, the AWS SDK ~0.11 s, zod ~0.11 s, prom-client ~0.08 s (+ OpenTelemetry ~0.05 s), yaml
 * ~0.06 s, pino + pino-pretty ~0.1 s, ioredis ~0.05 s, cli-progress ~0.03 s.
 */
const LOADED_ON_FIRST_USE = ['ccxt', 'bullmq', 'ioredis', '@aws-sdk/client-s3'];
/** Not needed to parse a command line or print help: none may load before a command runs. */
const NOT_AT_START = [...LOADED_ON_FIRST_USE, '@duckdb/node-api', 'prom-client', '@opentelemetry/api', 'ws', 'zod', 'yaml', 'pino', 'pino-pretty', 'echarts', 'cli-progress'];
/**
 * Not needed until a backtest's first market event: DuckDB decodes Parquet only on a columnar
 * cache miss and writes the series at the end; prom-client only with --metrics-port/--pushgateway;
 * yaml only for a YAML run file; cli-progress only on a terminal.
 */
const NOT_BEFORE_FIRST_EVENT = [...LOADED_ON_FIRST_USE, '@duckdb/node-api', 'prom-client', '@opentelemetry/api', 'ws', 'yaml', 'pino', 'pino-pretty', 'echarts', 'cli-progress'];

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

/** Packages reachable from `entry` through static imports of the repository's sources (`@chassis/x` and `node:x` included). */
function reachablePackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of staticSpecifiers(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else if (spec.startsWith('@chassis/')) {
        packages.add(spec);
        visit(join(root, 'packages', spec.slice('@chassis/'.length), 'src', 'index.ts'));
      }
      else if (spec.startsWith('node:')) packages.add(spec);
      else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
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
    expect(reachable).toContain('@chassis/monitoring');
  });

  it.each(NOT_AT_START)('does not import %s statically', (pkg) => {
    expect(reachable).not.toContain(pkg);
  });

  // Node's own modules outside its start-up snapshot cost ~1-2 ms each (child_process and net
  // with streams and dgram): every command would pay them.
  it.each(['node:child_process', 'node:net', 'node:http', 'node:perf_hooks'])('does not import %s statically', (builtin) => {
    expect(reachable).toContain('node:fs');
    expect(reachable).not.toContain(builtin);
  });

  it.each(['@chassis/backtesting', '@chassis/storage', '@chassis/analysis', '@chassis/experiments', '@chassis/live', '@chassis/recording', '@chassis/quality'])(
    "does not load %s before a command's action runs",
    (pkg) => {
      expect(reachable).not.toContain(pkg);
    },
  );
});

describe('what chassis backtest loads before its first market event', () => {
  const reachable = reachablePackages(join(root, 'packages/cli/src/commands/backtest-action.ts'));

  it('reaches the runtime and the run-definition schema (the scan follows the graph)', () => {
    expect(reachable).toContain('@chassis/backtesting');
    expect(reachable).toContain('zod');
  });

  it.each(NOT_BEFORE_FIRST_EVENT)('does not import %s statically', (pkg) => {
    expect(reachable).not.toContain(pkg);
  });

  it.each(['@chassis/analysis', '@chassis/experiments', '@chassis/live', '@chassis/recording', '@chassis/quality'])('does not load %s', (pkg) => {
    expect(reachable).not.toContain(pkg);
  });

  // Node's own modules outside its start-up snapshot cost ~1-2 ms each to load: the metrics
  // server's HTTP stack only with --metrics-port, a local Prometheus's child_process only with
  // `monitor up`, perf_hooks never (performance is a global).
  it.each(['node:child_process', 'node:net', 'node:http', 'node:perf_hooks'])('does not import %s statically', (builtin) => {
    expect(reachable).toContain('node:fs');
    expect(reachable).not.toContain(builtin);
  });
});
