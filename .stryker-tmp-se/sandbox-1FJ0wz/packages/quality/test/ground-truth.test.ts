/**
 * Ground truth at the CANONICAL level: real captures from examples/data (bundled copies of ../shared/data), read in place,
 * imported through the real quality gate into a temporary data root, then read back with
 * readCanonical. Every expectation below is recomputed from canonical rows alone and compared
 * with values taken from the venue (bookTicker, OKX checksums), never with the gate's own output.
 */
// @ts-nocheck

import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCatalog, openStorage, readCanonical, type BboBatch, type BookDeltaBatch, type DatasetMeta, type Storage } from '@chassis/storage';
import { groupImportFiles, importCapture, type ImportResult } from '@chassis/quality';
import { dataFixturesDir } from '../../../examples/data/index.ts';

const HFT = `${dataFixturesDir}/binance-hftbacktest`;
const CF = `${dataFixturesDir}/cryptofeed`;

function tmpRoot(): Storage {
  return openStorage(mkdtempSync(join(tmpdir(), 'chassis-gt-')));
}

/** A price-level book over integer units (canonical precision); 0 size removes a level. */
class UnitBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }
  set(isAsk: boolean, price: number, size: number): void {
    const side = isAsk ? this.asks : this.bids;
    if (size === 0) side.delete(price);
    else side.set(price, size);
  }
  /** [price, size] of the best level, or [NaN, 0] if the side is empty. */
  best(isAsk: boolean): [number, number] {
    const side = isAsk ? this.asks : this.bids;
    let p = NaN;
    for (const k of side.keys()) if (Number.isNaN(p) || (isAsk ? k < p : k > p)) p = k;
    return [p, side.get(p) ?? 0];
  }
  /** Top `n` levels, best first. */
  top(isAsk: boolean, n: number): [number, number][] {
    const side = isAsk ? this.asks : this.bids;
    return [...side.entries()].sort((a, b) => (isAsk ? a[0] - b[0] : b[0] - a[0])).slice(0, n);
  }
  crossed(): boolean {
    return this.bids.size > 0 && this.asks.size > 0 && this.best(false)[0] >= this.best(true)[0];
  }
}

/**
 * Replays canonical book_delta datasets (in order) into `book`, calling `atBatchEnd` after the
 * last row of every venue message (batch_id), with that batch's update_id and capture time.
 */
async function replayBook(
  storage: Storage,
  datasets: readonly DatasetMeta[],
  book: UnitBook,
  atBatchEnd: (updateId: bigint, tsLocalNs: bigint, isSnapshot: boolean) => void,
): Promise<number> {
  let batch = -1n;
  let uid = -1n;
  let ts = 0n;
  let snap = false;
  let batches = 0;
  for (const ds of datasets) {
    for await (const b of readCanonical(storage, ds, { batchRows: 16_384 }) as AsyncIterable<BookDeltaBatch>) {
      for (let i = 0; i < b.length; i++) {
        if (b.batchId[i] !== batch) {
          if (batch >= 0n) atBatchEnd(uid, ts, snap);
          batches++;
          batch = b.batchId[i]!;
          uid = b.updateId[i]!;
          ts = b.tsLocalNs[i]!;
          snap = b.isSnapshot[i] === 1;
          if (snap) book.clear();
        }
        book.set(b.side[i] === 1, b.price[i]!, b.size[i]!);
      }
    }
  }
  if (batch >= 0n) atBatchEnd(uid, ts, snap);
  return batches;
}

interface Bbo {
  readonly tsLocalNs: bigint;
  readonly v: readonly [number, number, number, number];
}

async function bbosByUpdateId(storage: Storage, datasets: readonly DatasetMeta[]): Promise<Map<bigint, Bbo[]>> {
  const out = new Map<bigint, Bbo[]>();
  for (const ds of datasets) {
    for await (const b of readCanonical(storage, ds) as AsyncIterable<BboBatch>) {
      for (let i = 0; i < b.length; i++) {
        const list = out.get(b.updateId[i]!) ?? [];
        list.push({ tsLocalNs: b.tsLocalNs[i]!, v: [b.bidPrice[i]!, b.bidSize[i]!, b.askPrice[i]!, b.askSize[i]!] });
        out.set(b.updateId[i]!, list);
      }
    }
  }
  return out;
}

