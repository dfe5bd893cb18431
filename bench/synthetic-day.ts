/**
 * Synthetic day: a canonical dataset of ≥ 50 million market events "with the same statistics"
 * as the Binance USD-M BTCUSDT capture, written directly as canonical Parquet with the storage
 * package's writer (writeDataset + catalog.add) into a temp data root, for the full-backtest
 * benchmark at a size no real capture in the repository has.
 *
 * Fitted from the real capture (usdmCanonical, replayed through the core L2Book):
 * - event mix: shares of book_delta messages, trades and BBOs;
 * - price grid: the instrument's tick (tickSize 0.10 at 2 price decimals = 10 price units);
 *   every generated price (levels, trades, BBOs) is a multiple of it, as every capture price is;
 * - mid random walk: the empirical distribution of best-bid changes (ticks, clamped to ±50)
 *   between BBOs, applied once per diff message (v2 clamped at ±50 price units = ±5 ticks: its
 *   23 M-event day spanned 3,982 ticks of best bid, v3's spans 12,304, ~2 % of the price);
 * - level rows per diff message (empirical), distance of each updated level beyond its side's
 *   touch (1 … 499 ticks, empirical), share of removals (size 0), level sizes (empirical);
 * - trades: at the touch, buy-aggressor share and sizes (empirical); BBO sizes (empirical);
 * - tsLocal − tsEvent: see "Clock" below.
 * The day is 24 h of exponential inter-arrivals at the rate that yields `targetEvents` (the
 * capture's own rate, 272 events/s, would give 23.5 M), so it may be denser than the capture but
 * each event looks like one of its events.
 *
 * Diff messages are laid out as the capture's are (a Binance depth diff is its `b` array, then
 * its `a` array): all bid rows, then all ask rows, each side in ascending price, one row per
 * price. A message restates both touches after its mid move and removes the levels the move
 * crossed, so the book never crosses; the rest of its rows are drawn at distinct
 * distances from the touch, and removals are drawn with the probability that makes the
 * message's expected removal share the capture's (the crossed levels are removals, the touches
 * are not). The day opens with a 1000-level snapshot laid out as the capture's (bids
 * descending, asks ascending).
 *
 * Clock: tsEventNs is the venue's event time on a 1 ms grid (Binance's `E`); tsLocalNs is when
 * the recorder stamped the message. In the capture tsLocal − tsEvent is −1272.5 … −1181.3 ms,
 * median −1269.5 ms over its 93,950 events: the recorder clock runs ~1.27 s behind the venue's
 * (that offset) plus a network latency that is positive and varies (0 … ~91 ms above the
 * smallest difference, in spikes that decay over seconds and come with bursts of events). Data
 * only shows their sum (README "Clock model"), so the generator reproduces the sum, not a
 * guessed split: per kind (diff messages, trades, BBOs: their latencies differ, trades arrive
 * ~1.5 ms later) each generated event takes the tsLocal − tsEvent of the next capture event of
 * that kind, in blocks of exponential length (mean 10,000 events, ~37 s of the capture) that
 * each start at a random point of the 345 s capture: a stationary block bootstrap of the
 * capture's own sequence, so its distribution per event and its spikes, never a constant. Per
 * kind (per canonical source) tsLocal is then held non-decreasing (`Math.max` with the previous
 * one: a block start, two events in one millisecond or a day denser than the capture can step
 * the latency down faster than event time passes; counted as "held" in the log: 0.3 % of the
 * events of a 2 M-event day, 3.2 % of a 23 M one, whose median stays −1269.5 ms): the feeder's
 * merge needs every source in tsLocal order and the quality gate rejects a local clock that
 * goes back. Across kinds, as in
 * the capture (8,035 of its events arrive after an event of another kind with a later tsEvent),
 * the local order may differ from event-time order.
 *
 * Deterministic from (GENERATOR_VERSION, seed, targetEvents); cached under
 * tmpdir()/chassis-bench-synthetic-<hash>/ with a `complete` marker. Memory: one 1 M-event
 * segment of columns at a time.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { L2Book, parseDecimalUnits } from '@chassis/core';
import { canonicalPrefix, contentHash, openCatalog, openStorage, writeDataset, type BboBatch, type BookDeltaBatch, type CanonicalBatch, type DatasetMeta, type InstrumentMeta, type TradeBatch } from '@chassis/storage';
import { SeededRandom } from '@chassis/venues';
import { bookMessages } from './book-messages.ts';
import { usdmCanonical, type UsdmCanonical } from './usdm-canonical.ts';

/** Bump when the generator's output for a given seed changes (invalidates caches). */
export const GENERATOR_VERSION = 3;
export const SYNTHETIC_VENUE = 'synthetic-usdm';
export const SYNTHETIC_SYMBOL = 'BTCUSDT';
const DAY_START_NS = 1_723_161_600_000_000_000n; // 2024-08-09T00:00:00Z
const DAY_NS = 86_400_000_000_000;
/** Market events per written segment (one dataset per kind per segment; bounds generator memory). */
const SEGMENT_EVENTS = 1_000_000;
const SNAPSHOT_LEVELS = 1000;
/** Farthest level (ticks beyond the touch) a diff row updates; the fit keeps distances below it. */
const MAX_DISTANCE_TICKS = 500;
/** Largest mid move (ticks) per diff message. */
const MAX_STEP_TICKS = 50;
/** Mean length (events of all kinds; ~37 s of the capture) of one replayed block of the capture's clock. */
const CLOCK_BLOCK_EVENTS = 10_000;
const MS = 1_000_000;

