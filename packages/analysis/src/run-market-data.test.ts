import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractTerms, type Instrument } from '@chassis/core';
import { FORMAT_BY_REFERENCE, JournalWriter, journalFormat, readJournal, readRunEvents, runBacktest } from '@chassis/backtesting';
import { openCatalog, openStorage, readCanonical, type BboBatch } from '@chassis/storage';
import { importedDataRoot, REPO_ROOT } from '../../backtesting/src/test-data.ts';
import { loadInstrumentSeries, openRunDir, type LoadedRun } from './run-dir.ts';
import { seriesByInstrument } from './run-loader.ts';
import { midsFromDatasets } from './run-market-data.ts';
import { equityCurve } from './run-metrics.ts';
import type { RunSeries } from './run-series.ts';

const REPEAT = 2;
let root = '';
let run: LoadedRun;
/** The same run with every event stored in its journal (format 1, as runs were written before journals by reference). */
let inline: LoadedRun;

beforeAll(async () => {
  root = await importedDataRoot({ lines: 20_000 });
  const r = await runBacktest({
    definition: { data: { venue: 'binance-usdm', instrument: 'BTCUSDT' }, strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } }, seed: 1 },
    baseDir: REPO_ROOT,
    dataRoot: root,
    codeVersion: 'test',
    repeat: REPEAT,
  });
  run = openRunDir(r.outDir);
  const dir = join(mkdtempSync(join(tmpdir(), 'chassis-inline-')), 'run');
  cpSync(run.dir, dir, { recursive: true });
  const w = new JournalWriter(join(dir, 'journal.bin'));
  for await (const e of readRunEvents(run.dir, { dataRoot: root })) w.append(e);
  w.close();
  inline = openRunDir(dir);
}, 120_000);

/** Every column as plain arrays, so toEqual compares values (NaN equal to NaN). */
const plain = (s: readonly RunSeries[]) => JSON.parse(JSON.stringify(s, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array, String) : v)));

