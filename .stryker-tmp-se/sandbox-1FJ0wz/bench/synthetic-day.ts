/**
 * Synthetic day: a canonical dataset of ≥ 50 million market events "with the same statistics"
 * as the Binance USD-M BTCUSDT capture, written directly as canonical Parquet with the storage
 * package's writer (writeDataset + catalog.add) into a temp data root, for the full-backtest
 * benchmark at a size no real capture in the repository has.
 *
 * Fitted from the real capture (usdmCanonical, replayed through the core L2Book):
 * - event mix: shares of book_delta messages, trades and BBOs;
 * - mid random walk: the empirical distribution of best-bid changes (ticks) between BBOs;
 * - level rows per diff message (empirical), distance of each updated level from its side's
 *   touch (ticks, empirical), share of removals (size 0), level sizes (empirical);
 * - trades: at the touch, buy-aggressor share and sizes (empirical); BBO sizes (empirical);
 * - tsLocal − tsEvent: the capture's median.
 * The day is 24 h of exponential inter-arrivals at the rate that yields `targetEvents` (the
 * capture's own rate, 272 events/s, would give 23.5 M), so it is denser than the capture but
 * each event looks like one of its events. Every diff message also restates the touch after a
 * mid move and removes the levels the move crossed, so the book never crosses.
 * Deterministic from (GENERATOR_VERSION, seed, targetEvents); cached under
 * tmpdir()/chassis-bench-synthetic-<hash>/ with a `complete` marker.
 */
// @ts-nocheck

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { L2Book } from '@chassis/core';
import { canonicalPrefix, contentHash, openCatalog, openStorage, writeDataset, type BboBatch, type BookDeltaBatch, type CanonicalBatch, type DatasetMeta, type InstrumentMeta, type TradeBatch } from '@chassis/storage';
import { SeededRandom } from '@chassis/venues';
import { bookMessages } from './book-messages.ts';
import { usdmCanonical, type UsdmCanonical } from './usdm-canonical.ts';

/** Bump when the generator's output for a given seed changes (invalidates caches). */
export const GENERATOR_VERSION = 2;
export const SYNTHETIC_VENUE = 'synthetic-usdm';
export const SYNTHETIC_SYMBOL = 'BTCUSDT';
const DAY_START_NS = 1_723_161_600_000_000_000n; // 2024-08-09T00:00:00Z
const DAY_NS = 86_400_000_000_000;
/** Market events per written segment (one dataset per kind per segment; bounds generator memory). */
const SEGMENT_EVENTS = 1_000_000;
const SNAPSHOT_LEVELS = 1000;

export interface UsdmStatistics {
  readonly shareBook: number;
  readonly shareTrade: number;
  /** Empirical samples (drawn uniformly). */
  readonly tickChanges: Int32Array;
  readonly rowsPerMessage: Int32Array;
  readonly levelDistance: Int32Array;
  readonly levelSizes: Float64Array;
  readonly removalShare: number;
  readonly tradeSizes: Float64Array;
  readonly buyShare: number;
  readonly bboSizes: Float64Array;
  readonly latencyNs: number;
  readonly startBid: number;
  readonly describe: string;
}

