/**
 * Bytes allocated per market message by function, for the quick-loop backtest (market maker,
 * USD-M capture × N): V8's sampling heap profiler with the objects the garbage collector already
 * took counted too, so short-lived garbage (events, BigInts, boxed doubles) shows. Each sample is
 * charged to the innermost physical frame: code inlined into an optimised function counts as that
 * function's (run with --no-turbo-inlining to see each function apart; boxing at the call
 * boundaries then shows too). With frames > 1 each row is a call path of that many frames,
 * innermost first (`sort < pass < decide`): who calls the builtin (push, sort, Map) that allocates.
 *   node --import tsx bench/quick/alloc-per-message.ts [repeat=20] [samplingInterval=4096] [rows=30] [frames=1]
 */
import { Session } from 'node:inspector/promises';
import { rmSync } from 'node:fs';
import { quickBacktest } from './quick-run.ts';

interface SampleNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: SampleNode[];
}

const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
// The two include… flags keep samples of collected objects (supported by Node 20's V8; not in its typings).
await session.post('HeapProfiler.startSampling', {
  samplingInterval: Number(process.argv[3] ?? 4096),
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
} as never);
const out = `/tmp/chassis-quick/run-${process.pid}`;
const r = await quickBacktest(Number(process.argv[2] ?? 20), out);
const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: SampleNode } };
rmSync(out, { recursive: true, force: true });

const frames = Number(process.argv[5] ?? 1);
const bytes = new Map<string, number>();
let all = 0;
const visit = (n: SampleNode, path: readonly string[]): void => {
  const where = n.callFrame.url.replace(/^.*\/(packages|node_modules|bench|examples)\//, '$1/');
  const frame = `${n.callFrame.functionName || '(anon)'}  ${where}`;
  const inner = [frame, ...path].slice(0, frames);
  const key = frames === 1 ? frame : inner.map((f) => f.replace(/ {2}.*\//, '  ')).join(' < ');
  bytes.set(key, (bytes.get(key) ?? 0) + n.selfSize);
  all += n.selfSize;
  for (const c of n.children) visit(c, inner);
};
visit(profile.head, []);
console.log(`${r.marketEvents} market events; sampled ${(all / 1e6).toFixed(1)} MB = ${(all / r.marketEvents).toFixed(0)} B/message; outputHash ${r.outputHash.slice(0, 16)}`);
for (const [k, v] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[4] ?? 30)))
  console.log(`${(v / r.marketEvents).toFixed(1).padStart(7)} B/msg ${((v / all) * 100).toFixed(1).padStart(5)} %  ${k}`);
