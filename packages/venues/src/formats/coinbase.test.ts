import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coinbaseFormat } from './coinbase.ts';
import { captureLines, collectRecords, issuesOf, readAltered } from './test-captures.ts';
import type { MessageContext } from './venue-mapper.ts';
import { venueDocsDir } from '../../../../examples/data/index.ts';

const ADVANCED = `${venueDocsDir}/coinbase-advanced-btcusd.raw.jsonl`;
const EXCHANGE = `${venueDocsDir}/coinbase-exchange-ethusd.jsonl`;

type Msg = Record<string, unknown>;

/** A plain-object book keyed by numeric price, replayed from parsed messages (independent oracle). */
class PlainBook {
  bids: Record<string, string> = {};
  asks: Record<string, string> = {};
  set(side: 'bids' | 'asks', price: string, size: string): void {
    if (Number(size) === 0) delete this[side][String(Number(price))];
    else this[side][String(Number(price))] = String(Number(size));
  }
  top(): string {
    const b = Math.max(...Object.keys(this.bids).map(Number));
    const a = Math.min(...Object.keys(this.asks).map(Number));
    return `${b} ${this.bids[String(b)]} ${a} ${this.asks[String(a)]}`;
  }
}

describe('Coinbase Advanced Trade fixture (BTC-USD, chassis-raw, written from the documented message shapes)', async () => {
  const lines = await captureLines(ADVANCED);
  const messages = lines.filter((l) => l !== '').map((l) => (JSON.parse(l) as { message: Msg }).message);
  const records = await collectRecords(ADVANCED);

  it('numbers its messages 0, 1, 2, … across all channels, as sequence_num does on one connection', () => {
    expect(messages.map((m) => m['sequence_num'])).toEqual(messages.map((_, i) => i));
    expect(new Set(messages.map((m) => m['channel']))).toEqual(new Set(['subscriptions', 'l2_data', 'market_trades', 'ticker', 'heartbeats']));
  });

  it('has every ticker equal to the book rebuilt by a plain oracle at that point', () => {
    const book = new PlainBook();
    let judged = 0;
    for (const m of messages) {
      for (const e of m['events'] as Msg[]) {
        if (m['channel'] === 'l2_data') for (const u of e['updates'] as Msg[]) book.set(u['side'] === 'bid' ? 'bids' : 'asks', u['price_level'] as string, u['new_quantity'] as string);
        if (m['channel'] === 'ticker') {
          for (const t of e['tickers'] as Msg[]) {
            expect(book.top()).toBe(`${Number(t['best_bid'])} ${Number(t['best_bid_quantity'])} ${Number(t['best_ask'])} ${Number(t['best_ask_quantity'])}`);
            judged++;
          }
        }
      }
    }
    expect(judged).toBeGreaterThan(10);
  });

  it('maps it with no issue: one book_delta per l2_data message, trades with the maker side flipped, tickers as bbo', () => {
    expect(issuesOf(records)).toEqual([]);
    expect(records.filter((r) => r.kind === 'book_delta')).toHaveLength(messages.filter((m) => m['channel'] === 'l2_data').length);
    const trades = messages.filter((m) => m['channel'] === 'market_trades').flatMap((m) => (m['events'] as Msg[]).flatMap((e) => e['trades'] as Msg[]));
    expect(records.filter((r) => r.kind === 'trade').map((t) => (t.kind === 'trade' ? t.aggressor : ''))).toEqual(trades.map((t) => (t['side'] === 'BUY' ? 'sell' : 'buy')));
  });

  const lineOf = (channel: string, nth: number): number => lines.map((l, i) => (l.includes(`"channel":"${channel}"`) ? i + 1 : -1)).filter((i) => i > 0)[nth]!;

  it('reports a gap naming the message after a removed one, whatever its channel', async () => {
    const removed = lineOf('l2_data', 20);
    const { path, records: r } = await readAltered(ADVANCED, lines.filter((_, i) => i !== removed - 1));
    expect(issuesOf(r)[0]).toMatchObject({ issue: 'gap', instrument: 'BTC-USD', source: { file: path, line: removed } });
    expect(issuesOf(r)[0]!.message).toMatch(/1 message\(s\) of the connection missing/);
  });

  it('reports a gap at the first of two swapped messages and drops the late one as a duplicate', async () => {
    const a = lineOf('l2_data', 30);
    const copy = [...lines];
    [copy[a - 1], copy[a]] = [copy[a]!, copy[a - 1]!];
    const { records: r } = await readAltered(ADVANCED, copy);
    expect(issuesOf(r).slice(0, 2)).toMatchObject([{ issue: 'gap', source: { line: a } }, { issue: 'duplicate', source: { line: a + 1 } }]);
  });

  it('reports a checksum_mismatch at a ticker whose best bid size was changed', async () => {
    const at = lineOf('ticker', 1);
    const copy = lines.map((l, i) => (i === at - 1 ? l.replace(/"best_bid_quantity":"([\d.]+)"/, (_, q: string) => `"best_bid_quantity":"${q}1"`) : l));
    const { records: r } = await readAltered(ADVANCED, copy);
    expect(issuesOf(r)[0]).toMatchObject({ issue: 'checksum_mismatch', source: { line: at } });
  });
});

