import { describe, expect, it } from 'vitest';
import { ccxtCredentialsFromEnv } from './credentials.ts';

describe('ccxtCredentialsFromEnv', () => {
  it('reads the key and secret from CHASSIS_CCXT_API_KEY and CHASSIS_CCXT_API_SECRET', () => {
    expect(ccxtCredentialsFromEnv({ CHASSIS_CCXT_API_KEY: 'k', CHASSIS_CCXT_API_SECRET: 's' })).toEqual({
      apiKey: 'k',
      secret: 's',
    });
  });

  it('names the missing variable and never echoes a value it was given', () => {
    const error = (() => {
      try {
        ccxtCredentialsFromEnv({ CHASSIS_CCXT_API_KEY: 'super-secret-key' });
      } catch (err) {
        return err as Error & { code: string };
      }
      throw new Error('expected a refusal');
    })();
    expect(error.code).toBe('E_CREDENTIALS_MISSING');
    expect(error.message).toContain('CHASSIS_CCXT_API_SECRET');
    expect(error.message).not.toContain('super-secret-key');
  });
});
