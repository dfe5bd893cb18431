/**
 * Binance request signing (USDⓈ-M Futures "General Info → SIGNED Endpoint security"): a SIGNED
 * request carries `timestamp` (ms, the venue's clock as we estimate it) and `recvWindow` (ms it
 * stays valid), and `signature` = lower-case hex HMAC-SHA256, keyed by the API secret, of the
 * exact `totalParams` text the venue receives (query string, or form body, or both concatenated
 * without a separator). The API key travels in the `X-MBX-APIKEY` header.
 *
 * The secret lives only inside a `BinanceCredentials` object, which renders as
 * `[credentials redacted]` in logs, JSON and `util.inspect`.
 */
import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { ChassisError } from '@chassis/core';

export const API_KEY_ENV = 'CHASSIS_BINANCE_API_KEY';
export const API_SECRET_ENV = 'CHASSIS_BINANCE_API_SECRET';

const REDACTED = '[credentials redacted]';

export class BinanceCredentials {
  readonly #apiKey: string;
  readonly #apiSecret: string;

  constructor(apiKey: string, apiSecret: string) {
    this.#apiKey = apiKey;
    this.#apiSecret = apiSecret;
  }

  /** The `X-MBX-APIKEY` header value. */
  apiKey(): string {
    return this.#apiKey;
  }

  /** Hex HMAC-SHA256 of `payload` under the secret. */
  sign(payload: string): string {
    return hmacSha256Hex(this.#apiSecret, payload);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Credentials from the environment only (never files): E_CREDENTIALS_MISSING names the missing variable. */
export function credentialsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): BinanceCredentials {
  const key = env[API_KEY_ENV];
  const secret = env[API_SECRET_ENV];
  for (const [name, value] of [
    [API_KEY_ENV, key],
    [API_SECRET_ENV, secret],
  ] as const) {
    if (value === undefined || value.trim() === '')
      throw new ChassisError(
        'E_CREDENTIALS_MISSING',
        `${name} is not set: Binance USD-M live trading reads its credentials from the environment only`,
      );
  }
  return new BinanceCredentials(key!.trim(), secret!.trim());
}

export function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}

/** Parameters in the order they are sent; values already in their wire text ("0.001", "GTC"). */
export type RequestParams = readonly (readonly [string, string])[];

/** `k=v&k=v` with each value percent-encoded: the exact text that is both sent and signed. */
export function encodeParams(params: RequestParams): string {
  return params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}

/** The signed parameter text: `params&recvWindow=…&timestamp=…&signature=…`. */
export function signedParams(
  params: RequestParams,
  credentials: BinanceCredentials,
  timestampMs: number,
  recvWindowMs: number,
): string {
  const text = encodeParams([...params, ['recvWindow', String(recvWindowMs)], ['timestamp', String(timestampMs)]]);
  return `${text}&signature=${credentials.sign(text)}`;
}

/** A request line or parameter text with its signature removed, safe to log. */
export function redactSignature(text: string): string {
  return text.replace(/signature=[0-9a-fA-F]+/g, 'signature=[redacted]');
}

/** pino `redact` paths for any field that could carry a credential (design: key/secret/signature). */
export const LOG_REDACT_PATHS: readonly string[] = [
  'key',
  'secret',
  'signature',
  'apiKey',
  'apiSecret',
  '*.key',
  '*.secret',
  '*.signature',
  '*.apiKey',
  '*.apiSecret',
  'headers["x-mbx-apikey"]',
  '*.headers["x-mbx-apikey"]',
];
