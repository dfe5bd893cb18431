import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Event } from '@chassis/core';
import { EventDecoder, EventEncoder, JournalDecodeError, KIND_CODE } from './codec.ts';

/**
 * The journal's kind codes as [code, kind], part of the file format: journals on disk were written
 * with them, so a code never changes and a new kind takes a new code.
 */
const PINNED_KIND_CODES = Object.fromEntries(
  (
    [
      [0, 'book_delta'],
      [1, 'trade'],
      [2, 'bbo'],
      [3, 'order_accepted'],
      [4, 'order_rejected'],
      [5, 'order_filled'],
      [6, 'order_cancelled'],
      [7, 'order_replaced'],
      [8, 'cancel_replace_rejected'],
      [9, 'order_expired'],
      [10, 'request_sent'],
      [11, 'intent_denied'],
      [12, 'session'],
      [13, 'config_version'],
      [14, 'kill_switch'],
      [15, 'strategy_halted'],
      [16, 'feed_health'],
      [17, 'reconciliation'],
      [18, 'order_disposition'],
      [19, 'control_time'],
      [20, 'strategy_paused'],
      [21, 'flatten'],
    ] as const
  ).map(([code, kind]) => [kind, code]),
) as Record<Event['kind'], number>;

/**
 * Reference encoding written from the format description in codec.ts, in exact BigInt
 * arithmetic: kind code byte · seq (LEB128) · zigzag deltas of tsEventNs and tsLocalNs · the
 * kind's fields (integers and bigints as zigzag LEB128, booleans as one byte, interned strings as
 * table index + 1 or 0 followed by the string, raw strings as UTF-8 length + bytes) · for
 * book_delta the row count and per row side byte, zigzag price delta, zigzag size.
 */
class Reference {
  readonly out: number[] = [];
  private readonly table = new Map<string, number>();
  private prevE = 0n;
  private prevL = 0n;

  private leb(z: bigint): void {
    while (z >= 128n) {
      this.out.push(Number(z & 127n) | 128);
      z >>= 7n;
    }
    this.out.push(Number(z));
  }
  private zz(v: bigint): void {
    this.leb(v >= 0n ? 2n * v : -2n * v - 1n);
  }
  private raw(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.leb(BigInt(bytes.length));
    this.out.push(...bytes);
  }
  private interned(s: string): void {
    const idx = this.table.get(s);
    if (idx !== undefined) return this.leb(BigInt(idx + 1));
    this.table.set(s, this.table.size);
    this.leb(0n);
    this.raw(s);
  }

  write(e: Event): void {
    const rec = e as unknown as Record<string, unknown>;
    const code = PINNED_KIND_CODES[e.kind];
    this.out.push(code);
    this.leb(BigInt(e.seq));
    this.zz(e.tsEventNs - this.prevE);
    this.zz(e.tsLocalNs - this.prevL);
    this.prevE = e.tsEventNs;
    this.prevL = e.tsLocalNs;
    for (const [name, type] of FIELDS[e.kind]!) {
      const v = rec[name];
      if (type === 'i') this.zz(BigInt(v as number));
      else if (type === 'b') this.zz(v as bigint);
      else if (type === 'bool') this.out.push(v ? 1 : 0);
      else if (type === 's') this.interned(v as string);
      else this.raw(v as string);
    }
    if (e.kind === 'book_delta') {
      this.leb(BigInt(e.count));
      let prev = 0n;
      for (let i = e.offset; i < e.offset + e.count; i++) {
        this.out.push(e.sides[i]!);
        const p = BigInt(e.prices[i]!);
        this.zz(p - prev);
        prev = p;
        this.zz(BigInt(e.sizes[i]!));
      }
    }
  }
}

