import { describe, expect, it } from 'vitest';
import { signedValueUnits, type Instrument } from '@chassis/core';
import { bitmexFormat } from './bitmex.ts';
import { L2Book } from './l2-book.ts';
import { instrumentSpec } from './instrument-spec.ts';
import type { NormalizedRecord } from './records.ts';
import { captureLines, collectRecords, issuesOf, readAltered } from './test-captures.ts';
import type { MessageContext } from './venue-mapper.ts';
import { cryptofeedDir } from '../../../../examples/data/index.ts';

const BITMEX = `${cryptofeedDir}/BITMEX.ws.1.0`;

interface Raw {
  readonly line: number;
  readonly tsLocalS: number;
  readonly table: string;
  readonly action: string;
  readonly data: Record<string, unknown>[];
  readonly filter?: { symbol: string };
}

/** The capture's table messages, parsed by a plain regex and JSON.parse (independent of the reader). */
function tableMessages(lines: readonly string[]): Raw[] {
  const out: Raw[] = [];
  lines.forEach((text, i) => {
    const m = /^(\d+\.\d+): (\{.*\})$/.exec(text);
    if (!m) return;
    const j = JSON.parse(m[2]!) as Raw;
    if (typeof j.table === 'string') out.push({ ...j, line: i + 1, tsLocalS: Number(m[1]) });
  });
  return out;
}

/** The deliberately simple reference: per symbol a Map from id to level, applied as BitMEX documents. */
class ReferenceBook {
  readonly levels = new Map<number, { side: string; price: number; size: number }>();
  apply(action: string, e: Record<string, unknown>): void {
    const id = e['id'] as number;
    if (action === 'delete') this.levels.delete(id);
    else if (action === 'update') this.levels.get(id)!.size = e['size'] as number;
    else this.levels.set(id, { side: e['side'] as string, price: e['price'] as number, size: e['size'] as number });
  }
  /** Price levels of one side, best first, as [price, size]. */
  side(side: 'Buy' | 'Sell'): [number, number][] {
    const out = [...this.levels.values()].filter((l) => l.side === side).map((l): [number, number] => [l.price, l.size]);
    return out.sort((a, b) => (side === 'Buy' ? b[0] - a[0] : a[0] - b[0]));
  }
  top(): string {
    let b: { price: number; size: number } | undefined;
    let a: { price: number; size: number } | undefined;
    for (const l of this.levels.values()) {
      if (l.side === 'Buy' && (b === undefined || l.price > b.price)) b = l;
      if (l.side === 'Sell' && (a === undefined || l.price < a.price)) a = l;
    }
    return `${b?.price ?? ''}/${b?.size ?? ''}/${a?.price ?? ''}/${a?.size ?? ''}`;
  }
}

const levelsOf = (book: L2Book, bids: boolean): [number, number][] => (bids ? book.bids : book.asks).levels.map((l) => [Number(l.price), Number(l.size)]);

