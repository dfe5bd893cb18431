import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, retryAfterMs } from './backoff.ts';

const policy = { baseMs: 500, maxMs: 30_000 };

describe('backoff with full jitter', () => {
  it('stays in [0, min(max, base·2^attempt)) for any attempt and any random in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const d = backoffDelayMs(attempt, policy, () => r);
        const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
        return Number.isInteger(d) && d >= 0 && d < ceiling;
      }),
    );
  });

  it('is 0 with random 0 and reaches the capped ceiling with random near 1', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(0, policy, () => 0.999999)).toBe(499);
    expect(backoffDelayMs(3, policy, () => 0.999999)).toBe(3_999);
    expect(backoffDelayMs(20, policy, () => 0.999999)).toBe(29_999);
  });
});

describe('Retry-After', () => {
  it('reads delay-seconds', () => {
    expect(retryAfterMs('120', 0)).toBe(120_000);
    expect(retryAfterMs(['3'], 0)).toBe(3_000);
  });

  it('reads an HTTP-date relative to now, never negative', () => {
    const now = Date.parse('Wed, 02 Dec 2026 00:00:00 GMT');
    expect(retryAfterMs('Wed, 02 Dec 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Tue, 01 Dec 2026 23:00:00 GMT', now)).toBe(0);
  });

  it('is null when absent or unreadable', () => {
    expect(retryAfterMs(undefined, 0)).toBeNull();
    expect(retryAfterMs('', 0)).toBeNull();
    expect(retryAfterMs('soon', 0)).toBeNull();
  });
});
