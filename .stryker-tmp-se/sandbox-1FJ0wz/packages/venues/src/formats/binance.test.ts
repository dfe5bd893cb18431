// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { readCapture, detectCapture } from './capture-reader.ts';
import { L2Book } from './l2-book.ts';
import type { BboRecord, NormalizedRecord } from './records.ts';
import { dataFixturesDir } from '../../../../examples/data/index.ts';

const HFT = `${dataFixturesDir}/binance-hftbacktest`;
const CF = `${dataFixturesDir}/cryptofeed`;

async function collect(path: string): Promise<NormalizedRecord[]> {
  const out: NormalizedRecord[] = [];
  for await (const r of readCapture(path)) out.push(r);
  return out;
}

/**
 * Rebuilds the book from book_delta records alone and compares it with every bookTicker whose
 * u equals the u of a diff: at bookTicker arrival if that diff was already applied ("after"),
 * otherwise when the diff arrives ("before": the bookTicker stream is faster than depth).
 */
function checkpoints(records: readonly NormalizedRecord[]) {
  const book = new L2Book();
  let lastU: bigint | null = null;
  const pending = new Map<bigint, BboRecord>();
  let after = 0;
  let before = 0;
  const mismatches: string[] = [];
  const compare = (r: BboRecord) => {
    const b = book.bestBid();
    const a = book.bestAsk();
    if (b?.price !== r.bidPrice || b.size !== r.bidSize || a?.price !== r.askPrice || a.size !== r.askSize) mismatches.push(`line ${r.source.line}`);
  };
  for (const r of records) {
    if (r.kind === 'book_delta') {
      book.applyRecord(r);
      lastU = r.updateId;
      const p = pending.get(r.updateId!);
      if (p !== undefined) {
        pending.delete(r.updateId!);
        before++;
        compare(p);
      }
    } else if (r.kind === 'bbo') {
      if (r.updateId === lastU) {
        after++;
        compare(r);
      } else if (lastU === null || r.updateId! > lastU) pending.set(r.updateId!, r);
    }
  }
  return { after, before, mismatches, book };
}

const issues = (records: readonly NormalizedRecord[], kind: string) => records.filter((r) => r.kind === 'sync_issue' && r.issue === kind);

describe('Binance USD-M BTCUSDT hftbacktest capture', async () => {
  const path = `${HFT}/usdm_btcusdt_20240808.gz`;
  const records = await collect(path);

  it('is detected as a gzip ns-json capture with capture time, inferred as binance-usdm BTCUSDT', async () => {
    expect(await detectCapture(path)).toEqual({ container: 'gzip', layout: 'ns-json', hasCaptureTime: true });
    expect(new Set(records.map((r) => `${r.venue}:${r.instrument}`))).toEqual(new Set(['binance-usdm:BTCUSDT']));
  });

  it('synchronises with zero gaps, no parse problems and one snapshot at lastUpdateId', () => {
    expect(issues(records, 'gap')).toHaveLength(0);
    expect(records.filter((r) => r.kind === 'sync_issue' && r.issue !== 'stale_dropped')).toHaveLength(0);
    const snaps = records.filter((r) => r.kind === 'book_delta' && r.isSnapshot);
    expect(snaps).toHaveLength(1);
    expect(snaps[0]!.kind === 'book_delta' && snaps[0]!.updateId).toBe(5123107852948n);
    expect(snaps[0]!.source.line).toBe(55);
  });

  it('matches all 629 bookTickers that share u with a diff: 126 arrive after that diff, 503 before', () => {
    const c = checkpoints(records);
    expect(c.mismatches).toEqual([]);
    expect(c.after).toBe(126);
    expect(c.before).toBe(503);
    expect(c.book.isCrossed()).toBe(false);
  });

  it('keeps every message: 6,551 diffs = 6,547 applied + 4 stale before the snapshot; all trades and bookTickers', () => {
    expect(records.filter((r) => r.kind === 'book_delta' && !r.isSnapshot)).toHaveLength(6547);
    expect(issues(records, 'stale_dropped')).toHaveLength(4);
    expect(records.filter((r) => r.kind === 'trade')).toHaveLength(21313);
    expect(records.filter((r) => r.kind === 'bbo')).toHaveLength(66089);
  });

  it('never lets capture time go backwards on book records released by the snapshot', () => {
    let last = 0n;
    for (const r of records) {
      if (r.kind !== 'book_delta') continue;
      expect(r.tsLocalNs >= last).toBe(true);
      last = r.tsLocalNs;
    }
  });
});

describe.each([
  ['spot_btcusdt_20240808.gz', 'BTCUSDT', 564],
  ['spot_ethusdt_20240808.gz', 'ETHUSDT', 577],
])('Binance spot %s', async (file, symbol, expectedCheckpoints) => {
  const records = await collect(`${HFT}/${file}`);

  it(`is inferred as binance-spot ${symbol} and synchronises with zero gaps`, () => {
    expect(new Set(records.map((r) => `${r.venue}:${r.instrument}`))).toEqual(new Set([`binance-spot:${symbol}`]));
    expect(records.filter((r) => r.kind === 'sync_issue' && r.issue !== 'stale_dropped')).toHaveLength(0);
  });

  it(`matches the rebuilt best bid/ask at all ${expectedCheckpoints} bookTickers that share u with a diff, at 8-decimal sizes`, () => {
    const c = checkpoints(records);
    expect(c.mismatches).toEqual([]);
    expect(c.after + c.before).toBe(expectedCheckpoints);
    // Depth is @100ms and bookTicker real time: the bookTicker always arrives before its diff.
    expect(c.after).toBe(0);
    expect(c.book.isCrossed()).toBe(false);
    expect(c.book.bestBid()!.size).toMatch(/^\d+\.\d{8}$/);
  });
});

describe.each([
  ['BINANCE.ws.1.0', 'binance-spot', ['NKNUSDT', 'BLZETH', 'LRCBTC', 'RUNEEUR']],
  ['BINANCE_FUTURES.ws.1.0', 'binance-usdm', ['SUSHIUSDT', 'AKROUSDT', 'KEEPUSDT', 'CTKUSDT']],
])('cryptofeed %s with its REST snapshots', async (file, venue, symbols) => {
  const records = await collect(`${CF}/${file}`);

  it(`infers ${venue} from the stream URL and finds the 4 symbols`, () => {
    expect(new Set(records.map((r) => r.venue))).toEqual(new Set([venue]));
    expect(new Set(records.filter((r) => r.kind === 'book_delta').map((r) => r.instrument))).toEqual(new Set(symbols));
  });

  it('applies one snapshot per symbol taken from the .http file and has zero gaps', () => {
    const snaps = records.filter((r) => r.kind === 'book_delta' && r.isSnapshot);
    expect(snaps.map((s) => s.instrument).sort()).toEqual([...symbols].sort());
    expect(snaps.every((s) => s.source.file.endsWith('.http.0.0'))).toBe(true);
    expect(records.filter((r) => r.kind === 'sync_issue' && r.issue !== 'stale_dropped')).toEqual([]);
  });

  it('leaves every symbol with an uncrossed book after each applied record', () => {
    const books = new Map<string, L2Book>();
    for (const r of records) {
      if (r.kind !== 'book_delta') continue;
      let b = books.get(r.instrument);
      if (b === undefined) books.set(r.instrument, (b = new L2Book()));
      b.applyRecord(r);
      expect(b.isCrossed(), `${r.instrument} crossed after line ${r.source.line}`).toBe(false);
    }
    expect(books.size).toBe(4);
  });
});
