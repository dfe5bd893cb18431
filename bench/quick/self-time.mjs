// Self time by function and by file from the largest .cpuprofile in a directory (no GUI needed).
import { readFileSync, readdirSync, statSync } from 'node:fs';
const dir = process.argv[2];
const file = dir.endsWith('.cpuprofile') ? dir : readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => `${dir}/${f}`).sort((a, b) => statSync(b).size - statSync(a).size)[0];
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const fn = new Map();
const files = new Map();
let total = 0;
for (let i = 0; i < p.samples.length; i++) {
  const cf = byId.get(p.samples[i]).callFrame;
  const d = p.timeDeltas[i] ?? 0;
  total += d;
  const f = cf.url ? cf.url.replace(/^.*\/(packages|node_modules)\//, '$1/') : cf.functionName;
  const k = `${cf.functionName || '(anon)'}  ${f}`;
  fn.set(k, (fn.get(k) ?? 0) + d);
  files.set(f, (files.get(f) ?? 0) + d);
}
const show = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).forEach(([k, v]) => console.log(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`));
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled\n-- by function`);
show(fn, Number(process.argv[3] ?? 25));
console.log('-- by file');
show(files, 20);
