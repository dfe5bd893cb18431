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
    expect(d.balances).toBeUndefined(); // resolved later: a default in the settlement asset (resolved-run.ts defaultBalances)
  });

  it('the probabilistic queue parameter defaults by family: exponent 2 for power, a scale of 1 base-asset unit for log', () => {
    const queue = (q: object) => parseRunDefinition({ ...parse(MINIMAL), venue: { queue: q } }).venue.queue;
    expect(queue({ model: 'probabilistic' })).toEqual({ model: 'probabilistic', family: 'power', parameter: 2 });
    expect(queue({ model: 'probabilistic', family: 'log' })).toEqual({ model: 'probabilistic', family: 'log', parameter: 1 });
    expect(queue({ model: 'probabilistic', family: 'log', parameter: 0.05 })).toEqual({ model: 'probabilistic', family: 'log', parameter: 0.05 });
  });

  it('the venue fills a trade through our price with the whole order by default, or capped by the printed size when asked', () => {
    const venue = (v: object) => parseRunDefinition({ ...parse(MINIMAL), venue: v }).venue;
    expect(venue({}).tradeThroughFill).toBe('whole_order');
    expect(venue({ tradeThroughFill: 'traded_qty' }).tradeThroughFill).toBe('traded_qty');
    expect(() => venue({ tradeThroughFill: 'all' })).toThrow(/venue\.tradeThroughFill/);
  });

  it('rejects unknown fields, naming the path', () => {
    expect(() => parseRunDefinition({ ...parse(MINIMAL), risk: { maxOrderQtyLot: 3 } }, 'run.yaml')).toThrow(/risk: unknown field "maxOrderQtyLot" \(in run\.yaml\)/);
  });

  it('checks each section built on first use (triggers, executionControl, venue, journal) when it is given, naming the path', () => {
    const bad = (section: object) => () => parseRunDefinition({ ...parse(MINIMAL), ...section }, 'run.yaml');
    expect(bad({ triggers: { kinds: ['bbo', 'nope'] } })).toThrow(/^triggers\.kinds\.1: /);
    expect(bad({ executionControl: { rateBuckets: [{ capacity: 0, refillTokens: 1, refillIntervalMs: 1, weights: { new: 1, replace: 1, cancel: 1 } }] } })).toThrow(/^executionControl\.rateBuckets\.0\.capacity: /);
    expect(bad({ venue: { latency: { model: 'constant', entryUs: -1, responseUs: 1 } } })).toThrow(/^venue\.latency\.entryUs: /);
    expect(bad({ journal: { checkpointInterval: 1.5 } })).toThrow(/^journal\.checkpointInterval: .*\(in run\.yaml\)$/);
    // and the same schema twice (built once, then reused)
    expect(bad({ journal: { checkpointInterval: 0 } })).toThrow(/^journal\.checkpointInterval: /);
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
