import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Fnv1a64, fnv1a64Bytes } from './state-hash.ts';

/** FNV-1a 64 straight from its definition, in bigint arithmetic. */
function reference(bytes: readonly number[]): string {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

/** The byte encoding Fnv1a64 documents for a number, a string and a bigint. */
const u32Bytes = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const strBytes = (s: string): number[] => [...u32Bytes(s.length), ...[...s].flatMap((ch) => Array.from({ length: ch.length }, (_, i) => ch.charCodeAt(i))).flatMap((c) => [c & 0xff, c >>> 8])];
const numBytes = (v: number): number[] =>
  Number.isSafeInteger(v) ? [v < 0 ? 1 : 0, ...u32Bytes(Math.abs(v) >>> 0), ...u32Bytes(Math.floor(Math.abs(v) / 2 ** 32) >>> 0)] : [2, ...strBytes(String(v))];

describe('Fnv1a64', () => {
  it('matches the published FNV-1a 64 test vectors', () => {
    const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
    expect(fnv1a64Bytes([])).toBe('cbf29ce484222325');
    expect(fnv1a64Bytes(ascii('a'))).toBe('af63dc4c8601ec8c');
    expect(fnv1a64Bytes(ascii('foobar'))).toBe('85944171f73967e8');
  });

  it('equals the bigint definition on any byte sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 300 }), (bytes) => {
        expect(fnv1a64Bytes(bytes)).toBe(reference(bytes));
      }),
    );
  });

  it('equals the bigint definition after every byte of a long stream, every carry of the low word into the high one met', () => {
    // The high word takes floor(lo · 0x1b3 / 2^32), 0..434, from a double product: check each value occurs.
    const h = new Fnv1a64();
    let ref = 0xcbf29ce484222325n;
    const carries = new Set<bigint>();
    let seed = 1;
    let firstMismatch = -1;
    for (let i = 0; i < 60_000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      const b = (seed >>> 16) & 0xff;
      ref ^= BigInt(b);
      carries.add(((ref & 0xffffffffn) * 0x1b3n) >> 32n);
      ref = (ref * 0x100000001b3n) & 0xffffffffffffffffn;
      h.byte(b);
      if (firstMismatch < 0 && h.hex() !== ref.toString(16).padStart(16, '0')) firstMismatch = i;
    }
    expect(firstMismatch).toBe(-1);
    expect(carries.size).toBe(0x1b3);
  });

  it('hashes numbers, strings, bigints and booleans as their documented bytes', () => {
    const value = fc.oneof(
      fc.record({ t: fc.constant('num' as const), v: fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.double()) }),
      fc.record({ t: fc.constant('str' as const), v: fc.string({ unit: 'binary' }) }),
      fc.record({ t: fc.constant('big' as const), v: fc.bigInt() }),
      fc.record({ t: fc.constant('bool' as const), v: fc.boolean() }),
      fc.record({ t: fc.constant('u32' as const), v: fc.nat({ max: 0xffffffff }) }),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 20 }), (values) => {
        const h = new Fnv1a64();
        const bytes: number[] = [];
        for (const x of values) {
          if (x.t === 'num') {
            h.num(x.v);
            bytes.push(...numBytes(x.v));
          } else if (x.t === 'str') {
            h.str(x.v);
            bytes.push(...strBytes(x.v));
          } else if (x.t === 'big') {
            h.big(x.v);
            bytes.push(3, ...strBytes(x.v.toString(16)));
          } else if (x.t === 'bool') {
            h.bool(x.v);
            bytes.push(x.v ? 1 : 0);
          } else {
            h.u32(x.v);
            bytes.push(...u32Bytes(x.v));
          }
        }
        expect(h.hex()).toBe(reference(bytes));
      }),
    );
  });
});

describe('Fnv1a64 numbers and strings at their boundaries, against a bytewise bigint hash', () => {
  /** The documented bytes of a safe integer from bigint arithmetic: sign byte, then |v| as 8 little-endian bytes. */
  const safeIntBytes = (v: number): number[] => {
    const a = BigInt(Math.abs(v));
    return [v < 0 ? 1 : 0, ...Array.from({ length: 8 }, (_, i) => Number((a >> BigInt(8 * i)) & 0xffn))];
  };
  const hashOf = (mix: (h: Fnv1a64) => void): string => {
    const h = new Fnv1a64();
    mix(h);
    return h.hex();
  };

  it('hashes zero, ±1 and every word and byte boundary of a safe integer as sign byte and 8 bytes of its magnitude', () => {
    const edges = [0, 1, 2 ** 8 - 1, 2 ** 8, 2 ** 16, 2 ** 24, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40, 2 ** 48 + 255, 2 ** 52, 2 ** 53 - 1];
    for (const e of edges) {
      for (const v of [e, -e]) {
        // -0 is the integer 0: sign byte 0.
        const bytes = v === 0 ? safeIntBytes(0) : safeIntBytes(v);
        expect(hashOf((h) => h.num(v)), `num(${v})`).toBe(reference(bytes));
        // After other bytes (the state words no longer the offset basis).
        expect(hashOf((h) => (h.byte(0xa5), h.num(v))), `byte, num(${v})`).toBe(reference([0xa5, ...bytes]));
      }
    }
  });

  it('hashes a non-safe or non-integer number as byte 2 and its decimal text, and tells them from integers', () => {
    for (const v of [2 ** 53, -(2 ** 53), 2 ** 64, 0.5, -0.5, 1e-7, NaN, Infinity, -Infinity]) {
      const text = String(v);
      const bytes = [2, ...[text.length, 0, 0, 0], ...[...text].flatMap((c) => [c.charCodeAt(0), 0])];
      expect(hashOf((h) => h.num(v)), `num(${v})`).toBe(reference(bytes));
    }
    expect(hashOf((h) => h.num(2 ** 53 - 1))).not.toBe(hashOf((h) => h.num(2 ** 53)));
  });

  it('hashes strings of any code units as a 4-byte length and each unit low byte first', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }), fc.integer({ min: 0, max: 255 }), (units, lead) => {
        const s = String.fromCharCode(...units);
        const n = BigInt(units.length);
        const bytes = [lead, ...Array.from({ length: 4 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn)), ...units.flatMap((u) => [u % 256, Math.floor(u / 256)])];
        expect(hashOf((h) => (h.byte(lead), h.str(s)))).toBe(reference(bytes));
      }),
    );
    for (const s of ['', '\u0000', '\u00ff', '\u0100', '\uffff', '\ud800', 'a\uff00b']) {
      const units = [...Array(s.length).keys()].map((i) => s.charCodeAt(i));
      expect(hashOf((h) => h.str(s)), JSON.stringify(s)).toBe(reference([s.length, 0, 0, 0, ...units.flatMap((u) => [u % 256, Math.floor(u / 256)])]));
    }
  });
});
