// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { instrumentSpec } from './instrument-spec.ts';

describe('instrumentSpec', () => {
  it('knows Binance USD-M BTCUSDT: tick 0.10, lot 0.001, linear', () => {
    expect(instrumentSpec('binance-usdm', 'BTCUSDT')).toMatchObject({ tickSize: '0.10', lotSize: '0.001', priceDecimals: 2, sizeDecimals: 3, contractType: 'linear', multiplier: '1', baseCurrency: 'BTC', quoteCurrency: 'USDT', makerFee: '0.0002', takerFee: '0.0005', known: true });
  });

  it('widens storage precision to the observed decimals (spot sends 8 decimals) without changing the tick', () => {
    expect(instrumentSpec('binance-spot', 'BTCUSDT', { priceDecimals: 8, sizeDecimals: 8 })).toMatchObject({ tickSize: '0.01', priceDecimals: 8, sizeDecimals: 8 });
  });

  it('marks OKX coin-margined swaps and futures as inverse with a USD face value', () => {
    expect(instrumentSpec('okx', 'UNI-USD-SWAP')).toMatchObject({ contractType: 'inverse', multiplier: '10', baseCurrency: 'UNI', quoteCurrency: 'USD' });
    expect(instrumentSpec('okx', 'ETH-USD-220624')).toMatchObject({ contractType: 'inverse', known: false });
  });

  it('derives an unknown symbol from the observed decimals and the symbol shape', () => {
    expect(instrumentSpec('binance-coinm', 'SOLUSD_PERP', { priceDecimals: 3, sizeDecimals: 0 })).toEqual({
      venue: 'binance-coinm', symbol: 'SOLUSD_PERP', tickSize: '0.001', lotSize: '1', priceDecimals: 3, sizeDecimals: 0,
      contractType: 'inverse', multiplier: '10', baseCurrency: 'SOL', quoteCurrency: 'USD', makerFee: '0.0002', takerFee: '0.0005', known: false,
    });
    expect(instrumentSpec('bybit-spot', 'ETHUSDC', { priceDecimals: 2, sizeDecimals: 5 })).toMatchObject({ contractType: 'spot', baseCurrency: 'ETH', quoteCurrency: 'USDC', lotSize: '0.00001' });
  });
});
