import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { appendFileSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event } from '@chassis/core';
import { JournalWriter, readJournal, StreamDigest } from './journal.ts';
import { JournalAppender } from './journal-appender.ts';

const T0 = 1_723_161_255_030_314_667n;

/** Event `seq` of a deterministic stream mixing the kinds whose encodings differ (interned strings, deltas, bigints, book rows). */
function eventAt(seq: number): Event {
  const t = T0 + BigInt(seq) * 1_000_003n;
  const instrument = seq % 3 === 0 ? 'binance-usdm:ETHUSDT' : 'binance-usdm:BTCUSDT';
  switch (seq % 4) {
    case 0:
      return {
        kind: 'trade',
        seq,
        tsEventNs: t - 17n,
        tsLocalNs: t,
        instrument,
        tradeId: `t${seq}`,
        priceUnits: 6_000_000 + seq,
        qtyUnits: seq % 11,
        aggressor: 'buy',
      };
    case 1:
      return {
        kind: 'book_delta',
        seq,
        tsEventNs: t - 5n,
        tsLocalNs: t,
        instrument,
        updateId: BigInt(seq) * 7n,
        isSnapshot: false,
        offset: 0,
        count: 3,
        sides: Uint8Array.from([0, 0, 1]),
        prices: Float64Array.from([6_000_000 - seq, 5_999_990, 6_000_010 + seq]),
        sizes: Float64Array.from([seq, 0, 3]),
      };
    case 2:
      return {
        kind: 'order_filled',
        seq,
        tsEventNs: t,
        tsLocalNs: t + 40n,
        orderId: seq,
        requestSeq: -1,
        fillId: `f${seq}`,
        priceUnits: 6_000_000,
        qtyUnits: 1,
        liquidity: 'maker',
        feeUnits: -BigInt(seq),
        final: seq % 8 === 2,
      };
    default:
      return {
        kind: 'feed_health',
        seq,
        tsEventNs: t,
        tsLocalNs: t,
        instrument,
        state: seq % 8 === 3 ? 'degraded' : 'restored',
        reason: 'gap',
      };
  }
}

/** Splits seqs 1..n into blocks of the given sizes (cycled). */
function blocksOf(sizes: readonly number[], n: number): Event[][] {
  const out: Event[][] = [];
  for (let seq = 1, k = 0; seq <= n; k++) {
    const size = Math.min(sizes[k % sizes.length]!, n - seq + 1);
    out.push(Array.from({ length: size }, (_, i) => eventAt(seq + i)));
    seq += size;
  }
  return out;
}

function writeBlocks(blocks: readonly Event[][]): { path: string; ends: number[] } {
  const path = join(mkdtempSync(join(tmpdir(), 'wal-')), 'journal.bin');
  const a = JournalAppender.create(path);
  const ends = [a.size];
  for (const b of blocks) {
    a.appendBlock(b);
    ends.push(a.size);
  }
  a.close();
  return { path, ends };
}

/** Decoded events compare with the book rows as plain arrays. */
function plain(events: readonly Event[]): unknown[] {
  return events.map((e) =>
    e.kind === 'book_delta'
      ? { ...e, sides: Array.from(e.sides), prices: Array.from(e.prices), sizes: Array.from(e.sizes) }
      : e,
  );
}

