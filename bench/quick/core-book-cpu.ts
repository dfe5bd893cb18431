/**
 * Quick iteration for part core (not a bench section): the L2 book alone on the USD-M capture —
 * every book_delta and BBO applied to one L2Book, best of 13 passes, in book rows (level
 * updates + BBOs) per CPU-second, plus a straight read of every level (the state hash's walk).
 *   node --import tsx bench/quick/core-book-cpu.ts
 */
import { L2Book, type BboEvent, type BookDeltaEvent } from '@chassis/core';
import { loadUsdmEvents } from '../binance-usdm-events.ts';

const { events } = loadUsdmEvents();
const book = events.filter((e): e is BookDeltaEvent | BboEvent => e.kind === 'book_delta' || e.kind === 'bbo');
let rows = 0;
for (const e of book) rows += e.kind === 'book_delta' ? e.count : 1;
let best = Infinity;
let sink = 0;
for (let r = 0; r < 15; r++) {
  const c0 = process.cpuUsage();
  const b = new L2Book('x');
  for (let i = 0; i < book.length; i++) {
    const e = book[i]!;
    if (e.kind === 'book_delta') b.applyDelta(e);
    else b.applyBbo(e);
  }
  sink += b.bids.count + b.asks.count;
  const c = process.cpuUsage(c0);
  if (r >= 2) best = Math.min(best, (c.user + c.system) / 1e6);
}
console.log(`core-book best ${(rows / best / 1e6).toFixed(2)}M rows/cpu-s (${book.length} book events, ${rows} rows)`, sink === 0 ? '' : '');
