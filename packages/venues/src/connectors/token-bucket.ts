/**
 * A token bucket for the venue limits that are rates: WebSocket connection attempts per IP and
 * control messages (subscribe, unsubscribe, ping) per connection. `take()` never blocks: it
 * reserves a token and answers how long to wait before using it, so callers schedule with
 * their own timers and a stop() can cancel them.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  /**
   * @param capacity burst size (tokens)
   * @param perSecond refill rate, tokens per second
   * @param nowMs monotonic-enough clock in ms (injectable for tests)
   */
  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.tokens = capacity;
    this.lastMs = nowMs();
  }

  /** Reserves one token; returns the wait in ms before it may be used (0 = now). */
  take(): number {
    const now = this.nowMs();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.lastMs) / 1000) * this.perSecond);
    this.lastMs = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    return Math.ceil((-this.tokens / this.perSecond) * 1000);
  }
}
