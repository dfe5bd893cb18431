/**
 * The synthetic day against the capture it imitates. Every statistic below is computed by the
 * same deliberately plain function on the real capture (usdmCanonical) and on a small generated
 * day, independently of the generator's own fit: the generator must reproduce what the capture
 * shows, not what the generator believes about it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { L2Book, parseDecimalUnits, type BookDeltaEvent } from '@chassis/core';
import { openCatalog, openStorage, readCanonical, type BboBatch, type BookDeltaBatch, type DatasetMeta, type InstrumentMeta, type TradeBatch } from '@chassis/storage';
import { syntheticDay } from './synthetic-day.ts';
import { usdmCanonical } from './usdm-canonical.ts';

const EVENTS = 50_000;

interface Day {
  readonly instrument: InstrumentMeta;
  readonly bookDelta: BookDeltaBatch[];
  readonly trades: TradeBatch[];
  readonly bbos: BboBatch[];
}

/** One venue message: a run of book_delta rows with one batch id. */
interface Message {
  readonly snapshot: boolean;
  readonly tsEventNs: bigint;
  readonly tsLocalNs: bigint;
  readonly updateId: bigint;
  readonly side: number[];
  readonly price: number[];
  readonly size: number[];
}

function messagesOf(batches: readonly BookDeltaBatch[]): Message[] {
  const out: Message[] = [];
  let cur: Message | null = null;
  let id: bigint | null = null;
  for (const b of batches)
    for (let i = 0; i < b.length; i++) {
      if (b.batchId[i] !== id) {
        id = b.batchId[i]!;
        cur = { snapshot: b.isSnapshot[i] === 1, tsEventNs: b.tsEventNs[i]!, tsLocalNs: b.tsLocalNs[i]!, updateId: b.updateId[i]!, side: [], price: [], size: [] };
        out.push(cur);
      }
      cur!.side.push(b.side[i]!);
      cur!.price.push(b.price[i]!);
      cur!.size.push(b.size[i]!);
    }
  return out;
}

/** Every price of the day (levels, trades, both BBO sides). */
function prices(day: Day): number[] {
  const out: number[] = [];
  for (const b of day.bookDelta) for (const p of b.price) out.push(p);
  for (const t of day.trades) for (const p of t.price) out.push(p);
  for (const b of day.bbos) for (let i = 0; i < b.length; i++) out.push(b.bidPrice[i]!, b.askPrice[i]!);
  return out;
}

type Direction = 'ascending' | 'descending' | 'none';
interface OrderRule {
  readonly sides: 'bids then asks' | 'asks then bids' | 'none';
  readonly bids: Direction;
  readonly asks: Direction;
  readonly repeatedPrices: number;
}

