import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksumField, krakenChecksum, krakenFormat } from './kraken.ts';
import { L2Book } from './l2-book.ts';
import type { NormalizedRecord } from './records.ts';
import { captureLines, collectRecords, issuesOf, readAltered } from './test-captures.ts';
import type { MessageContext } from './venue-mapper.ts';
import { venueDocsDir } from '../../../../examples/data/index.ts';

const V1 = `${venueDocsDir}/kraken-v1-xbtusd.txt`;
const V2 = `${venueDocsDir}/kraken-v2-btcusd.jsonl`;

/** The book state of Kraken's "Spot Websockets (v1) Book Checksum" guide, as a book-1000 snapshot. */
const GUIDE_SNAPSHOT = [
  0,
  {
    as: ['0.05005', '0.05010', '0.05015', '0.05020', '0.05025', '0.05030', '0.05035', '0.05040', '0.05045', '0.05050'].map((p) => [p, '0.00000500', '1582905487.684110']),
    bs: ['0.05000', '0.04995', '0.04990', '0.04980', '0.04975', '0.04970', '0.04965', '0.04960', '0.04955', '0.04950'].map((p) => [p, '0.00000500', '1582905487.439814']),
  },
  'book-1000',
  'BTC/USD',
];
/** The guide's example update: its new levels lie below the top 10, so the published checksum is the book's. */
const GUIDE_UPDATE = [
  0,
  { a: [['0.05120', '0.00000500', '1582905486.493008'], ['0.05275', '0.00000500', '1582905486.493034']] },
  { b: [['0.04765', '0.00000500', '1582905486.493008'], ['0.04940', '0.00000500', '1582905486.493034']], c: '974947235' },
  'book-1000',
  'BTC/USD',
];

const ctx = (line: number): MessageContext => ({ file: 'guide', line, tsLocalNs: null, fallbackTsNs: 0n });

function mapAll(messages: unknown[]): NormalizedRecord[] {
  const m = krakenFormat.createMapper({ venue: 'kraken' });
  return [...messages.flatMap((msg, i) => m.map(msg, ctx(i + 1))), ...m.finish(ctx(messages.length))];
}

/**
 * A deliberately simple second implementation of Kraken's checksum: a plain object per side,
 * sorted on every call, truncated to the subscribed depth, and a bitwise (table-less) CRC32 over
 * the fields as the wire wrote them.
 */
class SimpleBook {
  bids: Record<string, string> = {};
  asks: Record<string, string> = {};
  constructor(private readonly depth: number) {}
  apply(side: 'bids' | 'asks', price: string, qty: string): void {
    const key = String(Number(price));
    if (Number(qty) === 0) delete this[side][key];
    else this[side][key] = `${price}|${qty}`;
  }
  private sorted(side: 'bids' | 'asks'): string[][] {
    const levels = Object.values(this[side]).map((v) => v.split('|'));
    levels.sort((x, y) => (side === 'bids' ? Number(y[0]) - Number(x[0]) : Number(x[0]) - Number(y[0])));
    return levels;
  }
  truncate(): void {
    for (const side of ['bids', 'asks'] as const) {
      const keep = this.sorted(side).slice(0, this.depth);
      this[side] = Object.fromEntries(keep.map(([p, q]) => [String(Number(p)), `${p}|${q}`]));
    }
  }
  checksum(): number {
    const fmt = (t: string) => t.split('.').join('').replace(/^0*/, '');
    const text = [...this.sorted('asks').slice(0, 10), ...this.sorted('bids').slice(0, 10)].map(([p, q]) => fmt(p!) + fmt(q!)).join('');
    let crc = 0xffffffff;
    for (let i = 0; i < text.length; i++) {
      crc ^= text.charCodeAt(i);
      for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
    }
    return (crc ^ 0xffffffff) >>> 0;
  }
}

