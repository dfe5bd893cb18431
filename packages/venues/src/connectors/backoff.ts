/**
 * Reconnect delays: exponential backoff with full jitter (AWS Architecture Blog, "Exponential
 * Backoff And Jitter": `sleep = random_between(0, min(cap, base * 2 ** attempt))`), so many
 * recorders that lost the venue at the same instant do not reconnect in lockstep; and the
 * venue's `Retry-After` header (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), which wins
 * over our own delay when it is longer.
 */

export interface BackoffPolicy {
  /** Ceiling of the first retry's delay, ms. */
  readonly baseMs: number;
  /** Largest ceiling, ms. */
  readonly maxMs: number;
}

/** Delay before retry number `attempt` (0 = first retry), ms: uniform in [0, min(max, base·2^attempt)). */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceilingMs = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceilingMs);
}

/**
 * Milliseconds the venue asks us to wait, from a `Retry-After` value; null when absent or
 * unreadable. `nowMs` (wall clock, ms since epoch) is only used for the HTTP-date form.
 */
export function retryAfterMs(header: string | string[] | null | undefined, nowMs: number): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const dateMs = Date.parse(trimmed);
  if (Number.isNaN(dateMs)) return null;
  return Math.max(0, dateMs - nowMs);
}
