/**
 * Deterministic client order ids: the id a venue stores with each of our orders, derived from the
 * core's order id (the logical order key, SPEC.md §4) and the session, so that
 * - the same order of the same session always carries the same id (a resumed session finds its
 *   own orders again after a crash; a query by client id needs nothing but the order id);
 * - orders of another session, or placed by hand, decode to null (reconciliation treats them
 *   as foreign).
 *
 * Shape: `ch` + 8 hex digits of SHA-256(sessionId) + `-` + the order id in decimal, e.g.
 * `ch1f3a09bc-42`: at most 27 characters, inside Binance's `newClientOrderId` pattern
 * `^[\.A-Z\:/a-z0-9_-]{1,36}$` (and ccxt's venues, which accept at least 32 alphanumerics and `-`).
 * Two sessions share a prefix with probability 2^-32.
 */
import { createHash } from 'node:crypto';

/** Binance USD-M's documented pattern for `newClientOrderId` / `origClientOrderId`. */
export const BINANCE_CLIENT_ORDER_ID_PATTERN = /^[.A-Z:/a-z0-9_-]{1,36}$/;

const PREFIX = 'ch';
const SHAPE = /^ch([0-9a-f]{8})-(0|[1-9][0-9]{0,15})$/;

export interface ClientOrderIds {
  /** The session tag every id of this session starts with (`ch` + 8 hex digits). */
  readonly prefix: string;
  /** The venue client order id of the core's order `orderId` (a non-negative safe integer). */
  encode(orderId: number): string;
  /** The core's order id if `clientOrderId` is one of this session's, else null. */
  decode(clientOrderId: string): number | null;
}

/** 8 hex digits naming a session inside its client order ids. */
export function sessionTag(sessionId: string): string {
  return createHash('sha256').update(sessionId, 'utf8').digest('hex').slice(0, 8);
}

export function clientOrderIds(sessionId: string): ClientOrderIds {
  const tag = sessionTag(sessionId);
  const prefix = `${PREFIX}${tag}`;
  return {
    prefix,
    encode(orderId: number): string {
      if (!Number.isSafeInteger(orderId) || orderId < 0)
        throw new RangeError(`E_ORDER_ID: order id must be a non-negative safe integer, got ${orderId}`);
      return `${prefix}-${orderId}`;
    },
    decode(clientOrderId: string): number | null {
      const m = SHAPE.exec(clientOrderId);
      if (m === null || m[1] !== tag) return null;
      const orderId = Number(m[2]);
      return Number.isSafeInteger(orderId) ? orderId : null;
    },
  };
}