describe('Coinbase Exchange feed fixture (ETH-USD level2_batch, ticker, match; plain JSON lines)', async () => {
  const lines = await captureLines(EXCHANGE);
  const messages = lines.filter((l) => l !== '').map((l) => JSON.parse(l) as Msg);
  const records = await collectRecords(EXCHANGE);

  it('has every ticker equal to the book rebuilt by a plain oracle at that point, though l2update pads prices to 8 decimals', () => {
    const book = new PlainBook();
    let judged = 0;
    for (const m of messages) {
      if (m['type'] === 'snapshot') for (const side of ['bids', 'asks'] as const) for (const [p, s] of m[side] as string[][]) book.set(side, p!, s!);
      if (m['type'] === 'l2update') for (const [side, p, s] of m['changes'] as string[][]) book.set(side === 'buy' ? 'bids' : 'asks', p!, s!);
      if (m['type'] === 'ticker') {
        expect(book.top()).toBe(`${Number(m['best_bid'])} ${Number(m['best_bid_size'])} ${Number(m['best_ask'])} ${Number(m['best_ask_size'])}`);
        judged++;
      }
    }
    expect(judged).toBeGreaterThan(5);
    expect(lines.some((l) => /"l2update".*"\d+\.\d{8}"/.test(l))).toBe(true);
  });

  it('maps it with no issue; match and last_match become trades with the maker side flipped', () => {
    expect(issuesOf(records)).toEqual([]);
    const matches = messages.filter((m) => m['type'] === 'match' || m['type'] === 'last_match');
    expect(records.filter((r) => r.kind === 'trade').map((t) => (t.kind === 'trade' ? [t.tradeId, t.aggressor] : []))).toEqual(matches.map((m) => [String(m['trade_id']), m['side'] === 'buy' ? 'sell' : 'buy']));
  });

  it('reports a checksum_mismatch at a ticker whose best ask size was changed', async () => {
    const at = lines.findIndex((l) => l.includes('"type":"ticker"')) + 1;
    const copy = lines.map((l, i) => (i === at - 1 ? l.replace(/"best_ask_size":"([\d.]+)"/, (_, q: string) => `"best_ask_size":"${q}9"`) : l));
    const { records: r } = await readAltered(EXCHANGE, copy);
    expect(issuesOf(r)[0]).toMatchObject({ issue: 'checksum_mismatch', instrument: 'ETH-USD', source: { line: at } });
  });
});

