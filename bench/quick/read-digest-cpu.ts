/**
 * The journal's market digest on the run's own hot path (part read): the quick root's USD-M
 * datasets fed × N through HistoricalFeeder (fresh events, as the run hands them to the
 * recorder), once without and once with MarketDigest over every event in blocks of 8,192 (the
 * journal writer's), alternating; best CPU of each and the difference per event. Prints the
 * digest of the last block (equal before and after a speed-only change).
 *   node --import tsx bench/quick/read-digest-cpu.ts [repeat=5] [rounds=5]
 */
import type { MarketEvent } from '@chassis/core';
import { HistoricalFeeder, MarketDigest } from '@chassis/backtesting';
import { openCatalog, openStorage } from '@chassis/storage';
import { runFeed } from '../../packages/backtesting/src/run-feed.ts';
import { QUICK_ROOT } from './quick-run.ts';

const repeat = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 5);
const storage = openStorage(QUICK_ROOT);
const datasets = (await openCatalog(storage).list()).filter((d) => d.venue === 'binance-usdm' && d.symbol === 'BTCUSDT');
const BLOCK = 8192; // journal.ts MARKET_PER_BLOCK

async function pass(digest: MarketDigest | null): Promise<{ cpu: number; events: number; last: string }> {
  const { sources } = runFeed({ storage, datasets, instruments: ['binance-usdm:BTCUSDT'], fromNs: undefined, toNs: undefined, feedLatencyUs: 0, repeat });
  const feeder = await HistoricalFeeder.open(sources);
  const c0 = process.cpuUsage();
  let seq = 0;
  let last = '';
  for (;;) {
    const e = feeder.next() as (MarketEvent & { seq: number }) | null;
    if (e === null) {
      if (!feeder.needsRefill) break;
      await feeder.refill();
      continue;
    }
    e.seq = ++seq;
    if (digest) {
      digest.add(e);
      if (digest.events >= BLOCK) {
        last = digest.hex();
        digest.reset();
      }
    }
  }
  if (digest) last = digest.hex();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e6, events: seq, last };
}

const best = { feed: Infinity, digest: Infinity };
let events = 0;
let last = '';
for (let r = 0; r < rounds; r++) {
  best.feed = Math.min(best.feed, (await pass(null)).cpu);
  const d = await pass(new MarketDigest());
  best.digest = Math.min(best.digest, d.cpu);
  events = d.events;
  last = d.last;
}
const ns = ((best.digest - best.feed) / events) * 1e9;
console.log(`${events} market events: feeder ${best.feed.toFixed(3)} CPU-s, feeder + digest ${best.digest.toFixed(3)} CPU-s (best of ${rounds}): digest ~${ns.toFixed(0)} ns per event; last block ${last}`);
