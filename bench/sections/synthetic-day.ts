/**
 * synthetic-day (opt-in: `npm run bench -- synthetic-day`): the full backtest (example market
 * maker, probabilistic power-2 queue) on the synthetic day of ≥ 50 M market events
 * (bench/synthetic-day.ts, generated once and cached), in a child process: market events/s
 * (per tenth of the run) and peak RSS (VmHWM). Baseline: raw-scan (bench/raw-scan.ts) events/s
 * over the synthetic day's first segment (1 M events with the same statistics) in memory.
 * CHASSIS_BENCH_SYNTHETIC_EVENTS overrides the size (e.g. for a smoke run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalog, openStorage, readCanonical, type BboBatch, type BookDeltaBatch, type DatasetMeta, type TradeBatch } from '@chassis/storage';
import { runBacktestInChild } from '../backtest-process.ts';
import { measureRawScan } from '../raw-scan.ts';
import { countMessages } from '../usdm-canonical.ts';
import { syntheticDay } from '../synthetic-day.ts';
import { result, type BenchResult, type BenchSection } from '../types.ts';

async function firstSegment(dataRoot: string, venue: string, instrument: string): Promise<{ bookDelta: BookDeltaBatch[]; trades: TradeBatch[]; bbos: BboBatch[]; rows: number; events: number }> {
  const storage = openStorage(dataRoot);
  const catalog = openCatalog(storage);
  const read = async <T>(kind: DatasetMeta['kind']): Promise<T[]> => {
    const d = (await catalog.find({ venue, instrument, kind })).find((x) => x.segment === 0);
    const out: T[] = [];
    if (d) for await (const b of readCanonical(storage, d)) out.push(b as T);
    return out;
  };
  const bookDelta = await read<BookDeltaBatch>('book_delta');
  const trades = await read<TradeBatch>('trade');
  const bbos = await read<BboBatch>('bbo');
  const len = (bs: { length: number }[]): number => bs.reduce((s, b) => s + b.length, 0);
  return { bookDelta, trades, bbos, rows: len(bookDelta) + len(trades) + len(bbos), events: countMessages(bookDelta) + len(trades) + len(bbos) };
}

export const syntheticDaySection: BenchSection = {
  name: 'synthetic-day',
  optIn: true,
  async run(): Promise<BenchResult[]> {
    const target = Number(process.env.CHASSIS_BENCH_SYNTHETIC_EVENTS ?? 50_000_000);
    const t0 = performance.now();
    const day = await syntheticDay({ targetEvents: target });
    process.stderr.write(`synthetic-day: ${day.cached ? 'cached' : `generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`} at ${day.dataRoot}\n`);
    const seg = await firstSegment(day.dataRoot, day.venue, day.instrument);
    const scan = measureRawScan(seg);
    const tmp = mkdtempSync(join(tmpdir(), 'chassis-bench-synth-run-'));
    try {
      const r = await runBacktestInChild({ dataRoot: day.dataRoot, venue: day.venue, instrument: day.instrument, repeat: 1, outDir: join(tmp, 'run'), expectedEvents: day.marketEvents, allowFailure: true });
      if (r.status === 'error') {
        // Loud, but keep the figures measured up to the failure.
        process.stderr.write(`synthetic-day: BACKTEST FAILED after ${r.marketEvents} market events: ${r.diagnostic}\n`);
        process.exitCode = 1;
      }
      process.stderr.write(`synthetic-day: ${r.marketEvents} market events, ${r.fills} fills in ${r.seconds.toFixed(1)} s; peak RSS ${(r.vmHwmBytes / 2 ** 20).toFixed(0)} MiB; RSS MiB per tenth ${r.rssPerTenthBytes.map((b) => (b / 2 ** 20).toFixed(0)).join(' → ')}\n`);
      const outcome = r.status === 'error' ? `FAILED at the end (${(r.diagnostic ?? '').split('\n')[0]}) after ${r.marketEvents} market events` : `${r.marketEvents} market events`;
      const inputs = `${day.describe}; example market maker, probabilistic power-2 queue, child process; ${outcome} in ${r.seconds.toFixed(0)} s`;
      const rowsPerEvent = seg.rows / seg.events;
      const dayRows = Math.round(day.marketEvents * rowsPerEvent);
      return [
        result(
          'synthetic-day-rows',
          'rows/s',
          r.perTenth.map((x) => x * rowsPerEvent),
          scan.medianEventsPerSecond * rowsPerEvent,
          `${inputs}; ~${(dayRows / 1e6).toFixed(1)}M rows (${rowsPerEvent.toFixed(2)} rows per market event in its first segment); baseline = raw-scan rows/s`,
        ),
        result('synthetic-day-wall', 's', [r.seconds], null, `the whole day in the backtest child (target < 20 s for ~130M rows)`),
        result('full-backtest-synthetic', 'events/s', r.perTenth, scan.medianEventsPerSecond, `${inputs}; baseline = raw-scan events/s over its first segment (${seg.events} events, ${seg.rows} rows)`),
        result('full-backtest-synthetic-peak-rss', 'MiB', [r.vmHwmBytes / 2 ** 20], null, 'VmHWM of the backtest child (target < 1024 MiB)'),
      ];
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
