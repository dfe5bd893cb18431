/**
 * Benchmark runner: `npm run bench [-- --json] [-- --quick] [-- section-name ...]`.
 * Each section (bench/sections/*.ts, listed in bench/sections/index.ts) returns BenchResults,
 * every figure measured in the same run as its baseline. Without names it runs every section
 * that is not opt-in. The table goes to stdout; with --json stdout carries exactly one JSON
 * array of { name, value, unit, baseline, ratio, samples } and everything else (progress,
 * inputs, library chatter) goes to stderr. On Linux each section that ran also reports the host's
 * steal over it (`<section>-host-steal`, %: host-cpu.ts), the figure to read the others beside.
 */
import { cpus, loadavg } from 'node:os';
import { MIN_SAMPLES, result, spreadPercent, type BenchContext, type BenchResult } from './types.ts';
import { hostCpuTimes, stealBetween } from './host-cpu.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
if (quick) {
  // Sections that predate BenchContext read their sizes from the environment at import time,
  // so this must happen before the registry is imported.
  process.env.CHASSIS_BENCH_QUICK = '1';
  process.env.CHASSIS_BENCH_REPORT_EVENTS ??= '300000';
}
const { sections } = await import('./sections/index.ts');
const unknownFlags = args.filter((a) => a.startsWith('--') && a !== '--json' && a !== '--quick');
const only = args.filter((a) => !a.startsWith('--'));
const known = new Set(sections.map((s) => s.name));
const unknown = only.filter((n) => !known.has(n));
if (unknownFlags.length > 0 || unknown.length > 0) {
  process.stderr.write(`bench: unknown ${unknownFlags.length ? `flag(s) ${unknownFlags.join(' ')}` : `section(s) ${unknown.join(' ')}`}\n`);
  process.stderr.write(`usage: npm run bench -- [--json] [--quick] [section ...]\nsections: ${sections.map((s) => s.name + (s.optIn ? ' (opt-in)' : '')).join(', ')}\n`);
  process.exit(2);
}
const selected = sections.filter((s) => (only.length > 0 ? only.includes(s.name) : !s.optIn));

// With --json nothing but the final array may reach stdout: route every write there to stderr.
const stdoutWrite = process.stdout.write.bind(process.stdout);
if (json) (process.stdout as { write: unknown }).write = process.stderr.write.bind(process.stderr);

const machine = `node ${process.version}, ${cpus().length}× ${cpus()[0]?.model.trim() ?? '?'}, load average ${loadavg()
  .map((x) => x.toFixed(2))
  .join(' ')} at start, ${new Date().toISOString()}${quick ? ', --quick' : ''}`;
process.stderr.write(`bench: ${machine}\n`);

const ctx: BenchContext = { quick };
const results: { section: string; r: BenchResult }[] = [];
const failures: string[] = [];
for (const section of selected) {
  process.stderr.write(`running ${section.name} ...\n`);
  const t0 = performance.now();
  const host0 = hostCpuTimes();
  let ran = false;
  try {
    for (const r of await section.run(ctx)) {
      results.push({ section: section.name, r });
      if (r.inputs) process.stderr.write(`  ${r.name}: ${r.inputs}\n`);
    }
    ran = true;
  } catch (err) {
    failures.push(section.name);
    process.stderr.write(`bench: section ${section.name} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  const steal = stealBetween(host0, hostCpuTimes());
  const stolen = steal ? `; host steal ${steal.ofWanted.toFixed(1)} % of the CPU time wanted (${steal.ofAll.toFixed(1)} % of all)` : '';
  process.stderr.write(`  ${section.name} took ${((performance.now() - t0) / 1000).toFixed(1)} s, load average now ${loadavg()[0]!.toFixed(2)}${stolen}\n`);
  if (ran && steal) {
    const what = `CPU time the hypervisor took from this VM while ${section.name} ran, % of the time the CPUs were wanted (steal / (busy + steal), Linux /proc/stat; ${steal.ofAll.toFixed(1)} % of all CPU time): wall-time figures lose about that share against cores of their own`;
    results.push({ section: section.name, r: result(`${section.name}-host-steal`, '%', [steal.ofWanted], null, what) });
  }
}

function fmt(x: number | null): string {
  if (x === null) return '-';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(4);
}

if (json) {
  const out = results.map(({ r }) => ({ name: r.name, value: r.value, unit: r.unit, baseline: r.baseline, ratio: r.ratio, samples: r.samples }));
  stdoutWrite(`${JSON.stringify(out, null, 2)}\n`);
} else {
  const rows = results.map(({ r }) => [
    r.name,
    fmt(r.value),
    r.unit,
    `${spreadPercent(r.samples).toFixed(1)}% (n=${r.samples.length}${r.samples.length < MIN_SAMPLES ? '!' : ''})`,
    fmt(r.baseline),
    r.ratio === null ? '-' : r.ratio >= 100 ? r.ratio.toFixed(0) : r.ratio.toPrecision(3),
  ]);
  const head = ['benchmark', 'median', 'unit', 'spread (max-min)/med', 'baseline', 'ratio'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`machine: ${machine}`);
  let last = '';
  results.forEach(({ section, r }, i) => {
    if (section !== last) {
      console.log(`\n== ${section}`);
      console.log(line(head));
      console.log(widths.map((w) => '-'.repeat(w)).join('  '));
      last = section;
    }
    console.log(line(rows[i]!));
    if (r.inputs) console.log(`   ↳ ${r.inputs}`);
  });
  console.log(`\nratio = median / baseline (both measured in this run); n! = fewer than ${MIN_SAMPLES} samples.`);
}
if (failures.length > 0) {
  process.stderr.write(`bench: FAILED sections: ${failures.join(', ')}\n`);
  process.exitCode = 1;
}
