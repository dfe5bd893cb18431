// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyOverrides, parseRunDefinition } from './run-definition.ts';

const MINIMAL = `
data: { venue: binance-usdm, instrument: BTCUSDT }
strategy: { module: examples/strategies/market-maker.ts, params: { spreadTicks: 2, qty: 1 } }
seed: 1
`;

describe('run definition', () => {
  it('accepts the minimal file and fills every documented default', () => {
    const d = parseRunDefinition(parse(MINIMAL));
    expect(d.seed).toBe(1);
    expect(d.venue.queue).toEqual({ model: 'conservative' });
    expect(d.executionControl.rateBuckets[0]).toMatchObject({ capacity: 10, refillTokens: 2, refillIntervalMs: 100 });
    expect(d.journal.checkpointInterval).toBe(10_000);
    expect(d.balances).toEqual({ USDT: '100000' });
  });

  it('rejects unknown fields, naming the path', () => {
    expect(() => parseRunDefinition({ ...parse(MINIMAL), risk: { maxOrderQtyLot: 3 } }, 'run.yaml')).toThrow(/risk: unknown field "maxOrderQtyLot" \(in run\.yaml\)/);
  });

  it('names a missing strategy module', () => {
    expect(() => parseRunDefinition({ data: { venue: 'x', instrument: 'y' }, strategy: {} })).toThrow(/strategy\.module/);
  });

  it('lets flags override the file and form a run without one', () => {
    const d = parseRunDefinition(applyOverrides({}, { venue: 'binance-usdm', instrument: 'BTCUSDT', strategy: 's.ts', params: ['qty=3', 'name=abc'], seed: 7 }));
    expect(d.data).toEqual({ venue: 'binance-usdm', instrument: 'BTCUSDT' });
    expect(d.strategy.params).toEqual({ qty: 3, name: 'abc' });
    expect(d.seed).toBe(7);
  });
});