describe('BitMEX orderBookL2 + quote + trade, cryptofeed capture (10 symbols, July 2021)', async () => {
  const lines = await captureLines(BITMEX);
  const raw = tableMessages(lines);
  const records = await collectRecords(BITMEX);
  const book = raw.filter((m) => m.table === 'orderBookL2');

  it('maps every book message of every symbol to one book_delta, the partials as snapshots, with no issue', () => {
    const perSymbol = book.reduce((n, m) => n + new Set(m.action === 'partial' ? [m.filter!.symbol] : m.data.map((e) => e['symbol'])).size, 0);
    expect(book).toHaveLength(1979);
    expect(records.filter((r) => r.kind === 'book_delta')).toHaveLength(perSymbol);
    expect(records.filter((r) => r.kind === 'book_delta' && r.isSnapshot).map((r) => r.instrument).sort()).toEqual([...new Set(book.filter((m) => m.action === 'partial').map((m) => m.filter!.symbol))].sort());
    expect(issuesOf(records)).toEqual([]);
  });

  it('rebuilds, from its records alone, the same book as a plain id → level map at every quote message, for each symbol it quotes', () => {
    const ours = new Map<string, L2Book>();
    const reference = new Map<string, ReferenceBook>();
    const byLine = new Map<number, NormalizedRecord[]>();
    for (const r of records) byLine.set(r.source.line, [...(byLine.get(r.source.line) ?? []), r]);
    let compared = 0;
    for (const m of raw) {
      for (const r of byLine.get(m.line) ?? []) {
        if (r.kind !== 'book_delta') continue;
        const b = ours.get(r.instrument) ?? new L2Book();
        ours.set(r.instrument, b);
        b.applyRecord(r);
      }
      if (m.table === 'orderBookL2') {
        if (m.action === 'partial') reference.set(m.filter!.symbol, new ReferenceBook());
        for (const e of m.data) reference.get(e['symbol'] as string)?.apply(m.action, e);
      } else if (m.table === 'quote') {
        for (const symbol of new Set(m.data.map((q) => q['symbol'] as string))) {
          const ref = reference.get(symbol);
          if (ref === undefined) continue;
          const b = ours.get(symbol)!;
          expect(levelsOf(b, true)).toEqual(ref.side('Buy'));
          expect(levelsOf(b, false)).toEqual(ref.side('Sell'));
          compared++;
        }
      }
    }
    expect(raw.filter((m) => m.table === 'quote')).toHaveLength(93);
    expect(compared).toBe(83);
  });

  it('finds every one of the 426 quotes after the partials among the reference book\'s top-of-book states, in order (the rule the mapper enforces on the 422 stamped after their partial)', () => {
    const reference = new Map<string, ReferenceBook>();
    const tops = new Map<string, string[]>();
    const partialAtMs = new Map<string, number>();
    let matched = 0;
    let checked = 0;
    let judged = 0;
    for (const m of raw) {
      if (m.table === 'orderBookL2') {
        const symbols = new Set<string>();
        if (m.action === 'partial') {
          reference.set(m.filter!.symbol, new ReferenceBook());
          tops.set(m.filter!.symbol, []);
          partialAtMs.set(m.filter!.symbol, m.tsLocalS * 1000);
          symbols.add(m.filter!.symbol);
        }
        for (const e of m.data) {
          reference.get(e['symbol'] as string)?.apply(m.action, e);
          symbols.add(e['symbol'] as string);
        }
        for (const s of symbols) tops.get(s)?.push(reference.get(s)!.top());
      } else if (m.table === 'quote') {
        for (const q of m.data) {
          const history = tops.get(q['symbol'] as string);
          if (history === undefined) continue;
          checked++;
          if (Date.parse(q['timestamp'] as string) >= partialAtMs.get(q['symbol'] as string)!) judged++;
          const at = history.indexOf(`${q['bidPrice'] as number}/${q['bidSize'] as number}/${q['askPrice'] as number}/${q['askSize'] as number}`);
          if (at >= 0) {
            matched++;
            history.splice(0, at);
          }
        }
      }
    }
    expect({ checked, matched, judged }).toEqual({ checked: 426, matched: 426, judged: 422 });
  });

  it('maps trades with the taker side and skips the repeated last trade of a partial', () => {
    const trades = records.filter((r) => r.kind === 'trade');
    expect(trades).toHaveLength(raw.filter((m) => m.table === 'trade').reduce((n, m) => n + m.data.length, 0));
    expect(trades.find((t) => t.tradeId === '6e70bebe-235e-08a6-d11b-e1042bf1f2ed')).toMatchObject({ instrument: 'XBTUSD', price: '32180.5', size: '100', aggressor: 'buy', tsEventNs: 1626993371685000000n });
  });

  it('values every trade of the capture as BitMEX did (grossValue, satoshis) with the instrument specs: linear and quanto exactly, XBTUSD within 0.01 satoshi a contract', () => {
    let checked = 0;
    for (const m of raw.filter((x) => x.table === 'trade')) {
      for (const t of m.data) {
        const spec = instrumentSpec('bitmex', t['symbol'] as string);
        expect(spec.known).toBe(true);
        const priceText = String(t['price']);
        const priceDecimals = Math.max(spec.priceDecimals, (priceText.split('.')[1] ?? '').length);
        const inst: Instrument = {
          id: `bitmex:${spec.symbol}`, venue: 'bitmex', symbol: spec.symbol, contractType: spec.contractType, baseCurrency: spec.baseCurrency, quoteCurrency: spec.quoteCurrency,
          priceDecimals, sizeDecimals: 0, tickUnits: 1, lotUnits: 1, minNotionalUnits: 0n, multiplier: Number(spec.multiplier), makerFeePpm: 0, takerFeePpm: 0,
        };
        const priceUnits = Math.round((t['price'] as number) * 10 ** priceDecimals);
        const value = signedValueUnits(inst, priceUnits, t['size'] as number);
        const gross = BigInt(t['grossValue'] as number);
        if (spec.contractType === 'inverse') {
          // 1e8 settlement units = 1 XBT. BitMEX's own grossValue differs from the exact
          // size / price by under 0.01 satoshi a contract (its rounding, e.g. 32 sat on 7,300).
          const diff = -value - gross;
          const size = BigInt(t['size'] as number);
          expect(diff * 100n <= size + 100n && -diff * 100n <= size + 100n).toBe(true);
        } else {
          // Linear settlement units are 10^-(priceDecimals + multiplier decimals) XBT: rescale to satoshis.
          const unitDecimals = priceDecimals + (spec.multiplier.split('.')[1] ?? '').length;
          const satoshis = unitDecimals >= 8 ? value / 10n ** BigInt(unitDecimals - 8) : value * 10n ** BigInt(8 - unitDecimals);
          expect(satoshis).toBe(gross);
        }
        checked++;
      }
    }
    expect(checked).toBe(27);
  });
});

