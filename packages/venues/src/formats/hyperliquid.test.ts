import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hyperliquidFormat } from './hyperliquid.ts';
import { L2Book } from './l2-book.ts';
import type { BookDeltaRecord, NormalizedRecord } from './records.ts';
import { captureLines, collectRecords, issuesOf, readAltered } from './test-captures.ts';
import type { MessageContext } from './venue-mapper.ts';
import { hftbacktestDir } from '../../../../examples/data/index.ts';

const HYPERLIQUID = `${hftbacktestDir}/hyperliquid_btcusd_20250126.gz`;

type RawLevel = { px: string; sz: string; n: number };
interface Snapshot {
  readonly line: number;
  readonly time: number;
  readonly bids: RawLevel[];
  readonly asks: RawLevel[];
}

/** The capture's l2Book messages, parsed by a plain regex and JSON.parse. */
function snapshots(lines: readonly string[]): Snapshot[] {
  const out: Snapshot[] = [];
  lines.forEach((text, i) => {
    const m = /^\d+ (\{"channel":"l2Book".*\})$/.exec(text);
    if (!m) return;
    const d = (JSON.parse(m[1]!) as { data: { time: number; levels: [RawLevel[], RawLevel[]] } }).data;
    out.push({ line: i + 1, time: d.time, bids: d.levels[0], asks: d.levels[1] });
  });
  return out;
}

const asPairs = (levels: readonly RawLevel[]) => levels.map((l) => [l.px, l.sz]);
const bookPairs = (book: L2Book, bids: boolean) => (bids ? book.bids : book.asks).levels.map((l) => [l.price, l.size]);

/** Applies each line's book records and calls `at(line, book)` after every snapshot line. */
function replay(records: readonly NormalizedRecord[], snaps: readonly Snapshot[], at: (s: Snapshot, book: L2Book) => void): void {
  const book = new L2Book();
  const deltas = records.filter((r): r is BookDeltaRecord => r.kind === 'book_delta');
  let k = 0;
  for (const s of snaps) {
    while (k < deltas.length && deltas[k]!.source.line <= s.line) book.applyRecord(deltas[k++]!);
    at(s, book);
  }
}

describe('Hyperliquid l2Book + trades, hftbacktest capture (BTC, 25 s)', async () => {
  const lines = await captureLines(HYPERLIQUID);
  const snaps = snapshots(lines);
  const records = await collectRecords(HYPERLIQUID);

  it('holds 46 full snapshots, each sorted, positive and uncrossed by a plain check, and the mapper reports no issue', () => {
    expect(snaps).toHaveLength(46);
    for (const s of snaps) {
      const bid = s.bids.map((l) => Number(l.px));
      const ask = s.asks.map((l) => Number(l.px));
      expect(bid).toEqual([...bid].sort((a, b) => b - a));
      expect(ask).toEqual([...ask].sort((a, b) => a - b));
      expect(bid[0]!).toBeLessThan(ask[0]!);
      expect([...s.bids, ...s.asks].every((l) => Number(l.sz) > 0 && l.n >= 1)).toBe(true);
    }
    expect(records.filter((r) => r.kind === 'sync_issue')).toEqual([]);
  });

  it('emits the first snapshot whole and then only what changed, rebuilding every snapshot exactly', () => {
    const deltas = records.filter((r): r is BookDeltaRecord => r.kind === 'book_delta');
    expect(deltas[0]).toMatchObject({ isSnapshot: true, source: { line: snaps[0]!.line }, tsEventNs: BigInt(snaps[0]!.time) * 1_000_000n });
    expect(deltas.slice(1).every((d) => !d.isSnapshot && d.bids.length + d.asks.length > 0)).toBe(true);
    let compared = 0;
    replay(records, snaps, (s, book) => {
      expect(bookPairs(book, true)).toEqual(asPairs(s.bids));
      expect(bookPairs(book, false)).toEqual(asPairs(s.asks));
      compared++;
    });
    expect(compared).toBe(46);
    expect(records.filter((r) => r.kind === 'book_delta')).toHaveLength(45); // one snapshot repeats the previous one
  });

  it('maps every trade once, B as a buying and A as a selling aggressor', () => {
    const raw = lines.flatMap((l) => (/"channel":"trades"/.test(l) ? (JSON.parse(l.slice(l.indexOf(' ') + 1)) as { data: { tid: number; side: string }[] }).data : []));
    const trades = records.filter((r) => r.kind === 'trade');
    expect(trades.map((t) => t.tradeId)).toEqual([...new Set(raw.map((t) => String(t.tid)))]);
    expect(trades.map((t) => t.aggressor)).toEqual(raw.map((t) => (t.side === 'B' ? 'buy' : 'sell')));
  });
});

