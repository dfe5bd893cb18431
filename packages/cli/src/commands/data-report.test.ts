import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDatasetReport } from '@chassis/analysis';
import { importCapture } from '@chassis/quality';
import { openCatalog, openStorage, type DatasetMeta, type Storage } from '@chassis/storage';
import { cryptofeedDir, hftbacktestDir } from '../../../../examples/data/index.ts';

const chassis = fileURLToPath(new URL('../../bin/chassis.js', import.meta.url));
const outputDir = fileURLToPath(new URL('../../../../test-output/', import.meta.url));
const USDM = join(hftbacktestDir, 'usdm_btcusdt_20240808.gz');

function runCli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [chassis, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((res) => child.once('exit', (code) => res({ code, out, err })));
}

interface EmbeddedChart {
  readonly id: string;
  readonly option: { series?: { name?: string; data: unknown[]; markLine?: { data: { name: string; xAxis: number }[] }; markArea?: { data: [{ name: string; xAxis: number }, { xAxis: number }][] } }[] };
}

function chartsOf(html: string): EmbeddedChart[] {
  return JSON.parse(/const charts = (\[.*\]);\n/.exec(html)![1]!) as EmbeddedChart[];
}

/** The body rows of the table under the <h2> that starts with `title`, as cell texts. */
function tableRows(html: string, title: string): string[][] {
  const at = html.indexOf(`<h2>${title}`);
  expect(at, `table "${title}"`).toBeGreaterThan(0);
  const body = html.slice(html.indexOf('<tbody>', at) + 7, html.indexOf('</tbody>', at));
  return body
    .split('</tr>')
    .filter((r) => r.includes('<td'))
    .map((r) => [...r.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]!.replace(/&amp;/g, '&')));
}

/** value column of a two-column (quantity, value) table, by quantity name. */
function valueOf(rows: string[][], name: string): string {
  const row = rows.find((r) => r[0] === name);
  expect(row, name).toBeDefined();
  return row![1]!;
}

/** A decimal string as integer units at its own scale ("61590.30" → 6159030n). */
const units = (text: string): bigint => BigInt(text.replace('.', ''));

async function importAll(storage: Storage, files: readonly string[]): Promise<void> {
  for (const f of files) await importCapture(storage, f);
}

