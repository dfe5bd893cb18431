import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EngineConfig, Instrument } from '@chassis/core';
import { decodeEngineConfig, encodeEngineConfig } from './engine-config-json.ts';
import { BTC as CORE_BTC, baseConfig } from '../../../core/src/testing/fixtures.ts';

/** Binance USD-M BTCUSDT with a minimum notional (a bigint to carry). */
const BTC: Instrument = { ...CORE_BTC, minNotionalUnits: 50_000n };

const instrument = fc.record(
  {
    id: fc.string({ minLength: 1 }),
    venue: fc.string({ minLength: 1 }),
    symbol: fc.string({ minLength: 1 }),
    contractType: fc.constantFrom('spot', 'linear', 'inverse'),
    baseCurrency: fc.string({ minLength: 1 }),
    quoteCurrency: fc.string({ minLength: 1 }),
    priceDecimals: fc.nat(12),
    sizeDecimals: fc.nat(12),
    tickUnits: fc.integer({ min: 1 }),
    lotUnits: fc.integer({ min: 1 }),
    minNotionalUnits: fc.bigInt({ min: 0n, max: 2n ** 96n }),
    multiplier: fc.constantFrom(1, 0.01, 100, 10),
    settlementDecimals: fc.nat(18),
    makerFeePpm: fc.integer({ min: -1000, max: 1000 }),
    takerFeePpm: fc.nat(2000),
  },
  {
    requiredKeys: [
      'id',
      'venue',
      'symbol',
      'contractType',
      'baseCurrency',
      'quoteCurrency',
      'priceDecimals',
      'sizeDecimals',
      'tickUnits',
      'lotUnits',
      'minNotionalUnits',
      'multiplier',
      'makerFeePpm',
      'takerFeePpm',
    ],
  },
) as fc.Arbitrary<Instrument>;

const kind = fc.constantFrom(
  'bbo',
  'trade',
  'book_delta',
  'order_filled',
  'control_time',
  'feed_health',
  'kill_switch',
) as fc.Arbitrary<EngineConfig['triggers']['kinds'][number]>;

const engineConfig: fc.Arbitrary<EngineConfig> = fc.record(
  {
    instruments: fc.array(instrument, { minLength: 1, maxLength: 3 }),
    triggers: fc.record(
      {
        kinds: fc.array(kind),
        instruments: fc.array(fc.string()),
        everyN: fc.array(fc.record({ kind, n: fc.integer({ min: 1 }) })),
      },
      { requiredKeys: ['kinds'] },
    ),
    risk: fc.record(
      {
        allowedInstruments: fc.array(fc.string()),
        maxOrderQtyUnits: fc.nat(),
        maxOrderNotionalUnits: fc.bigInt({ min: 0n, max: 2n ** 100n }),
        maxPositionQtyUnits: fc.nat(),
        maxOpenOrders: fc.nat(),
        priceBandPpm: fc.nat(),
      },
      { requiredKeys: [] },
    ),
    executionControl: fc.record({
      rateBuckets: fc.array(
        fc.record({
          scope: fc.string({ minLength: 1 }),
          capacity: fc.integer({ min: 1 }),
          refillTokens: fc.integer({ min: 1 }),
          refillIntervalNs: fc.bigInt({ min: 0n, max: 2n ** 63n }),
          weights: fc.record({ new: fc.nat(), replace: fc.nat(), cancel: fc.nat() }),
        }),
      ),
    }),
    maxConsecutiveStrategyFailures: fc.integer({ min: 1, max: 100 }),
    recordIntentDenials: fc.boolean(),
    initialBalances: fc.dictionary(
      fc.constantFrom('USDT', 'BTC', 'USDC'),
      fc.bigInt({ min: -(2n ** 120n), max: 2n ** 120n }),
    ),
    configVersion: fc.string(),
  },
  {
    requiredKeys: [
      'instruments',
      'triggers',
      'risk',
      'executionControl',
      'maxConsecutiveStrategyFailures',
      'recordIntentDenials',
    ],
  },
);

describe('engine configuration as JSON', () => {
  it('decodes what it encodes, through JSON text, to an equal EngineConfig (bigints exact)', () => {
    fc.assert(
      fc.property(engineConfig, (config) => {
        const text = JSON.stringify(encodeEngineConfig(config));
        expect(decodeEngineConfig(JSON.parse(text))).toEqual(config);
      }),
      { numRuns: 200 },
    );
  });

  it('writes bigints as decimal strings', () => {
    const json = encodeEngineConfig({
      instruments: [BTC],
      triggers: { kinds: ['bbo'] },
      risk: { maxOrderNotionalUnits: 123_456_789_012_345_678_901n },
      maxConsecutiveStrategyFailures: 3,
      recordIntentDenials: true,
      executionControl: {
        rateBuckets: [
          {
            scope: 'binance-usdm',
            capacity: 300,
            refillTokens: 300,
            refillIntervalNs: 10_000_000_000n,
            weights: { new: 1, replace: 1, cancel: 1 },
          },
        ],
      },
      initialBalances: { USDT: 1_000_000_000_000n },
    });
    expect(json.risk.maxOrderNotionalUnits).toBe('123456789012345678901');
    expect(json.executionControl.rateBuckets[0]!.refillIntervalNs).toBe('10000000000');
    expect(json.initialBalances).toEqual({ USDT: '1000000000000' });
    expect(json.instruments[0]!.minNotionalUnits).toBe('50000');
  });

  it('refuses an unknown field, naming its path', () => {
    const json = encodeEngineConfig(baseConfig({ instruments: [BTC] }));
    expect(() => decodeEngineConfig({ ...json, risk: { maxOpenOrder: 3 } })).toThrow(
      /risk: unknown field "maxOpenOrder"/,
    );
    expect(() =>
      decodeEngineConfig({ ...json, instruments: [{ ...json.instruments[0], minNotionalUnits: 5 }] }),
    ).toThrow(/instruments\.0\.minNotionalUnits/);
  });

  it('refuses to encode risk rules, which are code', () => {
    const config: EngineConfig = {
      instruments: [BTC],
      triggers: { kinds: ['bbo'] },
      executionControl: { rateBuckets: [] },
      maxConsecutiveStrategyFailures: 3,
      recordIntentDenials: false,
      risk: { rules: [{ name: 'no-fridays', check: () => ({ allowed: true }) }] },
    };
    expect(() => encodeEngineConfig(config)).toThrow(/risk\.rules \(no-fridays\) are code/);
  });
});