/** Kinds in the order of `UsdmStatistics.clock`: book_delta messages, trades, BBOs. */
const BOOK = 0;
const TRADE = 1;
const BBO = 2;

/** One kind's tsLocal − tsEvent along the capture's event time. */
export interface ClockPath {
  /** tsEvent of each capture event of the kind, ns after the capture's first event (of any kind); non-decreasing. */
  readonly atNs: Float64Array;
  /** Its tsLocal − tsEvent (ns; negative in this capture: the recorder clock runs behind). */
  readonly localMinusEventNs: Float64Array;
}

export interface UsdmStatistics {
  /** The instrument's tick in price units (every price is a multiple). */
  readonly tickUnits: number;
  readonly shareBook: number;
  readonly shareTrade: number;
  /** Empirical samples (drawn uniformly). Best-bid changes between BBOs, ticks. */
  readonly tickChanges: Int32Array;
  readonly rowsPerMessage: Int32Array;
  /** Distance of a diff row's price beyond its side's touch, ticks (1 … MAX_DISTANCE_TICKS − 1). */
  readonly levelDistance: Int32Array;
  readonly levelSizes: Float64Array;
  /** Share of diff rows (all of them, touch and crossed levels included) that remove a level. */
  readonly removalShare: number;
  readonly tradeSizes: Float64Array;
  readonly buyShare: number;
  readonly bboSizes: Float64Array;
  /** tsLocal − tsEvent per kind [book messages, trades, BBOs] and the capture's length (ns). */
  readonly clock: readonly [ClockPath, ClockPath, ClockPath];
  readonly captureSpanNs: number;
  /** Median of tsLocal − tsEvent over all the capture's events (ns). */
  readonly latencyNs: number;
  readonly startBid: number;
  readonly describe: string;
}