function expectCleanImport(r: ImportResult): void {
  expect(r.rejected).toEqual([]);
  expect(r.datasets.map((d) => `${d.meta.symbol} ${d.meta.kind} ${d.outcome}`).filter((s) => !s.endsWith(' promoted'))).toEqual([]);
  expect(r.datasets.flatMap((d) => d.meta.gaps)).toEqual([]);
  for (const d of r.datasets) {
    if (d.meta.kind !== 'book_delta') continue;
    expect(d.meta.checks.find((c) => c.name === 'sequence')).toMatchObject({ status: 'pass', count: 0 });
  }
}

/** The venue's bookTicker strings [b, B, a, A] by u, straight from the raw `<ns> <json>` text. */
function rawBookTickers(file: string): Map<bigint, string[]> {
  const out = new Map<bigint, string[]>();
  for (const line of gunzipSync(readFileSync(file)).toString('utf8').split('\n')) {
    if (!line.includes('@bookTicker')) continue;
    const d = (JSON.parse(line.slice(line.indexOf(' ') + 1)) as { data: { u: number; b: string; B: string; a: string; A: string } }).data;
    // u fits a double exactly here (< 2^53); BigInt keeps it comparable with update_id.
    out.set(BigInt(d.u), [d.b, d.B, d.a, d.A]);
  }
  return out;
}

/** A venue decimal string as integer units at `decimals`, independently of the gate's scanner. */
function units(text: string, decimals: number): bigint {
  const [int, frac = ''] = text.split('.');
  if (frac.length > decimals && !/^0*$/.test(frac.slice(decimals))) throw new Error(`${text} has more than ${decimals} significant decimals`);
  return BigInt(int! + frac.slice(0, decimals).padEnd(decimals, '0'));
}

describe.each([
  // file, venue, symbol, checkpoints (bookTicker u == a diff's u), of which the bookTicker arrived after its diff, decimals of the venue's size strings
  ['usdm_btcusdt_20240808.gz', 'binance-usdm', 'BTCUSDT', 629, 126, 3],
  ['spot_btcusdt_20240808.gz', 'binance-spot', 'BTCUSDT', 564, 0, 8],
  ['spot_ethusdt_20240808.gz', 'binance-spot', 'ETHUSDT', 577, 0, 8],
] as const)('canonical %s', (file, venue, symbol, checkpoints, after, rawSizeDecimals) => {
  let storage: Storage;
  let result: ImportResult;
  beforeAll(async () => {
    storage = tmpRoot();
    result = await importCapture(storage, `${HFT}/${file}`);
  });

  it(`is promoted as ${venue} ${symbol} with 0 gaps`, () => {
    expectCleanImport(result);
    const book = result.datasets.find((d) => d.meta.kind === 'book_delta')!.meta;
    expect(book).toMatchObject({ venue, symbol, startsWithSnapshot: true });
  });

  it(`rebuilt from canonical book_delta alone, matches best bid/ask price and size exactly at all ${checkpoints} bookTicker checkpoints`, async () => {
    const catalog = openCatalog(storage);
    const deltas = await catalog.find({ venue, instrument: symbol, kind: 'book_delta' });
    const bbos = await bbosByUpdateId(storage, await catalog.find({ venue, instrument: symbol, kind: 'bbo' }));
    const raw = rawBookTickers(`${HFT}/${file}`);
    const { priceDecimals: pd, sizeDecimals: sd } = deltas[0]!.instrument;
    const book = new UnitBook();
    let matched = 0;
    let arrivedAfter = 0;
    const mismatches: string[] = [];
    await replayBook(storage, deltas, book, (uid, tsLocalNs) => {
      const want = bbos.get(uid);
      if (want === undefined) return;
      // The book after the diff with this u is the state the bookTicker describes, whether it
      // reached us before the diff (bookTicker stream is faster) or after it.
      const got = [...book.best(false), ...book.best(true)];
      for (const w of want) {
        matched++;
        if (w.tsLocalNs >= tsLocalNs) arrivedAfter++;
        if (got.join() !== w.v.join()) mismatches.push(`u=${uid}: book ${got.join('/')} vs bbo ${w.v.join('/')}`);
      }
      // And against the venue's own strings (sizes at rawSizeDecimals, e.g. "3.78826000"), parsed here.
      const [b, bSz, a, aSz] = raw.get(uid)!;
      expect(bSz!.split('.')[1]).toHaveLength(rawSizeDecimals);
      const venue = [units(b!, pd), units(bSz!, sd), units(a!, pd), units(aSz!, sd)];
      if (got.map((x) => BigInt(x)).join() !== venue.join()) mismatches.push(`u=${uid}: book ${got.join('/')} vs venue ${b}/${bSz}/${a}/${aSz}`);
    });
    expect(mismatches).toEqual([]);
    expect(matched).toBe(checkpoints);
    expect(arrivedAfter).toBe(after);
    expect(book.crossed()).toBe(false);
  });
});

