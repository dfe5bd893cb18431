import { describe, expect, it } from 'vitest';
import { deribitFormat } from './deribit.ts';
import { instrumentSpec } from './instrument-spec.ts';
import { L2Book } from './l2-book.ts';
import type { BookDeltaRecord, NormalizedRecord } from './records.ts';
import { captureLines, collectRecords, issuesOf, readAltered } from './test-captures.ts';
import type { MessageContext } from './venue-mapper.ts';
import { cryptofeedDir } from '../../../../examples/data/index.ts';

const DERIBIT = `${cryptofeedDir}/DERIBIT.ws.1.0`;

interface Note {
  readonly line: number;
  readonly channel: string;
  readonly data: Record<string, unknown> & { instrument_name: string; timestamp: number };
}

/** The capture's subscription notifications, parsed by a plain regex and JSON.parse. */
function notifications(lines: readonly string[]): Note[] {
  const out: Note[] = [];
  lines.forEach((text, i) => {
    const m = /^\d+\.\d+: (\{.*\})$/.exec(text);
    if (!m) return;
    const j = JSON.parse(m[1]!) as { method?: string; params?: { channel: string; data: Note['data'] } };
    if (j.method === 'subscription') out.push({ line: i + 1, channel: j.params!.channel, data: j.params!.data });
  });
  return out;
}

describe('Deribit book (change-id chain) + ticker, cryptofeed capture of 10 options', async () => {
  const lines = await captureLines(DERIBIT);
  const notes = notifications(lines);
  const books = notes.filter((n) => n.channel.startsWith('book.'));
  const records = await collectRecords(DERIBIT);

  it('holds an unbroken change_id chain per instrument, checked by a plain loop (10 snapshots, 36 links)', () => {
    const last = new Map<string, number>();
    let links = 0;
    for (const { data } of books) {
      if (data['type'] === 'snapshot') last.set(data.instrument_name, data['change_id'] as number);
      else {
        expect(data['prev_change_id']).toBe(last.get(data.instrument_name));
        last.set(data.instrument_name, data['change_id'] as number);
        links++;
      }
    }
    expect({ snapshots: last.size, links }).toEqual({ snapshots: 10, links: 36 });
  });

  it('maps every book notification to a book_delta carrying its change_id, with no issue of any kind', () => {
    const deltas = records.filter((r): r is BookDeltaRecord => r.kind === 'book_delta');
    expect(deltas.map((r) => [r.source.line, r.updateId, r.isSnapshot])).toEqual(books.map((n) => [n.line, BigInt(n.data['change_id'] as number), n.data['type'] === 'snapshot']));
    expect(records.filter((r) => r.kind === 'sync_issue')).toEqual([]);
  });

  it('rebuilds from its records the book a plain price map gives, after every notification', () => {
    const ours = new Map<string, L2Book>();
    const plain = new Map<string, { bids: Map<number, number>; asks: Map<number, number> }>();
    const byLine = new Map<number, NormalizedRecord>(records.filter((r) => r.kind === 'book_delta').map((r) => [r.source.line, r]));
    for (const { line, data } of books) {
      if (data['type'] === 'snapshot') plain.set(data.instrument_name, { bids: new Map(), asks: new Map() });
      const p = plain.get(data.instrument_name)!;
      for (const side of ['bids', 'asks'] as const) {
        for (const [action, price, amount] of data[side] as [string, number, number][]) {
          if (action === 'delete') p[side].delete(price);
          else p[side].set(price, amount);
        }
      }
      const r = byLine.get(line) as BookDeltaRecord;
      const b = ours.get(r.instrument) ?? new L2Book();
      ours.set(r.instrument, b);
      b.applyRecord(r);
      const sorted = (m: Map<number, number>, desc: boolean) => [...m].sort((x, y) => (desc ? y[0] - x[0] : x[0] - y[0]));
      expect(b.bids.levels.map((l) => [Number(l.price), Number(l.size)])).toEqual(sorted(p.bids, true));
      expect(b.asks.levels.map((l) => [Number(l.price), Number(l.size)])).toEqual(sorted(p.asks, false));
    }
  });

  it('agrees, at all 79 tickers of a synchronised book, with the book after every change up to the ticker\'s timestamp (a plain replay by time)', () => {
    const tickers = notes.filter((n) => n.channel.startsWith('ticker.'));
    let checked = 0;
    for (const t of tickers) {
      const own = books.filter((b) => b.data.instrument_name === t.data.instrument_name);
      if (!own.some((b) => b.line < t.line)) continue; // before its book's snapshot
      const bids = new Map<number, number>();
      const asks = new Map<number, number>();
      for (const b of own.filter((x) => x.data.timestamp <= t.data.timestamp)) {
        for (const [side, map] of [['bids', bids], ['asks', asks]] as const) {
          for (const [action, price, amount] of b.data[side] as [string, number, number][]) {
            if (action === 'delete') map.delete(price);
            else map.set(price, amount);
          }
        }
      }
      const bestBid = Math.max(0, ...bids.keys());
      const bestAsk = asks.size > 0 ? Math.min(...asks.keys()) : 0;
      expect([bestBid, bids.get(bestBid) ?? 0, bestAsk, asks.get(bestAsk) ?? 0]).toEqual([t.data['best_bid_price'], t.data['best_bid_amount'], t.data['best_ask_price'], t.data['best_ask_amount']]);
      checked++;
    }
    expect({ tickers: tickers.length, checked }).toEqual({ tickers: 89, checked: 79 });
  });

  it('maps tickers with both sides to bbo records and none for a ticker with an empty side', () => {
    const tickers = notes.filter((n) => n.channel.startsWith('ticker.'));
    const twoSided = tickers.filter((t) => (t.data['best_bid_amount'] as number) > 0 && (t.data['best_ask_amount'] as number) > 0);
    expect(records.filter((r) => r.kind === 'bbo').map((r) => r.source.line)).toEqual(twoSided.map((t) => t.line));
  });

  it('gives options their Deribit spec: premium-linear in the coin, tick 0.0001, lot 0.1 BTC / 1 ETH', () => {
    expect(instrumentSpec('deribit', 'BTC-24SEP21-8000-P')).toMatchObject({ contractType: 'linear', baseCurrency: 'BTC-24SEP21-8000-P', quoteCurrency: 'BTC', multiplier: '1', tickSize: '0.0001', lotSize: '0.1', known: true });
    expect(instrumentSpec('deribit', 'ETH-30JUL21-2800-C')).toMatchObject({ contractType: 'linear', quoteCurrency: 'ETH', lotSize: '1' });
    expect(instrumentSpec('deribit', 'BTC-PERPETUAL')).toMatchObject({ contractType: 'inverse', baseCurrency: 'BTC', quoteCurrency: 'USD', multiplier: '1', tickSize: '0.5', lotSize: '10', makerFee: '0', takerFee: '0.0005' });
  });
});

