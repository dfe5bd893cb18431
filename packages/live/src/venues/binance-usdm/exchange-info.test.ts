import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Instrument, RateBucketConfig } from '@chassis/core';
import {
  instrumentFromFilters,
  instrumentMismatches,
  parseExchangeInfo,
  rateBucketFor,
  symbolFilters,
  type VenueRateLimit,
} from './exchange-info.ts';

const documented = parseExchangeInfo(
  JSON.parse(readFileSync(new URL('./fixtures/exchange-info.json', import.meta.url), 'utf8')),
);

/**
 * Oracle: drive the bucket greedily (take a token whenever one is there, the worst case for the
 * venue) second by second with the core's discrete refill, and count the most requests any
 * window of each limiter's length ever holds.
 */
function worstWindowCounts(
  bucket: RateBucketConfig,
  windowsSeconds: readonly number[],
  horizonSeconds: number,
): number[] {
  // Requests taken at each refill instant (ms since the start), greedily.
  const intervalMs = Number(bucket.refillIntervalNs / 1_000_000n);
  const taken: { atMs: number; n: number }[] = [];
  let tokens = bucket.capacity;
  for (let t = 0; t <= horizonSeconds * 1000; t += intervalMs) {
    if (t > 0) tokens = Math.min(bucket.capacity, tokens + bucket.refillTokens);
    taken.push({ atMs: t, n: tokens });
    tokens = 0;
  }
  // Counts change only at refill instants, so windows starting at one hold the most.
  return windowsSeconds.map((w) => {
    let worst = 0;
    for (const start of taken) {
      const inside = taken.filter((x) => x.atMs >= start.atMs && x.atMs < start.atMs + w * 1000);
      worst = Math.max(
        worst,
        inside.reduce((a, x) => a + x.n, 0),
      );
    }
    return worst;
  });
}

describe('exchangeInfo', () => {
  it("reads the documented example's filters exactly as decimal text", () => {
    expect(symbolFilters(documented).get('BLZUSDT')).toEqual({
      symbol: 'BLZUSDT',
      status: 'TRADING',
      baseAsset: 'BLZ',
      quoteAsset: 'USDT',
      marginAsset: 'USDT',
      tickSize: '0.0001',
      stepSize: '1',
      minQty: '1',
      minNotional: '5.0',
    });
  });

  it('builds the instrument the filters describe (tick 1 unit of 1e-4, lot 1 unit, min notional 5 USDT)', () => {
    const inst = instrumentFromFilters(symbolFilters(documented).get('BLZUSDT')!, {
      makerFeePpm: 200,
      takerFeePpm: 500,
    });
    expect(inst).toMatchObject({
      id: 'binance-usdm:BLZUSDT',
      priceDecimals: 4,
      sizeDecimals: 0,
      tickUnits: 1,
      lotUnits: 1,
      minNotionalUnits: 50_000n,
      contractType: 'linear',
    });
  });

  it('a configured instrument that agrees with the filters has no mismatch, even with more decimals', () => {
    const base = instrumentFromFilters(symbolFilters(documented).get('BLZUSDT')!, {
      makerFeePpm: 200,
      takerFeePpm: 500,
    });
    const finer: Instrument = {
      ...base,
      priceDecimals: 5,
      tickUnits: 10,
      sizeDecimals: 2,
      lotUnits: 100,
      minNotionalUnits: 50_000_000n,
    };
    expect(instrumentMismatches(finer, symbolFilters(documented).get('BLZUSDT')!)).toEqual([]);
  });

  it('a configured tick or lot that differs from the venue is named', () => {
    const base = instrumentFromFilters(symbolFilters(documented).get('BLZUSDT')!, {
      makerFeePpm: 200,
      takerFeePpm: 500,
    });
    const wrong = instrumentMismatches(
      { ...base, tickUnits: 10, lotUnits: 2 },
      symbolFilters(documented).get('BLZUSDT')!,
    );
    expect(wrong).toHaveLength(2);
    expect(wrong[0]).toContain('tickSize is 0.0001');
    expect(wrong[1]).toContain('stepSize is 1');
  });

  it('a malformed answer is E_VENUE_SCHEMA naming the field', () => {
    expect(() => parseExchangeInfo({ rateLimits: [], symbols: [{ symbol: 'X' }] })).toThrow(
      /E_VENUE_SCHEMA|symbols\.0\.status/,
    );
  });
});

describe('rate bucket from the venue limits', () => {
  it('production USD-M limits give 19 requests a second and a burst of 60', () => {
    expect(rateBucketFor(documented.rateLimits, 'binance-usdm')).toEqual({
      scope: 'binance-usdm',
      capacity: 60,
      refillTokens: 19,
      refillIntervalNs: 1_000_000_000n,
      weights: { new: 1, replace: 1, cancel: 1 },
    });
  });

  it('never lets more requests through in any window than a published limit allows (greedy worst case)', () => {
    const limitArb = fc.record({
      rateLimitType: fc.constantFrom('ORDERS', 'REQUEST_WEIGHT', 'RAW_REQUESTS'),
      interval: fc.constantFrom('SECOND' as const, 'MINUTE' as const),
      intervalNum: fc.integer({ min: 1, max: 10 }),
      limit: fc.integer({ min: 1, max: 3000 }),
    });
    fc.assert(
      fc.property(fc.array(limitArb, { minLength: 1, maxLength: 4 }), (limits: VenueRateLimit[]) => {
        const bucket = rateBucketFor(limits, 'v', 0.25);
        const counted = limits.filter((l) => l.rateLimitType !== 'RAW_REQUESTS');
        if (counted.length === 0) {
          expect(bucket).toBeNull();
          return;
        }
        if (bucket === null) {
          const small = counted.some(
            (l) => (l.rateLimitType === 'REQUEST_WEIGHT' ? Math.floor(l.limit * 0.75) : l.limit) < 2,
          );
          expect(small).toBe(true);
          return;
        }
        const seconds = counted.map((l) => l.intervalNum * (l.interval === 'SECOND' ? 1 : 60));
        const worst = worstWindowCounts(bucket, seconds, Math.max(...seconds) * 3);
        counted.forEach((l, i) =>
          expect(worst[i]).toBeLessThanOrEqual(l.rateLimitType === 'ORDERS' ? l.limit : Math.floor(l.limit * 0.75)),
        );
        expect(bucket.capacity).toBeGreaterThanOrEqual(bucket.refillTokens);
      }),
      { numRuns: 200 },
    );
  });

  it('no usable limit gives no bucket (unlimited)', () => {
    expect(
      rateBucketFor([{ rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 1, limit: 100 }], 'v'),
    ).toBeNull();
  });
});
