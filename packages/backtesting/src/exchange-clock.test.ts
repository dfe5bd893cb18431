import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { exchangeTimeNs } from './exchange-clock.ts';

const MS = 1_000_000n;
const W = 50n * MS;

describe('exchange time of a market event on the local clock', () => {
  it.each([
    // [case, tsEvent, tsLocal, offset, expected]
    ['synchronised clocks: the event time itself', 1000n * MS, 1045n * MS, 0n, 1000n * MS],
    ['recorder ahead by 2 s: event time + 2 s', 1000n * MS, 3045n * MS, 2000n * MS, 3000n * MS],
    ['recorder behind by 1.27 s, offset configured: event time − 1.27 s', 2270n * MS, 1005n * MS, -1270n * MS, 1000n * MS],
    ['recorder behind, offset unknown (0): clamped to the receipt', 2270n * MS, 1005n * MS, 0n, 1005n * MS],
    ['received more than the window late: clamped to receipt − window', 1000n * MS, 1200n * MS, 0n, 1150n * MS],
    ['received exactly at the event time: the receipt', 1000n * MS, 1000n * MS, 0n, 1000n * MS],
  ])('%s', (_case, tsEvent, tsLocal, offset, expected) => {
    expect(exchangeTimeNs(tsEvent, tsLocal, { offsetNs: offset, feedWindowNs: W })).toBe(expected);
  });

  it('is never after the receipt nor more than the window before it, whatever the offset', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 19n }), fc.bigInt({ min: -(10n ** 10n), max: 10n ** 10n }), fc.bigInt({ min: -(10n ** 10n), max: 10n ** 10n }), fc.bigInt({ min: 1n, max: 10n ** 10n }), (tsEvent, latency, offset, window) => {
        const tsLocal = tsEvent + latency;
        const x = exchangeTimeNs(tsEvent, tsLocal, { offsetNs: offset, feedWindowNs: window });
        expect(x <= tsLocal && x >= tsLocal - window).toBe(true);
        // Unclamped exactly when the mapped feed latency lies in [0, window].
        const feedLatency = tsLocal - (tsEvent + offset);
        expect(x === tsEvent + offset).toBe(feedLatency >= 0n && feedLatency <= window);
      }),
    );
  });
});
