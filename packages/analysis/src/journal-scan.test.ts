import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import type { Event } from '@chassis/core';
import { JournalWriter, readJournal } from '@chassis/backtesting';
import { scanJournal, type JournalScanSink } from './journal-scan.ts';

const dir = mkdtempSync(join(tmpdir(), 'chassis-scan-'));
let files = 0;

function writeJournal(events: readonly Event[], blockBytes = 256): string {
  const path = join(dir, `j${files++}.bin`);
  const w = new JournalWriter(path, blockBytes);
  for (const e of events) w.append(e);
  w.close();
  return path;
}

/** The reference: readJournal, with market records turned into what the scan hands out (toMs in BigInt). */
function expected(path: string) {
  const toMs = (ns: bigint) => Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
  const calls: unknown[] = [];
  const all = [...readJournal(path)];
  for (const e of all) {
    if (e.kind === 'bbo') calls.push(['bbo', e.instrument, toMs(e.tsLocalNs), e.bidPriceUnits, e.bidQtyUnits, e.askPriceUnits, e.askQtyUnits]);
    else if (e.kind === 'trade') calls.push(['trade', e.instrument, toMs(e.tsLocalNs), e.priceUnits]);
    else if (e.kind !== 'book_delta') calls.push(['own', e, toMs(e.tsLocalNs)]);
  }
  const market = all.filter((e) => e.kind === 'bbo' || e.kind === 'trade' || e.kind === 'book_delta').length;
  return { calls, summary: { events: all.length, marketEvents: market, referencedMarketEvents: 0, startMs: all.length ? toMs(all[0]!.tsLocalNs) : 0, endMs: all.length ? toMs(all.at(-1)!.tsLocalNs) : 0 } };
}

function scanned(path: string) {
  const calls: unknown[] = [];
  const sink: JournalScanSink = {
    bbo: (...a) => calls.push(['bbo', ...a]),
    trade: (...a) => calls.push(['trade', ...a]),
    own: (e, t) => calls.push(['own', e, t]),
  };
  const summary = scanJournal(path, sink);
  return { calls, summary };
}

// Times since the epoch (non-negative): close together, a day apart, or anywhere up to 2^63 − 1.
const ts = fc.oneof(
  fc.bigInt({ min: 1_723_161_255_000_000_000n, max: 1_723_161_256_000_000_000n }),
  fc.bigInt({ min: 1_723_161_255_000_000_000n, max: 1_723_247_655_000_000_000n }),
  fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
);
const int = fc.oneof(fc.integer({ min: -300, max: 300 }), fc.integer(), fc.integer({ min: -(2 ** 52), max: Number.MAX_SAFE_INTEGER }));
const qty = fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
const big = fc.oneof(fc.bigInt({ min: -300n, max: 300n }), fc.bigInt({ min: -(2n ** 90n), max: 2n ** 90n }));
const text = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ minLength: 120, maxLength: 300 }), fc.constantFrom('', 'é', '€'.repeat(43)));
// Strings first seen in market records (an instrument, an aggressor) must enter the scan's string table too.
const instrument = fc.constantFrom('binance-usdm:BTCUSDT', 'okx:BTC-USDT-SWAP', '', 'ünï');
const head = { seq: fc.nat(), tsEventNs: ts, tsLocalNs: ts };
const levelRows = fc.array(fc.record({ side: fc.constantFrom(0, 1), p: fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 2 ** 52 })), q: qty }), { maxLength: 60 });
/** Fields of each kind the scan meets (market kinds it reads in place, own kinds it decodes), beside seq and the two times. */
const FIELDS: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
  bbo: { instrument, updateId: big, bidPriceUnits: int, bidQtyUnits: qty, askPriceUnits: int, askQtyUnits: qty },
  trade: { instrument, tradeId: text, priceUnits: int, qtyUnits: qty, aggressor: fc.constantFrom('buy', 'sell', 'unknown') },
  order_accepted: { orderId: int, requestSeq: int, venueOrderId: text },
  order_filled: { orderId: int, requestSeq: int, fillId: text, priceUnits: int, qtyUnits: qty, liquidity: fc.constantFrom('maker', 'taker'), feeUnits: big, final: fc.boolean() },
  request_sent: {
    request: fc.constantFrom('new', 'replace', 'cancel'), orderId: int, instrument, side: fc.constantFrom('buy', 'sell'), orderType: fc.constantFrom('limit', 'market'),
    priceUnits: int, qtyUnits: qty, timeInForce: fc.constantFrom('GTC', 'IOC', 'FOK'), postOnly: fc.boolean(), reduceOnly: fc.boolean(), clientTag: text,
  },
  session: { state: fc.constantFrom('start', 'end'), sessionId: text },
  control_time: { dueTsLocalNs: big, reason: fc.constant('rate_limit'), scope: text, obligationSeq: int },
};
const bookDelta = fc.tuple(fc.record({ ...head, instrument, updateId: big, isSnapshot: fc.boolean() }), levelRows).map(([h, rows]) => ({
  kind: 'book_delta' as const, ...h, offset: 0, count: rows.length,
  sides: Uint8Array.from(rows.map((r) => r.side)), prices: Float64Array.from(rows.map((r) => r.p)), sizes: Float64Array.from(rows.map((r) => r.q)),
}));
const event = fc.oneof(bookDelta, ...Object.entries(FIELDS).map(([kind, fields]) => fc.record({ kind: fc.constant(kind), ...head, ...fields }))) as fc.Arbitrary<Event>;

