/**
 * Binance's REST request-weight limit (per IP; one client here): each request costs a weight,
 * the weight used in the current fixed window is returned in `X-MBX-USED-WEIGHT-1M`, and a
 * request that would pass the limit is answered 429 with Retry-After = seconds to the window's
 * end. A client that keeps calling after a 429 in the same window is banned: 418 (Binance bans
 * IPs that ignore 429s), Retry-After = the ban length.
 */
export interface WeightVerdict {
  readonly status: 200 | 429 | 418;
  /** Weight used in the current window after this request (counted even when refused). */
  readonly usedWeight: number;
  /** Seconds to wait, for 429 / 418. */
  readonly retryAfterS: number;
}

export interface RequestWeightOptions {
  /** Weight per window (Binance: USD-M and COIN-M 2400, spot 6000 per minute). */
  readonly limit: number;
  /** Window length, ms (60 000 on the venue; tests shorten it). */
  readonly windowMs: number;
  /** 429s in one window after which the client is banned with 418. */
  readonly refusalsBeforeBan: number;
  /** Ban length, ms. */
  readonly banMs: number;
  readonly nowMs: () => number;
}

export class RequestWeight {
  private windowStartMs: number;
  private used = 0;
  private refusals = 0;
  private bannedUntilMs = 0;

  constructor(private readonly o: RequestWeightOptions) {
    this.windowStartMs = o.nowMs();
  }

  take(weight: number): WeightVerdict {
    const now = this.o.nowMs();
    if (now < this.bannedUntilMs) return { status: 418, usedWeight: this.used, retryAfterS: Math.ceil((this.bannedUntilMs - now) / 1000) };
    if (now - this.windowStartMs >= this.o.windowMs) {
      this.windowStartMs = now - ((now - this.windowStartMs) % this.o.windowMs);
      this.used = 0;
      this.refusals = 0;
    }
    this.used += weight;
    if (this.used <= this.o.limit) return { status: 200, usedWeight: this.used, retryAfterS: 0 };
    if (++this.refusals > this.o.refusalsBeforeBan) {
      this.bannedUntilMs = now + this.o.banMs;
      return { status: 418, usedWeight: this.used, retryAfterS: Math.ceil(this.o.banMs / 1000) };
    }
    return { status: 429, usedWeight: this.used, retryAfterS: Math.max(1, Math.ceil((this.windowStartMs + this.o.windowMs - now) / 1000)) };
  }
}

/** Weight of GET depth by limit: futures (fapi/dapi) 5–50 → 2, 100 → 5, 500 → 10, 1000 → 20. */
export function futuresDepthWeight(limit: number): number {
  if (limit <= 50) return 2;
  if (limit <= 100) return 5;
  if (limit <= 500) return 10;
  return 20;
}

/** Weight of GET /api/v3/depth by limit: 1–100 → 5, 101–500 → 25, 501–1000 → 50, 1001–5000 → 250. */
export function spotDepthWeight(limit: number): number {
  if (limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}
