/**
 * Quick iteration on the L2 book with synthetic-day data (not a bench section): the first
 * `segments` segments of a generated synthetic day (bench/synthetic-day.ts) as core events,
 * every book_delta and BBO applied to one L2Book, best of 6 passes with and 6 without the BBOs,
 * in book rows per CPU-second (ns per row, ns per applyBbo), and the book's shape at the end.
 * SORT_SIDES=1 first stably reorders each message's rows bids-then-asks (a no-op on generator v3
 * and later, which lays them out so; it made v2's randomly interleaved sides comparable).
 *   node --import tsx bench/quick/synthetic-book-cpu.ts [dir=/tmp/chassis-bench-synthetic-<3M hash>] [segments=1]
 */
import { readFileSync } from 'node:fs';
import { L2Book, type BboEvent, type BookDeltaEvent } from '@chassis/core';
import { openCatalog, openStorage, readCanonical, type BboBatch, type BookDeltaBatch, type DatasetMeta } from '@chassis/storage';
import { bookMessages } from '../book-messages.ts';

const dir = process.argv[2] ?? '/tmp/chassis-bench-synthetic-8970b1ea448d371d';
const segments = Number(process.argv[3] ?? 1);
const day = JSON.parse(readFileSync(`${dir}/complete.json`, 'utf8')) as { dataRoot: string; venue: string; instrument: string };
const storage = openStorage(day.dataRoot);
const catalog = openCatalog(storage);
async function read<T>(kind: DatasetMeta['kind']): Promise<T[]> {
  const ds = (await catalog.find({ venue: day.venue, instrument: day.instrument, kind })).filter((x) => x.segment < segments).sort((a, b) => a.segment - b.segment);
  const out: T[] = [];
  for (const d of ds) for await (const b of readCanonical(storage, d)) out.push(b as T);
  return out;
}
const deltas = await read<BookDeltaBatch>('book_delta');
if (process.env.SORT_SIDES) for (const b of deltas) {
  const m = bookMessages([b]);
  for (let k = 0; k < m.count; k++) {
    const s0 = m.start[k]!, s1 = m.start[k + 1]!;
    const idx = [...Array(s1 - s0).keys()].map((j) => s0 + j).sort((x, y) => b.side[x]! - b.side[y]! || x - y);
    const sd = idx.map((j) => b.side[j]!), pr = idx.map((j) => b.price[j]!), sz = idx.map((j) => b.size[j]!);
    for (let j = 0; j < idx.length; j++) { b.side[s0 + j] = sd[j]!; b.price[s0 + j] = pr[j]!; b.size[s0 + j] = sz[j]!; }
  }
}
const bbos = await read<BboBatch>('bbo');
// Events in tsLocal order (book_delta before bbo at a tie).
const events: (BookDeltaEvent | BboEvent)[] = [];
for (const b of deltas) {
  const m = bookMessages([b]);
  for (let k = 0; k < m.count; k++) {
    const r = m.start[k]!;
    events.push({ kind: 'book_delta', seq: 0, tsEventNs: b.tsEventNs[r]!, tsLocalNs: b.tsLocalNs[r]!, instrument: 'x', updateId: b.updateId[r]!, isSnapshot: b.isSnapshot[r] === 1, offset: r, count: m.start[k + 1]! - r, sides: b.side, prices: b.price, sizes: b.size });
  }
}
for (const b of bbos)
  for (let r = 0; r < b.length; r++)
    events.push({ kind: 'bbo', seq: 0, tsEventNs: b.tsEventNs[r]!, tsLocalNs: b.tsLocalNs[r]!, instrument: 'x', updateId: b.updateId[r]!, bidPriceUnits: b.bidPrice[r]!, bidQtyUnits: b.bidSize[r]!, askPriceUnits: b.askPrice[r]!, askQtyUnits: b.askSize[r]! });
events.sort((a, b) => (a.tsLocalNs < b.tsLocalNs ? -1 : a.tsLocalNs > b.tsLocalNs ? 1 : (a.kind === 'bbo' ? 1 : 0) - (b.kind === 'bbo' ? 1 : 0)));
let rows = 0;
for (const e of events) rows += e.kind === 'book_delta' ? e.count : 1;
let best = Infinity;
let bestNoBbo = Infinity;
let last: L2Book | null = null;
for (let r = 0; r < 14; r++) {
  const skipBbo = (r & 1) === 1;
  const c0 = process.cpuUsage();
  const b = new L2Book('x', 10);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind === 'book_delta') b.applyDelta(e);
    else if (!skipBbo) b.applyBbo(e);
  }
  const c = process.cpuUsage(c0);
  if (r >= 2) {
    if (skipBbo) bestNoBbo = Math.min(bestNoBbo, (c.user + c.system) / 1e6);
    else best = Math.min(best, (c.user + c.system) / 1e6);
  }
  if (!skipBbo) last = b;
}
const bboCount = events.filter((e) => e.kind === 'bbo').length;
console.log(`BBOs: ${(((best - bestNoBbo) / bboCount) * 1e9).toFixed(1)} ns per applyBbo (${bboCount}); deltas alone ${((bestNoBbo / (rows - bboCount)) * 1e9).toFixed(1)} ns/row`);
const side = (s: L2Book['bids']): string => {
  const o = s as unknown as { sizes: Float64Array; outer: { count: number }; ladderCount: number };
  return `${s.count} levels (ladder ${o.ladderCount}, outer ${o.outer.count}, window ${o.sizes.length} slots)`;
};
console.log(`synthetic book: ${(rows / best / 1e6).toFixed(2)}M rows/CPU-s, ${((best / rows) * 1e9).toFixed(1)} ns/row (${events.length} book events, ${rows} rows); bids ${side(last!.bids)}; asks ${side(last!.asks)}`);
