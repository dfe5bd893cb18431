import { describe, expect, it } from 'vitest';
import { ratio, roundHalfAway } from './rational.ts';

describe('roundHalfAway', () => {
  it('rounds to the nearest integer and halves away from zero, on both signs', () => {
    const cases: [bigint, bigint, bigint][] = [
      [5n, 2n, 3n],
      [-5n, 2n, -3n],
      [7n, 3n, 2n],
      [-7n, 3n, -2n],
      [8n, 3n, 3n],
      [-8n, 3n, -3n],
      [4n, 2n, 2n],
      [1n, 3n, 0n],
      [-1n, 3n, 0n],
    ];
    for (const [num, den, nearest] of cases) expect(roundHalfAway(ratio(num, den)), `${num}/${den}`).toBe(nearest);
  });
});
