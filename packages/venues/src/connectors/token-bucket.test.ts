import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.ts';

describe('token bucket', () => {
  it('lets a burst through at once, then spaces tokens at the refill rate', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 10, () => now); // 3 at once, then one per 100 ms
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0]);
    expect(bucket.take()).toBe(100);
    expect(bucket.take()).toBe(200);
    now = 1_000; // refilled (capped at the burst)
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 0, 100]);
  });

  it('never grants more than burst + rate · elapsed tokens by any time (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 60 }), (burst, perSecond, gapsMs) => {
        let now = 0;
        const bucket = new TokenBucket(burst, perSecond, () => now);
        const usedAt: number[] = [];
        for (const gap of gapsMs) {
          now += gap;
          usedAt.push(now + bucket.take());
        }
        // Tokens used up to any time t never exceed burst + perSecond · t / 1000.
        return usedAt.every((t) => usedAt.filter((u) => u <= t).length <= burst + (perSecond * t) / 1000 + 1e-9);
      }),
    );
  });
});
