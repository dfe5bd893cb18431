// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { SeededRandom, deriveSeed } from './random.ts';

describe('SeededRandom', () => {
  it('the same seed gives the same sequence and a different seed a different one', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const seqA = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('reseeding restarts the sequence', () => {
    const r = new SeededRandom(7);
    const first = [r.nextUint32(), r.nextUint32()];
    r.reseed(7);
    expect([r.nextUint32(), r.nextUint32()]).toEqual(first);
  });

  it('nextBelow stays in range and covers every value of a small range about evenly', () => {
    const r = new SeededRandom(1);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[r.nextBelow(6)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => r.nextBelow(0)).toThrow(RangeError);
  });

  it('nextFloat lies in [0, 1) with a mean near one half', () => {
    const r = new SeededRandom(9);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = r.nextFloat();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 10_000 - 0.5)).toBeLessThan(0.02);
  });

  it('derived seeds of different streams differ', () => {
    expect(deriveSeed(5, 0)).not.toBe(deriveSeed(5, 1));
    expect(deriveSeed(5, 1)).toBe(deriveSeed(5, 1));
  });
});
