import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MonotonicCaptureClock } from './capture-clock.ts';

describe('MonotonicCaptureClock', () => {
  it('starts at the wall time read once at construction, in integer ns', () => {
    let mono = 5_000n;
    const clock = new MonotonicCaptureClock({ monotonicNs: () => mono, wallMs: () => 1_764_633_600_123 });
    expect(clock.nowNs()).toBe(1_764_633_600_123_000_000n);
    mono += 1_500n;
    expect(clock.nowNs()).toBe(1_764_633_600_123_001_500n);
  });

  it('ignores later wall-clock steps: only monotonic elapsed time advances it', () => {
    let wall = 1_764_633_600_000;
    let mono = 0n;
    const clock = new MonotonicCaptureClock({ monotonicNs: () => mono, wallMs: () => wall });
    wall -= 3_600_000; // the system clock is set back an hour
    mono += 10n;
    expect(clock.nowNs()).toBe(1_764_633_600_000_000_010n);
  });

  it('never goes backwards, whatever the monotonic source does', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -1_000_000n, max: 1_000_000n }), { minLength: 1, maxLength: 200 }), (steps) => {
        let mono = 0n;
        const clock = new MonotonicCaptureClock({ monotonicNs: () => mono, wallMs: () => 1_700_000_000_000 });
        let prev = clock.nowNs();
        for (const s of steps) {
          mono += s;
          const t = clock.nowNs();
          if (t < prev) return false;
          prev = t;
        }
        return true;
      }),
    );
  });

  it('tracks the real wall clock within a few ms over a short run', async () => {
    const clock = new MonotonicCaptureClock();
    await new Promise((r) => setTimeout(r, 20));
    const driftMs = Number(clock.nowNs() / 1_000_000n) - Date.now();
    expect(Math.abs(driftMs)).toBeLessThan(50);
  });
});
