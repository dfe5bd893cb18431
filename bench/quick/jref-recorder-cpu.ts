/**
 * The journal's cost per market event in isolation (part jref): the quick run's market events
 * (USD-M capture × N, read once through the run's feeder into memory), written to a journal
 * storing every event inline (format 1) and to one referencing them (format 2: place + digest),
 * alternating, CPU time of the writes only.
 *   node --import tsx bench/quick/jref-recorder-cpu.ts [repeat=5]
 */
import { rmSync } from 'node:fs';
import type { MarketEvent } from '@chassis/core';
import { openStorage } from '@chassis/storage';
import { HistoricalFeeder, JournalWriter, openRunDatasets } from '@chassis/backtesting';
import { runFeed } from '../../packages/backtesting/src/run-feed.ts';
import { QUICK_ROOT, quickBacktest } from './quick-run.ts';

const repeat = Number(process.argv[2] ?? 5);
const out = `/tmp/chassis-quick/jref-rec-${process.pid}`;
const run = await quickBacktest(1, out);
const resolved = JSON.parse((await import('node:fs')).readFileSync(`${out}/run.json`, 'utf8'));
const { datasets } = await openRunDatasets(resolved, QUICK_ROOT, { verifyContent: false });
const feed = runFeed({ storage: openStorage(QUICK_ROOT), datasets, instruments: resolved.instruments.map((i: { id: string }) => i.id), fromNs: undefined, toNs: undefined, feedLatencyUs: 1000, repeat });
const feeder = await HistoricalFeeder.open(feed.sources);
const events: MarketEvent[] = [];
for (;;) {
  const e = feeder.next();
  if (e) {
    (e as { seq: number }).seq = events.length + 1;
    events.push(e);
  } else if (feeder.needsRefill) await feeder.refill();
  else break;
}
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
void run;
