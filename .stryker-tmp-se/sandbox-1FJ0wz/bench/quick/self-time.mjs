// @ts-nocheck
// Self time by function and by file, then inclusive ("total") time by function, from the largest
// .cpuprofile in a directory (no GUI needed). Inclusive: a sample counts once for every distinct
// function on its stack.
//   node bench/quick/self-time.mjs /tmp/prof [rows=25]
import { readFileSync, readdirSync, statSync } from 'node:fs';
const dir = process.argv[2];
const rows = Number(process.argv[3] ?? 25);
const file = dir.endsWith('.cpuprofile') ? dir : readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => `${dir}/${f}`).sort((a, b) => statSync(b).size - statSync(a).size)[0];
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const where = (cf) => (cf.url ? cf.url.replace(/^.*\/(packages|node_modules|bench|examples)\//, '$1/') : cf.functionName);
const key = (cf) => `${cf.functionName || '(anon)'}  ${where(cf)}`;
const fn = new Map();
const files = new Map();
const total = new Map();
let all = 0;
for (let i = 0; i < p.samples.length; i++) {
  const d = p.timeDeltas[i] ?? 0;
  all += d;
  const cf = byId.get(p.samples[i]).callFrame;
  fn.set(key(cf), (fn.get(key(cf)) ?? 0) + d);
  files.set(where(cf), (files.get(where(cf)) ?? 0) + d);
  const seen = new Set();
  for (let id = p.samples[i]; id !== undefined; id = parent.get(id)) {
    const k = key(byId.get(id).callFrame);
    if (seen.has(k)) continue;
    seen.add(k);
    total.set(k, (total.get(k) ?? 0) + d);
  }
}
const show = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).forEach(([k, v]) => console.log(`${((v / all) * 100).toFixed(1).padStart(5)}%  ${k}`));
console.log(`${file}: ${(all / 1e6).toFixed(2)} s sampled\n-- self time by function`);
show(fn, rows);
console.log('-- self time by file');
show(files, 20);
console.log('-- inclusive time by function');
show(total, rows);
