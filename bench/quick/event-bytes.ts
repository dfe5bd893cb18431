/**
 * Retained bytes per MarketEvent as the feeder builds them (not a bench section): reads the USD-M
 * capture once (no repeat), keeps every event the feeder builds in an array, and divides the
 * heap growth (after a full GC, --expose-gc) by the count, per kind. Shows the object, its
 * BigInts and any boxed number fields together. One pass, so the feeder runs partly unoptimised
 * and the figure moves between runs by tens of bytes (a trade 77-190 B seen); the full run's
 * allocation per message is bench/quick/alloc-per-message.ts's.
 *   node --expose-gc --import tsx bench/quick/event-bytes.ts
 */
import { captureFeeder, drainEvents } from './quick-run.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
for (const kind of ['book_delta', 'trade', 'bbo'] as const) {
  const feeder = await captureFeeder([kind]);
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = await drainEvents(feeder);
  gc();
  const after = process.memoryUsage().heapUsed;
  console.log(`${kind}: ${kept.length} events, ${((after - before - kept.length * 4) / kept.length).toFixed(1)} B retained per event (array slot excluded)`);
}
