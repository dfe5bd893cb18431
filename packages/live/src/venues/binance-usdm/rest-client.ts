/**
 * Binance USD-M REST over fetch: signed requests with the venue's clock, the rate-limit headers
 * read off every answer, and every outcome classified as a value (never a throw):
 * - `ok`: 2xx with its JSON;
 * - `refused`: the venue answered and did not act (4xx `{code,msg}`, 503 "Service Unavailable.");
 * - `rate_limited`: 429/418 (IP limits; Retry-After seconds) or our own back-off still running —
 *   nothing was executed, and nothing is sent until the back-off ends;
 * - `uncertain`: the venue may or may not have acted (timeout, dropped connection, 503
 *   "Unknown error…", other 5xx, -1006/-1007 "execution status unknown"). The caller resolves an
 *   uncertain order request by querying it, never by sending it again.
 * Timestamps: local ms + the offset measured against GET /fapi/v1/time (midpoint of the round
 * trip), re-measured and the request repeated once on -1021 (timestamp outside recvWindow: the
 * venue refused it, so repeating it cannot duplicate anything).
 */
import { retryAfterMs } from '@chassis/venues';
import { encodeParams, redactSignature, signedParams, type BinanceCredentials, type RequestParams } from './signing.ts';
import { errorBodySchema, parseVenueJson, serverTimeSchema } from './wire.ts';

export type RestOutcome =
  | { readonly type: 'ok'; readonly status: number; readonly body: unknown }
  | { readonly type: 'refused'; readonly status: number; readonly code: number; readonly msg: string }
  | {
      readonly type: 'rate_limited';
      readonly status: number;
      readonly code: number;
      readonly msg: string;
      readonly retryAfterMs: number;
    }
  | { readonly type: 'uncertain'; readonly reason: string };

/** Latest `X-MBX-USED-WEIGHT-*` / `X-MBX-ORDER-COUNT-*` values, keyed like `USED-WEIGHT-1M`. */
export type UsedLimits = ReadonlyMap<string, number>;

export interface RateLimitNotice {
  readonly status: number;
  readonly retryAfterMs: number;
  readonly untilMs: number;
  readonly path: string;
}

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface RestClientOptions {
  readonly baseUrl: string;
  readonly credentials: BinanceCredentials;
  readonly recvWindowMs?: number;
  readonly timeoutMs?: number;
  /** Wall clock, ms since the epoch. */
  readonly nowMs?: () => number;
  /** Back-off after a 429/418 without Retry-After, ms. */
  readonly defaultBackoffMs?: number;
  readonly log?: Logger;
  readonly onRateLimited?: (notice: RateLimitNotice) => void;
  /** Observation hook (bench): called with a request, signed, as it is handed to fetch. */
  readonly onRequest?: (method: string, path: string) => void;
}

type Auth = 'none' | 'key' | 'signed';

const UNKNOWN_STATUS_CODES = new Set([-1006, -1007]);
const TIMESTAMP_OUTSIDE_RECV_WINDOW = -1021;

