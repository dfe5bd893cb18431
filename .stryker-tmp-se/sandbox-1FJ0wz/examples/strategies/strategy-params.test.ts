// @ts-nocheck
import { describe, expect, it } from 'vitest';
import marketMaker from './market-maker.ts';
import imbalanceTaker from './imbalance-taker.ts';

describe('example strategies check their parameter names', () => {
  it('the market maker refuses a misspelt parameter and names the ones it takes', () => {
    expect(() => marketMaker.create({ spredTicks: 3 } as never)).toThrow('unknown param "spredTicks"; this strategy takes spreadTicks, qty,');
  });

  it('the imbalance taker refuses unknown parameters, listing all of them', () => {
    expect(() => imbalanceTaker.create({ treshold: 0.5, size: 2 } as never)).toThrow('unknown params "treshold", "size"');
  });

  it('both accept every documented parameter', () => {
    expect(() => marketMaker.create({ spreadTicks: 1, qty: 2, skewTicksPerLot: 0, maxInventoryLots: 3, requoteTicks: 1, maxSpreadTicks: 9, instrument: 'x' })).not.toThrow();
    expect(() => imbalanceTaker.create({ threshold: 0.5, depth: 3, qty: 1, maxInventoryLots: 2, cooldownMs: 10, instrument: 'x' })).not.toThrow();
  });
});
