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

  it('knows Hyperliquid perps as linear in USDC with coin quantities, derives other coins the same way and spot pairs as spot', () => {
    expect(instrumentSpec('hyperliquid', 'BTC')).toMatchObject({ contractType: 'linear', baseCurrency: 'BTC', quoteCurrency: 'USDC', multiplier: '1', tickSize: '1', lotSize: '0.00001', makerFee: '0.00015', takerFee: '0.00045', known: true });
    expect(instrumentSpec('hyperliquid', 'SOL', { priceDecimals: 3, sizeDecimals: 2 })).toMatchObject({ contractType: 'linear', baseCurrency: 'SOL', quoteCurrency: 'USDC', tickSize: '0.001', lotSize: '0.01', known: false });
    expect(instrumentSpec('hyperliquid', 'PURR/USDC', { priceDecimals: 5, sizeDecimals: 0 })).toMatchObject({ contractType: 'spot', baseCurrency: 'PURR', quoteCurrency: 'USDC' });
    expect(instrumentSpec('hyperliquid', '@107', { priceDecimals: 5, sizeDecimals: 2 })).toMatchObject({ contractType: 'spot', quoteCurrency: 'USDC' });
  });

  it('knows BitMEX XBTUSD as inverse with 1 USD contracts in lots of 100, and quanto contracts as linear settled in XBT', () => {
    expect(instrumentSpec('bitmex', 'XBTUSD')).toMatchObject({ contractType: 'inverse', baseCurrency: 'XBT', quoteCurrency: 'USD', multiplier: '1', tickSize: '0.5', lotSize: '100', makerFee: '-0.00025', takerFee: '0.00075' });
    expect(instrumentSpec('bitmex', 'BCHUSD')).toMatchObject({ contractType: 'linear', baseCurrency: 'BCH', quoteCurrency: 'XBT', multiplier: '0.000001' });
    expect(instrumentSpec('bitmex', 'XBTUSDT', { priceDecimals: 1, sizeDecimals: 0 })).toMatchObject({ contractType: 'inverse', baseCurrency: 'XBT', multiplier: '1', known: false });
  });

  it('gives Deribit options a premium-linear spec with the 12.5% fee cap and inverse futures USD amounts', () => {
    expect(instrumentSpec('deribit', 'ETH-30JUL21-2800-C')).toMatchObject({ contractType: 'linear', baseCurrency: 'ETH-30JUL21-2800-C', quoteCurrency: 'ETH', multiplier: '1', tickSize: '0.0001', lotSize: '1', makerFee: '0.125', takerFee: '0.125', known: true });
    expect(instrumentSpec('deribit', 'BTC-24SEP21')).toMatchObject({ contractType: 'inverse', baseCurrency: 'BTC', quoteCurrency: 'USD', multiplier: '1', lotSize: '10', takerFee: '0.0005' });
    expect(instrumentSpec('deribit', 'SOL_USDC-PERPETUAL', { priceDecimals: 2, sizeDecimals: 1 })).toMatchObject({ contractType: 'linear', baseCurrency: 'SOL', quoteCurrency: 'USDC', makerFee: '0', takerFee: '0.0005', known: false });
  });

  it('knows the Coinbase, Kraken and KuCoin spot pairs with their ticks, lots and lowest-tier fees', () => {
    expect(instrumentSpec('coinbase', 'BTC-USD')).toMatchObject({ contractType: 'spot', baseCurrency: 'BTC', quoteCurrency: 'USD', tickSize: '0.01', lotSize: '0.00000001', makerFee: '0.006', takerFee: '0.012', known: true });
    expect(instrumentSpec('kraken', 'XBT-USD')).toMatchObject({ contractType: 'spot', baseCurrency: 'XBT', quoteCurrency: 'USD', tickSize: '0.1', priceDecimals: 1, sizeDecimals: 8, makerFee: '0.0025', takerFee: '0.004' });
    expect(instrumentSpec('kucoin', 'BCHSV-USDT', { priceDecimals: 3, sizeDecimals: 11 })).toMatchObject({ contractType: 'spot', quoteCurrency: 'USDT', tickSize: '0.001', sizeDecimals: 11, makerFee: '0.001', known: true });
    expect(instrumentSpec('kraken', 'DOT-EUR', { priceDecimals: 4, sizeDecimals: 8 })).toMatchObject({ contractType: 'spot', baseCurrency: 'DOT', quoteCurrency: 'EUR', tickSize: '0.0001', known: false });
  });
});
