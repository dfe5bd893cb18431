/**
 * SIGNED endpoint security, as USDⓈ-M "General Info" states it:
 * - the API key travels in the `X-MBX-APIKEY` header (unknown → -2015, missing → -2014);
 * - `signature` = hex HMAC-SHA256 keyed with the secret over `totalParams` = the query string
 *   concatenated with the request body (no separator), without the `signature` pair itself,
 *   which is "the end part" of one of them; compared case-insensitively (-1022);
 * - `timestamp` (ms) is accepted iff `timestamp < serverTime + 1000 && serverTime - timestamp
 *   <= recvWindow` (recvWindow default 5000) — else -1021;
 * - parameters come from the query string and the form body; a name in both takes the query's.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ERRORS, mandatory, type BinanceError } from './binance-error.ts';

export interface RawRequest {
  readonly apiKeyHeader: string | undefined;
  /** Query string without the leading `?`, exactly as sent. */
  readonly query: string;
  /** Request body text exactly as sent (form-urlencoded), '' if none. */
  readonly body: string;
}

/** Hex HMAC-SHA256 of `payload` keyed with `secret` (Binance's signature). */
export function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/** Query params overlaid on body params (the query wins, as documented). */
export function requestParams(raw: Pick<RawRequest, 'query' | 'body'>): Map<string, string> {
  const params = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(raw.body)) if (!params.has(k)) params.set(k, v);
  for (const [k, v] of new URLSearchParams(raw.query)) params.set(k, v);
  return params;
}

/** Splits `…&signature=HEX` off the end of a query or body; null when that part carries no signature. */
function splitSignature(text: string): { signed: string; signature: string } | null {
  const m = /(^|&)signature=([^&]*)$/.exec(text);
  if (m === null) return null;
  return { signed: text.slice(0, m.index), signature: decodeURIComponent(m[2]!) };
}

/** The exact text Binance signs and the signature sent, or null if no signature was sent. */
export function signaturePayload(
  raw: Pick<RawRequest, 'query' | 'body'>,
): { totalParams: string; signature: string } | null {
  const inBody = splitSignature(raw.body);
  if (inBody !== null) return { totalParams: raw.query + inBody.signed, signature: inBody.signature };
  const inQuery = splitSignature(raw.query);
  if (inQuery !== null) return { totalParams: inQuery.signed + raw.body, signature: inQuery.signature };
  return null;
}

export interface Credentials {
  readonly apiKey: string;
  readonly apiSecret: string;
}

/** Checks the API key only (USER_STREAM endpoints: listenKey). */
export function checkApiKey(raw: RawRequest, creds: Credentials): BinanceError | null {
  if (raw.apiKeyHeader === undefined || raw.apiKeyHeader === '') return ERRORS.badApiKeyFormat;
  return raw.apiKeyHeader === creds.apiKey ? null : ERRORS.rejectedApiKey;
}

/** Checks a SIGNED request (TRADE, USER_DATA) against the server's clock `serverTimeMs`. */
export function checkSigned(raw: RawRequest, creds: Credentials, serverTimeMs: number): BinanceError | null {
  const keyError = checkApiKey(raw, creds);
  if (keyError !== null) return keyError;
  const params = requestParams(raw);
  const payload = signaturePayload(raw);
  if (payload === null) return mandatory('signature');
  const expected = Buffer.from(hmacSha256Hex(creds.apiSecret, payload.totalParams), 'utf8');
  const sent = Buffer.from(payload.signature.toLowerCase(), 'utf8');
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) return ERRORS.badSignature;
  const timestampText = params.get('timestamp');
  if (timestampText === undefined || !/^\d+$/.test(timestampText)) return mandatory('timestamp');
  const recvWindowText = params.get('recvWindow') ?? '5000';
  if (!/^\d+$/.test(recvWindowText)) return mandatory('recvWindow');
  const timestamp = Number(timestampText);
  if (timestamp >= serverTimeMs + 1000) return ERRORS.timestampAhead;
  if (serverTimeMs - timestamp > Number(recvWindowText)) return ERRORS.timestampOutsideWindow;
  return null;
}