describe('BitMEX integrity checks on tampered copies of the capture', async () => {
  const lines = await captureLines(BITMEX);
  const raw = tableMessages(lines);
  const book = raw.filter((m) => m.table === 'orderBookL2' && m.data.length === 1);
  /** A single-entry insert whose id a later single-entry update or delete touches, and that message. */
  const pair = (() => {
    for (const ins of book.filter((m) => m.action === 'insert')) {
      const later = book.find((m) => m.line > ins.line && m.action !== 'insert' && m.data[0]!['id'] === ins.data[0]!['id']);
      if (later) return { insert: ins, later };
    }
    throw new Error('no insert followed by an update of its id');
  })();

  it('reports a gap at the update of an id whose insert was removed, naming the id', async () => {
    const altered = lines.filter((_, i) => i !== pair.insert.line - 1);
    const { path, records } = await readAltered(BITMEX, altered);
    const issues = issuesOf(records);
    expect(issues[0]).toMatchObject({ issue: 'gap', instrument: pair.later.data[0]!['symbol'], source: { file: path, line: pair.later.line - 1 } });
    expect(issues[0]!.message).toContain(`id ${pair.insert.data[0]!['id'] as number}`);
    expect(issues[0]!.message).toContain(`line ${pair.later.line - 1} of ${path}`);
  });

  it('reports a gap when an insert and the later message on its id are swapped', async () => {
    const altered = [...lines];
    altered[pair.insert.line - 1] = lines[pair.later.line - 1]!;
    altered[pair.later.line - 1] = lines[pair.insert.line - 1]!;
    const { records } = await readAltered(BITMEX, altered);
    expect(issuesOf(records)[0]).toMatchObject({ issue: 'gap', source: { line: pair.insert.line } });
  });

  it('reports a gap at a repeated insert of an id already held', async () => {
    const altered = [...lines.slice(0, pair.insert.line), lines[pair.insert.line - 1]!, ...lines.slice(pair.insert.line)];
    const { records } = await readAltered(BITMEX, altered);
    expect(issuesOf(records)[0]).toMatchObject({ issue: 'gap', source: { line: pair.insert.line + 1 } });
    expect(issuesOf(records)[0]!.message).toMatch(/insert of id \d+ .* already held/);
  });

  it('reports a checksum_mismatch at the quote that contradicts a book whose XBTUSD best-bid size was changed', async () => {
    // The first single-entry XBTUSD update after which a quote shows that level's size as the best bid.
    const target = (() => {
      for (const m of book.filter((x) => x.action === 'update' && x.data[0]!['symbol'] === 'XBTUSD' && x.data[0]!['side'] === 'Buy')) {
        const size = m.data[0]!['size'] as number;
        const next = raw.find((q) => q.line > m.line && q.table === 'quote' && q.data.some((d) => d['symbol'] === 'XBTUSD' && d['bidSize'] === size));
        if (next) return { update: m, quoteLine: next.line };
      }
      throw new Error('no quoted XBTUSD bid update');
    })();
    const altered = [...lines];
    altered[target.update.line - 1] = lines[target.update.line - 1]!.replace(/"size":(\d+)/, (_m, s: string) => `"size":${Number(s) + 100}`);
    const { path, records } = await readAltered(BITMEX, altered);
    const issues = issuesOf(records);
    expect(issues[0]).toMatchObject({ issue: 'checksum_mismatch', instrument: 'XBTUSD', source: { file: path, line: target.quoteLine } });
    expect(issues[0]!.message).toMatch(/BitMEX quote \(32\d+(\.5)? x \d+ \/ .*\) matches no top of book rebuilt since line \d+/);
    const since = Number(/since line (\d+)/.exec(issues[0]!.message)![1]);
    expect(since).toBeLessThanOrEqual(target.update.line);
  });
});

