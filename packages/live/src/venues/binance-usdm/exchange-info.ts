/**
 * `GET /fapi/v1/exchangeInfo` → what the adapter and the session need from it:
 * - per symbol, the order filters (PRICE_FILTER tickSize, LOT_SIZE stepSize/minQty,
 *   MIN_NOTIONAL notional, in the venue's decimal text) and a check of a configured instrument
 *   against them;
 * - the venue's published rate limits (`rateLimits`: REQUEST_WEIGHT per IP, ORDERS per account)
 *   and one execution-control token bucket that keeps every one of them.
 *
 * Bucket derivation. The core has one bucket per venue (scope), refilled `r` tokens a second
 * with capacity `C`; every request (new, replace, cancel) costs one token. In any window of T
 * seconds such a bucket lets through at most C + r·T requests, so it keeps a limit of L per T
 * iff C + r·T ≤ L. We take the largest whole r for which C = min over limits (L − r·T) still
 * allows a burst of one second's refill (C ≥ r). A new or a replace counts 1 on the ORDERS
 * limiters and a cancel 1 on REQUEST_WEIGHT (USD-M endpoint weights), so counting every request
 * against every limiter is conservative; the REQUEST_WEIGHT limits are first reduced by
 * `queryReserve` (the share kept for the adapter's own queries and keep-alives).
 * Below one request a second the bucket holds one token and refills it every ceil(T / (L − 1)).
 * Binance's production USD-M limits (2400 weight/min, 1200 orders/min, 300 orders/10 s) give
 * r = 19 a second and C = 60: at most 250 requests in 10 s and 1200 in a minute.
 */
import { z } from 'zod';
import { ChassisError, parseDecimalBigUnits, type Instrument, type RateBucketConfig } from '@chassis/core';

const decimalText = z.string().regex(/^-?\d+(\.\d+)?$/);

const rateLimitSchema = z.object({
  rateLimitType: z.string(),
  interval: z.enum(['SECOND', 'MINUTE', 'HOUR', 'DAY']),
  intervalNum: z.number().int().positive(),
  limit: z.number().int().positive(),
});

const filterSchema = z.object({ filterType: z.string() }).catchall(z.unknown());

const symbolSchema = z.object({
  symbol: z.string(),
  status: z.string(),
  baseAsset: z.string(),
  quoteAsset: z.string(),
  marginAsset: z.string(),
  contractType: z.string(),
  filters: z.array(filterSchema),
});

export const exchangeInfoSchema = z.object({
  rateLimits: z.array(rateLimitSchema),
  symbols: z.array(symbolSchema),
});

export type ExchangeInfo = z.infer<typeof exchangeInfoSchema>;
export type VenueRateLimit = z.infer<typeof rateLimitSchema>;

/** Order filters of one symbol, as decimal text exactly as the venue publishes them. */
export interface SymbolFilters {
  readonly symbol: string;
  readonly status: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly marginAsset: string;
  readonly tickSize: string;
  readonly stepSize: string;
  readonly minQty: string;
  /** MIN_NOTIONAL `notional` in the quote asset; "0" when the venue publishes none. */
  readonly minNotional: string;
}

export function parseExchangeInfo(json: unknown): ExchangeInfo {
  const parsed = exchangeInfoSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ChassisError(
      'E_VENUE_SCHEMA',
      `GET /fapi/v1/exchangeInfo: ${issue.message} at ${issue.path.join('.') || '(root)'}`,
    );
  }
  return parsed.data;
}

function filterText(filters: ExchangeInfo['symbols'][number]['filters'], type: string, field: string): string | null {
  const f = filters.find((x) => x.filterType === type);
  const v = f?.[field];
  return typeof v === 'string' && decimalText.safeParse(v).success ? v : null;
}

export function symbolFilters(info: ExchangeInfo): Map<string, SymbolFilters> {
  const out = new Map<string, SymbolFilters>();
  for (const s of info.symbols) {
    const tickSize = filterText(s.filters, 'PRICE_FILTER', 'tickSize');
    const stepSize = filterText(s.filters, 'LOT_SIZE', 'stepSize');
    if (tickSize === null || stepSize === null) continue;
    out.set(s.symbol, {
      symbol: s.symbol,
      status: s.status,
      baseAsset: s.baseAsset,
      quoteAsset: s.quoteAsset,
      marginAsset: s.marginAsset,
      tickSize,
      stepSize,
      minQty: filterText(s.filters, 'LOT_SIZE', 'minQty') ?? stepSize,
      minNotional: filterText(s.filters, 'MIN_NOTIONAL', 'notional') ?? '0',
    });
  }
  return out;
}

/** Decimal places of a decimal text without its trailing zeros ("0.10" → 1, "1" → 0). */
export function significantDecimals(text: string): number {
  const frac = text.split('.')[1] ?? '';
  return frac.replace(/0+$/, '').length;
}

/**
 * Differences between a configured instrument and the venue's filters, as human sentences;
 * empty when they agree. Tick and lot must be equal as exact decimals, min notional too
 * (when the instrument sets one).
 */
