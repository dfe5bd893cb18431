import { describe, expect, it } from 'vitest';
import type { InstrumentMeta } from '@chassis/storage';
import { parseLiveConfig } from '../live-config.ts';
import { resolveInstruments } from './instrument-resolution.ts';
import { engineConfigOfLive } from './engine-definition.ts';
import { decodeEngineConfig, encodeEngineConfig } from '../records/engine-config-json.ts';

const noCatalog = () => undefined;
const config = (instruments: unknown[]) =>
  parseLiveConfig({ venue: 'binance-usdm', instruments, strategy: { module: 'm.ts' } });

describe('instrument resolution: live.yaml > catalog > venues table', () => {
  it('a bare symbol takes the venues table (binance-usdm BTCUSDT: tick 0.10, lot 0.001, fees 2/5 bps)', () => {
    const [i] = resolveInstruments(config(['BTCUSDT']), noCatalog);
    expect(i).toMatchObject({
      id: 'binance-usdm:BTCUSDT',
      tickUnits: 10,
      priceDecimals: 2,
      lotUnits: 1,
      sizeDecimals: 3,
      makerFeePpm: 200,
      takerFeePpm: 500,
      contractType: 'linear',
    });
  });

  it('the catalog metadata of the data root wins over the table', () => {
    const meta: InstrumentMeta = {
      venue: 'binance-usdm',
      symbol: 'BTCUSDT',
      contractType: 'linear',
      baseCurrency: 'BTC',
      quoteCurrency: 'USDT',
      priceDecimals: 1,
      sizeDecimals: 3,
      tickSize: '0.1',
      lotSize: '0.001',
      multiplier: '1',
      makerFeeRate: '0.0001',
      takerFeeRate: '0.0004',
    };
    const [i] = resolveInstruments(config(['BTCUSDT']), (v, s) =>
      v === 'binance-usdm' && s === 'BTCUSDT' ? meta : undefined,
    );
    expect(i).toMatchObject({ tickUnits: 1, priceDecimals: 1, makerFeePpm: 100, takerFeePpm: 400 });
  });

  it('live.yaml fields win over both, and a finer tick widens the decimals', () => {
    const [i] = resolveInstruments(
      config([{ symbol: 'binance-usdm:BTCUSDT', tickSize: '0.01', makerFeeRate: '-0.0001' }]),
      noCatalog,
    );
    expect(i).toMatchObject({
      id: 'binance-usdm:BTCUSDT',
      tickUnits: 1,
      priceDecimals: 2,
      makerFeePpm: -100,
      takerFeePpm: 500,
    });
  });

  it('an instrument listed twice is refused naming its index', () => {
    expect(() => resolveInstruments(config(['BTCUSDT', 'binance-usdm:BTCUSDT']), noCatalog)).toThrow(
      /instruments\[1\]: binance-usdm:BTCUSDT is listed twice/,
    );
  });
});

describe('the session engine configuration', () => {
  it('risk limits in lots become units, balances default to 100000 USDT, the bucket comes from the venue limits', () => {
    const c = parseLiveConfig({
      venue: 'binance-usdm',
      instruments: ['BTCUSDT'],
      strategy: { module: 'm.ts' },
      risk: { maxOrderQtyLots: 5 },
    });
    const e = engineConfigOfLive(c, resolveInstruments(c, noCatalog), 'v1');
    expect(e.risk.maxOrderQtyUnits).toBe(5);
    expect(e.initialBalances).toEqual({ USDT: 100000n * 10n ** 5n });
    expect(e.executionControl.rateBuckets[0]).toMatchObject({ scope: 'binance-usdm', capacity: 150 });
    expect(e.recordIntentDenials).toBe(true);
    expect(e.configVersion).toBe('v1');
  });

  it('survives session.json (encoded to JSON and back, the same configuration)', () => {
    const c = parseLiveConfig({
      venue: 'binance-usdm',
      instruments: ['BTCUSDT', 'ETHUSDT'],
      strategy: { module: 'm.ts' },
      balances: { USDT: '2500.5' },
    });
    const e = engineConfigOfLive(c, resolveInstruments(c, noCatalog), 'v1');
    expect(decodeEngineConfig(JSON.parse(JSON.stringify(encodeEngineConfig(e))))).toEqual(e);
  });
});