/** Fits the statistics above from the imported capture. */
export function fitUsdmStatistics(data: UsdmCanonical): UsdmStatistics {
  const inst = data.datasets.book_delta[0]!.instrument;
  const tick = parseDecimalUnits(inst.tickSize, inst.priceDecimals);
  const m = bookMessages(data.bookDelta);
  const book = new L2Book('fit', tick);
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
        const d = Math.round((bid ? bb - m.price[i]! : m.price[i]! - ba) / tick);
        if (d >= 1 && d < MAX_DISTANCE_TICKS) dist.push(d);
        if (m.size[i] === 0) removals++;
        else sizes.push(m.size[i]!);
      }
      (bid ? book.bids : book.asks).set(m.price[i]!, m.size[i]!);
    }
  }
  const changes: number[] = [];
  const bboSizes: number[] = [];
  let prev = NaN;
  for (const b of data.bbos) {
    for (let i = 0; i < b.length; i++) {
      const p = b.bidPrice[i]!;
      if (prev === prev) changes.push(Math.max(-MAX_STEP_TICKS, Math.min(MAX_STEP_TICKS, Math.round((p - prev) / tick))));
      prev = p;
      bboSizes.push(b.bidSize[i]!, b.askSize[i]!);
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
  // The clock per kind: one point per event (a diff message's first row), in event-time order.
  const ev: bigint[][] = [[], [], []];
  const lo: bigint[][] = [[], [], []];
  let prevBatch = -1n;
  for (const b of data.bookDelta)
    for (let i = 0; i < b.length; i++)
      if (b.batchId[i] !== prevBatch) {
        prevBatch = b.batchId[i]!;
        ev[BOOK]!.push(b.tsEventNs[i]!);
        lo[BOOK]!.push(b.tsLocalNs[i]!);
      }
  for (const [kind, bs] of [[TRADE, data.trades], [BBO, data.bbos]] as const)
    for (const b of bs)
      for (let i = 0; i < b.length; i++) {
        ev[kind]!.push(b.tsEventNs[i]!);
        lo[kind]!.push(b.tsLocalNs[i]!);
      }
  let t0 = ev[BOOK]![0]!;
  let t1 = t0;
  for (const e of ev)
    for (const x of e) {
      if (x < t0) t0 = x;
      if (x > t1) t1 = x;
    }
  const clock = ev.map((e, kind) => {
    const order = e.map((_, i) => i).sort((a, b) => (e[a]! < e[b]! ? -1 : e[a]! > e[b]! ? 1 : a - b));
    return { atNs: Float64Array.from(order, (i) => Number(e[i]! - t0)), localMinusEventNs: Float64Array.from(order, (i) => Number(lo[kind]![i]! - e[i]!)) };
  }) as unknown as UsdmStatistics['clock'];
  const all = Float64Array.from(clock.flatMap((c) => [...c.localMinusEventNs])).sort();
  const firstBbo = data.bbos[0]!;
  const s: Omit<UsdmStatistics, 'describe'> = {
    tickUnits: tick,
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
    clock,
    captureSpanNs: Number(t1 - t0),
    latencyNs: all[all.length >> 1] ?? 0,
    startBid: firstBbo.bidPrice[0]!,
  };
  const avgRows = rows.reduce((a, b) => a + b, 0) / rows.length;
  const moved = changes.filter((c) => c !== 0).length / changes.length;
  return {
    ...s,
    describe:
      `fitted from the USD-M capture: tick ${tick} price units; ${(s.shareBook * 100).toFixed(1)}% book messages (${avgRows.toFixed(1)} rows avg, bids then asks, ${(s.removalShare * 100).toFixed(0)}% removals), ` +
      `${(s.shareTrade * 100).toFixed(1)}% trades (${(s.buyShare * 100).toFixed(0)}% buy), ${((1 - s.shareBook - s.shareTrade) * 100).toFixed(1)}% BBOs; mid moves on ${(moved * 100).toFixed(1)}% of BBOs; ` +
      `tsLocal − tsEvent replayed from the capture (median ${(s.latencyNs / 1e6).toFixed(1)} ms, ${(all[0]! / 1e6).toFixed(1)} … ${(all[all.length - 1]! / 1e6).toFixed(1)} ms)`,
  };
}

/**
 * The capture's clock replayed over the generated day (see the header's "Clock"): an event of one
 * kind gets the tsLocal − tsEvent of the next capture event of that kind, from a point of the
 * capture redrawn at every block start (blocks of exponential length, in events).
 */
class ClockReplay {
  private left = 0;
  private readonly cursor = [0, 0, 0];

  constructor(
    private readonly paths: UsdmStatistics['clock'],
    private readonly spanNs: number,
    private readonly rnd: SeededRandom,
  ) {}

  /** tsLocal − tsEvent (ns) for the next generated event of `kind`. */
  localMinusEventNs(kind: number): number {
    if (--this.left < 0) {
      this.left = Math.floor(-Math.log(1 - this.rnd.nextFloat()) * CLOCK_BLOCK_EVENTS);
      const at = this.rnd.nextFloat() * this.spanNs;
      // Every kind from its first event at or after `at` (by bisection).
      for (let k = 0; k < 3; k++) {
        const a = this.paths[k]!.atNs;
        let lo = 0;
        let hi = a.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (a[mid]! < at) lo = mid + 1;
          else hi = mid;
        }
        this.cursor[k] = lo;
      }
    }
    const v = this.paths[kind]!.localMinusEventNs;
    let i = this.cursor[kind]!;
    if (i >= v.length) i = 0; // past the capture's end: on from its start
    this.cursor[kind] = i + 1;
    return v[i]!;
  }
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
  bd: { te: BigInt64Array; tl: BigInt64Array; id: BigInt64Array; snap: Uint8Array; side: Uint8Array; price: Float64Array; size: Float64Array; n: number };
  tr: { te: BigInt64Array; tl: BigInt64Array; id: string[]; price: Float64Array; size: Float64Array; agg: Uint8Array; n: number };
  bo: { te: BigInt64Array; tl: BigInt64Array; id: BigInt64Array; bp: Float64Array; bs: Float64Array; ap: Float64Array; as: Float64Array; n: number };
}