describe("Kraken book checksum against the example of Kraken's v1 guide", () => {
  it('formats a level as the guide does: "0.05000" with volume "0.00000304" → "5000304"; v2 "45285.2" / "0.00100000" → "452852" / "100000"', () => {
    expect(checksumField('0.05000') + checksumField('0.00000304')).toBe('5000304');
    expect(checksumField('45285.2')).toBe('452852');
    expect(checksumField('0.00100000')).toBe('100000');
  });

  it("reproduces the guide's published checksum 974947235 for its example book after its example update", () => {
    const records = mapAll([GUIDE_SNAPSHOT, GUIDE_UPDATE]);
    expect(records.filter((r) => r.kind === 'sync_issue')).toEqual([]);
    const book = new L2Book();
    for (const r of records) if (r.kind === 'book_delta') book.applyRecord(r);
    expect(krakenChecksum(book)).toBe(974947235);
  });

  it('reports a checksum_mismatch naming the update when one volume of the example book differs by one unit', () => {
    const altered = structuredClone(GUIDE_SNAPSHOT) as [number, { as: string[][] }, string, string];
    altered[1].as[3]![1] = '0.00000501';
    expect(mapAll([altered, GUIDE_UPDATE])).toMatchObject([{ kind: 'book_delta' }, { kind: 'book_delta' }, { kind: 'sync_issue', issue: 'checksum_mismatch', source: { line: 2 } }, { kind: 'sync_issue', issue: 'gap' }]);
  });
});