type T = 'i' | 'b' | 'bool' | 's' | 'S';
const EXEC: [string, T][] = [
  ['orderId', 'i'],
  ['requestSeq', 'i'],
];
/** The field order of codec.ts, restated for the kinds generated below. */
const FIELDS: Record<string, [string, T][]> = {
  book_delta: [
    ['instrument', 's'],
    ['updateId', 'b'],
    ['isSnapshot', 'bool'],
  ],
  trade: [
    ['instrument', 's'],
    ['tradeId', 'S'],
    ['priceUnits', 'i'],
    ['qtyUnits', 'i'],
    ['aggressor', 's'],
  ],
  bbo: [
    ['instrument', 's'],
    ['updateId', 'b'],
    ['bidPriceUnits', 'i'],
    ['bidQtyUnits', 'i'],
    ['askPriceUnits', 'i'],
    ['askQtyUnits', 'i'],
  ],
  order_accepted: [...EXEC, ['venueOrderId', 'S']],
  order_filled: [...EXEC, ['fillId', 'S'], ['priceUnits', 'i'], ['qtyUnits', 'i'], ['liquidity', 's'], ['feeUnits', 'b'], ['final', 'bool']],
  request_sent: [
    ['request', 's'],
    ['orderId', 'i'],
    ['instrument', 's'],
    ['side', 's'],
    ['orderType', 's'],
    ['priceUnits', 'i'],
    ['qtyUnits', 'i'],
    ['timeInForce', 's'],
    ['postOnly', 'bool'],
    ['reduceOnly', 'bool'],
    ['clientTag', 's'],
  ],
  control_time: [
    ['dueTsLocalNs', 'b'],
    ['reason', 's'],
    ['scope', 's'],
    ['obligationSeq', 'i'],
  ],
  kill_switch: [
    ['engaged', 'bool'],
    ['reason', 's'],
  ],
  config_version: [
    ['version', 's'],
    ['config', 'S'],
  ],
  reconciliation: [
    ['outcome', 's'],
    ['detail', 's'],
  ],
  strategy_paused: [
    ['paused', 'bool'],
    ['reason', 's'],
  ],
  flatten: [['reason', 's']],
};

// Edge values: int32 and 2^31/2^32 boundaries, the exact range ends -2^52 .. 2^53 - 1.
const int = fc.oneof(
  fc.integer({ min: -300, max: 300 }),
  fc.integer(),
  fc.integer({ min: -(2 ** 52), max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(0, 127, 128, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53 - 1, -(2 ** 52), 2 ** 52),
);
const qty = fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
const big = fc.oneof(
  fc.bigInt({ min: -300n, max: 300n }),
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }),
  fc.bigInt({ min: -(2n ** 90n), max: 2n ** 90n }),
  fc.constantFrom(-1n, 2n ** 52n, -(2n ** 52n), 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, -(2n ** 63n) - 1n),
);
// Timestamps anywhere in int64: consecutive events jump by small steps and by ~2^63 either way.
const ts = fc.oneof(fc.bigInt({ min: 1_723_161_255_000_000_000n, max: 1_723_161_256_000_000_000n }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ minLength: 40, maxLength: 140 }),
  fc.constantFrom('', 'é', '\ud800', '€'.repeat(43), 'x'.repeat(42), 'x'.repeat(43), 'x'.repeat(127), 'x'.repeat(128), 'ü'.repeat(42)),
);
const instrument = fc.constantFrom('binance-usdm:BTCUSDT', 'okx:BTC-USDT-SWAP', '', 'ünï');
const head = { seq: fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), tsEventNs: ts, tsLocalNs: ts };
const event: fc.Arbitrary<Event> = fc.oneof(
  fc.record({ kind: fc.constant('bbo' as const), ...head, instrument, updateId: big, bidPriceUnits: int, bidQtyUnits: qty, askPriceUnits: int, askQtyUnits: qty }),
  fc.record({ kind: fc.constant('trade' as const), ...head, instrument, tradeId: text, priceUnits: int, qtyUnits: qty, aggressor: fc.constantFrom('buy' as const, 'sell' as const, 'unknown' as const) }),
  fc
    .array(fc.record({ side: fc.constantFrom(0, 1), p: fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 2 ** 52 })), q: qty }), { maxLength: 40 })
    .chain((rows) =>
      fc.record({
        kind: fc.constant('book_delta' as const),
        ...head,
        instrument,
        updateId: big,
        isSnapshot: fc.boolean(),
        offset: fc.constant(2),
        count: fc.constant(rows.length),
        sides: fc.constant(Uint8Array.from([1, 0, ...rows.map((r) => r.side), 1])),
        prices: fc.constant(Float64Array.from([5, 6, ...rows.map((r) => r.p), 7])),
        sizes: fc.constant(Float64Array.from([1, 1, ...rows.map((r) => r.q), 1])),
      }),
    ),
  fc.record({ kind: fc.constant('order_accepted' as const), ...head, orderId: int, requestSeq: int, venueOrderId: text }),
  fc.record({
    kind: fc.constant('order_filled' as const), ...head, orderId: int, requestSeq: int, fillId: text, priceUnits: int, qtyUnits: qty,
    liquidity: fc.constantFrom('maker' as const, 'taker' as const), feeUnits: big, final: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('request_sent' as const), ...head, request: fc.constantFrom('new' as const, 'replace' as const, 'cancel' as const), orderId: int, instrument,
    side: fc.constantFrom('buy' as const, 'sell' as const), orderType: fc.constantFrom('limit' as const, 'market' as const), priceUnits: int, qtyUnits: qty,
    timeInForce: fc.constantFrom('GTC' as const, 'IOC' as const, 'FOK' as const), postOnly: fc.boolean(), reduceOnly: fc.boolean(), clientTag: text,
  }),
  fc.record({ kind: fc.constant('control_time' as const), ...head, dueTsLocalNs: big, reason: fc.constant('rate_limit' as const), scope: text, obligationSeq: int }),
  fc.record({ kind: fc.constant('kill_switch' as const), ...head, engaged: fc.boolean(), reason: text }),
  fc.record({ kind: fc.constant('config_version' as const), ...head, version: text, config: fc.oneof(text, fc.constant('{"risk":{"maxOrderNotionalUnits":"90000000000000000000","maxOrderQtyUnits":5}}')) }),
  fc.record({ kind: fc.constant('reconciliation' as const), ...head, outcome: fc.constantFrom('matched' as const, 'mismatch' as const, 'resolved' as const), detail: text }),
  fc.record({ kind: fc.constant('strategy_paused' as const), ...head, paused: fc.boolean(), reason: text }),
  fc.record({ kind: fc.constant('flatten' as const), ...head, reason: text }),
);