describe('journal scan', () => {
  it('hands out the own events readJournal decodes and the bbo/trade numbers at toMs of their local time, skipping book_delta rows', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), fc.constantFrom(64, 256, 1 << 16), (events, blockBytes) => {
        const path = writeJournal(events, blockBytes);
        const want = expected(path);
        const got = scanned(path);
        expect(got.summary).toEqual(want.summary);
        expect(got.calls).toEqual(want.calls);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a journal by reference (format 2): its own events, and the market events its blocks stand for counted, not read', () => {
    // Built from the format description (backtesting journal.ts): the records of the own events
    // (one format-1 block of them), prefixed with the block's market reference, format byte 2.
    const own: Event[] = [
      { kind: 'session', seq: 1, tsEventNs: 1_723_161_255_088_169_167n, tsLocalNs: 1_723_161_255_088_169_167n, state: 'start', sessionId: 'r' },
      { kind: 'order_accepted', seq: 5, tsEventNs: 1_723_161_255_090_000_000n, tsLocalNs: 1_723_161_255_091_000_500n, orderId: 1, requestSeq: 2, venueOrderId: 'v1' },
      { kind: 'session', seq: 9, tsEventNs: 1_723_161_256_000_000_001n, tsLocalNs: 1_723_161_256_000_000_001n, state: 'end', sessionId: 'r' },
    ] as Event[];
    const v1 = readFileSync(writeJournal(own, 1 << 16));
    const records = v1.subarray(9 + 12);
    const reference = Uint8Array.from([1, 6, 0, 0, 0, 0, 0, 0, 0, 0]); // first seq 1, 6 market events, digest
    const payload = Buffer.concat([reference, records]);
    const header = Buffer.alloc(12);
    header.writeUInt32LE(payload.length, 0);
    header.writeUInt32LE(9, 4);
    header.writeUInt32LE(crc32(payload), 8);
    const head = Buffer.from(v1.subarray(0, 9));
    head.writeUInt8(2, 8);
    const path = join(dir, 'by-reference.bin');
    writeFileSync(path, Buffer.concat([head, header, payload]));
    const got = scanned(path);
    const toMs = (ns: bigint) => Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
    expect(got.calls).toEqual(own.map((e) => ['own', e, toMs(e.tsLocalNs)]));
    expect(got.summary).toEqual({ events: 9, marketEvents: 0, referencedMarketEvents: 6, startMs: toMs(own[0]!.tsLocalNs), endMs: toMs(own[2]!.tsLocalNs) });
  });

  it("reads the backtest writer's journals by reference: the own events readJournal gives, the market events counted", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), fc.constantFrom(64, 1 << 16), fc.constantFrom(3, 8192), (raw, blockBytes, marketPerBlock) => {
        const events = raw.map((e, i) => ({ ...e, seq: i + 1 }) as Event); // a journal by reference needs gap-free seqs
        const path = join(dir, `ref${files++}.bin`);
        const w = new JournalWriter(path, { blockBytes, marketByReference: true, marketPerBlock });
        for (const e of events) if (e.kind === 'bbo' || e.kind === 'trade' || e.kind === 'book_delta') w.market(e);
        else w.append(e);
        w.close();
        const own = [...readJournal(path)];
        const toMs = (ns: bigint) => Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
        const got = scanned(path);
        expect(got.calls).toEqual(own.map((e) => ['own', e, toMs(e.tsLocalNs)]));
        expect(got.summary).toEqual({
          events: events.length,
          marketEvents: 0,
          referencedMarketEvents: events.length - own.length,
          startMs: own.length ? toMs(own[0]!.tsLocalNs) : 0,
          endMs: own.length ? toMs(own.at(-1)!.tsLocalNs) : 0,
        });
      }),
      { numRuns: 200 },
    );
  });

  it('reports a block whose bytes changed as E_JOURNAL_CORRUPT naming the block', () => {
    const path = writeJournal([{ kind: 'session', seq: 1, tsEventNs: 5n, tsLocalNs: 5n, state: 'start', sessionId: 's' } as Event]);
    const bytes = readFileSync(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    writeFileSync(path, bytes);
    expect(() => scanned(path)).toThrow(expect.objectContaining({ code: 'E_JOURNAL_CORRUPT', message: expect.stringMatching(/checksum mismatch in block 0 at byte 9/) }));
  });

  it('reads nothing and returns undefined for a journal of another format version', () => {
    const path = writeJournal([{ kind: 'session', seq: 1, tsEventNs: 5n, tsLocalNs: 5n, state: 'start', sessionId: 's' } as Event]);
    const bytes = readFileSync(path);
    bytes[8] = 99; // the version byte after the magic
    writeFileSync(path, bytes);
    expect(scanJournal(path, { bbo: () => {}, trade: () => {}, own: () => {} })).toBeUndefined();
  });

  it('names a missing journal with E_JOURNAL_MISSING', () => {
    expect(() => scanned(join(dir, 'none.bin'))).toThrow(/cannot open the journal/);
  });
});