describe.each([
  ['BINANCE', 'binance-spot', ['BLZETH', 'LRCBTC', 'NKNUSDT', 'RUNEEUR']],
  ['BINANCE_FUTURES', 'binance-usdm', ['AKROUSDT', 'CTKUSDT', 'KEEPUSDT', 'SUSHIUSDT']],
] as const)('canonical cryptofeed %s.ws.1.0 + %s.http.0.0', (name, venue, symbols) => {
  let storage: Storage;
  let result: ImportResult;
  beforeAll(async () => {
    storage = tmpRoot();
    // Exactly what `chassis import X.ws.1.0 X.http.0.0` does.
    const groups = groupImportFiles([`${CF}/${name}.ws.1.0`, `${CF}/${name}.http.0.0`]);
    expect(groups).toEqual([{ file: `${CF}/${name}.ws.1.0`, httpFiles: [`${CF}/${name}.http.0.0`] }]);
    result = await importCapture(storage, groups[0]!.file, { httpFiles: groups[0]!.httpFiles! });
  });

  it('is promoted with 0 gaps, one snapshot-started book per symbol, both raw files in the provenance', () => {
    expectCleanImport(result);
    const books = result.datasets.filter((d) => d.meta.kind === 'book_delta');
    expect(books.map((d) => d.meta.symbol).sort()).toEqual([...symbols]);
    expect(books.every((d) => d.meta.venue === venue && d.meta.startsWithSnapshot === true)).toBe(true);
    expect(books[0]!.meta.provenance.rawKeys.map((k) => k.split('/').pop())).toEqual([`${name}.ws.1.0`, `${name}.http.0.0`]);
  });

  it.each(symbols)('rebuilds an uncrossed %s book after every canonical batch', async (symbol) => {
    const deltas = await openCatalog(storage).find({ venue, instrument: symbol, kind: 'book_delta' });
    const book = new UnitBook();
    const crossed: bigint[] = [];
    const batches = await replayBook(storage, deltas, book, (uid) => {
      if (book.crossed()) crossed.push(uid);
    });
    expect(batches).toBeGreaterThan(1);
    expect(crossed).toEqual([]);
    expect(book.bids.size).toBeGreaterThan(0);
    expect(book.asks.size).toBeGreaterThan(0);
  });

  it('without its .http file the book cannot be synchronised and is never promoted', async () => {
    const alone = join(mkdtempSync(join(tmpdir(), 'chassis-gt-ws-')), `${name}.ws.1.0`);
    copyFileSync(`${CF}/${name}.ws.1.0`, alone);
    const r = await importCapture(tmpRoot(), alone);
    expect(r.datasets.filter((d) => d.meta.kind === 'book_delta' && d.meta.state === 'Promoted')).toEqual([]);
  });
});

/** Integer units at `decimals` → the shortest decimal string (how OKX writes its numbers). */
function minimalDecimal(units: number, decimals: number): string {
  const digits = BigInt(units).toString().padStart(decimals + 1, '0');
  if (decimals === 0) return digits;
  const frac = digits.slice(-decimals).replace(/0+$/, '');
  const int = digits.slice(0, -decimals);
  return frac ? `${int}.${frac}` : int;
}

