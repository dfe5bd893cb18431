/**
 * The journal's market digest alone (not a bench section): ns per MarketDigest.add over the
 * USD-M capture's events as the feeder builds them (built once, kept, digested P times).
 *   node --import tsx bench/quick/digest-cpu.ts [passes=20]
 */
import { MarketDigest } from '../../packages/backtesting/src/journal/market-digest.ts';
import { captureFeeder, drainEvents } from './quick-run.ts';

const passes = Number(process.argv[2] ?? 20);
const events = await drainEvents(await captureFeeder(['book_delta', 'trade', 'bbo']));
const rows = events.reduce((n, e) => n + (e.kind === 'book_delta' ? e.count : 1), 0);
// An alternative implementation (DIGEST_B=path exporting MarketDigest) is timed in the same
// process, passes alternating, so the machine's speed moves both alike.
const variants: [string, new () => MarketDigest][] = [['A', MarketDigest]];
if (process.env.DIGEST_B) variants.push(['B', ((await import(process.env.DIGEST_B)) as { MarketDigest: new () => MarketDigest }).MarketDigest]);
const best = variants.map(() => Infinity);
const hex = variants.map(() => '');
for (let p = 0; p < passes; p++)
  for (let v = 0; v < variants.length; v++) {
    const d = new variants[v]![1]();
    const t0 = process.cpuUsage();
    for (let i = 0; i < events.length; i++) d.add(events[i]!);
    const c = process.cpuUsage(t0);
    best[v] = Math.min(best[v]!, (c.user + c.system) / 1e3);
    hex[v] = d.hex();
  }
for (let v = 0; v < variants.length; v++)
  console.log(`${variants[v]![0]}: ${events.length} events, ${rows} rows: best ${best[v]!.toFixed(1)} CPU-ms a pass, ${((best[v]! * 1e6) / events.length).toFixed(1)} ns/event, digest ${hex[v]}`);
