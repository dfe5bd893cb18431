/**
 * ccxt credentials come from the environment only (never files, never logged):
 * CHASSIS_CCXT_API_KEY and CHASSIS_CCXT_API_SECRET.
 */
import { ChassisError } from '@chassis/core';

export interface CcxtCredentials {
  readonly apiKey: string;
  readonly secret: string;
}

export function ccxtCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): CcxtCredentials {
  const apiKey = env['CHASSIS_CCXT_API_KEY'] ?? '';
  const secret = env['CHASSIS_CCXT_API_SECRET'] ?? '';
  if (apiKey === '' || secret === '') {
    const missing = [apiKey === '' ? 'CHASSIS_CCXT_API_KEY' : '', secret === '' ? 'CHASSIS_CCXT_API_SECRET' : '']
      .filter((n) => n !== '')
      .join(' and ');
    throw new ChassisError(
      'E_CREDENTIALS_MISSING',
      `${missing} not set in the environment: the ccxt venue adapter needs an API key and secret`,
    );
  }
  return { apiKey, secret };
}
