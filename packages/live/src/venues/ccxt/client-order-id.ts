/**
 * Deterministic client order ids (stand-in for packages/live/src/client-order-id.ts of the native
 * Binance adapter, which had not landed when this adapter was written; swap the import when it
 * does). The id is a pure function of the session and the core's order id, so a restarted
 * session sends, queries and recognises the same ids, and an order is never sent under two ids:
 *
 *   c{sessionTag}-{orderId}      e.g. `cA1b2C3d4-17`
 *
 * `sessionTag` is 8 characters of the session id's SHA-256 (base64url), so orders of another
 * session on the same account are foreign, not ours. Within Binance's client id alphabet
 * `^[.A-Z:/a-z0-9_-]{1,36}$` and short enough for the ccxt venues' limits (OKX 32, Bybit 36).
 */
import { createHash } from 'node:crypto';

export interface ClientOrderIds {
  encode(orderId: number): string;
  /** The core order id an id of this session names, or null (foreign, or another session's). */
  decode(clientOrderId: string): number | null;
}

export function clientOrderIds(sessionId: string): ClientOrderIds {
  const tag = createHash('sha256').update(sessionId).digest('base64url').slice(0, 8);
  const prefix = `c${tag}-`;
  return {
    encode: (orderId) => `${prefix}${orderId}`,
    decode: (clientOrderId) => {
      if (!clientOrderId.startsWith(prefix)) return null;
      const digits = clientOrderId.slice(prefix.length);
      return /^[1-9]\d{0,15}$/.test(digits) && Number.isSafeInteger(Number(digits)) ? Number(digits) : null;
    },
  };
}