describe('BitMEX orderBookL2 rows of today\'s API (timestamp on each row, price on update and delete)', () => {
  const ctx = (line: number): MessageContext => ({ file: 'doc.jsonl', line, tsLocalNs: 1_700_000_000_500_000_000n + BigInt(line), fallbackTsNs: 0n });
  const row = (o: object) => ({ symbol: 'XBTUSD', side: 'Buy', timestamp: '2023-11-14T22:13:20.123Z', ...o });
  const msg = (action: string, rows: object[]) => ({ table: 'orderBookL2', action, data: rows });

  it('stamps book records with the rows\' own time and accepts an update that repeats the held price', () => {
    const mapper = bitmexFormat.createMapper({ venue: 'bitmex' });
    mapper.map({ ...msg('partial', [row({ id: 1, size: 100, price: 35000 })]), filter: { symbol: 'XBTUSD' } }, ctx(1));
    expect(mapper.map(msg('update', [row({ id: 1, size: 300, price: 35000 })]), ctx(2))).toMatchObject([{ kind: 'book_delta', tsEventNs: 1_700_000_000_123_000_000n, bids: [['35000', '300']] }]);
  });

  it('reports a gap for an update whose price disagrees with the level held under its id', () => {
    const mapper = bitmexFormat.createMapper({ venue: 'bitmex' });
    mapper.map({ ...msg('partial', [row({ id: 1, size: 100, price: 35000 })]), filter: { symbol: 'XBTUSD' } }, ctx(1));
    const out = mapper.map(msg('delete', [row({ id: 1, price: 35000.5 })]), ctx(2));
    expect(out).toMatchObject([{ kind: 'sync_issue', issue: 'gap', source: { line: 2 } }]);
    expect((out[0] as { message: string }).message).toContain('delete of id 1 at 35000.5 but it is held at 35000');
  });

  it('does not judge a quote stamped before the partial\'s capture time (it may describe the book before it)', () => {
    const mapper = bitmexFormat.createMapper({ venue: 'bitmex' });
    mapper.map({ ...msg('partial', [row({ id: 1, size: 100, price: 35000 }), row({ id: 2, side: 'Sell', size: 50, price: 35000.5 })]), filter: { symbol: 'XBTUSD' } }, ctx(1));
    const quote = (timestamp: string, line: number) => mapper.map({ table: 'quote', action: 'insert', data: [{ timestamp, symbol: 'XBTUSD', bidSize: 999, bidPrice: 34999.5, askPrice: 35000.5, askSize: 50 }] }, { ...ctx(line), tsLocalNs: 1_700_000_003_000_000_000n });
    expect(quote('2023-11-14T22:13:20.400Z', 2).filter((r) => r.kind === 'sync_issue')).toEqual([]);
    mapper.map(msg('update', [row({ id: 1, size: 200 })]), { ...ctx(3), tsLocalNs: 1_700_000_003_000_000_001n });
    expect(quote('2023-11-14T22:13:21.000Z', 4).filter((r) => r.kind === 'sync_issue')).toEqual([]); // waits
    const out = mapper.map(msg('update', [row({ id: 1, size: 300 })]), { ...ctx(5), tsLocalNs: 1_700_000_004_500_000_000n });
    expect(out.filter((r) => r.kind === 'sync_issue')).toMatchObject([{ issue: 'checksum_mismatch', source: { line: 4 } }]);
  });
});
