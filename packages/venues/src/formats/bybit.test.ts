import { describe, expect, it } from 'vitest';
import { bybitFormat } from './bybit.ts';
import type { NormalizedRecord } from './records.ts';
import type { MessageContext } from './venue-mapper.ts';

// Messages in the documented Bybit v5 public format (no real capture is available here).
const snapshot = (u: number) => ({ topic: 'orderbook.50.BTCUSDT', type: 'snapshot', ts: 1672304484978, data: { s: 'BTCUSDT', b: [['16493.50', '0.006'], ['16493.00', '0.100']], a: [['16611.00', '0.029'], ['16612.00', '0.213']], u, seq: 7961638724 }, cts: 1672304484976 });
const delta = (u: number, extra: Record<string, unknown> = {}) => ({ topic: 'orderbook.50.BTCUSDT', type: 'delta', ts: 1672304484978 + u, data: { s: 'BTCUSDT', b: [['16493.50', '0']], a: [['16611.00', '0.010']], u, seq: 7961638724 + u, ...extra }, cts: 1672304484976 });
const trade = (i: string) => ({ topic: 'publicTrade.BTCUSDT', type: 'snapshot', ts: 1672304486868, data: [{ T: 1672304486865, s: 'BTCUSDT', S: 'Buy', v: '0.001', p: '16578.50', L: 'PlusTick', i, BT: false }] });

function run(messages: unknown[]): NormalizedRecord[] {
  const mapper = bybitFormat.createMapper({ venue: 'bybit-linear' });
  const out: NormalizedRecord[] = [];
  messages.forEach((m, i) => {
    const ctx: MessageContext = { file: 'bybit.jsonl', line: i + 1, tsLocalNs: null, fallbackTsNs: 0n };
    out.push(...mapper.map(m, ctx));
  });
  out.push(...mapper.finish({ file: 'bybit.jsonl', line: messages.length, tsLocalNs: null, fallbackTsNs: 0n }));
  return out;
}

describe('Bybit v5 orderbook and publicTrade', () => {
  it('maps a snapshot and contiguous deltas to book_delta records with updateId = u', () => {
    const out = run([snapshot(100), delta(101), delta(102)]);
    expect(out.map((r) => r.kind)).toEqual(['book_delta', 'book_delta', 'book_delta']);
    expect(out[0]).toMatchObject({ isSnapshot: true, updateId: 100n, instrument: 'BTCUSDT', venue: 'bybit-linear', tsEventNs: 1672304484978000000n });
    expect(out[2]).toMatchObject({ isSnapshot: false, updateId: 102n, bids: [['16493.50', '0']] });
  });

  it('reports a gap at the line of the first non-contiguous delta and drops deltas until the next snapshot', () => {
    const out = run([snapshot(100), delta(101), delta(103), delta(104), snapshot(200), delta(201)]);
    const issues = out.filter((r) => r.kind === 'sync_issue');
    expect(issues.map((r) => [r.issue, r.source.line])).toEqual([['gap', 3], ['gap', 5]]);
    expect(out.filter((r) => r.kind === 'book_delta').map((r) => r.updateId)).toEqual([100n, 101n, 200n, 201n]);
  });

  it('flags a repeated delta as a duplicate without losing sync', () => {
    const out = run([snapshot(100), delta(101), delta(101), delta(102)]);
    expect(out.filter((r) => r.kind === 'sync_issue').map((r) => [r.issue, r.source.line])).toEqual([['duplicate', 3]]);
    expect(out.filter((r) => r.kind === 'book_delta')).toHaveLength(3);
  });

  it('reports deltas that arrive before any snapshot as never synchronised', () => {
    const out = run([delta(5), delta(6)]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'sync_issue', issue: 'gap', source: { line: 1 } });
  });

  it('maps publicTrade with the taker side as aggressor and flags a repeated trade id', () => {
    const out = run([trade('a1'), trade('a1')]);
    expect(out[0]).toMatchObject({ kind: 'trade', tradeId: 'a1', price: '16578.50', size: '0.001', aggressor: 'buy', tsEventNs: 1672304486865000000n });
    expect(out[1]).toMatchObject({ kind: 'sync_issue', issue: 'duplicate', source: { line: 2 } });
  });

  it('reports an unknown field in the data object while still mapping the message', () => {
    const out = run([snapshot(1), delta(2, { zz: 1 })]);
    expect(out.map((r) => (r.kind === 'sync_issue' ? r.issue : r.kind))).toEqual(['book_delta', 'unknown_field', 'book_delta']);
  });

  it('tells spot from linear only by the stream URL', () => {
    expect(bybitFormat.inferVenue(snapshot(1), 'wss://stream.bybit.com/v5/public/spot')).toBe('bybit-spot');
    expect(bybitFormat.inferVenue(snapshot(1), 'wss://stream.bybit.com/v5/public/linear')).toBe('bybit-linear');
    expect(bybitFormat.inferVenue(snapshot(1))).toBeNull();
  });
});

describe('Bybit orderbook.1 recorded beside a deeper book', () => {
  // orderbook.1 is the best bid/offer stream (snapshot-only, its own u); the recorder stores it in
  // the same feed file as orderbook.1000 (feed depth+trade+bbo).
  const bbo = (u: number) => ({ topic: 'orderbook.1.BTCUSDT', type: 'snapshot', ts: 1672304484990, data: { s: 'BTCUSDT', b: [['16493.50', '0.006']], a: [['16611.00', '0.029']], u, seq: 7961638730 }, cts: 1672304484987 });

  it('maps orderbook.1 to bbo records and leaves the deeper book and its u sequence alone', () => {
    const out = run([snapshot(100), bbo(5000), delta(101), bbo(5001), delta(102)]);
    expect(out.map((r) => r.kind)).toEqual(['book_delta', 'bbo', 'book_delta', 'bbo', 'book_delta']);
    expect(out[1]).toMatchObject({ kind: 'bbo', instrument: 'BTCUSDT', updateId: 5000n, bidPrice: '16493.50', bidSize: '0.006', askPrice: '16611.00', askSize: '0.029', tsEventNs: 1672304484990000000n });
  });
});

describe('Bybit orderbook.1 with an empty side', () => {
  it('yields no bbo record and no issue (no canonical bbo form), and leaves the book alone', () => {
    const oneSided = { topic: 'orderbook.1.BTCUSDT', type: 'snapshot', ts: 1672304484990, data: { s: 'BTCUSDT', b: [['16493.50', '0.006']], a: [], u: 9, seq: 1 }, cts: 1 };
    expect(run([snapshot(100), oneSided, delta(101)]).map((r) => r.kind)).toEqual(['book_delta', 'book_delta']);
  });
});
