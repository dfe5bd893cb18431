/**
 * book-build: canonical L2 deltas → book state, messages (events) per second.
 *
 * Input: the USD-M BTCUSDT book_delta dataset (one REST snapshot of 1000 levels per side, then
 * depth@0ms diffs) imported through the quality gate and read with readCanonical, regrouped per
 * venue message before timing (bench/book-messages.ts).
 * - chassis: `L2Book` of @chassis/core on the instrument's tick grid, fed exactly as the engine
 *   derives a book_delta event (snapshot ⇒ clear both sides; then the message's rows through
 *   `applyRows`, one run of a side at a time, as `applyDelta` does; size 0 removes).
 * - tardis-dev: its `OrderBook` (red-black trees), fed the same messages as normalised
 *   `book_change` objects ({ price, amount } levels in the same integer units), built before
 *   timing so only `update()` is measured.
 * Before timing, best bid/ask price and size of both books are compared after EVERY message
 * (the checkpoints); any difference throws. Samples replay the whole day several times (the
 * snapshot at its start resets the book).
 */
import { L2Book, parseDecimalBigUnits } from '@chassis/core';
import { OrderBook, type BookChange, type BookPriceLevel } from 'tardis-dev';
import { bookMessages, type BookMessages } from '../book-messages.ts';
import { usdmCanonical } from '../usdm-canonical.ts';
import { samplePair, result, type BenchResult, type BenchSection } from '../types.ts';

function applyChassis(book: L2Book, m: BookMessages, k: number): void {
  if (m.snapshot[k] === 1) {
    book.bids.clear();
    book.asks.clear();
  }
  const { side, price, size } = m;
  for (let i = m.start[k]!, end = m.start[k + 1]!; i < end; ) {
    const code = side[i]!;
    i = (code === 0 ? book.bids : book.asks).applyRows(side, price, size, code, i, end);
  }
}

function tardisChanges(m: BookMessages): BookChange[] {
  const out: BookChange[] = [];
  const t = new Date(0);
  for (let k = 0; k < m.count; k++) {
    const bids: BookPriceLevel[] = [];
    const asks: BookPriceLevel[] = [];
    for (let i = m.start[k]!; i < m.start[k + 1]!; i++) (m.side[i] === 0 ? bids : asks).push({ price: m.price[i]!, amount: m.size[i]! });
    out.push({ type: 'book_change', symbol: 'BTCUSDT', exchange: 'binance-futures', isSnapshot: m.snapshot[k] === 1, bids, asks, timestamp: t, localTimestamp: t });
  }
  return out;
}

/** Replays both books message by message; throws at the first checkpoint where their best bid/ask differ. */
function verify(m: BookMessages, changes: readonly BookChange[], tickUnits: number): number {
  const ours = new L2Book('BTCUSDT', tickUnits);
  const theirs = new OrderBook();
  for (let k = 0; k < m.count; k++) {
    applyChassis(ours, m, k);
    theirs.update(changes[k]!);
    const bb = theirs.bestBid();
    const ba = theirs.bestAsk();
    const a = [ours.bidPrice(0), ours.bidQty(0), ours.askPrice(0), ours.askQty(0)];
    const b = [bb?.price ?? NaN, bb?.amount ?? NaN, ba?.price ?? NaN, ba?.amount ?? NaN];
    if (a.join() !== b.join()) throw new Error(`book-build: best bid/ask differ after message ${k}: chassis L2Book ${a.join(' ')} vs tardis-dev ${b.join(' ')}`);
  }
  return m.count;
}

export const bookBuild: BenchSection = {
  name: 'book-build',
  async run(ctx): Promise<BenchResult[]> {
    const data = await usdmCanonical();
    const m = bookMessages(data.bookDelta);
    const changes = tardisChanges(m);
    const spec = data.datasets.book_delta[0]!.instrument;
    const tickUnits = Number(parseDecimalBigUnits(spec.tickSize, spec.priceDecimals));
    const checked = verify(m, changes, tickUnits);
    process.stderr.write(`book-build: best bid/ask equal at all ${checked} message checkpoints\n`);
    const reps = ctx.quick ? 1 : 3;
    let sink = 0;
    const chassis = (): void => {
      for (let r = 0; r < reps; r++) {
        const book = new L2Book('BTCUSDT', tickUnits);
        for (let k = 0; k < m.count; k++) applyChassis(book, m, k);
        sink += book.bidPrice(0);
      }
    };
    const tardis = (): void => {
      for (let r = 0; r < reps; r++) {
        const book = new OrderBook();
        for (let k = 0; k < m.count; k++) book.update(changes[k]!);
        sink += book.bestBid()?.price ?? 0;
      }
    };
    const [ours, theirs] = samplePair(chassis, tardis, (ms) => (m.count * reps) / (ms / 1000), { warmup: 2, samples: ctx.quick ? 5 : 9, clock: 'cpu' });
    if (sink === -1) process.stderr.write('');
    const rows = m.start[m.count]!;
    const inputs = `${m.count} book_delta messages (${rows} level rows, avg ${(rows / m.count).toFixed(1)} per message) of the USD-M capture via readCanonical, ×${reps} per sample, CPU time; best bid/ask equal at all ${checked} checkpoints; chassis ladder grid ${tickUnits} price units (the tick)`;
    const tardisMedian = theirs.slice().sort((a, b) => a - b)[theirs.length >> 1]!;
    return [
      result('book-build', 'events/s', ours, tardisMedian, `${inputs}; chassis L2Book; baseline = tardis-dev OrderBook (target ratio ≥ 5)`),
      result('book-build-tardis-dev', 'events/s', theirs, null, `${inputs}; tardis-dev ${'13.35.3'} OrderBook.update on prebuilt book_change objects`),
    ];
  },
};
