import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactSum, TradeTape } from './trade-tape.ts';

const TWO32 = 2 ** 32;

describe('ExactSum', () => {
  it('equals the BigInt sum of any safe non-negative integers, keeping lo a 32-bit word', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { maxLength: 60 }), (terms) => {
        const s = new ExactSum();
        let ref = 0n;
        for (const x of terms) {
          s.add(x);
          ref += BigInt(x);
          expect(Number.isInteger(s.lo) && s.lo >= 0 && s.lo < TWO32).toBe(true);
        }
        expect(s.value()).toBe(ref);
        expect(s.big).toBe(0n);
      }),
    );
  });

  it('carries into the high word exactly when the low word reaches 2^32', () => {
    const s = new ExactSum();
    s.add(TWO32 - 1);
    expect([s.hi, s.lo]).toEqual([0, TWO32 - 1]);
    s.add(1);
    expect([s.hi, s.lo]).toEqual([1, 0]);
    s.add(3 * TWO32 + 5);
    expect([s.hi, s.lo]).toEqual([4, 5]);
  });

  it('has one representation per value, so equal sums hash equally whatever the terms', () => {
    const a = new ExactSum();
    const b = new ExactSum();
    a.add(TWO32);
    b.add(TWO32 - 10);
    b.add(10);
    expect([a.hi, a.lo, a.big]).toEqual([b.hi, b.lo, b.big]);
  });

  it('keeps negative and non-integer terms exactly (truncated toward zero) in the bigint remainder', () => {
    const s = new ExactSum();
    s.add(10);
    s.add(-3);
    s.add(2.9);
    s.add(-2.9);
    expect(s.big).toBe(-3n + 2n - 2n);
    expect(s.value()).toBe(7n);
  });

  it('ignores terms that are not finite', () => {
    const s = new ExactSum();
    s.add(Number.POSITIVE_INFINITY);
    s.add(Number.NaN);
    expect(s.value()).toBe(0n);
  });

  it('adds a product of safe integers exactly, beyond 2^53 too', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.maxSafeNat(), (a, b) => {
        const s = new ExactSum();
        s.addProduct(a, b);
        expect(s.value()).toBe(BigInt(a) * BigInt(b));
      }),
    );
  });

  it('keeps a safe non-negative product in the 32-bit words, not in the bigint remainder', () => {
    const s = new ExactSum();
    s.addProduct(3, 4);
    s.addProduct(2 ** 20, 2 ** 20);
    expect([s.hi, s.lo, s.big]).toEqual([256, 12, 0n]);
  });

  it('adds a negative product exactly', () => {
    const s = new ExactSum();
    s.addProduct(-7, 3);
    s.addProduct(2 ** 40, -(2 ** 20));
    expect(s.value()).toBe(-21n - 2n ** 60n);
  });

  it('adds a product with a non-integer factor as its truncated float value', () => {
    const s = new ExactSum();
    s.addProduct(2.5, 3);
    expect(s.value()).toBe(7n);
  });
});

describe('TradeTape', () => {
  it('counts every trade and splits its quantity by aggressor, summing notional over all of them', () => {
    const tape = new TradeTape();
    tape.add(100, 2, 'buy');
    tape.add(101, 3, 'sell');
    tape.add(102, 5, 'unknown');
    tape.add(99, 7, 'buy');
    expect(tape.count).toBe(4);
    expect(tape.buyQtyUnits.value()).toBe(9n);
    expect(tape.sellQtyUnits.value()).toBe(3n);
    expect(tape.unknownQtyUnits.value()).toBe(5n);
    expect(tape.notionalUnits.value()).toBe(100n * 2n + 101n * 3n + 102n * 5n + 99n * 7n);
  });

  it('matches a reference fold over any trade sequence', () => {
    const trades = fc.array(
      fc.tuple(
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.constantFrom('buy', 'sell', 'unknown'),
      ),
      { maxLength: 50 },
    );
    fc.assert(
      fc.property(trades, (ts) => {
        const tape = new TradeTape();
        const ref = { buy: 0n, sell: 0n, unknown: 0n, notional: 0n };
        for (const [p, q, a] of ts) {
          tape.add(p, q, a);
          ref[a] += BigInt(q);
          ref.notional += BigInt(p) * BigInt(q);
        }
        expect(tape.count).toBe(ts.length);
        expect([
          tape.buyQtyUnits.value(),
          tape.sellQtyUnits.value(),
          tape.unknownQtyUnits.value(),
          tape.notionalUnits.value(),
        ]).toEqual([ref.buy, ref.sell, ref.unknown, ref.notional]);
      }),
    );
  });
});
