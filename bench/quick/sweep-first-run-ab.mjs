// V8/Node flags for sweep workers, A/B (not a bench section): runs bench/quick/sweep-first-run.mjs
// (one worker, the capture sweep's 8 runs, the pool's RUN_PROCESS_FLAGS) once per variant per
// round, interleaved (the order reversed every other round: on this 2-core machine a process
// started right after another is measurably faster or slower), then prints per variant the median
// of each run's CPU ms and, against the first variant, the median paired difference of run 1, runs
// 1-4 (what each worker of a 2-worker sweep does), runs 5-8 (the steady state) and runs 1-8, with
// how many rounds were lower. Differences under ~10 % need 8+ rounds here. Build first.
//   node bench/quick/sweep-first-run-ab.mjs rounds 'base=' 'name=--flag,--other=1' ...
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const FIRST_RUN = fileURLToPath(new URL('sweep-first-run.mjs', import.meta.url));
const [rounds = '6', ...specs] = process.argv.slice(2);
if (specs.length < 2) throw new Error("usage: sweep-first-run-ab.mjs rounds 'base=' 'name=--flag,--other' ...");
const variants = specs.map((spec) => {
  const eq = spec.indexOf('=');
  return { name: spec.slice(0, eq), flags: spec.slice(eq + 1), runs: [], process: [] };
});
const loads = [];
for (let r = 0; r < Number(rounds); r++) {
  for (const v of r % 2 === 0 ? variants : [...variants].reverse()) {
    loads.push(loadavg()[0]);
    const out = execFileSync(process.execPath, [FIRST_RUN, 'quiet=1', ...(v.flags ? [`flags=${v.flags}`] : [])], { encoding: 'utf8' });
    const m = /process CPU\s+(\d+) ms; runs CPU ([\d ]+);/.exec(out);
    if (!m) throw new Error(`${v.name}: no summary in ${out}`);
    v.process.push(Number(m[1]));
    v.runs.push(m[2].trim().split(' ').map(Number));
    process.stderr.write(`${v.name}: process ${m[1]} ms, runs ${m[2]}\n`);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const parts = { 'run 1': (r) => r[0], 'runs 1-4': (r) => sum(r.slice(0, 4)), 'runs 5-8': (r) => sum(r.slice(4)), 'runs 1-8': sum };
console.log(`load average (1 min) during: ${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)}`);
for (const v of variants) {
  const perRun = v.runs[0].map((_, i) => median(v.runs.map((r) => r[i])).toFixed(0)).join(' ');
  console.log(`${v.name.padEnd(16)} CPU ms per run (median): ${perRun}; process ${median(v.process).toFixed(0)}`);
}
const [base, ...others] = variants;
for (const v of others) {
  const diffs = Object.entries(parts).map(([label, f]) => {
    const d = v.runs.map((r, i) => f(r) - f(base.runs[i]));
    return `${label} ${median(d) > 0 ? '+' : ''}${median(d).toFixed(0)} (${d.filter((x) => x < 0).length}/${d.length} lower)`;
  });
  console.log(`${v.name.padEnd(16)} vs ${base.name}, median paired CPU ms: ${diffs.join(', ')}`);
}