function columns(bookRows: number, trades: number, bbos: number): Columns {
  return {
    bd: { te: new BigInt64Array(bookRows), tl: new BigInt64Array(bookRows), id: new BigInt64Array(bookRows), snap: new Uint8Array(bookRows), side: new Uint8Array(bookRows), price: new Float64Array(bookRows), size: new Float64Array(bookRows), n: 0 },
    tr: { te: new BigInt64Array(trades), tl: new BigInt64Array(trades), id: new Array<string>(trades), price: new Float64Array(trades), size: new Float64Array(trades), agg: new Uint8Array(trades), n: 0 },
    bo: { te: new BigInt64Array(bbos), tl: new BigInt64Array(bbos), id: new BigInt64Array(bbos), bp: new Float64Array(bbos), bs: new Float64Array(bbos), ap: new Float64Array(bbos), as: new Float64Array(bbos), n: 0 },
  };
}

function cacheDir(root: string, seed: number, targetEvents: number): string {
  const key = createHash('sha256').update(JSON.stringify({ GENERATOR_VERSION, seed, targetEvents })).digest('hex').slice(0, 16);
  return join(root, `chassis-bench-synthetic-${key}`);
}

/**
 * Generates (or reuses from the cache) the synthetic day and returns its data root, ready for
 * runBacktest({ definition: { data: { venue: SYNTHETIC_VENUE, instrument: SYNTHETIC_SYMBOL } }, dataRoot }).
 * `cacheRoot` (default tmpdir()) holds the cache directory.
 */