function encode(events: readonly Event[], initialBytes = 16): Uint8Array {
  const enc = new EventEncoder(initialBytes);
  for (const e of events) enc.write(e);
  return enc.buf.slice(0, enc.pos);
}

function reference(events: readonly Event[]): Uint8Array {
  const ref = new Reference();
  for (const e of events) ref.write(e);
  return Uint8Array.from(ref.out);
}

function wellFormed(s: string): boolean {
  return !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''));
}

/** An event as plain comparable data (book rows as arrays of the referenced slice). */
function plain(e: Event): unknown {
  if (e.kind !== 'book_delta') return e;
  const { sides, prices, sizes, offset, count, ...rest } = e;
  const rows = (a: ArrayLike<number>): number[] => Array.from({ length: count }, (_, i) => a[offset + i]!);
  return { ...rest, count, sides: rows(sides), prices: rows(prices), sizes: rows(sizes) };
}

describe('event codec', () => {
  it('writes exactly the reference bytes for random events of every kind, edge values included', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        expect(Buffer.from(encode(events)).toString('hex')).toBe(Buffer.from(reference(events)).toString('hex'));
      }),
      { numRuns: 400 },
    );
  });

  it('decodes what it encodes, with the stream cut into blocks at any record boundary', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 40 }), fc.nat(), (events, cut) => {
        // As the journal does: one encoder whose buffer is taken and reset between blocks; one
        // decoder fed block by block (string table and timestamp bases span blocks).
        // Lone surrogates are written as U+FFFD (UTF-8 has no encoding for them): not round-trippable.
        fc.pre(events.every((e) => Object.values(e).every((v) => typeof v !== 'string' || wellFormed(v))));
        const at = cut % (events.length + 1);
        const enc = new EventEncoder(16);
        const blocks: Uint8Array[] = [];
        for (const part of [events.slice(0, at), events.slice(at)]) {
          for (const e of part) enc.write(e);
          blocks.push(enc.buf.slice(0, enc.pos));
          enc.reset();
        }
        const dec = new EventDecoder();
        const back: unknown[] = [];
        for (const block of blocks) {
          dec.feed(block);
          while (!dec.done) back.push(plain(dec.read()));
        }
        expect(back).toEqual(events.map(plain));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves the buffer, string table and timestamp bases untouched when an event cannot be encoded', () => {
    const t = 1_723_161_255_030_314_667n;
    const ok1: Event = { kind: 'trade', seq: 1, tsEventNs: t, tsLocalNs: t, instrument: 'a', tradeId: '1', priceUnits: 10, qtyUnits: 1, aggressor: 'buy' };
    // New instrument and aggressor strings, a far timestamp, then a non-integer quantity.
    const bad: Event = { kind: 'trade', seq: 2, tsEventNs: t + 2n ** 60n, tsLocalNs: 0n, instrument: 'b', tradeId: '2', priceUnits: 11, qtyUnits: 0.5, aggressor: 'unknown' };
    const ok2: Event = { kind: 'trade', seq: 2, tsEventNs: t + 5n, tsLocalNs: t + 7n, instrument: 'b', tradeId: '3', priceUnits: 12, qtyUnits: 2, aggressor: 'unknown' };
    const enc = new EventEncoder(16);
    enc.write(ok1);
    expect(() => enc.write(bad)).toThrow(/field qtyUnits is not a safe integer \(0.5\)/);
    enc.write(ok2);
    expect(Buffer.from(enc.buf.subarray(0, enc.pos)).toString('hex')).toBe(Buffer.from(reference([ok1, ok2])).toString('hex'));
  });

  it('refuses integers below -2^52, whose zigzag varint would not be exact, naming the field', () => {
    const e: Event = { kind: 'bbo', seq: 1, tsEventNs: 0n, tsLocalNs: 0n, instrument: 'a', updateId: 1n, bidPriceUnits: 1, bidQtyUnits: 1, askPriceUnits: -(2 ** 52) - 1, askQtyUnits: 1 };
    expect(() => new EventEncoder().write(e)).toThrow(/field askPriceUnits is below -2\^52/);
    const d: Event = {
      kind: 'book_delta', seq: 1, tsEventNs: 0n, tsLocalNs: 0n, instrument: 'a', updateId: 1n, isSnapshot: true,
      offset: 0, count: 2, sides: [0, 1], prices: [2 ** 52 + 2, 0], sizes: [1, 1],
    };
    expect(() => new EventEncoder().write(d)).toThrow(/field prices is below -2\^52/);
  });

  it('encodes an empty instrument name as an interned string like any other', () => {
    const e: Event = { kind: 'bbo', seq: 1, tsEventNs: 5n, tsLocalNs: 6n, instrument: '', updateId: -1n, bidPriceUnits: 1, bidQtyUnits: 2, askPriceUnits: 3, askQtyUnits: 4 };
    const bytes = encode([e, { ...e, seq: 2 }]);
    expect(Array.from(bytes)).toEqual(Array.from(reference([e, { ...e, seq: 2 }])));
    const dec = new EventDecoder();
    dec.feed(bytes);
    expect([dec.read(), dec.read()]).toEqual([e, { ...e, seq: 2 }]);
  });
});

describe('journal kind codes', () => {
  it('are the pinned table: every event kind has its own explicit code, unchanged by the order the schemas are written in', () => {
    expect(KIND_CODE).toEqual(PINNED_KIND_CODES);
  });

  it('decoding an unknown kind code is an error naming the code and the byte offset in the block', () => {
    const enc = new EventEncoder();
    enc.write({ kind: 'session', seq: 1, tsEventNs: 5n, tsLocalNs: 5n, state: 'start', sessionId: 's' } as Event);
    const good = enc.pos;
    const block = new Uint8Array(good + 1);
    block.set(enc.buf.subarray(0, good));
    block[good] = 200;
    const dec = new EventDecoder();
    dec.feed(block);
    expect(dec.read().kind).toBe('session');
    let err: unknown;
    try {
      dec.read();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JournalDecodeError);
    expect((err as JournalDecodeError).offset).toBe(good);
    expect((err as Error).message).toBe(`unknown event kind code 200 at byte ${good} of the block`);
  });
});
