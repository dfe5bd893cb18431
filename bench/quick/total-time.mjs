// Inclusive ("total") time by function from the largest .cpuprofile in a directory: a sample
// counts once for every distinct function on its stack. Complements self-time.mjs.
//   node bench/quick/total-time.mjs /tmp/prof [rows=40]
import { readFileSync, readdirSync, statSync } from 'node:fs';
const dir = process.argv[2];
const file = dir.endsWith('.cpuprofile') ? dir : readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => `${dir}/${f}`).sort((a, b) => statSync(b).size - statSync(a).size)[0];
const p = JSON.parse(readFileSync(file, 'utf8'));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const key = (n) => `${n.callFrame.functionName || '(anon)'}  ${(n.callFrame.url || '').replace(/^.*\/(packages|node_modules|bench|examples)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
const total = new Map();
let all = 0;
for (let i = 0; i < p.samples.length; i++) {
  const d = p.timeDeltas[i] ?? 0;
  all += d;
  const seen = new Set();
  for (let id = p.samples[i]; id !== undefined; id = parent.get(id)) {
    const k = key(byId.get(id));
    if (seen.has(k)) continue;
    seen.add(k);
    total.set(k, (total.get(k) ?? 0) + d);
  }
}
console.log(`${file}: ${(all / 1e6).toFixed(2)} s sampled; inclusive time`);
[...total].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 40)).forEach(([k, v]) => console.log(`${((v / all) * 100).toFixed(1).padStart(5)}%  ${k}`));
