/**
 * The configuration-change text of config_version: one canonical spelling per configuration,
 * every field checked with its path named.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigChange } from './config-change.ts';
import { encodeConfigChange, parseConfigChange } from './config-change.ts';

const bucket = {
  scope: 'binance-usdm',
  capacity: 10,
  refillTokens: 2,
  refillIntervalNs: 1_000_000_000n,
  weights: { new: 1, replace: 1, cancel: 1 },
};

/** The change with its undefined fields left out (they are absent in the text). */
function withoutUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutUndefined);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => [k, withoutUndefined(x)]),
  );
}

describe('config change text', () => {
  it('is the documented canonical JSON: keys sorted, no whitespace, bigints as decimal strings', () => {
    const text = encodeConfigChange({
      risk: { maxOrderQtyUnits: 100, maxOrderNotionalUnits: 50_000_000n, maxOpenOrders: 20 },
      rateBuckets: [bucket],
    });
    expect(text).toBe(
      '{"rateBuckets":[{"capacity":10,"refillIntervalNs":"1000000000","refillTokens":2,"scope":"binance-usdm","weights":{"cancel":1,"new":1,"replace":1}}],' +
        '"risk":{"maxOpenOrders":20,"maxOrderNotionalUnits":"50000000","maxOrderQtyUnits":100}}',
    );
  });

  it('parses the empty text as "label only"', () => {
    expect(parseConfigChange('')).toBeNull();
  });

  it('refuses a text that is valid but not canonical, so one configuration has one text', () => {
    expect(() => parseConfigChange('{ "risk": {} }')).toThrow(/config change text: is not canonical/);
    expect(() => parseConfigChange('{"risk":{"maxOrderQtyUnits":1,"maxOpenOrders":2}}')).toThrow(/is not canonical/);
  });

  it('names the field of a bad value', () => {
    expect(() => encodeConfigChange({ risk: { maxOrderQtyUnits: -1 } })).toThrow(
      /config change risk\.maxOrderQtyUnits: must be a non-negative integer/,
    );
    expect(() =>
      encodeConfigChange({ rateBuckets: [{ ...bucket, weights: { new: 11, replace: 1, cancel: 1 } }] }),
    ).toThrow(/rateBuckets\[0\]\.weights\.new/);
    expect(() => parseConfigChange('{"risk":{"maxOrderNotionalUnits":"1.5"}}')).toThrow(/risk\.maxOrderNotionalUnits/);
    expect(() => parseConfigChange('{"risk":{"maxOrderNotionalUnits":5}}')).toThrow(/risk\.maxOrderNotionalUnits/);
  });

  it('refuses unknown fields naming their path', () => {
    expect(() => parseConfigChange('{"risk":{"maxQty":1}}')).toThrow(
      /config change risk\.maxQty: is not a known field/,
    );
    expect(() => parseConfigChange('{"venue":"x"}')).toThrow(/config change text\.venue: is not a known field/);
    expect(() => encodeConfigChange({ rateBuckets: [{ ...bucket, label: 'x' } as typeof bucket] })).toThrow(
      /rateBuckets\[0\]\.label: is not a known field/,
    );
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseConfigChange('{risk')).toThrow(/config change text: is not JSON/);
  });

  it('parses back what it encodes, for any valid change', () => {
    const count = fc.option(fc.nat({ max: 1_000_000 }), { nil: undefined });
    const risk = fc.record(
      {
        maxOrderQtyUnits: count,
        maxPositionQtyUnits: count,
        maxOpenOrders: count,
        priceBandPpm: count,
        maxOrderNotionalUnits: fc.option(fc.bigInt({ min: 0n, max: 2n ** 80n }), { nil: undefined }),
        allowedInstruments: fc.option(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), { nil: undefined }),
      },
      { requiredKeys: [] },
    );
    const buckets = fc.uniqueArray(
      fc.integer({ min: 1, max: 50 }).chain((capacity) =>
        fc.record({
          scope: fc.string({ maxLength: 8 }),
          capacity: fc.constant(capacity),
          refillTokens: fc.integer({ min: 1, max: 50 }),
          refillIntervalNs: fc.bigInt({ min: 1n, max: 2n ** 62n }),
          weights: fc.record({ new: fc.nat(capacity), replace: fc.nat(capacity), cancel: fc.nat(capacity) }),
        }),
      ),
      { selector: (b) => b.scope, maxLength: 3 },
    );
    const change: fc.Arbitrary<ConfigChange> = fc.record({ risk, rateBuckets: buckets }, { requiredKeys: [] });
    fc.assert(
      fc.property(change, (c) => {
        const text = encodeConfigChange(c);
        const back = parseConfigChange(text)!;
        expect(encodeConfigChange(back)).toBe(text);
        expect(back).toStrictEqual(withoutUndefined(c));
      }),
    );
  });
});
