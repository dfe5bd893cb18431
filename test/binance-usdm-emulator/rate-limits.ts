/**
 * USDⓈ-M rate limits as published in `exchangeInfo.rateLimits` and "General Info → LIMITS":
 * request weight 2400 per minute per IP (`X-MBX-USED-WEIGHT-1M` on every answer), orders 300 per
 * 10 s and 1200 per minute per account (`X-MBX-ORDER-COUNT-10S` / `-1M` on order answers). A
 * request over a limit is answered 429 with Retry-After (seconds to the window's end); a client
 * that keeps sending after 429s in the same window is banned: 418 (Binance: "from 2 minutes to
 * 3 days"; here 2 minutes). Windows are fixed, starting at the emulator's start.
 * The counting is test/venue-server's RequestWeight, shared with its REST depth.
 */
import { RequestWeight } from '../venue-server/request-weight.ts';
import { tooManyOrders, tooManyRequests, type BinanceError } from './binance-error.ts';

export interface RateLimitOptions {
  readonly weightPerMinute?: number;
  readonly ordersPer10s?: number;
  readonly ordersPerMinute?: number;
  /** Window lengths, ms (tests shorten them): weight and 1-minute orders, 10-second orders. */
  readonly minuteMs?: number;
  readonly tenSecondsMs?: number;
  readonly nowMs: () => number;
}

export interface Admission {
  readonly error: BinanceError | null;
  readonly headers: Record<string, string>;
}

/** Request weights of the endpoints (USDⓈ-M REST docs, "Request Weight" of each). */
export const ENDPOINT_WEIGHT: Readonly<Record<string, number>> = {
  'GET /fapi/v1/time': 1,
  'GET /fapi/v1/exchangeInfo': 1,
  'POST /fapi/v1/order': 0,
  'PUT /fapi/v1/order': 1,
  'DELETE /fapi/v1/order': 1,
  'GET /fapi/v1/order': 1,
  'GET /fapi/v1/openOrder': 1,
  'DELETE /fapi/v1/allOpenOrders': 1,
  'GET /fapi/v1/openOrders': 1,
  'GET /fapi/v1/userTrades': 5,
  'POST /fapi/v1/listenKey': 1,
  'PUT /fapi/v1/listenKey': 1,
  'DELETE /fapi/v1/listenKey': 1,
  'GET /fapi/v2/positionRisk': 5,
  'GET /fapi/v2/balance': 5,
  'GET /fapi/v2/account': 5,
  'GET /fapi/v3/positionRisk': 5,
  'GET /fapi/v3/balance': 5,
  'GET /fapi/v1/leverageBracket': 1,
  'GET /fapi/v3/account': 5,
};

/** GET openOrders without a symbol costs 40 (all symbols). */
export const OPEN_ORDERS_ALL_SYMBOLS_WEIGHT = 40;

export class RateLimits {
  readonly weightLimit: number;
  readonly orders10sLimit: number;
  readonly orders1mLimit: number;
  private readonly weight: RequestWeight;
  private readonly orders10s: RequestWeight;
  private readonly orders1m: RequestWeight;

  constructor(o: RateLimitOptions) {
    this.weightLimit = o.weightPerMinute ?? 2400;
    this.orders10sLimit = o.ordersPer10s ?? 300;
    this.orders1mLimit = o.ordersPerMinute ?? 1200;
    const minuteMs = o.minuteMs ?? 60_000;
    this.weight = new RequestWeight({
      limit: this.weightLimit,
      windowMs: minuteMs,
      refusalsBeforeBan: 3,
      banMs: 120_000,
      nowMs: o.nowMs,
    });
    // Order limits answer 429 only: Binance's bans are per IP, on request weight.
    const noBan = { refusalsBeforeBan: Number.MAX_SAFE_INTEGER, banMs: 0, nowMs: o.nowMs };
    this.orders10s = new RequestWeight({ limit: this.orders10sLimit, windowMs: o.tenSecondsMs ?? 10_000, ...noBan });
    this.orders1m = new RequestWeight({ limit: this.orders1mLimit, windowMs: minuteMs, ...noBan });
  }

  /** Counts a request's weight; the refusal (429/418) if it is over the limit. */
  takeWeight(weight: number): Admission {
    const v = this.weight.take(weight);
    const headers = { 'x-mbx-used-weight-1m': String(v.usedWeight) };
    if (v.status === 200) return { error: null, headers };
    return { error: tooManyRequests(v.status, v.retryAfterS, this.weightLimit), headers };
  }

  /** Counts one order against both order windows; the refusal (429 -1015) if either is over. */
  takeOrder(): Admission {
    const ten = this.orders10s.take(1);
    const minute = this.orders1m.take(1);
    const headers = {
      'x-mbx-order-count-10s': String(ten.usedWeight),
      'x-mbx-order-count-1m': String(minute.usedWeight),
    };
    if (ten.status !== 200)
      return { error: tooManyOrders(this.orders10sLimit, 'TEN_SECONDS', ten.retryAfterS), headers };
    if (minute.status !== 200)
      return { error: tooManyOrders(this.orders1mLimit, 'MINUTE', minute.retryAfterS), headers };
    return { error: null, headers };
  }

  /** Uses up the rest of the current weight window (the weight-exhaustion fault): the next weighted request is refused. */
  exhaustWeight(): void {
    const used = this.weight.take(0).usedWeight;
    if (used < this.weightLimit) this.weight.take(this.weightLimit - used);
  }
}
