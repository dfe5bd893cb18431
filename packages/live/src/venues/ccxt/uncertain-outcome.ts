/**
 * Uncertain outcomes (issue 12 "Uncertain outcomes"): a request that timed out, lost its
 * connection or got a venue "unknown status" (Binance 503, -1007) may or may not have acted. It
 * is resolved by asking the venue for the order by client id — a few times, with a doubling
 * wait — never by sending it again. A rate-limit refusal (429/418) is certain: the venue did not act.
 *
 * Which ccxt errors are uncertain: every `OperationFailed` — ccxt's class for "the operation failed
 * for a reason other than the request" — which covers NetworkError (timeouts, dropped
 * connections, ExchangeNotAvailable), BadResponse, and the venue codes ccxt maps to it, among them
 * Binance's -1000 "Unknown error" that comes with HTTP 503 (execution status unknown) and -1006.
 */
import ccxt from 'ccxt';

export function isUncertain(err: unknown): boolean {
  return (
    err instanceof ccxt.OperationFailed &&
    !(err instanceof ccxt.RateLimitExceeded) &&
    !(err instanceof ccxt.DDoSProtection)
  );
}

/** The reason text of a venue refusal, as the answer carries it. */
export function refusalReason(err: unknown): string {
  const name = err instanceof Error ? err.constructor.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  return `${name}: ${message}`.slice(0, 200);
}

/**
 * Asks `query` until it finds the order (non-null) or `attempts` are spent; null = the venue does
 * not know it (the caller leaves the request in flight for the session's disposition timeout).
 */
export async function resolveByQuery<T>(
  query: () => Promise<T | null>,
  policy: { attempts: number; backoffMs: number },
): Promise<T | null> {
  let waitMs = policy.backoffMs;
  for (let attempt = 0; attempt < policy.attempts; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    waitMs *= 2;
    try {
      const found = await query();
      if (found !== null) return found;
    } catch (err) {
      if (!isUncertain(err)) throw err;
    }
  }
  return null;
}