/** The row order all the given messages share: side order and each side's price direction ('none' when they do not agree). */
function orderRule(messages: readonly Message[]): OrderRule {
  let bidAfterAsk = 0;
  let askAfterBid = 0;
  const up = [0, 0];
  const down = [0, 0];
  let repeated = 0;
  for (const m of messages) {
    for (let i = 1; i < m.side.length; i++) {
      const s = m.side[i]!;
      if (s !== m.side[i - 1]) {
        if (s === 0) bidAfterAsk++;
        else askAfterBid++;
      } else if (m.price[i]! > m.price[i - 1]!) up[s]!++;
      else if (m.price[i]! < m.price[i - 1]!) down[s]!++;
      else repeated++;
    }
  }
  const dir = (s: number): Direction => (up[s]! > 0 && down[s] === 0 ? 'ascending' : down[s]! > 0 && up[s] === 0 ? 'descending' : 'none');
  return {
    sides: askAfterBid > 0 && bidAfterAsk === 0 ? 'bids then asks' : bidAfterAsk > 0 && askAfterBid === 0 ? 'asks then bids' : 'none',
    bids: dir(0),
    asks: dir(1),
    repeatedPrices: repeated,
  };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** tsLocal − tsEvent (ns) of every event: a book_delta message counts once, as do each trade and BBO. */
function localMinusEvent(day: Day): number[] {
  const out = messagesOf(day.bookDelta).map((m) => Number(m.tsLocalNs - m.tsEventNs));
  for (const bs of [day.trades, day.bbos]) for (const b of bs) for (let i = 0; i < b.length; i++) out.push(Number(b.tsLocalNs[i]! - b.tsEventNs[i]!));
  return out;
}

/** Rows of one source whose tsLocal is below the previous row's. */
function localClockSteps(batches: readonly { length: number; tsLocalNs: BigInt64Array }[]): number {
  let back = 0;
  let prev: bigint | null = null;
  for (const b of batches)
    for (let i = 0; i < b.length; i++) {
      if (prev !== null && b.tsLocalNs[i]! < prev) back++;
      prev = b.tsLocalNs[i]!;
    }
  return back;
}

/** Diff (non-snapshot) messages: share of rows that remove a level, and mean rows per message. */
function diffShape(day: Day): { removalShare: number; rowsPerMessage: number } {
  const diffs = messagesOf(day.bookDelta).filter((m) => !m.snapshot);
  const rows = diffs.reduce((n, m) => n + m.size.length, 0);
  const removals = diffs.reduce((n, m) => n + m.size.filter((s) => s === 0).length, 0);
  return { removalShare: removals / rows, rowsPerMessage: rows / diffs.length };
}

const tickOf = (inst: InstrumentMeta): number => parseDecimalUnits(inst.tickSize, inst.priceDecimals);

let capture: Day;
let generated: Day;
let cacheRoot: string;

beforeAll(async () => {
  const data = await usdmCanonical();
  capture = { instrument: data.datasets.book_delta[0]!.instrument, bookDelta: data.bookDelta, trades: data.trades, bbos: data.bbos };
  cacheRoot = mkdtempSync(join(tmpdir(), 'chassis-synthetic-test-'));
  const day = await syntheticDay({ targetEvents: EVENTS, cacheRoot, log: () => {} });
  const storage = openStorage(day.dataRoot);
  const catalog = openCatalog(storage);
  const read = async <T>(kind: DatasetMeta['kind']): Promise<{ metas: DatasetMeta[]; batches: T[] }> => {
    const metas = (await catalog.find({ venue: day.venue, instrument: day.instrument, kind })).sort((a, b) => a.segment - b.segment);
    const batches: T[] = [];
    for (const d of metas) for await (const b of readCanonical(storage, d)) batches.push(b as T);
    return { metas, batches };
  };
  const bd = await read<BookDeltaBatch>('book_delta');
  generated = { instrument: bd.metas[0]!.instrument, bookDelta: bd.batches, trades: (await read<TradeBatch>('trade')).batches, bbos: (await read<BboBatch>('bbo')).batches };
}, 300_000);

afterAll(() => rmSync(cacheRoot, { recursive: true, force: true }));

describe('the synthetic day looks like the Binance USD-M capture it is fitted from', () => {
  it("puts every price (levels, trades, BBOs) on the instrument's tick, as the capture does", () => {
    const tick = tickOf(capture.instrument);
    expect(tick).toBeGreaterThan(1);
    expect(tickOf(generated.instrument)).toBe(tick);
    expect(prices(capture).filter((p) => p % tick !== 0)).toEqual([]);
    const off = prices(generated).filter((p) => p % tick !== 0);
    expect(off.length, `first off-tick prices ${off.slice(0, 5).join(', ')}`).toBe(0);
  });

  it("orders the rows of every diff message and of the snapshot by the capture's rule (side order, price direction, one row per price)", () => {
    const cap = messagesOf(capture.bookDelta);
    const gen = messagesOf(generated.bookDelta);
    const capDiff = orderRule(cap.filter((m) => !m.snapshot));
    const capSnap = orderRule(cap.filter((m) => m.snapshot));
    // The capture has a rule at all (one side order, one direction per side), else this test says nothing.
    expect(capDiff.sides).not.toBe('none');
    expect(capDiff.bids).not.toBe('none');
    expect(capDiff.asks).not.toBe('none');
    expect(orderRule(gen.filter((m) => !m.snapshot))).toEqual(capDiff);
    expect(orderRule(gen.filter((m) => m.snapshot))).toEqual(capSnap);
  });

  it("stamps tsLocal − tsEvent that varies like the capture's around its median, tsLocal non-decreasing per source", () => {
    const cap = localMinusEvent(capture);
    const gen = localMinusEvent(generated);
    const spread = (xs: number[]): number => {
      const s = [...xs].sort((a, b) => a - b);
      return s[Math.floor(s.length * 0.9)]! - s[Math.floor(s.length * 0.1)]!;
    };
    expect(new Set(gen).size).toBeGreaterThan(gen.length / 10);
    expect(Math.abs(median(gen) - median(cap)) / 1e6, `median ${median(gen) / 1e6} ms vs the capture's ${median(cap) / 1e6} ms`).toBeLessThan(1);
    // The 10–90 % spread (a few ms in the capture) within a factor of two of the capture's.
    expect(spread(gen) / spread(cap)).toBeGreaterThan(0.5);
    expect(spread(gen) / spread(cap)).toBeLessThan(2);
    for (const day of [capture, generated]) {
      expect(localClockSteps(day.bookDelta)).toBe(0);
      expect(localClockSteps(day.trades)).toBe(0);
      expect(localClockSteps(day.bbos)).toBe(0);
    }
  });

  it('never crosses the book when its book_delta stream is replayed through the core L2Book', () => {
    const book = new L2Book('x', tickOf(generated.instrument));
    let crossed = 0;
    let checked = 0;
    for (const b of generated.bookDelta) {
      let r = 0;
      while (r < b.length) {
        let end = r + 1;
        while (end < b.length && b.batchId[end] === b.batchId[r]) end++;
        const e: BookDeltaEvent = { kind: 'book_delta', seq: 0, tsEventNs: b.tsEventNs[r]!, tsLocalNs: b.tsLocalNs[r]!, instrument: 'x', updateId: b.updateId[r]!, isSnapshot: b.isSnapshot[r] === 1, offset: r, count: end - r, sides: b.side, prices: b.price, sizes: b.size };
        book.applyDelta(e);
        if (book.bidLevels > 0 && book.askLevels > 0) {
          checked++;
          if (book.bidPrice(0) >= book.askPrice(0)) crossed++;
        }
        r = end;
      }
    }
    expect(checked).toBeGreaterThan(EVENTS * 0.05);
    expect(crossed).toBe(0);
  });

  it("removes levels and sizes its diff messages as the capture does (removal share ± 3 points, mean rows per message ± 10 %)", () => {
    const cap = diffShape(capture);
    const gen = diffShape(generated);
    expect(Math.abs(gen.removalShare - cap.removalShare), `removal share ${gen.removalShare} vs ${cap.removalShare}`).toBeLessThan(0.03);
    expect(Math.abs(gen.rowsPerMessage / cap.rowsPerMessage - 1), `rows per message ${gen.rowsPerMessage} vs ${cap.rowsPerMessage}`).toBeLessThan(0.1);
  });
});