/** Fits the statistics above from the imported capture. */
export function fitUsdmStatistics(data: UsdmCanonical): UsdmStatistics {
  const m = bookMessages(data.bookDelta);
  const book = new L2Book('fit');
  const rows: number[] = [];
  const dist: number[] = [];
  const sizes: number[] = [];
  let removals = 0;
  let diffRows = 0;
  for (let k = 0; k < m.count; k++) {
    if (m.snapshot[k] === 1) {
      book.bids.clear();
      book.asks.clear();
    } else {
      rows.push(m.start[k + 1]! - m.start[k]!);
    }
    const bb = book.bidPrice(0);
    const ba = book.askPrice(0);
    for (let i = m.start[k]!; i < m.start[k + 1]!; i++) {
      const bid = m.side[i] === 0;
      if (m.snapshot[k] !== 1 && bb === bb && ba === ba) {
        diffRows++;
        const d = bid ? bb - m.price[i]! : m.price[i]! - ba;
        if (d >= 0 && d < 5000) dist.push(d);
        if (m.size[i] === 0) removals++;
        else sizes.push(m.size[i]!);
      }
      (bid ? book.bids : book.asks).set(m.price[i]!, m.size[i]!);
    }
  }
  const changes: number[] = [];
  const bboSizes: number[] = [];
  let prev = NaN;
  let lat: number[] = [];
  for (const b of data.bbos) {
    for (let i = 0; i < b.length; i++) {
      const p = b.bidPrice[i]!;
      if (prev === prev) changes.push(Math.max(-50, Math.min(50, p - prev)));
      prev = p;
      bboSizes.push(b.bidSize[i]!, b.askSize[i]!);
      if (lat.length < 50_000) lat.push(Number(b.tsLocalNs[i]! - b.tsEventNs[i]!));
    }
  }
  const tradeSizes: number[] = [];
  let buys = 0;
  let trades = 0;
  for (const t of data.trades) {
    for (let i = 0; i < t.length; i++) {
      tradeSizes.push(t.size[i]!);
      if (t.aggressor[i] === 0) buys++;
      trades++;
    }
  }
  // Median of tsLocal − tsEvent (may be ≤ 0: the capture's clock vs the venue's).
  lat = lat.sort((a, b) => a - b);
  const firstBbo = data.bbos[0]!;
  const s: Omit<UsdmStatistics, 'describe'> = {
    shareBook: data.bookDeltaMessages / data.events,
    shareTrade: trades / data.events,
    tickChanges: Int32Array.from(changes),
    rowsPerMessage: Int32Array.from(rows),
    levelDistance: Int32Array.from(dist),
    levelSizes: Float64Array.from(sizes),
    removalShare: removals / diffRows,
    tradeSizes: Float64Array.from(tradeSizes),
    buyShare: buys / trades,
    bboSizes: Float64Array.from(bboSizes),
    latencyNs: lat[lat.length >> 1] ?? 0,
    startBid: firstBbo.bidPrice[0]!,
  };
  const avgRows = rows.reduce((a, b) => a + b, 0) / rows.length;
  const moved = changes.filter((c) => c !== 0).length / changes.length;
  return {
    ...s,
    describe:
      `fitted from the USD-M capture: ${(s.shareBook * 100).toFixed(1)}% book messages (${avgRows.toFixed(1)} rows avg, ${(s.removalShare * 100).toFixed(0)}% removals), ` +
      `${(s.shareTrade * 100).toFixed(1)}% trades (${(s.buyShare * 100).toFixed(0)}% buy), ${((1 - s.shareBook - s.shareTrade) * 100).toFixed(1)}% BBOs; mid moves on ${(moved * 100).toFixed(1)}% of BBOs; tsLocal − tsEvent median ${(s.latencyNs / 1e6).toFixed(1)} ms`,
  };
}

export interface SyntheticDay {
  readonly dataRoot: string;
  readonly venue: string;
  readonly instrument: string;
  readonly marketEvents: number;
  readonly bookRows: number;
  readonly cached: boolean;
  readonly describe: string;
}

interface Columns {
  bd: { ts: BigInt64Array; id: BigInt64Array; snap: Uint8Array; side: Uint8Array; price: Float64Array; size: Float64Array; n: number };
  tr: { ts: BigInt64Array; id: string[]; price: Float64Array; size: Float64Array; agg: Uint8Array; n: number };
  bo: { ts: BigInt64Array; id: BigInt64Array; bp: Float64Array; bs: Float64Array; ap: Float64Array; as: Float64Array; n: number };
}

function columns(bookRows: number, trades: number, bbos: number): Columns {
  return {
    bd: { ts: new BigInt64Array(bookRows), id: new BigInt64Array(bookRows), snap: new Uint8Array(bookRows), side: new Uint8Array(bookRows), price: new Float64Array(bookRows), size: new Float64Array(bookRows), n: 0 },
    tr: { ts: new BigInt64Array(trades), id: new Array<string>(trades), price: new Float64Array(trades), size: new Float64Array(trades), agg: new Uint8Array(trades), n: 0 },
    bo: { ts: new BigInt64Array(bbos), id: new BigInt64Array(bbos), bp: new Float64Array(bbos), bs: new Float64Array(bbos), ap: new Float64Array(bbos), as: new Float64Array(bbos), n: 0 },
  };
}

function cacheDir(seed: number, targetEvents: number): string {
  const key = createHash('sha256').update(JSON.stringify({ GENERATOR_VERSION, seed, targetEvents })).digest('hex').slice(0, 16);
  return join(tmpdir(), `chassis-bench-synthetic-${key}`);
}

/**
 * Generates (or reuses from the cache) the synthetic day and returns its data root, ready for
 * runBacktest({ definition: { data: { venue: SYNTHETIC_VENUE, instrument: SYNTHETIC_SYMBOL } }, dataRoot }).
 */
