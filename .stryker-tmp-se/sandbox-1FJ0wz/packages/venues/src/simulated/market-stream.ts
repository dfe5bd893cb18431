/**
 * A synthetic, reproducible market stream for throughput and allocation measurements of the
 * simulated venue: a deep two-sided book (1000 levels a side) whose top moves by a seeded random
 * walk, with 1–4 level updates per delta and trades at the touch. Events are built up front so
 * that measuring the venue measures the venue, not the generator. Not part of the public API.
 */
// @ts-nocheck

import type { MarketEvent } from '@chassis/core';
import { SeededRandom } from './random.ts';

/** `driftEvery`: on average one mid move of ±1 tick per that many deltas (0 = the mid never moves). */
export function syntheticMarketStream(instrument: string, count: number, seed: number, driftEvery = 50): MarketEvent[] {
  const rng = new SeededRandom(seed);
  const events: MarketEvent[] = [];
  const depth = 1000;
  // Rows of every delta live in shared flat columns, as in a canonical columnar batch.
  const capacity = 2 * depth + 5 * count;
  const sides = new Uint8Array(capacity);
  const prices = new Float64Array(capacity);
  const sizes = new Float64Array(capacity);
  let rows = 0;
  let mid = 100_000;
  for (let i = 0; i < depth; i++) {
    sides[rows] = 0;
    prices[rows] = mid - 1 - i;
    sizes[rows++] = 1 + rng.nextBelow(50);
    sides[rows] = 1;
    prices[rows] = mid + 1 + i;
    sizes[rows++] = 1 + rng.nextBelow(50);
  }
  events.push({ kind: 'book_delta', seq: 0, tsEventNs: 0n, tsLocalNs: 0n, instrument, updateId: 0n, isSnapshot: true, offset: 0, count: rows, sides, prices, sizes });
  for (let n = 1; n < count; n++) {
    const t = BigInt(n) * 1_000n;
    if (rng.nextBelow(10) < 2) {
      const isSell = rng.nextBelow(2) === 0;
      events.push({ kind: 'trade', seq: 0, tsEventNs: t, tsLocalNs: t, instrument, tradeId: '', priceUnits: isSell ? mid - 1 : mid + 1, qtyUnits: 1 + rng.nextBelow(5), aggressor: isSell ? 'sell' : 'buy' });
      continue;
    }
    const offset = rows;
    if (driftEvery > 0 && rng.nextBelow(driftEvery) === 0) {
      // The mid moves one tick; the level it moves onto is removed so the book never crosses.
      const up = rng.nextBelow(2) === 0;
      mid += up ? 1 : -1;
      sides[rows] = up ? 1 : 0;
      prices[rows] = mid;
      sizes[rows++] = 0;
    }
    const rowCount = 1 + rng.nextBelow(4);
    for (let r = 0; r < rowCount; r++) {
      const bid = rng.nextBelow(2) === 0;
      const away = 1 + rng.nextBelow(10);
      sides[rows] = bid ? 0 : 1;
      prices[rows] = bid ? mid - away : mid + away;
      sizes[rows++] = rng.nextBelow(8) === 0 ? 0 : 1 + rng.nextBelow(50);
    }
    events.push({ kind: 'book_delta', seq: 0, tsEventNs: t, tsLocalNs: t, instrument, updateId: BigInt(n), isSnapshot: false, offset, count: rows - offset, sides, prices, sizes });
  }
  return events;
}
