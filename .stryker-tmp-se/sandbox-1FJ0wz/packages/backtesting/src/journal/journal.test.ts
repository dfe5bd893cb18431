// @ts-nocheck
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event } from '@chassis/core';
import { JournalWriter, readJournal, fileSha256 } from './journal.ts';

function sample(): Event[] {
  const t = 1_723_161_255_030_314_667n;
  return [
    { kind: 'session', seq: 1, tsEventNs: t, tsLocalNs: t, state: 'start', sessionId: 'run' },
    {
      kind: 'book_delta', seq: 2, tsEventNs: t - 5n, tsLocalNs: t + 10n, instrument: 'binance-usdm:BTCUSDT', updateId: 5123107837557n, isSnapshot: false,
      offset: 1, count: 2, sides: [9, 0, 1], prices: [0, 6_171_020, 6_171_030], sizes: [0, 14, 0],
    },
    { kind: 'trade', seq: 3, tsEventNs: t, tsLocalNs: t + 20n, instrument: 'binance-usdm:BTCUSDT', tradeId: '99', priceUnits: 6_171_020, qtyUnits: 3, aggressor: 'sell' },
    {
      kind: 'request_sent', seq: 4, tsEventNs: t + 20n, tsLocalNs: t + 20n, request: 'new', orderId: 1, instrument: 'binance-usdm:BTCUSDT', side: 'buy',
      orderType: 'limit', priceUnits: 6_171_000, qtyUnits: 1, timeInForce: 'GTC', postOnly: true, reduceOnly: false, clientTag: 'mm',
    },
    { kind: 'order_filled', seq: 5, tsEventNs: t + 30n, tsLocalNs: t + 40n, orderId: 1, requestSeq: -1, fillId: 'f1', priceUnits: 6_171_000, qtyUnits: 1, liquidity: 'maker', feeUnits: -12n, final: true },
    { kind: 'control_time', seq: 6, tsEventNs: t + 50n, tsLocalNs: t + 50n, dueTsLocalNs: t + 50n, reason: 'rate_limit', scope: 'binance-usdm', obligationSeq: 4 },
  ];
}

describe('journal', () => {
  it('round-trips every event with its seq, timestamps and book levels', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const w = new JournalWriter(join(dir, 'j.bin'));
    for (const e of sample()) w.append(e);
    const summary = w.close();
    expect(summary.events).toBe(6);
    expect(summary.sha256).toBe(fileSha256(join(dir, 'j.bin')));
    const back = [...readJournal(join(dir, 'j.bin'))];
    expect(back.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const d = back[1] as Extract<Event, { kind: 'book_delta' }>;
    expect([d.count, Array.from(d.sides), Array.from(d.prices), Array.from(d.sizes)]).toEqual([2, [0, 1], [6_171_020, 6_171_030], [14, 0]]);
    const { sides: _s, prices: _p, sizes: _z, offset: _o, ...rest } = d;
    expect(rest).toMatchObject({ tsEventNs: sample()[1]!.tsEventNs, updateId: 5123107837557n, instrument: 'binance-usdm:BTCUSDT' });
    expect(back.slice(2)).toEqual(sample().slice(2));
  });

  it('round-trips arbitrary trades across many blocks', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ p: fc.integer({ min: 0, max: 2 ** 40 }), q: fc.integer({ min: 0, max: 2 ** 40 }), dt: fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }) }), { minLength: 1, maxLength: 300 }), (rows) => {
        const dir = mkdtempSync(join(tmpdir(), 'journal-'));
        const w = new JournalWriter(join(dir, 'j.bin'), 256);
        const events: Event[] = rows.map((r, i) => ({ kind: 'trade', seq: i + 1, tsEventNs: r.dt, tsLocalNs: -r.dt, instrument: `i${i % 3}`, tradeId: `t${i}`, priceUnits: r.p, qtyUnits: r.q, aggressor: 'buy' }));
        for (const e of events) w.append(e);
        w.close();
        expect([...readJournal(join(dir, 'j.bin'))]).toEqual(events);
      }),
      { numRuns: 30 },
    );
  });

  it('round-trips book deltas whose timestamps move by small and huge steps either way (word-split and bigint delta paths)', () => {
    const step = fc.oneof(fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), fc.bigInt({ min: -(2n ** 63n) / 4n, max: 2n ** 63n / 4n }));
    fc.assert(
      fc.property(fc.array(fc.record({ de: step, dl: step, p: fc.integer({ min: 1, max: 2 ** 45 }), q: fc.integer({ min: 0, max: 2 ** 45 }) }), { minLength: 1, maxLength: 200 }), (rows) => {
        const dir = mkdtempSync(join(tmpdir(), 'journal-'));
        const w = new JournalWriter(join(dir, 'j.bin'), 512);
        let te = 1_723_161_255_030_314_667n;
        let tl = te;
        const clamp = (x: bigint): bigint => (x > 2n ** 62n ? 2n ** 62n : x < -(2n ** 62n) ? -(2n ** 62n) : x);
        const events: Event[] = rows.map((r, i) => {
          te = clamp(te + r.de);
          tl = clamp(tl + r.dl);
          return {
            kind: 'book_delta', seq: i + 1, tsEventNs: te, tsLocalNs: tl, instrument: 'x', updateId: BigInt(i), isSnapshot: i === 0,
            offset: 0, count: 2, sides: [0, 1], prices: [r.p, r.p + 7], sizes: [r.q, 0],
          };
        });
        for (const e of events) w.append(e);
        w.close();
        const back = [...readJournal(join(dir, 'j.bin'))] as Extract<Event, { kind: 'book_delta' }>[];
        expect(back.map((e) => [e.tsEventNs, e.tsLocalNs, Array.from(e.prices), Array.from(e.sizes)])).toEqual(
          events.map((e) => [e.tsEventNs, e.tsLocalNs, [rows[e.seq - 1]!.p, rows[e.seq - 1]!.p + 7], [rows[e.seq - 1]!.q, 0]]),
        );
      }),
      { numRuns: 30 },
    );
  });

  it('rejects a journal whose bytes were altered, naming the block', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const path = join(dir, 'j.bin');
    const w = new JournalWriter(path);
    for (const e of sample()) w.append(e);
    w.close();
    const bytes = readFileSync(path);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
    writeFileSync(path, bytes);
    expect(() => [...readJournal(path)]).toThrow(/checksum mismatch in block 0/);
  });
});
