import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { ccxtExchangeId, venueProfile } from './venue-profile.ts';

describe('ccxt venue profiles', () => {
  it('maps Chassis venue ids to exchanges ccxt has', () => {
    const exchanges = new Set(ccxt.exchanges);
    for (const venue of [
      'binance-usdm',
      'binance-coinm',
      'binance-spot',
      'okx',
      'bybit',
      'deribit',
      'kraken',
      'coinbase',
      'kucoin',
      'hyperliquid',
    ]) {
      expect(exchanges.has(ccxtExchangeId(venue)!)).toBe(true);
    }
    expect(ccxtExchangeId('bitmex')).toBeNull();
  });

  it("reads Binance USD-M's walletBalance (without unrealised PnL), not ccxt's total (marginBalance)", () => {
    const balance = {
      total: { USDT: 10_012.5 },
      info: {
        assets: [{ asset: 'USDT', walletBalance: '9999.93818000', marginBalance: '10012.50000000', updateTime: 0 }],
      },
    };
    expect(venueProfile('binanceusdm').walletBalances(balance)).toEqual([{ asset: 'USDT', amount: '9999.93818000' }]);
    expect(venueProfile('okx').walletBalances(balance)).toEqual([{ asset: 'USDT', amount: '10012.5' }]);
  });
});
