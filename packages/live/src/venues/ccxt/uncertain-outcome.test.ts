import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { ChassisError } from '@chassis/core';
import { isUncertain, resolveByQuery } from './uncertain-outcome.ts';

describe('uncertain outcomes', () => {
  it('calls timeouts, dropped connections, venue outages and "unknown error" answers uncertain', () => {
    for (const err of [
      new ccxt.RequestTimeout('t'),
      new ccxt.NetworkError('fetch failed'),
      new ccxt.ExchangeNotAvailable('503'),
      new ccxt.OperationFailed('-1000 Unknown error'),
      new ccxt.BadResponse('-1006'),
    ]) {
      expect(isUncertain(err)).toBe(true);
    }
  });

  it('calls rate-limit refusals (429/418), venue refusals and requests never sent certain', () => {
    for (const err of [
      new ccxt.RateLimitExceeded('429'),
      new ccxt.DDoSProtection('418'),
      new ccxt.InvalidOrder('-4164'),
      new ccxt.InsufficientFunds('-2019'),
      new ChassisError('E_CCXT_OFF_ENDPOINT', 'refused'),
      new Error('x'),
    ]) {
      expect(isUncertain(err)).toBe(false);
    }
  });

  it('queries until the order is found, at most the given number of times, and gives up with null', async () => {
    let calls = 0;
    expect(
      await resolveByQuery(() => Promise.resolve(++calls === 3 ? 'found' : null), { attempts: 5, backoffMs: 1 }),
    ).toBe('found');
    expect(calls).toBe(3);
    calls = 0;
    expect(await resolveByQuery(() => Promise.resolve((calls++, null)), { attempts: 4, backoffMs: 1 })).toBeNull();
    expect(calls).toBe(4);
  });
});
