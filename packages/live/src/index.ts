// Public API of @chassis/live: the live and paper trading runtime (SPEC.md §5 "Live runtime").
export type * from './contracts.ts';
export { clientOrderIds, sessionTag, BINANCE_CLIENT_ORDER_ID_PATTERN } from './client-order-id.ts';
export type { ClientOrderIds } from './client-order-id.ts';
export {
  createBinanceUsdmAdapter,
  BinanceUsdmAdapter,
  BINANCE_USDM_VENUE,
  BINANCE_USDM_REST,
  BINANCE_USDM_WS,
  BINANCE_USDM_RATE_LIMITS,
} from './venues/binance-usdm/adapter.ts';
export type { BinanceUsdmAdapterOptions, RateLimitHeadroom } from './venues/binance-usdm/adapter.ts';
export {
  BinanceCredentials,
  credentialsFromEnv,
  LOG_REDACT_PATHS,
  API_KEY_ENV,
  API_SECRET_ENV,
} from './venues/binance-usdm/signing.ts';
export {
  rateBucketFor,
  instrumentFromFilters,
  instrumentMismatches,
  symbolFilters,
  parseExchangeInfo,
} from './venues/binance-usdm/exchange-info.ts';
export type { SymbolFilters, VenueRateLimit } from './venues/binance-usdm/exchange-info.ts';
export type { RateLimitNotice } from './venues/binance-usdm/rest-client.ts';