export async function syntheticDay(opts: { seed?: number; targetEvents?: number; cacheRoot?: string; log?: (s: string) => void } = {}): Promise<SyntheticDay> {
  const seed = opts.seed ?? 1;
  const targetEvents = opts.targetEvents ?? 50_000_000;
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const dir = cacheDir(opts.cacheRoot ?? tmpdir(), seed, targetEvents);
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
  const clock = new ClockReplay(st.clock, st.captureSpanNs, rnd);
  const tick = st.tickUnits;
  const meanGapNs = DAY_NS / targetEvents;

  let tsEvent = Number(0);
  let updateId = 1_000_000n;
  let bid = Math.round(st.startBid / tick) * tick;
  let tradeNo = 0;
  let events = 0;
  let bookRows = 0;
  /** Last tsLocal per kind (ns after the day start): each source stays non-decreasing; `held` counts the events it raised. */
  let held = 0;
  const lastLocal = [-Infinity, -Infinity, -Infinity];
  /** [tsEvent, tsLocal] of an event of `kind` at generated time `t` (ns after the day start). */
  const stamp = (kind: number, t: number): [bigint, bigint] => {
    const te = Math.floor(Math.min(t, DAY_NS - 1) / MS) * MS;
    let tl = te + clock.localMinusEventNs(kind);
    if (tl < lastLocal[kind]!) {
      tl = lastLocal[kind]!;
      held++;
    }
    lastLocal[kind] = tl;
    return [DAY_START_NS + BigInt(te), DAY_START_NS + BigInt(tl)];
  };
  // Per diff message: the distinct distances (ticks beyond the touch) of its other rows, per side.
  const distances = [new Int32Array(MAX_DISTANCE_TICKS), new Int32Array(MAX_DISTANCE_TICKS)];
  const taken = [new Int32Array(MAX_DISTANCE_TICKS), new Int32Array(MAX_DISTANCE_TICKS)];
  let message = 0;
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
      const big = (k: number): BigInt64Array => new BigInt64Array(k);
      c.bd = { ...c.bd, te: re(c.bd.te, big), tl: re(c.bd.tl, big), id: re(c.bd.id, big), snap: re(c.bd.snap, (k) => new Uint8Array(k)), side: re(c.bd.side, (k) => new Uint8Array(k)), price: re(c.bd.price, (k) => new Float64Array(k)), size: re(c.bd.size, (k) => new Float64Array(k)) };
    };
    let te = 0n;
    let tl = 0n;
    const row = (id: bigint, snap: number, side: number, price: number, size: number): void => {
      const b = c.bd;
      const i = b.n++;
      b.te[i] = te;
      b.tl[i] = tl;
      b.id[i] = id;
      b.snap[i] = snap;
      b.side[i] = side;
      b.price[i] = price;
      b.size[i] = size;
    };
    if (segment === 0) {
      // The capture's snapshot order: bids from the touch down, asks from the touch up.
      [te, tl] = stamp(BOOK, 0);
      for (let d = 0; d < SNAPSHOT_LEVELS; d++) row(updateId, 1, 0, bid - d * tick, pick(st.levelSizes));
      for (let d = 0; d < SNAPSHOT_LEVELS; d++) row(updateId, 1, 1, bid + (1 + d) * tick, pick(st.levelSizes));
      events++;
    }
    const segEnd = events + n - (segment === 0 ? 1 : 0);
    for (; events < segEnd; events++) {
      tsEvent += -Math.log(1 - rnd.nextFloat()) * meanGapNs;
      const u = rnd.nextFloat();
      if (u < st.shareBook) {
        // A diff message: the mid step of this instant, the touches restated, the crossed levels
        // removed, the other rows at distinct fitted distances; bids then asks, prices ascending.
        [te, tl] = stamp(BOOK, tsEvent);
        updateId++;
        message++;
        const step = pick(st.tickChanges);
        const crossed = Math.abs(step);
        const others = Math.max(0, pick(st.rowsPerMessage) - crossed - 2);
        const removeP = others > 0 ? Math.max(0, Math.min(1, (st.removalShare * (others + crossed + 2) - crossed) / others)) : 0;
        const count = [0, 0];
        for (let r = 0; r < others; r++) {
          const side = rnd.nextBelow(2);
          const t = taken[side]!;
          let d = pick(st.levelDistance);
          for (let tries = 0; t[d] === message && tries < 8; tries++) d = pick(st.levelDistance);
          if (t[d] === message) continue;
          t[d] = message;
          distances[side]![count[side]!++] = d;
        }
        const db = distances[0]!.subarray(0, count[0]).sort();
        const da = distances[1]!.subarray(0, count[1]).sort();
        grow(others + crossed + 2);
        const oldBid = bid;
        bid += step * tick;
        const id = updateId;
        const levelSize = (): number => (rnd.nextFloat() < removeP ? 0 : pick(st.levelSizes));
        for (let k = db.length - 1; k >= 0; k--) row(id, 0, 0, bid - db[k]! * tick, levelSize());
        row(id, 0, 0, bid, pick(st.levelSizes));
        for (let p = bid + tick; p <= oldBid; p += tick) row(id, 0, 0, p, 0); // bids crossed by a down-move
        for (let p = oldBid + tick; p <= bid; p += tick) row(id, 0, 1, p, 0); // asks crossed by an up-move
        row(id, 0, 1, bid + tick, pick(st.levelSizes));
        for (let k = 0; k < da.length; k++) row(id, 0, 1, bid + (1 + da[k]!) * tick, levelSize());
      } else if (u < st.shareBook + st.shareTrade) {
        const t = c.tr;
        const i = t.n++;
        const buy = rnd.nextFloat() < st.buyShare;
        [t.te[i], t.tl[i]] = stamp(TRADE, tsEvent);
        t.id[i] = String(++tradeNo);
        t.price[i] = buy ? bid + tick : bid;
        t.size[i] = pick(st.tradeSizes);
        t.agg[i] = buy ? 0 : 1;
      } else {
        const b = c.bo;
        const i = b.n++;
        [b.te[i], b.tl[i]] = stamp(BBO, tsEvent);
        b.id[i] = updateId;
        b.bp[i] = bid;
        b.bs[i] = pick(st.bboSizes);
        b.ap[i] = bid + tick;
        b.as[i] = pick(st.bboSizes);
      }
    }
    const bd = c.bd;
    const batches: CanonicalBatch[] = [
      { kind: 'book_delta', length: bd.n, tsEventNs: bd.te.subarray(0, bd.n), tsLocalNs: bd.tl.subarray(0, bd.n), updateId: bd.id.subarray(0, bd.n), batchId: bd.id.subarray(0, bd.n), isSnapshot: bd.snap.subarray(0, bd.n), side: bd.side.subarray(0, bd.n), price: bd.price.subarray(0, bd.n), size: bd.size.subarray(0, bd.n) } satisfies BookDeltaBatch,
      { kind: 'trade', length: c.tr.n, tsEventNs: c.tr.te.subarray(0, c.tr.n), tsLocalNs: c.tr.tl.subarray(0, c.tr.n), tradeId: c.tr.id.slice(0, c.tr.n), price: c.tr.price.subarray(0, c.tr.n), size: c.tr.size.subarray(0, c.tr.n), aggressor: c.tr.agg.subarray(0, c.tr.n) } satisfies TradeBatch,
      { kind: 'bbo', length: c.bo.n, tsEventNs: c.bo.te.subarray(0, c.bo.n), tsLocalNs: c.bo.tl.subarray(0, c.bo.n), updateId: c.bo.id.subarray(0, c.bo.n), bidPrice: c.bo.bp.subarray(0, c.bo.n), bidSize: c.bo.bs.subarray(0, c.bo.n), askPrice: c.bo.ap.subarray(0, c.bo.n), askSize: c.bo.as.subarray(0, c.bo.n) } satisfies BboBatch,
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
    log(`synthetic-day: segment ${segment}: ${events} / ${targetEvents} events, ${bookRows} book rows, tsLocal held at the previous one's for ${held} events`);
  }
  const day: Omit<SyntheticDay, 'cached'> = {
    dataRoot: join(dir, 'data'),
    venue: SYNTHETIC_VENUE,
    instrument: SYNTHETIC_SYMBOL,
    marketEvents: events,
    bookRows,
    describe: `synthetic day (generator v${GENERATOR_VERSION}, seed ${seed}): ${events} market events, ${bookRows} book rows over 24 h (tsLocal held for ${held}); ${st.describe}`,
  };
  writeFileSync(marker, JSON.stringify(day));
  return { ...day, cached: false };
}