export class BinanceRestClient {
  /** Venue clock − local clock, ms. */
  offsetMs = 0;
  readonly used = new Map<string, number>();
  /** No request leaves before this wall-clock ms (429/418 back-off). */
  backoffUntilMs = 0;
  private readonly nowMs: () => number;
  private readonly recvWindowMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly opts: RestClientOptions) {
    this.nowMs = opts.nowMs ?? Date.now;
    this.recvWindowMs = opts.recvWindowMs ?? 5000;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /** Venue time now as we estimate it, ms. */
  venueNowMs(): number {
    return this.nowMs() + this.offsetMs;
  }

  async syncTime(): Promise<RestOutcome> {
    const t0 = this.nowMs();
    const out = await this.send('GET', '/fapi/v1/time', [], 'none');
    if (out.type !== 'ok') return out;
    const t1 = this.nowMs();
    const parsed = serverTimeSchema.safeParse(out.body);
    if (!parsed.success) return { type: 'uncertain', reason: 'GET /fapi/v1/time: no serverTime in the answer' };
    this.offsetMs = Math.round(parsed.data.serverTime - (t0 + t1) / 2);
    return out;
  }

  publicRequest(method: string, path: string, params: RequestParams = []): Promise<RestOutcome> {
    return this.send(method, path, params, 'none');
  }

  /** USER_STREAM endpoints: API key, no signature. */
  keyedRequest(method: string, path: string, params: RequestParams = []): Promise<RestOutcome> {
    return this.send(method, path, params, 'key');
  }

  async signedRequest(method: string, path: string, params: RequestParams): Promise<RestOutcome> {
    const out = await this.send(method, path, params, 'signed');
    if (out.type !== 'refused' || out.code !== TIMESTAMP_OUTSIDE_RECV_WINDOW) return out;
    this.opts.log?.warn(
      { path, offsetMs: this.offsetMs },
      'binance-usdm: -1021 timestamp outside recvWindow, re-syncing the venue clock',
    );
    const sync = await this.syncTime();
    if (sync.type !== 'ok') return out;
    return this.send(method, path, params, 'signed');
  }

  private async send(method: string, path: string, params: RequestParams, auth: Auth): Promise<RestOutcome> {
    const now = this.nowMs();
    if (now < this.backoffUntilMs) {
      return {
        type: 'rate_limited',
        status: 0,
        code: 0,
        msg: `backing off after a venue rate limit until ${new Date(this.backoffUntilMs).toISOString()}`,
        retryAfterMs: this.backoffUntilMs - now,
      };
    }
    const query =
      auth === 'signed'
        ? signedParams(params, this.opts.credentials, this.venueNowMs(), this.recvWindowMs)
        : encodeParams(params);
    const url = `${this.opts.baseUrl}${path}${query === '' ? '' : `?${query}`}`;
    const headers: Record<string, string> = {};
    if (auth !== 'none') headers['X-MBX-APIKEY'] = this.opts.credentials.apiKey();
    let res: Response;
    let text: string;
    this.opts.onRequest?.(method, path);
    try {
      res = await fetch(url, { method, headers, signal: AbortSignal.timeout(this.timeoutMs) });
      text = await res.text();
    } catch (err) {
      const reason =
        err instanceof Error && err.name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs} ms`
          : `connection failed: ${err instanceof Error ? err.message : String(err)}`;
      this.opts.log?.warn(
        { request: redactSignature(`${method} ${path}?${query}`), reason },
        'binance-usdm: request outcome unknown',
      );
      return { type: 'uncertain', reason };
    }
    this.readLimitHeaders(res.headers);
    return this.classify(method, path, res, text);
  }

  private classify(method: string, path: string, res: Response, text: string): RestOutcome {
    let body: unknown;
    try {
      body = text === '' ? {} : parseVenueJson(text);
    } catch {
      body = undefined;
    }
    const err = errorBodySchema.safeParse(body);
    const code = err.success ? err.data.code : 0;
    const msg = err.success ? err.data.msg : text.slice(0, 200);
    if (res.status === 429 || res.status === 418) {
      const waitMs = retryAfterMs(res.headers.get('retry-after'), this.nowMs()) ?? this.opts.defaultBackoffMs ?? 1000;
      this.backoffUntilMs = Math.max(this.backoffUntilMs, this.nowMs() + waitMs);
      this.opts.log?.warn(
        { path, status: res.status, retryAfterMs: waitMs, used: Object.fromEntries(this.used) },
        'binance-usdm: rate limited by the venue, backing off',
      );
      this.opts.onRateLimited?.({ status: res.status, retryAfterMs: waitMs, untilMs: this.backoffUntilMs, path });
      return { type: 'rate_limited', status: res.status, code, msg, retryAfterMs: waitMs };
    }
    if (res.ok && body !== undefined && !(err.success && code < 0)) return { type: 'ok', status: res.status, body };
    if (UNKNOWN_STATUS_CODES.has(code)) return { type: 'uncertain', reason: `${method} ${path}: ${code} ${msg}` };
    if (res.status >= 500 || res.status === 408) {
      if (res.status === 503 && /service unavailable|internal error; unable to process/i.test(msg))
        return { type: 'refused', status: res.status, code, msg };
      return { type: 'uncertain', reason: `${method} ${path}: HTTP ${res.status} ${msg}` };
    }
    return { type: 'refused', status: res.status, code, msg };
  }

  private readLimitHeaders(headers: Headers): void {
    headers.forEach((value, name) => {
      const m = /^x-mbx-(used-weight|order-count)-(\d+[smhd])$/i.exec(name);
      if (m !== null && /^\d+$/.test(value))
        this.used.set(`${m[1]!.toUpperCase()}-${m[2]!.toUpperCase()}`, Number(value));
    });
  }
}