describe('Deribit integrity checks on tampered copies of the capture', async () => {
  const lines = await captureLines(DERIBIT);
  const notes = notifications(lines);
  const changes = notes.filter((n) => n.channel === 'book.BTC-24SEP21-8000-P.raw' && n.data['type'] === 'change');

  // The chain alone: a copy without the ticker lines, so the book-vs-ticker check cannot catch it first.
  const noTickers = lines.filter((l) => !l.includes('"channel":"ticker.'));
  const lineOf = (n: Note): number => noTickers.indexOf(lines[n.line - 1]!) + 1;

  it('reports a gap at the change after a removed one, and the changes it could not apply at the end', async () => {
    const [before, removed, next] = [changes[2]!, changes[3]!, changes[4]!];
    const { path, records } = await readAltered(DERIBIT, noTickers.filter((_, i) => i !== lineOf(removed) - 1));
    const issues = issuesOf(records);
    expect(issues[0]).toMatchObject({ issue: 'gap', instrument: 'BTC-24SEP21-8000-P', source: { file: path, line: lineOf(next) - 1 } });
    expect(issues[0]!.message).toContain(`prev_change_id ${next.data['prev_change_id'] as number} != previous change_id ${before.data['change_id'] as number}`);
    expect(issues.at(-1)!.message).toMatch(/never synchronised/);
  });

  it('reports a gap when two consecutive changes are swapped', async () => {
    const [a, b] = [lineOf(changes[5]!), lineOf(changes[6]!)];
    const altered = [...noTickers];
    altered[a - 1] = noTickers[b - 1]!;
    altered[b - 1] = noTickers[a - 1]!;
    const { records } = await readAltered(DERIBIT, altered);
    expect(issuesOf(records)[0]).toMatchObject({ issue: 'gap', source: { line: a } });
  });

  it('catches a removed change through the tickers too, when one describes the book it would have left', async () => {
    const { records } = await readAltered(DERIBIT, lines.filter((_, i) => i !== changes[3]!.line - 1));
    expect(issuesOf(records)[0]).toMatchObject({ issue: 'checksum_mismatch', instrument: 'BTC-24SEP21-8000-P' });
  });

  it('reports a duplicate for a change repeated right after itself and keeps the book', async () => {
    const c = changes[2]!;
    const altered = [...lines.slice(0, c.line), lines[c.line - 1]!, ...lines.slice(c.line)];
    const { records } = await readAltered(DERIBIT, altered);
    expect(issuesOf(records)).toMatchObject([{ issue: 'duplicate', source: { line: c.line + 1 } }]);
  });

  it('reports a checksum_mismatch at the ticker that disagrees with a change whose amount was altered', async () => {
    // A change of the best ask whose new amount the next ticker of that instrument shows.
    const target = changes.find((c) => {
      const ask = (c.data['asks'] as [string, number, number][])[0];
      return ask !== undefined && ask[0] === 'new' && notes.some((t) => t.line > c.line && t.channel.startsWith('ticker.BTC-24SEP21-8000-P') && t.data['best_ask_amount'] === ask[2]);
    })!;
    const altered = [...lines];
    altered[target.line - 1] = lines[target.line - 1]!.replace(/("asks":\[\["new",[\d.]+,)([\d.]+)\]/, (_m, head: string, amount: string) => `${head}${Number(amount) + 1}]`);
    expect(altered[target.line - 1]).not.toBe(lines[target.line - 1]);
    const { path, records } = await readAltered(DERIBIT, altered);
    const issue = issuesOf(records)[0]!;
    expect(issue).toMatchObject({ issue: 'checksum_mismatch', instrument: 'BTC-24SEP21-8000-P', source: { file: path } });
    expect(issue.message).toMatch(/^Deribit ticker \(0\.0005 x 153\.1 \/ 0\.001 x [\d.]+\) matches no top of book rebuilt since line \d+; closest: line \d+/);
    expect(issue.source.line).toBeLessThan(target.line);
  });

  it('reports a checksum_mismatch for a change of a price the book does not hold', () => {
    const mapper = deribitFormat.createMapper({ venue: 'deribit' });
    const ctx = (line: number): MessageContext => ({ file: 'doc.jsonl', line, tsLocalNs: BigInt(line) * 1_000_000n, fallbackTsNs: 0n });
    const note = (data: object) => ({ jsonrpc: '2.0', method: 'subscription', params: { channel: 'book.BTC-PERPETUAL.100ms', data: { timestamp: 1_700_000_000_000, instrument_name: 'BTC-PERPETUAL', ...data } } });
    expect(mapper.map(note({ type: 'snapshot', change_id: 10, bids: [['new', 30000, 100]], asks: [['new', 30000.5, 200]] }), ctx(1))).toMatchObject([{ kind: 'book_delta', isSnapshot: true, updateId: 10n, bids: [['30000', '100']] }]);
    const out = mapper.map(note({ type: 'change', change_id: 11, prev_change_id: 10, bids: [['change', 29999.5, 50]], asks: [] }), ctx(2));
    expect(out).toMatchObject([{ kind: 'sync_issue', issue: 'checksum_mismatch', source: { line: 2 } }]);
    expect((out[0] as { message: string }).message).toContain('change of bid 29999.5 not held');
  });
});

describe('Deribit messages written from the API documentation (trades, perpetual ticker)', () => {
  const ctx = (line: number): MessageContext => ({ file: 'doc.jsonl', line, tsLocalNs: null, fallbackTsNs: 0n });
  // The trades.{instrument_name}.{interval} notification example of docs.deribit.com.
  const trade = { trade_seq: 30289432, trade_id: '48079254', timestamp: 1590484156350, tick_direction: 0, price: 8950.0, mark_price: 8948.9, instrument_name: 'BTC-PERPETUAL', index_price: 8955.88, direction: 'sell', amount: 10.0 };
  const trades = (data: object[]) => ({ jsonrpc: '2.0', method: 'subscription', params: { channel: 'trades.BTC-PERPETUAL.raw', data } });

  it('maps a trade with the taker direction and drops a repeated trade_seq as a duplicate', () => {
    const mapper = deribitFormat.createMapper({ venue: 'deribit' });
    expect(mapper.map(trades([trade]), ctx(1))).toEqual([
      { kind: 'trade', venue: 'deribit', instrument: 'BTC-PERPETUAL', tsEventNs: 1590484156350000000n, tsLocalNs: 1590484156350000000n, source: { file: 'doc.jsonl', line: 1 }, tradeId: '48079254', price: '8950', size: '10', aggressor: 'sell' },
    ]);
    expect(mapper.map(trades([trade]), ctx(2))).toMatchObject([{ kind: 'sync_issue', issue: 'duplicate', source: { line: 2 } }]);
  });

  it('reports a field the documentation does not list as unknown_field and still maps the trade', () => {
    const mapper = deribitFormat.createMapper({ venue: 'deribit' });
    expect(mapper.map(trades([{ ...trade, surprise: 1 }]), ctx(1)).map((r) => r.kind === 'sync_issue' ? r.issue : r.kind)).toEqual(['unknown_field', 'trade']);
  });

  it('maps a perpetual ticker to a bbo record', () => {
    const mapper = deribitFormat.createMapper({ venue: 'deribit' });
    const ticker = { jsonrpc: '2.0', method: 'subscription', params: { channel: 'ticker.BTC-PERPETUAL.100ms', data: { timestamp: 1623060194301, instrument_name: 'BTC-PERPETUAL', best_bid_price: 36000.5, best_bid_amount: 5000, best_ask_price: 36001, best_ask_amount: 12340, mark_price: 36000.8, funding_8h: 0.00000113 } } };
    expect(mapper.map(ticker, ctx(1))).toMatchObject([{ kind: 'bbo', instrument: 'BTC-PERPETUAL', bidPrice: '36000.5', bidSize: '5000', askPrice: '36001', askSize: '12340', tsEventNs: 1623060194301000000n }]);
  });

  it('treats subscribe replies and heartbeats as control messages, not market data', () => {
    expect(deribitFormat.isControl!({ jsonrpc: '2.0', id: 0, result: ['book.BTC-PERPETUAL.raw'] })).toBe(true);
    expect(deribitFormat.isControl!({ jsonrpc: '2.0', method: 'heartbeat', params: { type: 'test_request' } })).toBe(true);
    expect(deribitFormat.canHandle({ jsonrpc: '2.0', method: 'heartbeat', params: { type: 'test_request' } })).toBe(false);
  });

  it('judges tickers only against a raw book: a 100ms book may skip the state a ticker shows', () => {
    const run = (interval: string) => {
      const mapper = deribitFormat.createMapper({ venue: 'deribit' });
      const at = (line: number, ms: number): MessageContext => ({ file: 'doc.jsonl', line, tsLocalNs: BigInt(ms) * 1_000_000n, fallbackTsNs: 0n });
      const book = (data: object) => ({ jsonrpc: '2.0', method: 'subscription', params: { channel: `book.BTC-PERPETUAL.${interval}`, data: { timestamp: 1_700_000_000_000, instrument_name: 'BTC-PERPETUAL', ...data } } });
      const out = [
        ...mapper.map(book({ type: 'snapshot', change_id: 1, bids: [['new', 30000, 100]], asks: [['new', 30000.5, 200]] }), at(1, 1_700_000_000_010)),
        // A ticker showing an intermediate state the aggregated book never shows.
        ...mapper.map({ jsonrpc: '2.0', method: 'subscription', params: { channel: 'ticker.BTC-PERPETUAL.raw', data: { timestamp: 1_700_000_000_050, instrument_name: 'BTC-PERPETUAL', best_bid_price: 30000, best_bid_amount: 150, best_ask_price: 30000.5, best_ask_amount: 200 } } }, at(2, 1_700_000_000_060)),
        ...mapper.map(book({ type: 'change', change_id: 2, prev_change_id: 1, timestamp: 1_700_000_002_000, bids: [['change', 30000, 120]], asks: [] }), at(3, 1_700_000_002_010)),
      ];
      return out.filter((r) => r.kind === 'sync_issue').map((r) => r.kind === 'sync_issue' && r.issue);
    };
    expect(run('raw')).toEqual(['checksum_mismatch']);
    expect(run('100ms')).toEqual([]);
  });
});

