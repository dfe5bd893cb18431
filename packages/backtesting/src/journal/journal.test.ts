import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event } from '@chassis/core';
import { crc32 } from 'node:zlib';
import { BLOCK_HEADER_BYTES, FORMAT_BY_REFERENCE, JOURNAL_HEAD_BYTES, JournalWriter, journalBlocks, journalFormat, readJournal, fileSha256 } from './journal.ts';
import { MarketDigest } from './market-digest.ts';

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

  /** A journal of `n` trades in blocks of about `blockBytes`; returns its path and the file offset where each block starts. */
  function tradesJournal(n: number, blockBytes: number): { path: string; events: Event[]; blockStarts: number[] } {
    const path = join(mkdtempSync(join(tmpdir(), 'journal-')), 'j.bin');
    const w = new JournalWriter(path, blockBytes);
    const events: Event[] = [];
    for (let i = 1; i <= n; i++) {
      const e: Event = {
        kind: 'trade',
        seq: i,
        tsEventNs: BigInt(i) * 1000n,
        tsLocalNs: BigInt(i) * 1000n + 7n,
        instrument: 'x:Y',
        tradeId: `t${i}`,
        priceUnits: 100 + (i % 13),
        qtyUnits: i,
        aggressor: i % 2 ? 'buy' : 'sell',
      };
      events.push(e);
      w.append(e);
    }
    w.close();
    // Block framing restated from the format: 9-byte file header, then u32 payload length · u32 count · u32 crc · payload.
    const bytes = readFileSync(path);
    const blockStarts: number[] = [];
    for (let pos = 9; pos < bytes.length; pos += 12 + bytes.readUInt32LE(pos)) blockStarts.push(pos);
    return { path, events, blockStarts };
  }

  it('reads block by block: a block damaged on disk after reading began is reported when reached, naming the block and its byte offset', () => {
    const { path, blockStarts } = tradesJournal(400, 256);
    expect(blockStarts.length).toBeGreaterThan(3);
    const it = readJournal(path);
    expect(it.next().value).toMatchObject({ seq: 1 });
    const last = blockStarts.length - 1;
    const bytes = readFileSync(path);
    bytes[blockStarts[last]! + 12] = bytes[blockStarts[last]! + 12]! ^ 0xff;
    writeFileSync(path, bytes);
    expect(() => {
      for (let r = it.next(); !r.done; r = it.next());
    }).toThrow(`${path}: checksum mismatch in block ${last} at byte ${blockStarts[last]}`);
  });

  it('a journal cut inside a block payload is E_JOURNAL_CORRUPT naming the block, its offset and the missing bytes, after yielding every whole block', () => {
    const { path, events, blockStarts } = tradesJournal(400, 256);
    const last = blockStarts.length - 1;
    const size = statSync(path).size;
    truncateSync(path, size - 5);
    const seen: Event[] = [];
    let err: unknown;
    try {
      for (const e of readJournal(path)) seen.push(e);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'E_JOURNAL_CORRUPT' });
    const payload = size - blockStarts[last]! - 12;
    expect((err as Error).message).toBe(
      `${path}: truncated block ${last} at byte ${blockStarts[last]} (after seq ${seen.at(-1)!.seq}): header gives ${payload} payload bytes, the file has ${payload - 5}`,
    );
    expect(seen).toEqual(events.slice(0, seen.length));
  });

  it('a journal cut inside a block header is E_JOURNAL_CORRUPT naming the block and its offset', () => {
    const { path, blockStarts } = tradesJournal(400, 256);
    const last = blockStarts.length - 1;
    truncateSync(path, blockStarts[last]! + 5);
    expect(() => [...readJournal(path)]).toThrow(
      new RegExp(`^${path}: truncated header of block ${last} at byte ${blockStarts[last]} \\(after seq \\d+\\)$`),
    );
  });
});

