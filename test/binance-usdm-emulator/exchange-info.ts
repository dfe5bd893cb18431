/**
 * GET /fapi/v1/exchangeInfo: the rate limits the emulator enforces and the one symbol it trades,
 * with BTCUSDT's published filters (fixtures/README.md: the documented shape; filter values as
 * Binance served them for BTCUSDT in 2024).
 */
import type { RateLimits } from './rate-limits.ts';
import { MAX_MARKET_QTY, MAX_PRICE, MAX_QTY, MIN_NOTIONAL_USDT, MIN_PRICE, SYMBOL } from './symbol-spec.ts';

export function exchangeInfo(limits: RateLimits, serverTimeMs: number): object {
  return {
    timezone: 'UTC',
    serverTime: serverTimeMs,
    futuresType: 'U_MARGINED',
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: limits.weightLimit },
      { rateLimitType: 'ORDER', interval: 'MINUTE', intervalNum: 1, limit: limits.orders1mLimit },
      { rateLimitType: 'ORDER', interval: 'SECOND', intervalNum: 10, limit: limits.orders10sLimit },
    ],
    exchangeFilters: [],
    assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
    symbols: [
      {
        symbol: SYMBOL,
        pair: SYMBOL,
        contractType: 'PERPETUAL',
        deliveryDate: 4133404800000,
        onboardDate: 1569398400000,
        status: 'TRADING',
        maintMarginPercent: '2.5000',
        requiredMarginPercent: '5.0000',
        baseAsset: 'BTC',
        quoteAsset: 'USDT',
        marginAsset: 'USDT',
        pricePrecision: 2,
        quantityPrecision: 3,
        baseAssetPrecision: 8,
        quotePrecision: 8,
        underlyingType: 'COIN',
        underlyingSubType: ['PoW'],
        settlePlan: 0,
        triggerProtect: '0.0500',
        liquidationFee: '0.012500',
        marketTakeBound: '0.05',
        maxMoveOrderLimit: 10000,
        filters: [
          { filterType: 'PRICE_FILTER', minPrice: MIN_PRICE, maxPrice: MAX_PRICE, tickSize: '0.10' },
          { filterType: 'LOT_SIZE', minQty: '0.001', maxQty: MAX_QTY, stepSize: '0.001' },
          { filterType: 'MARKET_LOT_SIZE', minQty: '0.001', maxQty: MAX_MARKET_QTY, stepSize: '0.001' },
          { filterType: 'MAX_NUM_ORDERS', limit: 200 },
          { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 10 },
          { filterType: 'MIN_NOTIONAL', notional: MIN_NOTIONAL_USDT },
          { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
        ],
        orderTypes: [
          'LIMIT',
          'MARKET',
          'STOP',
          'STOP_MARKET',
          'TAKE_PROFIT',
          'TAKE_PROFIT_MARKET',
          'TRAILING_STOP_MARKET',
        ],
        timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
      },
    ],
  };
}

/**
 * GET /fapi/v1/leverageBracket for BTCUSDT (the documented response's shape; the first brackets of
 * BTCUSDT's schedule). Margins are not modelled: clients such as ccxt read it to describe positions.
 */
export function leverageBrackets(): object {
  return {
    symbol: SYMBOL,
    notionalCoef: 1.5,
    brackets: [
      { bracket: 1, initialLeverage: 125, notionalCap: 50000, notionalFloor: 0, maintMarginRatio: 0.004, cum: 0.0 },
      {
        bracket: 2,
        initialLeverage: 100,
        notionalCap: 600000,
        notionalFloor: 50000,
        maintMarginRatio: 0.005,
        cum: 50.0,
      },
      {
        bracket: 3,
        initialLeverage: 75,
        notionalCap: 3000000,
        notionalFloor: 600000,
        maintMarginRatio: 0.0065,
        cum: 950.0,
      },
    ],
  };
}
