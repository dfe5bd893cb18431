// @ts-nocheck
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeRunMetrics, equityCurve } from './run-metrics.ts';
import { seriesFrom } from './test-series.ts';

// Mid 100 for 2 s, then 102. Buy 2 @ 99.5 (maker, fee 0.01) at t=500, sell 1 @ 101.5 (taker, fee 0.02) at t=2500.
const run = seriesFrom({
  startMs: 0,
  endMs: 5000,
  mids: [
    [0, 100],
    [2000, 102],
  ],
  fills: [
    { t: 500, side: 1, price: 99.5, qty: 2, fee: 0.01, maker: true },
    { t: 2500, side: -1, price: 101.5, qty: 1, fee: 0.02, maker: false },
  ],
  requests: [
    [400, 0, 1.5],
    [2400, 0, 2.5],
    [3000, 1, 1],
    [4000, 2, 3],
  ],
  ordersFilled: 2,
});

describe('run metrics', () => {
  it('splits PnL into realised (average cost) and unrealised at the last mid, after fees', () => {
    const m = computeRunMetrics(run);
    expect(m.pnlRealised).toBeCloseTo(2, 10); // sold 1 bought at 99.5 for 101.5
    expect(m.pnlUnrealised).toBeCloseTo(2.5, 10); // 1 left at cost 99.5, mid 102
    expect(m.fees).toBeCloseTo(0.03, 10);
    expect(m.pnlTotal).toBeCloseTo(4.47, 10);
  });

  it('ends the equity curve at the total PnL and measures drawdown from the running peak', () => {
    const c = equityCurve(run, 1000);
    expect(Array.from(c.tsMs)).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    expect(c.equity[5]).toBeCloseTo(4.47, 10);
    expect(Array.from(c.position)).toEqual([0, 2, 2, 1, 1, 1]);
    // peak 4.99 at t=2000 (mid 102, long 2), then paying the 0.02 taker fee and the 0.5 below mid on the sale
    expect(computeRunMetrics(run).maxDrawdown).toBeCloseTo(0.52, 10);
  });

  it('computes turnover, maker share, fill ratio, time in market and request rates', () => {
    const m = computeRunMetrics(run);
    expect(m.turnover).toBeCloseTo(99.5 * 2 + 101.5, 10);
    expect(m.makerShare).toBeCloseTo(2 / 3, 10);
    expect(m.fillRatio).toBe(1);
    expect(m.timeInMarket).toBeCloseTo(5 / 6, 10);
    expect(m.requests).toEqual({ new: 2, replace: 1, cancel: 1 });
    expect(m.ratesPerMinute.orders).toBeCloseTo(24, 10);
    expect(m.latencyMs).toEqual({ p50: 2.5, p95: 3, max: 3 });
    expect(m.riskDenials).toBe(2);
    expect(m.rateLimitDeferrals).toBe(3);
  });

  it('measures markout against the mid at each horizon, in our favour when positive', () => {
    const m = computeRunMetrics(run, { markoutHorizonsMs: [0, 1000, 2000] });
    // at fill: buy 2 @99.5 vs mid 100 → +0.5/unit; sell 1 @101.5 vs mid 102 → −0.5 → (1 − 0.5)/3
    expect(m.markoutByHorizonMs['0']).toBeCloseTo(0.5 / 3, 10);
    // +1500 ms: buy sees mid 102 → +2.5 ×2; sell sees 102 → −0.5
    expect(m.markoutByHorizonMs['2000']).toBeCloseTo((5 - 0.5) / 3, 10);
  });

  it('reports null Sharpe and Sortino for a run that never trades', () => {
    const m = computeRunMetrics(seriesFrom({ startMs: 0, endMs: 10_000, mids: [[0, 100]] }));
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.pnlTotal).toBe(0);
  });

  it('is deterministic and conserves PnL: realised + unrealised − fees equals the final equity change', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 1, max: 500 }), side: fc.constantFrom(1 as const, -1 as const), px: fc.integer({ min: 90, max: 110 }), qty: fc.integer({ min: 1, max: 5 }) }), { maxLength: 40 }),
        (steps) => {
          let t = 0;
          const mids: [number, number][] = [[0, 100]];
          const fills = steps.map((s) => {
            t += s.dt;
            mids.push([t, s.px]);
            return { t, side: s.side, price: s.px, qty: s.qty, fee: 0.001 * s.qty };
          });
          const r = seriesFrom({ startMs: 0, endMs: t + 1000, mids, fills });
          const a = computeRunMetrics(r);
          expect(computeRunMetrics(r)).toEqual(a);
          const c = equityCurve(r);
          expect(a.pnlTotal).toBeCloseTo(c.equity[c.equity.length - 1]!, 6);
        },
      ),
    );
  });
});
