/**
 * Quick iteration for part book2 (not a bench section): two L2Book implementations, A and B
 * (paths to modules exporting `L2Book`, e.g. a copy of market/ from main and the worktree's),
 * on the USD-M capture, passes interleaved A/B, best of 10 each, in book rows (level updates +
 * BBOs) per CPU-second; then the capture's BBOs alone (a book that has no depth yet).
 *   node --import tsx bench/quick/book2-ab.ts /tmp/base/book.ts $PWD/packages/core/src/market/book.ts
 */
import type { BboEvent, BookDeltaEvent, L2Book } from '@chassis/core';
import { loadUsdmEvents } from '../binance-usdm-events.ts';

type Book = Pick<L2Book, 'applyDelta' | 'applyBbo'>;
type Make = new (instrument: string) => Book;
const makers = [(await import(process.argv[2]!)).L2Book as Make, (await import(process.argv[3]!)).L2Book as Make];
const { events } = loadUsdmEvents();
const book = events.filter((e): e is BookDeltaEvent | BboEvent => e.kind === 'book_delta' || e.kind === 'bbo');
const bbos = book.filter((e): e is BboEvent => e.kind === 'bbo');

/** Best CPU-seconds per pass of A and B, passes interleaved (the first two of each are warm-up). */
function abBest(list: readonly (BookDeltaEvent | BboEvent)[], passes: number): number[] {
  const best = [Infinity, Infinity];
  for (let r = 0; r < 2 * passes; r++) {
    const k = r & 1;
    const b = new makers[k]!('x');
    const c0 = process.cpuUsage();
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e.kind === 'book_delta') b.applyDelta(e);
      else b.applyBbo(e);
    }
    const c = process.cpuUsage(c0);
    if (r >= 4) best[k] = Math.min(best[k]!, (c.user + c.system) / 1e6);
  }
  return best;
}

let rows = 0;
for (const e of book) rows += e.kind === 'book_delta' ? e.count : 1;
const [a, b] = abBest(book, 12);
console.log(`depth+BBO (${rows} rows): A ${(rows / a! / 1e6).toFixed(2)}M  B ${(rows / b! / 1e6).toFixed(2)}M rows/cpu-s`);
const [ba, bb] = abBest(bbos, 6);
console.log(`BBO only (${bbos.length} BBOs): A ${(bbos.length / ba! / 1e6).toFixed(2)}M  B ${(bbos.length / bb! / 1e6).toFixed(2)}M BBOs/cpu-s`);
