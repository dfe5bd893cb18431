/**
 * Benchmark runner: `npm run bench [-- --json] [-- section-name ...]`.
 * Each section (bench/sections/*.ts, listed in bench/sections/index.ts) returns BenchResults;
 * they print as a table, or with --json as one JSON array of
 * { name, value, unit, baseline, ratio, samples }.
 */
import { sections } from './sections/index.ts';
import type { BenchResult } from './types.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const only = args.filter((a) => !a.startsWith('--'));

const results: BenchResult[] = [];
for (const section of sections) {
  if (only.length > 0 && !only.includes(section.name)) continue;
  if (!json) process.stderr.write(`running ${section.name} ...\n`);
  results.push(...(await section.run()));
}

function fmt(x: number | null): string {
  if (x === null) return '-';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(4);
}

if (json) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  const rows = results.map((r) => {
    const min = Math.min(...r.samples);
    const max = Math.max(...r.samples);
    const spread = r.value === 0 ? 0 : ((max - min) / r.value) * 100;
    return [r.name, fmt(r.value), r.unit, `±${(spread / 2).toFixed(1)}% (n=${r.samples.length})`, fmt(r.baseline), r.ratio === null ? '-' : r.ratio.toFixed(3)];
  });
  const head = ['benchmark', 'median', 'unit', 'spread', 'baseline', 'ratio'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