export function instrumentMismatches(inst: Instrument, f: SymbolFilters): string[] {
  const out: string[] = [];
  if (f.status !== 'TRADING') out.push(`${inst.id}: the venue reports status ${f.status}`);
  const tick = exactUnits(f.tickSize, inst.priceDecimals);
  if (tick !== BigInt(inst.tickUnits))
    out.push(
      `${inst.id}: tick ${inst.tickUnits} units of 1e-${inst.priceDecimals} but the venue's tickSize is ${f.tickSize}`,
    );
  const lot = exactUnits(f.stepSize, inst.sizeDecimals);
  if (lot !== BigInt(inst.lotUnits))
    out.push(
      `${inst.id}: lot ${inst.lotUnits} units of 1e-${inst.sizeDecimals} but the venue's stepSize is ${f.stepSize}`,
    );
  if (inst.contractType === 'linear' && inst.minNotionalUnits !== 0n) {
    const min = exactUnits(f.minNotional, inst.priceDecimals + inst.sizeDecimals);
    if (min !== inst.minNotionalUnits)
      out.push(
        `${inst.id}: min notional ${inst.minNotionalUnits} settlement units but the venue's MIN_NOTIONAL is ${f.minNotional}`,
      );
  }
  return out;
}

/** Units of 10^-decimals of a decimal text, or null when it is finer than that. */
function exactUnits(text: string, decimals: number): bigint | null {
  try {
    return parseDecimalBigUnits(text, decimals);
  } catch {
    return null;
  }
}

/** A linear USD-M instrument from the venue's filters (fees from configuration: exchangeInfo has none). */
export function instrumentFromFilters(
  f: SymbolFilters,
  fees: { readonly makerFeePpm: number; readonly takerFeePpm: number },
  venue = 'binance-usdm',
): Instrument {
  const priceDecimals = significantDecimals(f.tickSize);
  const sizeDecimals = significantDecimals(f.stepSize);
  return {
    id: `${venue}:${f.symbol}`,
    venue,
    symbol: f.symbol,
    contractType: 'linear',
    baseCurrency: f.baseAsset,
    quoteCurrency: f.marginAsset,
    priceDecimals,
    sizeDecimals,
    tickUnits: Number(parseDecimalBigUnits(f.tickSize, priceDecimals)),
    lotUnits: Number(parseDecimalBigUnits(f.stepSize, sizeDecimals)),
    minNotionalUnits: parseDecimalBigUnits(f.minNotional, priceDecimals + sizeDecimals),
    multiplier: 1,
    makerFeePpm: fees.makerFeePpm,
    takerFeePpm: fees.takerFeePpm,
  };
}

/**
 * An order-count limiter: `ORDERS` in Binance's documented exchangeInfo example; `ORDER` is
 * accepted too (the spelling some venues and test/binance-usdm-emulator use).
 */
export function isOrderLimiter(l: VenueRateLimit): boolean {
  return l.rateLimitType === 'ORDERS' || l.rateLimitType === 'ORDER';
}

const INTERVAL_SECONDS: Readonly<Record<VenueRateLimit['interval'], number>> = {
  SECOND: 1,
  MINUTE: 60,
  HOUR: 3600,
  DAY: 86400,
};

export function intervalSeconds(limit: VenueRateLimit): number {
  return INTERVAL_SECONDS[limit.interval] * limit.intervalNum;
}

/** `X-MBX-…` header suffix of a limiter: `1M`, `10S` (interval number + first letter of the interval). */
export function limiterSuffix(limit: VenueRateLimit): string {
  return `${limit.intervalNum}${limit.interval[0]}`;
}

/**
 * The execution-control bucket for `scope` that keeps every ORDERS and REQUEST_WEIGHT limit
 * (see the module comment). `queryReserve` ∈ [0, 1): share of each REQUEST_WEIGHT limit left
 * for the adapter's own requests. Null when the venue publishes no usable limit.
 */
export function rateBucketFor(
  rateLimits: readonly VenueRateLimit[],
  scope: string,
  queryReserve = 0.25,
): RateBucketConfig | null {
  const limits = rateLimits.flatMap((l) => {
    if (isOrderLimiter(l)) return [{ limit: l.limit, seconds: intervalSeconds(l) }];
    if (l.rateLimitType === 'REQUEST_WEIGHT')
      return [{ limit: Math.floor(l.limit * (1 - queryReserve)), seconds: intervalSeconds(l) }];
    return [];
  });
  if (limits.length === 0) return null;
  const capacityAt = (r: number): number => Math.min(...limits.map((l) => l.limit - r * l.seconds));
  let r = Math.floor(Math.min(...limits.map((l) => l.limit / l.seconds)));
  while (r > 0 && capacityAt(r) < r) r--;
  const weights = { new: 1, replace: 1, cancel: 1 };
  if (r > 0) return { scope, capacity: capacityAt(r), refillTokens: r, refillIntervalNs: 1_000_000_000n, weights };
  // Less than one request a second: one token, one more every ceil(T / (L − 1)) — a window of T
  // then holds at most 1 + (L − 1) requests.
  if (limits.some((l) => l.limit < 2)) return null;
  const intervalMs = Math.max(...limits.map((l) => Math.ceil((l.seconds * 1000) / (l.limit - 1))));
  return { scope, capacity: 1, refillTokens: 1, refillIntervalNs: BigInt(intervalMs) * 1_000_000n, weights };
}
