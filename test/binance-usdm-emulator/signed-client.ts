/**
 * Test support: raw signed HTTP requests the way a Binance client sends them (params in the
 * query string for GET/DELETE, in a form body for POST/PUT, `timestamp` and `signature` last).
 * Written from the documentation, independent of any adapter.
 */
import { hmacSha256Hex } from './signed-request.ts';

export interface ClientAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
}

export interface SignedClientOptions {
  readonly restBaseUrl: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly nowMs?: () => number;
}

export function signedClient(o: SignedClientOptions) {
  const now = o.nowMs ?? Date.now;
  return {
    async signed(
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      path: string,
      params: Record<string, string> = {},
    ): Promise<ClientAnswer> {
      const payload = new URLSearchParams({ ...params, timestamp: String(now()) }).toString();
      const signed = `${payload}&signature=${hmacSha256Hex(o.apiSecret, payload)}`;
      const inBody = method === 'POST' || method === 'PUT';
      const res = await fetch(`${o.restBaseUrl}${path}${inBody ? '' : `?${signed}`}`, {
        method,
        headers: {
          'X-MBX-APIKEY': o.apiKey,
          ...(inBody ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(inBody ? { body: signed } : {}),
      });
      return { status: res.status, headers: res.headers, json: await res.json() };
    },
    async keyed(method: 'POST' | 'PUT' | 'DELETE', path: string): Promise<ClientAnswer> {
      const res = await fetch(`${o.restBaseUrl}${path}`, { method, headers: { 'X-MBX-APIKEY': o.apiKey } });
      return { status: res.status, headers: res.headers, json: await res.json() };
    },
    async get(path: string): Promise<ClientAnswer> {
      const res = await fetch(`${o.restBaseUrl}${path}`);
      return { status: res.status, headers: res.headers, json: await res.json() };
    },
  };
}