function fixedDecimal(units: number, decimals: number): string {
  const digits = BigInt(units).toString().padStart(decimals + 1, '0');
  return decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** OKX checksum (signed CRC32 of interleaved top-25 bidPx:bidSz:askPx:askSz) of a canonical book. */
function okxChecksum(book: UnitBook, fmt: (units: number, decimals: number) => string, pd: number, sd: number): number {
  const bids = book.top(false, 25);
  const asks = book.top(true, 25);
  const parts: string[] = [];
  for (let i = 0; i < 25; i++) {
    if (bids[i]) parts.push(fmt(bids[i]![0], pd), fmt(bids[i]![1], sd));
    if (asks[i]) parts.push(fmt(asks[i]![0], pd), fmt(asks[i]![1], sd));
  }
  return crc32(parts.join(':')) | 0;
}

describe('canonical OKX.ws.1.0', () => {
  const OKX = `${CF}/OKX.ws.1.0`;
  /** Per instrument, the checksums of its books messages in file order, straight from the raw text. */
  const venueChecksums = new Map<string, number[]>();
  let levelStrings = 0;
  let trailingZeroStrings = 0;
  for (const line of readFileSync(OKX, 'utf8').split('\n')) {
    const json = line.indexOf(': {');
    if (json < 0 || !line.includes('"channel":"books"') || !line.includes('"data"')) continue;
    const msg = JSON.parse(line.slice(json + 2)) as { arg: { instId: string }; data: { checksum: number; bids: string[][]; asks: string[][] }[] };
    for (const d of msg.data) {
      venueChecksums.set(msg.arg.instId, [...(venueChecksums.get(msg.arg.instId) ?? []), d.checksum]);
      for (const lv of [...d.bids, ...d.asks]) {
        for (const s of [lv[0]!, lv[1]!]) {
          levelStrings++;
          if (/\.\d*0$|^\./.test(s)) trailingZeroStrings++;
        }
      }
    }
  }
  let storage: Storage;
  let result: ImportResult;
  beforeAll(async () => {
    storage = tmpRoot();
    result = await importCapture(storage, OKX);
  });

  it('is promoted: 3 instruments, 0 gaps, the gate verified every checksum', () => {
    expectCleanImport(result);
    const books = result.datasets.filter((d) => d.meta.kind === 'book_delta');
    expect(books.map((d) => d.meta.symbol).sort()).toEqual(['BTC-USD-220527', 'BTC-USDT', 'UNI-USD-SWAP']);
    for (const b of books) expect(b.meta.checks.find((c) => c.name === 'checksum')).toMatchObject({ status: 'pass', count: 0 });
  });

  it('the venue writes every level price and size in shortest form (no trailing fractional zeros)', () => {
    expect(levelStrings).toBeGreaterThan(10_000);
    expect(trailingZeroStrings).toBe(0);
  });

  it('all 290 checksums verify on books rebuilt from canonical rows, with prices/sizes written back in shortest form', async () => {
    let verified = 0;
    const failed: string[] = [];
    for (const [instId, expected] of venueChecksums) {
      const [ds] = await openCatalog(storage).find({ venue: 'okx', instrument: instId, kind: 'book_delta' });
      const { priceDecimals: pd, sizeDecimals: sd } = ds!.instrument;
      const book = new UnitBook();
      let k = 0;
      await replayBook(storage, [ds!], book, () => {
        const want = expected[k++];
        if (okxChecksum(book, minimalDecimal, pd, sd) === want) verified++;
        else failed.push(`${instId} #${k}`);
      });
      expect(k).toBe(expected.length);
    }
    expect(failed).toEqual([]);
    expect(verified).toBe(290);
  });

  it('the same books written at the fixed DECIMAL scale would not verify: the checksum needs the venue formatting', async () => {
    const [ds] = await openCatalog(storage).find({ venue: 'okx', instrument: 'BTC-USDT', kind: 'book_delta' });
    const { priceDecimals: pd, sizeDecimals: sd } = ds!.instrument;
    expect(sd).toBe(8);
    const expected = venueChecksums.get('BTC-USDT')!;
    const book = new UnitBook();
    let k = 0;
    let verified = 0;
    await replayBook(storage, [ds!], book, () => {
      if (okxChecksum(book, fixedDecimal, pd, sd) === expected[k++]) verified++;
    });
    expect(verified).toBe(0);
  });
});