describe('Hyperliquid snapshot consistency on tampered copies of the capture', async () => {
  const lines = await captureLines(HYPERLIQUID);
  const snaps = snapshots(lines);
  const target = snaps[10]!;

  const alter = (line: number, edit: (text: string) => string): string[] => lines.map((l, i) => (i === line - 1 ? edit(l) : l));

  it('reports a checksum_mismatch at a snapshot with a size changed to zero, and resynchronises with the next one as a snapshot', async () => {
    const { path, records } = await readAltered(HYPERLIQUID, alter(target.line, (t) => t.replace(/"sz":"[\d.]+"/, '"sz":"0.0"')));
    expect(issuesOf(records)).toMatchObject([{ issue: 'checksum_mismatch', instrument: 'BTC', source: { file: path, line: target.line } }]);
    expect(issuesOf(records)[0]!.message).toMatch(/bids\[0\] sz "0.0" at \d+\.0 is not a positive decimal/);
    const next = records.find((r) => r.kind === 'book_delta' && r.source.line > target.line);
    expect(next).toMatchObject({ isSnapshot: true, source: { line: snaps[11]!.line } });
  });

  it('reports a checksum_mismatch at a snapshot whose best bid was moved above the best ask', async () => {
    const crossedPx = `${Number(target.asks[0]!.px) + 1}.0`;
    const { records } = await readAltered(HYPERLIQUID, alter(target.line, (t) => t.replace(`"px":"${target.bids[0]!.px}"`, `"px":"${crossedPx}"`)));
    expect(issuesOf(records)).toMatchObject([{ issue: 'checksum_mismatch', source: { line: target.line } }]);
    expect(issuesOf(records)[0]!.message).toMatch(/not strictly descending|crossed/);
  });

  it('reports a gap at the older of two swapped snapshots', async () => {
    const [a, b] = [snaps[20]!, snaps[21]!];
    expect(a.time).toBeLessThan(b.time);
    const altered = [...lines];
    altered[a.line - 1] = lines[b.line - 1]!;
    altered[b.line - 1] = lines[a.line - 1]!;
    const { records } = await readAltered(HYPERLIQUID, altered);
    expect(issuesOf(records)).toMatchObject([{ issue: 'gap', source: { line: b.line } }]);
    expect(issuesOf(records)[0]!.message).toContain(`time ${a.time} is before the previous snapshot's ${b.time}`);
  });

  it('loses no book state when a snapshot is removed: each snapshot is whole, so the next one rebuilds the book exactly', async () => {
    const { records } = await readAltered(HYPERLIQUID, lines.filter((_, i) => i !== target.line - 1));
    expect(issuesOf(records)).toEqual([]);
    const shifted = snapshots(lines.filter((_, i) => i !== target.line - 1));
    replay(records, shifted, (s, book) => expect(bookPairs(book, true)).toEqual(asPairs(s.bids)));
  });
});

describe('Hyperliquid messages written from the WebSocket documentation', () => {
  const ctx = (line: number): MessageContext => ({ file: 'doc.jsonl', line, tsLocalNs: null, fallbackTsNs: 0n });

  it('maps a bbo with both sides and yields nothing for one with an empty side', () => {
    const mapper = hyperliquidFormat.createMapper({ venue: 'hyperliquid' });
    const bbo = (bid: object | null) => ({ channel: 'bbo', data: { coin: 'ETH', time: 1_737_918_843_542, bbo: [bid, { px: '3300.5', sz: '2.1', n: 3 }] } });
    expect(mapper.map(bbo({ px: '3300.4', sz: '1.5', n: 2 }), ctx(1))).toMatchObject([{ kind: 'bbo', instrument: 'ETH', bidPrice: '3300.4', bidSize: '1.5', askPrice: '3300.5', askSize: '2.1', tsEventNs: 1_737_918_843_542_000_000n }]);
    expect(mapper.map(bbo(null), ctx(2))).toEqual([]);
  });

  it('skips subscription responses as control messages', () => {
    expect(hyperliquidFormat.isControl!({ channel: 'subscriptionResponse', data: { method: 'subscribe', subscription: { type: 'l2Book', coin: 'BTC' } } })).toBe(true);
    expect(hyperliquidFormat.canHandle({ channel: 'subscriptionResponse', data: {} })).toBe(false);
  });

  it('rebuilds any sequence of consistent snapshots exactly from the records it emits', () => {
    const side = fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 20 }).chain((ticks) =>
      fc.tuple(fc.constant(ticks), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: ticks.length, maxLength: ticks.length })),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(side, side), { minLength: 1, maxLength: 8 }), (books) => {
        const mapper = hyperliquidFormat.createMapper({ venue: 'hyperliquid' });
        const book = new L2Book();
        books.forEach(([[bidTicks, bidSizes], [askTicks, askSizes]], i) => {
          // Bids below 100, asks above: never crossed.
          const bids = bidTicks.map((t, j) => ({ px: `${100 - t}.0`, sz: `${bidSizes[j]!}.5`, n: 1 })).sort((a, b) => Number(b.px) - Number(a.px));
          const asks = askTicks.map((t, j) => ({ px: `${100 + t}.0`, sz: `${askSizes[j]!}.5`, n: 1 })).sort((a, b) => Number(a.px) - Number(b.px));
          const out = mapper.map({ channel: 'l2Book', data: { coin: 'BTC', time: 1000 + i, levels: [bids, asks] } }, ctx(i + 1));
          for (const r of out) if (r.kind === 'book_delta') book.applyRecord(r);
          expect(out.every((r) => r.kind === 'book_delta')).toBe(true);
          expect(bookPairs(book, true)).toEqual(asPairs(bids));
          expect(bookPairs(book, false)).toEqual(asPairs(asks));
        });
      }),
    );
  });
});