describe('journal format 2 (market events by reference)', () => {
  const isMarket = (e: Event): e is Extract<Event, { kind: 'book_delta' | 'trade' | 'bbo' }> => e.kind === 'book_delta' || e.kind === 'trade' || e.kind === 'bbo';
  function write(events: readonly Event[], options: { blockBytes?: number; marketPerBlock?: number } = {}): string {
    const path = join(mkdtempSync(join(tmpdir(), 'journal-ref-')), 'j.bin');
    const w = new JournalWriter(path, { ...options, marketByReference: true });
    for (const e of events) {
      if (isMarket(e)) w.market(e);
      else w.append(e);
    }
    w.close();
    return path;
  }

  it('stores the own events, and per block the seqs it stands for with the count and digest of the market events among them', () => {
    const path = write(sample());
    expect(journalFormat(path)).toBe(FORMAT_BY_REFERENCE);
    expect([...readJournal(path)]).toEqual(sample().filter((e) => !isMarket(e)));
    const blocks = [...journalBlocks(path)];
    expect(blocks).toHaveLength(1);
    const digest = new MarketDigest();
    for (const e of sample()) if (isMarket(e)) digest.add(e);
    expect(blocks[0]!.market).toEqual({ fromSeq: 1, toSeq: 6, events: 2, digest: digest.hex() });
  });

  it('cuts a block after marketPerBlock market events, so every block stands for a bounded seq range', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 9 }), (marketAt, perBlock) => {
        const t = 1_000n;
        const events: Event[] = marketAt.map((m, i) =>
          m
            ? { kind: 'trade', seq: i + 1, tsEventNs: t, tsLocalNs: t, instrument: 'x', tradeId: `${i}`, priceUnits: i, qtyUnits: 1, aggressor: 'buy' }
            : { kind: 'control_time', seq: i + 1, tsEventNs: t, tsLocalNs: t, dueTsLocalNs: t, reason: 'rate_limit', scope: 'v', obligationSeq: i },
        );
        const blocks = [...journalBlocks(write(events, { marketPerBlock: perBlock, blockBytes: 64 }))];
        let next = 1;
        for (const b of blocks) {
          expect(b.market!.fromSeq).toBe(next);
          expect(b.market!.events).toBeLessThanOrEqual(perBlock);
          expect(b.events.length + b.market!.events).toBe(b.market!.toSeq - b.market!.fromSeq + 1);
          next = b.market!.toSeq + 1;
        }
        expect(next).toBe(events.length + 1);
        expect(blocks.flatMap((b) => b.events.map((e) => e.seq))).toEqual(events.filter((e) => !isMarket(e)).map((e) => e.seq));
      }),
    );
  });

  it('refuses a gap in the stream: a block by reference stands for consecutive seqs', () => {
    const w = new JournalWriter(join(mkdtempSync(join(tmpdir(), 'journal-ref-')), 'j.bin'), { marketByReference: true });
    const [first, , third] = sample();
    w.append(first!);
    expect(() => w.market(third as Extract<Event, { kind: 'trade' }>)).toThrow(expect.objectContaining({ code: 'E_JOURNAL_WRITE', message: expect.stringContaining('seq 3 after 1') }));
  });

  it('reports a market reference claiming more events than its block as E_JOURNAL_CORRUPT naming the block', () => {
    const path = write(sample());
    const bytes = readFileSync(path);
    const at = JOURNAL_HEAD_BYTES + BLOCK_HEADER_BYTES;
    bytes[at + 1] = 100; // market events: 100 in a block of 6
    bytes.writeUInt32LE(crc32(bytes.subarray(at, at + bytes.readUInt32LE(JOURNAL_HEAD_BYTES))), JOURNAL_HEAD_BYTES + 8);
    writeFileSync(path, bytes);
    expect(() => [...readJournal(path)]).toThrow(/block 0 at byte 9 \(after seq 0\): market reference of 100 events in a block of 6/);
  });
});