/** v1 fixture lines as [line, message] for the array messages of channel book-10. */
function v1Books(lines: readonly string[]): [number, unknown[]][] {
  return lines.flatMap((l, i) => (/ \[\d+,.*"book-10"/.test(l) ? [[i + 1, JSON.parse(l.slice(l.indexOf(' ') + 1)) as unknown[]] as [number, unknown[]]] : []));
}

describe('Kraken v1 book-10 fixture (XBT/USD, checksums from an exchange-side book)', async () => {
  const lines = await captureLines(V1);
  const books = v1Books(lines);
  const records = await collectRecords(V1);

  it('has every published checksum reproduced by the simple second implementation', () => {
    const simple = new SimpleBook(10);
    let checked = 0;
    for (const [, msg] of books) {
      for (const part of msg.slice(1, -2) as Record<string, string[][] | string>[]) {
        for (const [key, side] of [['as', 'asks'], ['bs', 'bids'], ['a', 'asks'], ['b', 'bids']] as const) {
          for (const l of (part[key] as string[][] | undefined) ?? []) simple.apply(side, l[0]!, l[1]!);
        }
      }
      simple.truncate();
      const c = (msg.slice(1, -2) as { c?: string }[]).find((p) => p.c !== undefined)?.c;
      if (c === undefined) continue;
      expect(simple.checksum()).toBe(Number(c));
      checked++;
    }
    expect(checked).toBe(books.length - 1);
    expect(checked).toBeGreaterThan(40);
  });

  it('maps it with no issue: one book_delta per book message, trades and spreads', () => {
    expect(records.filter((r) => r.kind === 'sync_issue')).toEqual([]);
    expect(records.filter((r) => r.kind === 'book_delta')).toHaveLength(books.length);
    expect(records.filter((r) => r.kind === 'trade').length).toBeGreaterThan(3);
    expect(records.filter((r) => r.kind === 'bbo').length).toBeGreaterThan(2);
    expect(new Set(records.map((r) => r.instrument))).toEqual(new Set(['XBT-USD']));
  });

  it('contains republished levels (flag "r") and inserts that push a level out of the subscribed depth', () => {
    expect(lines.filter((l) => l.includes('"r"]')).length).toBeGreaterThan(3);
  });

  const updateLines = books.slice(1).map(([line]) => line);
  const alter = (edit: (copy: string[]) => void): string[] => {
    const copy = [...lines];
    edit(copy);
    return copy;
  };

  it('reports a checksum_mismatch at an update whose volume was changed', async () => {
    const at = updateLines[10]!;
    const { path, records: r } = await readAltered(V1, alter((c) => (c[at - 1] = c[at - 1]!.replace(/"(\d+\.\d{8})"/, (_, v: string) => `"${(Number(v) + 0.00000001).toFixed(8)}"`))));
    expect(issuesOf(r)[0]).toMatchObject({ issue: 'checksum_mismatch', instrument: 'XBT-USD', source: { file: path, line: at } });
  });

  it('reports a checksum_mismatch at the update after a removed one', async () => {
    const removed = updateLines[20]!;
    const { records: r } = await readAltered(V1, alter((c) => c.splice(removed - 1, 1)));
    // The next update moved up one line when the removed one went.
    expect(issuesOf(r)[0]).toMatchObject({ issue: 'checksum_mismatch', source: { line: updateLines[21]! - 1 } });
  });

  it('reports a checksum_mismatch at the first of two swapped updates', async () => {
    const [a, b] = [updateLines[30]!, updateLines[31]!];
    expect(b).toBe(a + 1);
    const { records: r } = await readAltered(V1, alter((c) => ([c[a - 1], c[b - 1]] = [c[b - 1]!, c[a - 1]!])));
    expect(issuesOf(r)[0]).toMatchObject({ issue: 'checksum_mismatch', source: { line: a } });
  });
});

describe('Kraken v2 book fixture (BTC/USD, numbers at the wire precision)', async () => {
  const lines = await captureLines(V2);
  const records = await collectRecords(V2);

  it('has every checksum (snapshot and updates) reproduced by the simple implementation reading the numbers as the wire wrote them', () => {
    const simple = new SimpleBook(10);
    let checked = 0;
    for (const line of lines) {
      if (!line.startsWith('{"channel":"book"')) continue;
      // The wire text of each level, trailing zeros kept (what a decimal decoder sees).
      for (const side of ['bids', 'asks'] as const) {
        const list = new RegExp(`"${side}":\\[(.*?)\\]`).exec(line)![1]!;
        for (const m of list.matchAll(/\{"price":([\d.]+),"qty":([\d.]+)\}/g)) simple.apply(side, m[1]!, m[2]!);
      }
      simple.truncate();
      expect(simple.checksum()).toBe(Number(/"checksum":(\d+)/.exec(line)![1]));
      checked++;
    }
    expect(checked).toBeGreaterThan(25);
  });

  it('maps it with no issue, writing quantities with the pair\'s 8 decimals as the checksum needs', () => {
    expect(records.filter((r) => r.kind === 'sync_issue')).toEqual([]);
    const deltas = records.filter((r) => r.kind === 'book_delta');
    expect(deltas[0]).toMatchObject({ isSnapshot: true, instrument: 'BTC-USD' });
    expect(deltas.every((d) => [...d.bids, ...d.asks].every(([p, q]) => /^\d+\.\d$/.test(p) && /^\d+\.\d{8}$/.test(q)))).toBe(true);
  });

  it('reports a checksum_mismatch at an update whose quantity was changed', async () => {
    const at = lines.findIndex((l, i) => i > 10 && l.startsWith('{"channel":"book","type":"update"') && /"qty":[1-9]/.test(l)) + 1;
    const altered = lines.map((l, i) => (i === at - 1 ? l.replace(/"qty":(\d)/, (_, d: string) => `"qty":${(Number(d) + 1) % 10}`) : l));
    const { records: r } = await readAltered(V2, altered);
    expect(issuesOf(r)[0]).toMatchObject({ issue: 'checksum_mismatch', instrument: 'BTC-USD', source: { line: at } });
  });
});

describe('Kraken v2 subscribed depth', () => {
  const lv = (price: number, qty: number) => ({ price, qty });
  const book = (type: string, bids: { price: number; qty: number }[], checksum: number) => ({ channel: 'book', type, data: [{ symbol: 'BTC/USD', bids, asks: [lv(50000.5, 1)], checksum, timestamp: '2024-03-01T12:00:00.000000Z' }] });

  it('is read from the subscribe acknowledgement: at depth 100 a level below the 25th survives an insert and reaches the top 10', () => {
    const simple = new SimpleBook(100);
    const bids = Array.from({ length: 20 }, (_, i) => lv(40000 - i, 1));
    simple.apply('asks', '50000.5', '1.00000000');
    for (const b of bids) simple.apply('bids', b.price.toFixed(1), '1.00000000');
    const snap = book('snapshot', bids, simple.checksum());
    const added = Array.from({ length: 6 }, (_, i) => lv(39900 - i, 2));
    for (const b of added) simple.apply('bids', b.price.toFixed(1), '2.00000000');
    const insert = book('update', added, simple.checksum());
    const gone = bids.map((b) => lv(b.price, 0));
    for (const b of gone) simple.apply('bids', b.price.toFixed(1), '0');
    const remove = book('update', gone, simple.checksum());
    const ack = { method: 'subscribe', result: { channel: 'book', depth: 100, snapshot: true, symbol: 'BTC/USD' }, success: true, time_in: '2024-03-01T12:00:00.000000Z', time_out: '2024-03-01T12:00:00.000100Z' };
    expect(krakenFormat.isControl!(ack)).toBe(false);
    expect(mapAll([ack, snap, insert, remove]).filter((r) => r.kind === 'sync_issue')).toEqual([]);
    // Without the acknowledgement the 20-level snapshot implies depth 25: the 26th level is cut.
    expect(mapAll([snap, insert, remove]).filter((r) => r.kind === 'sync_issue')).toMatchObject([{ issue: 'checksum_mismatch', source: { line: 3 } }, { issue: 'gap' }]);
  });
});

describe('Kraken checksum law', () => {
  // Volume 0 (a delete) one time in three, so levels beyond the depth come back into the top 10.
  const level = fc.tuple(fc.integer({ min: 1, max: 60 }), fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 400 })));
  const text = ([p, v]: [number, number]): [string, string, string] => [(30000 + p / 10).toFixed(5), (v / 100).toFixed(8), '1700000000.000001'];

  it('the mapper agrees with the simple implementation on any sequence of updates, with the book truncated to depth 10 or 25', () => {
    fc.assert(
      fc.property(fc.constantFrom(10, 25), fc.array(level, { minLength: 1, maxLength: 30 }), fc.array(level, { minLength: 1, maxLength: 30 }), fc.array(fc.tuple(fc.boolean(), fc.array(level, { minLength: 1, maxLength: 4 })), { maxLength: 25 }), (depth, bids, asks, updates) => {
        // Bids below 30003.1, asks above: never crossed.
        const bidLevels = bids.map(([p, v]) => text([p, Math.max(v, 1)]));
        const askLevels = asks.map(([p, v]) => text([p + 60, Math.max(v, 1)]));
        const channel = `book-${depth}`;
        const simple = new SimpleBook(depth);
        for (const l of bidLevels) simple.apply('bids', l[0], l[1]);
        for (const l of askLevels) simple.apply('asks', l[0], l[1]);
        simple.truncate();
        const messages: unknown[] = [[1, { as: askLevels, bs: bidLevels }, channel, 'XBT/USD']];
        for (const [isBid, ls] of updates) {
          const levels = ls.map(([p, v]) => text([isBid ? p : p + 60, v]));
          for (const l of levels) simple.apply(isBid ? 'bids' : 'asks', l[0], l[1]);
          simple.truncate();
          messages.push([1, { [isBid ? 'b' : 'a']: levels, c: String(simple.checksum()) }, channel, 'XBT/USD']);
        }
        expect(mapAll(messages).filter((r) => r.kind === 'sync_issue')).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