describe('chassis data report on the bundled captures', () => {
  let storage: Storage;
  let browser: Browser;
  let duck: DuckDBConnection;
  beforeAll(async () => {
    storage = openStorage(mkdtempSync(join(tmpdir(), 'chassis-data-report-')));
    await importAll(storage, [
      USDM,
      join(hftbacktestDir, 'spot_btcusdt_20240808.gz'),
      join(cryptofeedDir, 'BINANCE_FUTURES.ws.1.0'),
      join(cryptofeedDir, 'OKX.ws.1.0'),
    ]);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    // The oracle's own DuckDB: plain scans of the Parquet files, one thread (rows in file order).
    duck = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
    mkdirSync(outputDir, { recursive: true });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    duck?.closeSync();
    if (storage) rmSync(storage.root, { recursive: true, force: true });
  });

  async function instruments(): Promise<string[]> {
    const list = await openCatalog(storage).list();
    const first = new Map<string, string>();
    // One instrument per imported capture keeps the test short; every capture's format is exercised.
    for (const d of list) if (!first.has(d.provenance.rawKeys[0]!)) first.set(d.provenance.rawKeys[0]!, `${d.venue}:${d.symbol}`);
    return [...new Set(first.values())];
  }

  it('the report of each bundled capture renders in headless Chromium without console errors, and every chart has data', async () => {
    const targets = await instruments();
    expect(targets.length).toBe(4);
    for (const target of targets) {
      const out = join(outputDir, `data-report-${target.replace(':', '-')}.html`);
      const r = await runCli(['data', 'report', target, '--data', storage.root, '--out', out]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain(out);
      const html = readFileSync(out, 'utf8');
      expect(html.length).toBeLessThan(3_000_000);
      const charts = chartsOf(html);
      expect(charts).toHaveLength(6);
      for (const c of charts) {
        const points = (c.option.series ?? []).flatMap((s) => s.data as [number, number | null][]);
        expect(points.some((p) => p[1] !== null && p[1] !== 0), `${target} ${c.id}`).toBe(true);
      }
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (q) => !/^(file|data):/.test(q.url()) && requests.push(q.url()));
      await page.goto(`file://${out}`);
      await page.waitForFunction('window.__chassisChartsRendered !== undefined');
      expect(await page.evaluate('window.__chassisChartsRendered')).toBe(6);
      const painted = (await page.evaluate(`[...document.querySelectorAll('.chart canvas')].map((c) => {
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let ink = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
        return ink;
      })`)) as number[];
      expect(painted).toHaveLength(6);
      expect(painted.every((ink) => ink > 1000)).toBe(true);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.screenshot({ path: out.replace(/\.html$/, '.png'), fullPage: true });
      await page.close();
    }
  }, 300_000);

  it('a target that is neither a dataset id nor venue:instrument, or is not in the catalog, is a coded error and a non-zero exit', async () => {
    const bad = await runCli(['data', 'report', 'BTCUSDT', '--data', storage.root]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^E_REPORT_TARGET: BTCUSDT: give a dataset id/);
    const missing = await runCli(['data', 'report', 'binance-usdm:NOPE', '--data', storage.root, '--out', join(outputDir, 'never.html')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^E_DATASET_NOT_FOUND: no dataset of binance-usdm:NOPE/);
  }, 60_000);

  it("the USD-M report's tables equal the numbers recomputed from the Parquet files with a plain Map book", async () => {
    const { html, data } = await buildDatasetReport(storage, 'binance-usdm:BTCUSDT');
    const books = data.scope.datasets.filter((d) => d.kind === 'book_delta');
    const reference = await referenceBook(duck, storage, books, data.grid);
    const spreadRows = tableRows(html, 'Mid and spread: numbers');
    expect(Number(valueOf(spreadRows, 'book_delta messages in the window'))).toBe(reference.messages);
    expect(Number(valueOf(spreadRows, 'book_delta rows in the window'))).toBe(reference.rows);
    expect(Number(valueOf(spreadRows, 'book states measured (valid two-sided book)'))).toBe(reference.spreads.length);
    const sorted = [...reference.spreads].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rank = (p: number) => sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
    for (const [name, p] of [['spread min', 0], ['spread p50', 50], ['spread p90', 90], ['spread p99', 99], ['spread max', 100]] as const) expect(units(valueOf(spreadRows, name)), name).toBe(rank(p));
    expect(rank(100)).toBeGreaterThan(rank(50)); // the oracle sees a real distribution, not a constant

    // Best sizes at every bucket's end, and the depth bands' nearest-rank min / median / max.
    const perBucket = tableRows(html, 'Numbers per 500 ms bucket');
    const sampled = perBucket.filter((r) => r[5] !== '–');
    expect(sampled.length).toBe(reference.samples.size);
    for (const r of sampled) {
      const k = Number((BigInt(Date.parse(r[0]!)) * 1_000_000n - data.grid.startNs) / data.grid.bucketNs);
      expect([units(r[5]!), units(r[6]!)], r[0]).toEqual([reference.samples.get(k)!.bestBid, reference.samples.get(k)!.bestAsk]);
    }
    const depthRows = tableRows(html, 'Book sizes and depth: numbers');
    for (const band of ['bid within 1 bps', 'ask within 1 bps', 'bid within 5 bps', 'ask within 5 bps', 'bid within 25 bps', 'ask within 25 bps']) {
      const values = [...reference.samples.values()].map((s) => s.depth[band]!).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const at = (p: number) => values[Math.max(1, Math.ceil((p / 100) * values.length)) - 1]!;
      const row = depthRows.find((r) => r[0] === band)!;
      expect([Number(row[1]), units(row[2]!), units(row[3]!), units(row[4]!)], band).toEqual([values.length, at(0), at(50), at(100)]);
    }

    const trades = await referenceTrades(duck, storage, data.scope.datasets.filter((d) => d.kind === 'trade'));
    const tradeRows = tableRows(html, 'Trades: numbers');
    expect(Number(valueOf(tradeRows, 'trades'))).toBe(trades.count);
    expect(units(valueOf(tradeRows, 'volume'))).toBe(trades.volume);
    expect(units(valueOf(tradeRows, 'signed volume'))).toBe(trades.signed);
    const rateRows = tableRows(html, 'Rates: numbers');
    const rate = (kind: string) => rateRows.find((r) => r[0] === kind)!;
    expect(Number(rate('book_delta')[1])).toBe(reference.messages);
    expect(Number(rate('book_delta')[2])).toBe(reference.rows);
    expect(Number(rate('trade')[2])).toBe(trades.count);
  }, 120_000);

  it('the day boundary split is marked where the first book message after midnight is', async () => {
    const { html, data } = await buildDatasetReport(storage, 'binance-usdm:BTCUSDT');
    const files = await Promise.all(data.scope.datasets.filter((d) => d.kind === 'book_delta').flatMap((d) => d.files.map((f) => storage.localPath(f.key))));
    const midnightNs = BigInt(Date.parse('2024-08-09T00:00:00Z')) * 1_000_000n;
    const first = (await duck.runAndReadAll(`SELECT min(ts_event_ns) FROM read_parquet([${files.map((f) => `'${f}'`).join(',')}]) WHERE ts_event_ns >= ${midnightNs}`)).getRows()[0]![0] as bigint;
    const lines = chartsOf(html)[0]!.option.series![0]!.markLine!.data;
    expect(lines.filter((l) => l.name === 'split (book_delta, continues without a gap)').map((l) => l.xAxis)).toEqual([Number(first / 1_000_000n)]);
  }, 60_000);
});

describe('a capture with a removed depth message', () => {
  /** The first 3,000 lines of the USD-M capture without its 100th diff after the snapshot, and the venue event time (E, ms) of the diff that reveals the break. */
  function captureWithRemovedDiff(): { file: string; revealedAtMs: number } {
    const lines = gunzipSync(readFileSync(USDM)).toString('utf8').split('\n').slice(0, 3000);
    let seen = 0;
    let removed = -1;
    for (let i = 60; i < lines.length && removed < 0; i++) if (lines[i]!.includes('depthUpdate') && ++seen === 100) removed = i;
    lines.splice(removed, 1);
    let revealing = removed;
    while (!lines[revealing]!.includes('depthUpdate')) revealing++;
    const revealedAtMs = (JSON.parse(lines[revealing]!.slice(lines[revealing]!.indexOf(' ') + 1)) as { data: { E: number } }).data.E;
    const file = join(mkdtempSync(join(tmpdir(), 'chassis-gap-')), 'capture.txt');
    writeFileSync(file, `${lines.join('\n')}\n`);
    return { file, revealedAtMs };
  }

  it('marks the gap at the event time of the message that revealed it, and draws no mid after it', async () => {
    const storage = openStorage(mkdtempSync(join(tmpdir(), 'chassis-data-report-gap-')));
    const { file, revealedAtMs } = captureWithRemovedDiff();
    await importCapture(storage, file);
    const { html } = await buildDatasetReport(storage, 'binance-usdm:BTCUSDT');
    const mid = chartsOf(html)[0]!.option.series![0]!;
    expect(mid.markLine!.data.filter((l) => l.name.startsWith('gap')).map((l) => l.xAxis)).toEqual([revealedAtMs]);
    // Without a new snapshot the book cannot be known after the break: the line stops there.
    const drawn = (mid.data as [number, number | null][]).filter(([, y]) => y !== null);
    expect(drawn.length).toBeGreaterThan(0);
    expect(Math.max(...drawn.map(([x]) => x))).toBeLessThan(revealedAtMs);
    const marks = tableRows(html, 'Gaps, splits and datasets not promoted');
    expect(marks.filter((r) => r[0] === 'gap').map((r) => Date.parse(r[1]!))).toEqual([revealedAtMs]);
  }, 120_000);

  it('under the quarantine policy, shades the quarantined book_delta span from its first to its last row', async () => {
    const storage = openStorage(mkdtempSync(join(tmpdir(), 'chassis-data-report-quarantine-')));
    await importCapture(storage, captureWithRemovedDiff().file, { config: { gapPolicy: 'quarantine' } });
    const { html, data } = await buildDatasetReport(storage, 'binance-usdm:BTCUSDT');
    const quarantined = data.scope.datasets.filter((d) => d.kind === 'book_delta');
    expect(quarantined.every((d) => d.state === 'Quarantined')).toBe(true);
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const expected: number[][] = [];
    for (const d of quarantined) {
      const [min, max] = (await duck.runAndReadAll(`SELECT min(ts_event_ns) // 1000000, max(ts_event_ns) // 1000000 FROM read_parquet('${await storage.localPath(d.files[0]!.key)}')`)).getRows()[0]! as bigint[];
      expected.push([Number(min), Number(max)]);
    }
    duck.closeSync();
    const areas = chartsOf(html)[0]!.option.series![0]!.markArea!.data.filter(([a]) => a.name === 'Quarantined book_delta');
    expect(areas.map(([a, b]) => [a.xAxis, b.xAxis])).toEqual(expected);
    expect(tableRows(html, 'Quality record: every state transition').some((r) => r[3] === 'Quarantined' && r[5]!.includes('sequence failed'))).toBe(true);
  }, 120_000);
});

// ------------------------------------------------------------------------------- the oracle

/**
 * A deliberately simple book: per side a Map from price (integer units parsed from DuckDB's
 * decimal text) to size, the best price found by scanning the keys whenever it may have
 * changed. Valid from a snapshot; a dataset that does not continue the previous one without a
 * gap invalidates it. Spreads are taken after every message with both sides present.
 */
async function referenceBook(duck: DuckDBConnection, storage: Storage, datasets: readonly DatasetMeta[], grid: { startNs: bigint; bucketNs: bigint }) {
  const bids = new Map<bigint, bigint>();
  const asks = new Map<bigint, bigint>();
  const spreads: bigint[] = [];
  /** Per bucket: the book after the bucket's last message (best sizes, depth per band and side). */
  const samples = new Map<number, { bestBid: bigint; bestAsk: bigint; depth: Record<string, bigint> }>();
  let lastBucket = -1;
  let messages = 0;
  let rows = 0;
  let valid = false;
  let previous: string | undefined;
  let currentTs = 0n;
  const best = (side: Map<bigint, bigint>, max: boolean) => {
    let b: bigint | undefined;
    for (const p of side.keys()) if (b === undefined || (max ? p > b : p < b)) b = p;
    return b;
  };
  const sample = () => {
    const b = best(bids, true);
    const a = best(asks, false);
    if (lastBucket < 0 || !valid || b === undefined || a === undefined) return;
    const depth: Record<string, bigint> = {};
    for (const bps of [1n, 5n, 25n]) {
      // within x bps of mid = (b + a) / 2: |b + a − 2p| × 10^4 ≤ x × (b + a), exactly
      const within = (p: bigint) => (b + a - 2n * p < 0n ? 2n * p - b - a : b + a - 2n * p) * 10_000n <= bps * (b + a);
      depth[`bid within ${bps} bps`] = [...bids].reduce((s, [p, q]) => (within(p) ? s + q : s), 0n);
      depth[`ask within ${bps} bps`] = [...asks].reduce((s, [p, q]) => (within(p) ? s + q : s), 0n);
    }
    samples.set(lastBucket, { bestBid: bids.get(b)!, bestAsk: asks.get(a)!, depth });
  };
  const beginMessage = (tsNs: bigint) => {
    const k = Number((tsNs - grid.startNs) / grid.bucketNs);
    if (k !== lastBucket) sample();
  };
  const endMessage = () => {
    messages++;
    lastBucket = Number((currentTs - grid.startNs) / grid.bucketNs);
    if (!valid) return;
    const b = best(bids, true);
    const a = best(asks, false);
    if (b !== undefined && a !== undefined) spreads.push(a - b);
  };
  for (const d of datasets) {
    if (d.continuesFrom === undefined || d.continuesFrom !== previous) valid = false;
    previous = d.id;
    for (const f of d.files) {
      const path = await storage.localPath(f.key);
      const reader = await duck.runAndReadAll(`SELECT batch_id, is_snapshot, side, price::VARCHAR, size::VARCHAR, ts_event_ns FROM read_parquet('${path}')`);
      let current: bigint | undefined;
      for (const [batch, snapshot, side, price, size, ts] of reader.getRows() as [bigint, boolean, string, string, string, bigint][]) {
        rows++;
        if (batch !== current) {
          if (current !== undefined) endMessage();
          current = batch;
          currentTs = ts;
          beginMessage(ts);
          if (snapshot) {
            bids.clear();
            asks.clear();
            valid = true;
          }
        }
        const book = side === 'bid' ? bids : asks;
        if (units(size) === 0n) book.delete(units(price));
        else book.set(units(price), units(size));
      }
      if (current !== undefined) endMessage();
    }
  }
  sample();
  return { spreads, messages, rows, samples };
}

async function referenceTrades(duck: DuckDBConnection, storage: Storage, datasets: readonly DatasetMeta[]) {
  let count = 0;
  let volume = 0n;
  let signed = 0n;
  for (const d of datasets)
    for (const f of d.files) {
      const rows = (await duck.runAndReadAll(`SELECT size::VARCHAR, aggressor FROM read_parquet('${await storage.localPath(f.key)}')`)).getRows() as [string, string][];
      for (const [size, aggressor] of rows) {
        count++;
        volume += units(size);
        signed += aggressor === 'buy' ? units(size) : aggressor === 'sell' ? -units(size) : 0n;
      }
    }
  return { count, volume, signed };
}
