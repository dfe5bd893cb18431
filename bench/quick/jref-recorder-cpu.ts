/**
 * The journal's cost per market event in isolation (part jref): the quick run's market events
 * (USD-M capture × N, regenerated once with readRunEvents into memory), written to a journal
 * storing every event inline (format 1) and to one referencing them (format 2: place + digest),
 * alternating, CPU time of the writes only.
 *   node --import tsx bench/quick/jref-recorder-cpu.ts [repeat=5]
 */
import { rmSync } from 'node:fs';
import type { MarketEvent } from '@chassis/core';
import { JournalWriter, readRunEvents } from '@chassis/backtesting';
import { quickBacktest } from './quick-run.ts';

const repeat = Number(process.argv[2] ?? 5);
const out = `/tmp/chassis-quick/jref-rec-${process.pid}`;
await quickBacktest(repeat, out);
// The run's market events, regenerated from its datasets, renumbered gap-free (a stream of market events only).
const events: MarketEvent[] = [];
for await (const e of readRunEvents(out, { verifyDatasets: false })) if (e.kind === 'book_delta' || e.kind === 'trade' || e.kind === 'bbo') events.push(e);
events.forEach((e, i) => ((e as { seq: number }).seq = i + 1));
const cpu = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;
for (let round = 0; round < 3; round++) {
  for (const byReference of [false, true]) {
    const path = `${out}/j-${byReference ? 2 : 1}.bin`;
    const c0 = process.cpuUsage();
    const w = new JournalWriter(path, { marketByReference: byReference });
    for (const e of events) w.market(e);
    const s = w.close();
    const t = cpu(process.cpuUsage(c0));
    console.log(`format ${s.format}: ${events.length} market events in ${t.toFixed(3)} CPU-s (${((t / events.length) * 1e9).toFixed(0)} ns each), ${s.bytes} bytes`);
  }
}
rmSync(out, { recursive: true, force: true });