describe('JournalAppender', () => {
  it('writes one block per call that readJournal reads back event for event', () => {
    const blocks = blocksOf([1, 4, 2], 40);
    const { path } = writeBlocks(blocks);
    expect(plain([...readJournal(path)])).toEqual(plain(blocks.flat()));
  });

  it('gives the same stream digest as the backtest journal writer and as StreamDigest over the decoded events', () => {
    const events = blocksOf([3], 30).flat();
    const dir = mkdtempSync(join(tmpdir(), 'wal-'));
    const w = new JournalWriter(join(dir, 'backtest.bin'), 64);
    for (const e of events) w.append(e);
    const a = JournalAppender.create(join(dir, 'session.bin'));
    for (const b of blocksOf([3], 30)) a.appendBlock(b);
    const d = new StreamDigest();
    for (const e of readJournal(join(dir, 'session.bin'))) d.add(e);
    expect(a.streamDigest()).toBe(w.streamDigest());
    expect(a.streamDigest()).toBe(d.digest());
    w.close();
    a.close();
  });

  it('refuses a block whose seqs do not continue the journal', () => {
    const a = JournalAppender.create(join(mkdtempSync(join(tmpdir(), 'wal-')), 'j.bin'));
    a.appendBlock([eventAt(1), eventAt(2)]);
    expect(() => a.appendBlock([eventAt(4)])).toThrow(
      /event 0 of the block has seq 4, expected 3 \(the journal ends at seq 2\)/,
    );
    expect(() => a.appendBlock([eventAt(3), eventAt(5)])).toThrow(/event 1 of the block has seq 5, expected 4/);
    a.close();
  });

  it('refuses to create over an existing journal', () => {
    const { path } = writeBlocks(blocksOf([2], 4));
    expect(() => JournalAppender.create(path)).toThrow(expect.objectContaining({ code: 'E_JOURNAL_EXISTS' }));
  });

  it('recovers a journal cut at any byte to exactly the events of its complete blocks, cuts the rest, and appends after them', () => {
    const blocks = blocksOf([1, 3, 2, 5], 37);
    const { path, ends } = writeBlocks(blocks);
    const full = readFileSync(path);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: full.length }), (cutAt) => {
        writeFileSync(path, full.subarray(0, cutAt));
        const { appender, recovered } = JournalAppender.recover(path);
        // Oracle: the block ends recorded while writing, independent of the reader.
        const complete = ends.filter((e, i) => i > 0 && e <= cutAt).length;
        const kept = blocks.slice(0, complete).flat();
        expect(plain(recovered.events)).toEqual(plain(kept));
        const goodEnd = cutAt < ends[0]! ? ends[0]! : ends[complete]!;
        expect(statSync(path).size).toBe(goodEnd);
        expect(recovered.cut === null).toBe(cutAt === goodEnd || cutAt === 0);
        if (recovered.cut && cutAt >= ends[0]!)
          expect(recovered.cut).toMatchObject({
            block: complete,
            atByte: goodEnd,
            bytesCut: cutAt - goodEnd,
            afterSeq: kept.at(-1)?.seq ?? 0,
          });
        const next = eventAt(kept.length + 1);
        appender.appendBlock([next]);
        appender.close();
        expect(plain([...readJournal(path)])).toEqual(plain([...kept, next]));
      }),
      { numRuns: 150 },
    );
  });

  it('continues the record encoding after recovery: the stream digest equals that of one uninterrupted writer', () => {
    const { path } = writeBlocks(blocksOf([2, 3], 20));
    const { appender } = JournalAppender.recover(path);
    appender.appendBlock([eventAt(21), eventAt(22)]);
    const once = JournalAppender.create(join(mkdtempSync(join(tmpdir(), 'wal-')), 'j.bin'));
    for (const b of blocksOf([2, 3], 22)) once.appendBlock(b);
    expect(appender.streamDigest()).toBe(once.streamDigest());
    appender.close();
    once.close();
  });

  it('cuts a zero-filled tail (space a machine crash allocated but never wrote)', () => {
    const blocks = blocksOf([2], 10);
    const { path, ends } = writeBlocks(blocks);
    appendFileSync(path, new Uint8Array(100));
    const { appender, recovered } = JournalAppender.recover(path);
    appender.close();
    expect(recovered.events).toHaveLength(10);
    expect(recovered.cut).toMatchObject({ atByte: ends.at(-1), bytesCut: 100 });
  });

  it('refuses to cut a damaged block that good blocks follow, naming the block, and leaves the file as it was', () => {
    const { path, ends } = writeBlocks(blocksOf([2], 10));
    const bytes = readFileSync(path);
    bytes[ends[2]! + 14] = bytes[ends[2]! + 14]! ^ 0xff;
    writeFileSync(path, bytes);
    expect(() => JournalAppender.recover(path)).toThrow(
      new RegExp(`checksum mismatch in block 2 at byte ${ends[2]}.*not a torn final block`),
    );
    expect(readFileSync(path)).toEqual(bytes);
  });

  it('restarts a journal whose file header was torn while it was being created', () => {
    const { path } = writeBlocks([]);
    truncateSync(path, 4);
    const { appender, recovered } = JournalAppender.recover(path);
    appender.appendBlock([eventAt(1)]);
    appender.close();
    expect(recovered.cut).toMatchObject({ bytesCut: 4 });
    expect([...readJournal(path)]).toEqual([eventAt(1)]);
  });
});

describe('JournalAppender and a backtest journal', () => {
  it('refuses to recover a journal by reference (format 2) for appending', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'appender-ref-')), 'journal.bin');
    const w = new JournalWriter(path, { marketByReference: true });
    w.append({ kind: 'session', seq: 1, tsEventNs: 1n, tsLocalNs: 1n, state: 'start', sessionId: 's' });
    w.close();
    expect(() => JournalAppender.recover(path)).toThrow(expect.objectContaining({ code: 'E_JOURNAL_CORRUPT', message: expect.stringContaining('is a backtest journal (market events by reference)') }));
  });
});