describe('Coinbase documented samples', () => {
  const ctx = (line: number): MessageContext => ({ file: 'doc', line, tsLocalNs: null, fallbackTsNs: 0n });

  it('maps the documented Exchange snapshot and l2update (prices padded to 8 decimals) onto one level', () => {
    const m = coinbaseFormat.createMapper({ venue: 'coinbase' });
    m.map({ type: 'snapshot', product_id: 'BTC-USD', bids: [['10101.10', '0.45054140']], asks: [['10102.55', '0.57753524']] }, ctx(1));
    const out = m.map({ type: 'l2update', product_id: 'BTC-USD', time: '2019-08-14T20:42:27.265Z', changes: [['buy', '10101.80000000', '0.162567']] }, ctx(2));
    expect(out).toMatchObject([{ kind: 'book_delta', bids: [['10101.80000000', '0.162567']], asks: [], tsEventNs: 1565815347265000000n }]);
  });

  it('reads the sequence_num of subscriptions and heartbeats messages so they leave no false gap', () => {
    const base = { client_id: '', timestamp: '2023-02-09T20:32:50.714964855Z' };
    const m = coinbaseFormat.createMapper({ venue: 'coinbase' });
    const sub = { ...base, channel: 'subscriptions', sequence_num: 0, events: [{ subscriptions: { level2: ['BTC-USD'] } }] };
    const snap = { ...base, channel: 'l2_data', sequence_num: 1, events: [{ type: 'snapshot', product_id: 'BTC-USD', updates: [{ side: 'bid', event_time: '1970-01-01T00:00:00Z', price_level: '21921.73', new_quantity: '0.06317902' }] }] };
    const beat = { ...base, channel: 'heartbeats', sequence_num: 2, events: [{ current_time: '2023-02-09 20:32:51 +0000 UTC', heartbeat_counter: '1' }] };
    const upd = { ...base, channel: 'l2_data', sequence_num: 3, events: [{ type: 'update', product_id: 'BTC-USD', updates: [{ side: 'offer', event_time: '2023-02-09T20:32:50.714964855Z', price_level: '21922.5', new_quantity: '0.5' }] }] };
    for (const msg of [sub, beat]) expect(coinbaseFormat.isControl!(msg)).toBe(false);
    const out = [sub, snap, beat, upd].flatMap((msg, i) => m.map(msg, ctx(i + 1)));
    expect(out.map((r) => r.kind)).toEqual(['book_delta', 'book_delta']);
  });
});

describe('Coinbase Advanced Trade sequence_num law', () => {
  const ctx = (line: number): MessageContext => ({ file: 'law', line, tsLocalNs: BigInt(line) * 1000n, fallbackTsNs: 0n });
  const base = { client_id: '', timestamp: '2023-02-09T20:32:50.714964855Z' };
  const message = (channel: string, seq: number): unknown => {
    if (channel === 'heartbeats') return { ...base, channel, sequence_num: seq, events: [{ current_time: '2023-02-09 20:32:51 +0000 UTC', heartbeat_counter: String(seq) }] };
    if (channel === 'market_trades') return { ...base, channel, sequence_num: seq, events: [{ type: 'update', trades: [{ trade_id: String(seq), product_id: 'BTC-USD', price: '21921.5', size: '0.01', side: 'BUY', time: base.timestamp }] }] };
    return { ...base, channel, sequence_num: seq, events: [{ type: 'update', product_id: 'BTC-USD', updates: [{ side: 'offer', event_time: base.timestamp, price_level: String(21925 + (seq % 7)), new_quantity: String(seq % 3) }] }] };
  };
  const snapshot = { ...base, channel: 'l2_data', sequence_num: 0, events: [{ type: 'snapshot', product_id: 'BTC-USD', updates: [{ side: 'bid', event_time: '1970-01-01T00:00:00Z', price_level: '21920', new_quantity: '1' }, { side: 'offer', event_time: '1970-01-01T00:00:00Z', price_level: '21930', new_quantity: '1' }] }] };
  const run = (messages: unknown[]) => {
    const m = coinbaseFormat.createMapper({ venue: 'coinbase' });
    return messages.flatMap((msg, i) => m.map(msg, ctx(i + 1))).filter((r) => r.kind === 'sync_issue');
  };

  it('accepts any interleaving of channels numbered 0, 1, 2, … and reports a gap exactly at the message after a removed one', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('l2_data', 'heartbeats', 'market_trades'), { minLength: 2, maxLength: 40 }), fc.nat(), (channels, k) => {
        const all = [snapshot, ...channels.map((c, i) => message(c, i + 1))];
        expect(run(all)).toEqual([]);
        const removed = 1 + (k % (all.length - 2));
        expect(run(all.filter((_, i) => i !== removed))[0]).toMatchObject({ issue: 'gap', source: { line: removed + 1 } });
      }),
      { numRuns: 200 },
    );
  });
});