/** A copy of the run directory (under another root) whose manifest is edited by `edit`. */
function runCopy(edit: (manifest: { datasets: { id: string; contentHash: string }[] }) => void): LoadedRun {
  const dir = join(mkdtempSync(join(tmpdir(), 'chassis-runcopy-')), 'run');
  cpSync(run.dir, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit(manifest);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return openRunDir(dir);
}

const bboDataset = () => run.run.datasets.find((d) => d.kind === 'bbo')!;

describe('run market data from the datasets', () => {
  it('gives a repeated run of the bundled capture the same columns from its datasets as from a journal holding its market events, and as the event-by-event loader', async () => {
    expect(journalFormat(join(run.dir, 'journal.bin'))).toBe(FORMAT_BY_REFERENCE);
    expect(run.manifest.events.market).toBeGreaterThan(0);
    const fromDatasets = await loadInstrumentSeries(run);
    const fromJournal = await loadInstrumentSeries(inline, { market: 'journal' });
    const forcedDatasets = await loadInstrumentSeries(inline, { market: 'datasets', dataRoot: root });
    const m = run.backtestMetrics;
    const byEvent = seriesByInstrument(readJournal(join(inline.dir, 'journal.bin')), {
      runId: run.manifest.runId,
      instruments: run.run.instruments,
      initialEquity: fromJournal[0]!.initialEquity,
      riskDenials: Object.values(m.riskDenials ?? {}).reduce((s, x) => s + x, 0),
      rateLimitDeferrals: m.rateLimit?.deferrals ?? 0,
    });
    expect(fromJournal[0]!.mid.tsMs.length).toBeGreaterThan(1000);
    expect(fromJournal[0]!.fills.tsMs.length).toBeGreaterThan(10);
    expect(plain(fromJournal)).toEqual(plain(byEvent));
    expect(plain(fromDatasets)).toEqual(plain(byEvent));
    expect(plain(forcedDatasets)).toEqual(plain(byEvent));
  });

  it('takes the mids of a run whose journal holds only its own events (format 1) from its datasets', async () => {
    const copy = runCopy(() => {});
    const own = new JournalWriter(join(copy.dir, 'journal.bin'));
    for (const e of readJournal(join(run.dir, 'journal.bin'))) if (e.kind !== 'bbo' && e.kind !== 'trade' && e.kind !== 'book_delta') own.append(e);
    own.close();
    const fromDatasets = await loadInstrumentSeries(copy, { dataRoot: root });
    expect(plain(fromDatasets)).toEqual(plain(await loadInstrumentSeries(inline, { market: 'journal' })));
  });

  it('stops the mids of a run at the time its journal stops (a halted run read no further)', async () => {
    const all = (await loadInstrumentSeries(inline, { market: 'journal' }))[0]!.mid;
    const untilMs = all.tsMs[Math.floor(all.tsMs.length / 2)]!;
    const cut = (await midsFromDatasets({ dataRoot: root, manifest: run.manifest, run: run.run, untilMs }, run.run.instruments)).get(run.run.instruments[0]!.id)!;
    const kept = all.tsMs.filter((t) => t <= untilMs).length;
    expect(cut.tsMs.length).toBe(kept);
    expect(Array.from(cut.mid)).toEqual(Array.from(all.mid.subarray(0, kept)));
  });

  it('marks the position to market as a plain sum over the journal fills and the last quoted mid of the bbo Parquet', async () => {
    const series = (await loadInstrumentSeries(run, { market: 'datasets' }))[0]!;
    const curve = equityCurve(series, 1000);
    const inst = run.run.instruments[0]!;
    // Fills in exact units from the journal (order side from its request), valued q × P (linear, multiplier 1).
    const side = new Map<number, bigint>();
    const fills: { ns: bigint; qty: bigint; price: bigint; fee: bigint }[] = [];
    for (const e of readJournal(join(run.dir, 'journal.bin'))) {
      if (e.kind === 'request_sent' && e.request === 'new') side.set(e.orderId, e.side === 'buy' ? 1n : -1n);
      if (e.kind === 'order_filled') fills.push({ ns: e.tsLocalNs, qty: side.get(e.orderId)! * BigInt(e.qtyUnits), price: BigInt(e.priceUnits), fee: e.feeUnits });
    }
    // Mid: the bbo Parquet read through DuckDB (no decode cache), fed twice as the repeated run was.
    const storage = openStorage(root);
    const meta = (await openCatalog(storage).get(bboDataset().id))!;
    const rows: { ns: bigint; bid: number; ask: number }[] = [];
    const starts = run.run.datasets.map((d) => BigInt(d.startNs));
    const ends = run.run.datasets.map((d) => BigInt(d.endNs));
    const span = ends.reduce((a, b) => (b > a ? b : a)) - starts.reduce((a, b) => (b < a ? b : a)) + 1_000_000_000n;
    for (let k = 0n; k < BigInt(REPEAT); k++)
      for await (const b of readCanonical(storage, meta, { cache: false }) as AsyncIterable<BboBatch>)
        for (let i = 0; i < b.length; i++) if (b.bidSize[i]! > 0 && b.askSize[i]! > 0) rows.push({ ns: b.tsLocalNs[i]! + k * span, bid: b.bidPrice[i]!, ask: b.askPrice[i]! });
    const firstNs = [...readJournal(join(run.dir, 'journal.bin'))][0]!.tsLocalNs;
    const n = curve.tsMs.length;
    let marked = 0; // samples with an open position: the mid matters there
    for (const i of [Math.floor(n / 7), Math.floor(n / 3), Math.floor((2 * n) / 3), n - 1]) {
      const t = firstNs + BigInt(i) * 1_000_000_000n;
      let pos = 0n;
      let cash = 0n; // price × qty units, and fees in settlement units, kept apart
      let fees = 0n;
      for (const f of fills.filter((x) => x.ns <= t)) {
        pos += f.qty;
        cash -= f.qty * f.price;
        fees += f.fee;
      }
      if (pos !== 0n) marked++;
      const last = rows.filter((r) => r.ns <= t).at(-1)!;
      const mid = (last.bid + last.ask) / 2 / 10 ** inst.priceDecimals;
      const qtyScale = 10 ** -inst.sizeDecimals;
      const equity = series.initialEquity + Number(cash) * 10 ** -inst.priceDecimals * qtyScale - Number(fees) * 10 ** -contractTerms(inst as unknown as Instrument).settlementDecimals + Number(pos) * qtyScale * mid;
      expect(curve.equity[i]).toBeCloseTo(equity, 6);
    }
    expect(marked).toBeGreaterThan(0);
  });

  it('refuses a dataset whose content hash differs from the one the manifest recorded, naming it', async () => {
    const id = bboDataset().id;
    const copy = runCopy((m) => {
      m.datasets.find((d) => d.id === id)!.contentHash = 'ab'.repeat(32);
    });
    await expect(loadInstrumentSeries(copy, { market: 'datasets', dataRoot: root })).rejects.toThrow(new RegExp(`dataset ${id} in .* has content hash [0-9a-f]{64}, the run used ${'ab'.repeat(32)}`));
  });

  it('refuses a data root without the run dataset, naming it', async () => {
    const empty = join(mkdtempSync(join(tmpdir(), 'chassis-empty-')), 'data');
    await expect(loadInstrumentSeries(run, { market: 'datasets', dataRoot: empty })).rejects.toThrow(new RegExp(`dataset ${bboDataset().id} is not in the catalog of ${empty}`));
  });

  it('refuses a dataset whose rows no longer hash to its content hash', async () => {
    // A data root whose catalog and run manifest both claim another hash for the bbo dataset: no
    // decode cache exists under that hash, so its Parquet is read and hashed.
    const other = mkdtempSync(join(tmpdir(), 'chassis-altered-'));
    cpSync(root, other, { recursive: true });
    const fake = 'cd'.repeat(32);
    const id = bboDataset().id;
    const catalogPath = join(other, 'canonical', '_catalog.json');
    const catalog = JSON.parse(readFileSync(catalogPath, 'utf8'));
    catalog.datasets.find((d: { id: string }) => d.id === id).contentHash = fake;
    writeFileSync(catalogPath, JSON.stringify(catalog));
    const copy = runCopy((m) => {
      m.datasets.find((d) => d.id === id)!.contentHash = fake;
    });
    await expect(loadInstrumentSeries(copy, { market: 'datasets', dataRoot: other })).rejects.toThrow(new RegExp(`dataset ${id} \\(binance-usdm BTCUSDT bbo\\) in ${other}: its content hashes to [0-9a-f]{64}, not ${fake}`));
  });
});
