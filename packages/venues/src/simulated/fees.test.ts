import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Instrument } from '@chassis/core';
import { feeUnits } from './fees.ts';

const LINEAR: Instrument = {
  id: 'binance-usdm:BTCUSDT', venue: 'binance-usdm', symbol: 'BTCUSDT', contractType: 'linear', baseCurrency: 'BTC', quoteCurrency: 'USDT',
  priceDecimals: 1, sizeDecimals: 3, tickUnits: 1, lotUnits: 1, minNotionalUnits: 0n, multiplier: 1, makerFeePpm: 200, takerFeePpm: 500,
};
const INVERSE: Instrument = { ...LINEAR, id: 'binance-coinm:BTCUSD_PERP', venue: 'binance-coinm', symbol: 'BTCUSD_PERP', contractType: 'inverse', quoteCurrency: 'USD', sizeDecimals: 0, multiplier: 100 };

describe('feeUnits', () => {
  it('is exact when price × qty × ppm is a multiple of one million', () => {
    expect(feeUnits(LINEAR, 600_000, 50_000, -100)).toBe(-3_000_000n);
    expect(feeUnits(LINEAR, 1_000, 1_000, 400)).toBe(400n);
  });

  it('rounds fees up and rebates toward zero (toward +∞, in the venue favour)', () => {
    expect(feeUnits(LINEAR, 3, 1, 100)).toBe(1n);
    expect(feeUnits(LINEAR, 3, 1, -100)).toBe(0n);
    expect(feeUnits(LINEAR, 15_000, 1, -100)).toBe(-1n);
  });

  it('never differs from the exact rational value by a unit or more, and is never below it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: -10_000, max: 10_000 }), (p, q, ppm) => {
        const fee = feeUnits(LINEAR, p, q, ppm);
        const scaled = BigInt(p) * BigInt(q) * BigInt(ppm);
        const diff = fee * 1_000_000n - scaled; // fee − exact, in millionths
        expect(diff >= 0n && diff < 1_000_000n).toBe(true);
      }),
    );
  });

  it('charges a COIN-M fill on its BTC value: 1 BTCUSD_PERP contract at 60000.0, taker 0.05% = 100/60000 × 0.0005 BTC → 84 sat', () => {
    // 100 / 60000 × 0.0005 = 0.000000833… BTC = 83.3 sat, rounded up
    expect(feeUnits(INVERSE, 600_000, 1, 500)).toBe(84n);
  });

  it('charges an inverse fill at most one satoshi above q × m / P × rate, never below it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: -10_000, max: 10_000 }), (p, q, ppm) => {
        const fee = feeUnits(INVERSE, p, q, ppm);
        // exact fee in sat = q × 100 USD / (p / 10 USD/BTC) × ppm / 1e6 × 1e8 = q × 100 × 10 × ppm × 100 / p
        const num = BigInt(q) * 100n * 10n * BigInt(ppm) * 100n;
        const diff = fee * BigInt(p) - num; // (fee − exact) × p
        expect(diff >= 0n && diff < BigInt(p)).toBe(true);
      }),
    );
  });
});