export async function syntheticDay(opts: { seed?: number; targetEvents?: number; log?: (s: string) => void } = {}): Promise<SyntheticDay> {
  const seed = opts.seed ?? 1;
  const targetEvents = opts.targetEvents ?? 50_000_000;
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const dir = cacheDir(seed, targetEvents);
  const marker = join(dir, 'complete.json');
  if (existsSync(marker)) return { ...(JSON.parse(readFileSync(marker, 'utf8')) as Omit<SyntheticDay, 'cached'>), cached: true };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const data = await usdmCanonical();
  const st = fitUsdmStatistics(data);
  log(`synthetic-day: ${st.describe}`);
  const [realMeta] = data.datasets.book_delta;
  const instrument: InstrumentMeta = { ...realMeta!.instrument, venue: SYNTHETIC_VENUE, symbol: SYNTHETIC_SYMBOL };
  const storage = openStorage(join(dir, 'data'));
  const catalog = openCatalog(storage);
  const rnd = new SeededRandom(seed);
  const pick = <T extends { length: number; [i: number]: number }>(a: T): number => a[rnd.nextBelow(a.length)]!;
  const meanGapNs = DAY_NS / targetEvents;
  const maxRows = Math.max(...st.rowsPerMessage) + 64;

  let tsEvent = Number(0);
  let updateId = 1_000_000n;
  let bid = st.startBid;
  let tradeNo = 0;
  let events = 0;
  let bookRows = 0;
  const prevId: Record<string, string | undefined> = {};
  for (let segment = 0; events < targetEvents; segment++) {
    const n = Math.min(SEGMENT_EVENTS, targetEvents - events);
    // Upper bounds for this segment's columns (book rows: messages × max rows, with margin).
    const expBook = Math.ceil(n * st.shareBook * 1.2) + 10;
    const c = columns(Math.min(n, expBook) * 70 + (segment === 0 ? 2 * SNAPSHOT_LEVELS : 0) + 1_000_000, Math.ceil(n * st.shareTrade * 1.2) + 10, n);
    const grow = (need: number): void => {
      if (c.bd.n + need <= c.bd.price.length) return;
      const size = (c.bd.price.length + need) * 2;
      const re = <A extends BigInt64Array | Uint8Array | Float64Array>(a: A, make: (k: number) => A): A => {
        const b = make(size);
        b.set(a as never);
        return b;
      };
      c.bd = { ...c.bd, ts: re(c.bd.ts, (k) => new BigInt64Array(k)), id: re(c.bd.id, (k) => new BigInt64Array(k)), snap: re(c.bd.snap, (k) => new Uint8Array(k)), side: re(c.bd.side, (k) => new Uint8Array(k)), price: re(c.bd.price, (k) => new Float64Array(k)), size: re(c.bd.size, (k) => new Float64Array(k)) };
    };
    const row = (ts: bigint, id: bigint, snap: number, side: number, price: number, size: number): void => {
      const b = c.bd;
      const i = b.n++;
      b.ts[i] = ts;
      b.id[i] = id;
      b.snap[i] = snap;
      b.side[i] = side;
      b.price[i] = price;
      b.size[i] = size;
    };
    if (segment === 0) {
      // Same tsLocal = tsEvent + latency as every other row, so tsLocal never goes backwards.
      const ts = DAY_START_NS + BigInt(st.latencyNs);
      for (let d = 0; d < SNAPSHOT_LEVELS; d++) row(ts, updateId, 1, 0, bid - d, pick(st.levelSizes));
      for (let d = 0; d < SNAPSHOT_LEVELS; d++) row(ts, updateId, 1, 1, bid + 1 + d, pick(st.levelSizes));
      events++;
    }
    const segEnd = events + n - (segment === 0 ? 1 : 0);
    for (; events < segEnd; events++) {
      tsEvent += -Math.log(1 - rnd.nextFloat()) * meanGapNs;
      const te = DAY_START_NS + BigInt(Math.floor(Math.min(tsEvent, DAY_NS - 1)));
      const tl = te + BigInt(st.latencyNs);
      const u = rnd.nextFloat();
      if (u < st.shareBook) {
        // A diff message: the mid step of this instant, the touch restated, then the fitted rows.
        updateId++;
        const step = pick(st.tickChanges);
        const rowsHere = pick(st.rowsPerMessage);
        grow(rowsHere + Math.abs(step) + 4);
        const oldBid = bid;
        bid += step;
        if (step > 0) for (let p = oldBid + 1; p <= bid; p++) row(tl, updateId, 0, 1, p, 0); // asks crossed by the up-move
        if (step < 0) for (let p = bid + 1; p <= oldBid; p++) row(tl, updateId, 0, 0, p, 0); // bids crossed by the down-move
        row(tl, updateId, 0, 0, bid, pick(st.levelSizes));
        row(tl, updateId, 0, 1, bid + 1, pick(st.levelSizes));
        for (let r = 2; r < rowsHere; r++) {
          const side = rnd.nextBelow(2);
          const d = 1 + pick(st.levelDistance);
          const size = rnd.nextFloat() < st.removalShare ? 0 : pick(st.levelSizes);
          row(tl, updateId, 0, side, side === 0 ? bid - d : bid + 1 + d, size);
        }
        if (rowsHere > maxRows) throw new Error('synthetic-day: unreachable');
      } else if (u < st.shareBook + st.shareTrade) {
        const t = c.tr;
        const i = t.n++;
        const buy = rnd.nextFloat() < st.buyShare;
        t.ts[i] = tl;
        t.id[i] = String(++tradeNo);
        t.price[i] = buy ? bid + 1 : bid;
        t.size[i] = pick(st.tradeSizes);
        t.agg[i] = buy ? 0 : 1;
      } else {
        const b = c.bo;
        const i = b.n++;
        b.ts[i] = tl;
        b.id[i] = updateId;
        b.bp[i] = bid;
        b.bs[i] = pick(st.bboSizes);
        b.ap[i] = bid + 1;
        b.as[i] = pick(st.bboSizes);
      }
    }
    // tsEvent = tsLocal − latency for every row; the writer wants both.
    const lat = BigInt(st.latencyNs);
    const ev = (a: BigInt64Array, k: number): BigInt64Array => a.subarray(0, k).map((x) => x - lat);
    const bd = c.bd;
    const batches: CanonicalBatch[] = [
      { kind: 'book_delta', length: bd.n, tsEventNs: ev(bd.ts, bd.n), tsLocalNs: bd.ts.subarray(0, bd.n), updateId: bd.id.subarray(0, bd.n), batchId: bd.id.subarray(0, bd.n), isSnapshot: bd.snap.subarray(0, bd.n), side: bd.side.subarray(0, bd.n), price: bd.price.subarray(0, bd.n), size: bd.size.subarray(0, bd.n) } satisfies BookDeltaBatch,
      { kind: 'trade', length: c.tr.n, tsEventNs: ev(c.tr.ts, c.tr.n), tsLocalNs: c.tr.ts.subarray(0, c.tr.n), tradeId: c.tr.id.slice(0, c.tr.n), price: c.tr.price.subarray(0, c.tr.n), size: c.tr.size.subarray(0, c.tr.n), aggressor: c.tr.agg.subarray(0, c.tr.n) } satisfies TradeBatch,
      { kind: 'bbo', length: c.bo.n, tsEventNs: ev(c.bo.ts, c.bo.n), tsLocalNs: c.bo.ts.subarray(0, c.bo.n), updateId: c.bo.id.subarray(0, c.bo.n), bidPrice: c.bo.bp.subarray(0, c.bo.n), bidSize: c.bo.bs.subarray(0, c.bo.n), askPrice: c.bo.ap.subarray(0, c.bo.n), askSize: c.bo.as.subarray(0, c.bo.n) } satisfies BboBatch,
    ];
    bookRows += bd.n;
    for (const batch of batches) {
      if (batch.length === 0) continue;
      const hash = contentHash(batch, instrument);
      const id = `ds_${hash.slice(0, 24)}`;
      const base = { id, venue: SYNTHETIC_VENUE, symbol: SYNTHETIC_SYMBOL, kind: batch.kind, day: '2024-08-09', segment };
      const meta: Omit<DatasetMeta, 'files'> = {
        ...base,
        contentHash: hash,
        startNs: batch.tsEventNs[0]!,
        endNs: batch.tsEventNs[batch.length - 1]!,
        rows: batch.length,
        version: 1,
        state: 'Promoted',
        prefix: canonicalPrefix(base),
        instrument,
        ...(batch.kind === 'book_delta' ? { startsWithSnapshot: segment === 0 } : {}),
        ...(prevId[batch.kind] ? { continuesFrom: prevId[batch.kind] } : {}),
        gaps: [],
        checks: [],
        transitions: [{ from: null, to: 'Promoted', at: new Date(0).toISOString(), reason: `synthetic-day generator v${GENERATOR_VERSION}, seed ${seed}` }],
        provenance: { rawKeys: [], sourceFiles: [], sourceSha256: [], tsLocalFromEvent: false },
        createdAt: new Date(0).toISOString(),
      };
      const written = await writeDataset(storage, batch, meta);
      await catalog.add(written.meta);
      prevId[batch.kind] = id;
    }
    log(`synthetic-day: segment ${segment}: ${events} / ${targetEvents} events, ${bookRows} book rows`);
  }
  const day: Omit<SyntheticDay, 'cached'> = {
    dataRoot: join(dir, 'data'),
    venue: SYNTHETIC_VENUE,
    instrument: SYNTHETIC_SYMBOL,
    marketEvents: events,
    bookRows,
    describe: `synthetic day (generator v${GENERATOR_VERSION}, seed ${seed}): ${events} market events, ${bookRows} book rows over 24 h; ${st.describe}`,
  };
  writeFileSync(marker, JSON.stringify(day));
  return { ...day, cached: false };
}
