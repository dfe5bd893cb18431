// @ts-nocheck
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constantLatency, jitteredLatency, parseLatencyTableCsv, parseLatencyTableJson, readLatencyTable, recordedLatency } from './latency.ts';
import { newOrder } from './scenario.ts';

const REQ = newOrder({ seq: 1, orderId: 1, side: 'buy', priceUnits: 100, qtyUnits: 1 });

describe('latency models', () => {
  it('constant latency returns the configured entry and response delays', () => {
    const m = constantLatency(1_500n, 700n);
    expect([m.entry(123n, REQ), m.response(456n, REQ)]).toEqual([1_500n, 700n]);
    expect(() => constantLatency(-1n, 0n)).toThrow(/≥ 0/);
  });

  it('recorded latency interpolates linearly between rows and holds the end rows outside them', () => {
    const m = recordedLatency([
      { tsNs: 1_000n, entryNs: 100n, responseNs: 1_000n },
      { tsNs: 2_000n, entryNs: 300n, responseNs: 0n },
      { tsNs: 4_000n, entryNs: 300n, responseNs: 400n },
    ]);
    expect(m.entry(1_500n, REQ)).toBe(200n);
    expect(m.response(1_250n, REQ)).toBe(750n);
    expect(m.entry(3_000n, REQ)).toBe(300n);
    expect(m.response(3_001n, REQ)).toBe(200n); // 400 × 1001 / 2000 = 200.2 → truncated
    expect(m.entry(0n, REQ)).toBe(100n);
    expect(m.response(9_999n, REQ)).toBe(400n);
    expect(m.entry(2_000n, REQ)).toBe(300n);
  });

  it('recorded latency rejects unsorted rows', () => {
    expect(() => recordedLatency([{ tsNs: 2n, entryNs: 1n, responseNs: 1n }, { tsNs: 2n, entryNs: 1n, responseNs: 1n }])).toThrow(/strictly increasing/);
  });

  it('jittered latency is reproducible from the seed and stays within base + jitter', () => {
    const draw = (seed: number): bigint[] => {
      const m = jitteredLatency(1_000n, 2_000n, 50n);
      m.reseed!(seed);
      return Array.from({ length: 20 }, (_, i) => (i % 2 ? m.entry(0n, REQ) : m.response(0n, REQ) - 1_000n));
    };
    const a = draw(3);
    expect(draw(3)).toEqual(a);
    expect(draw(4)).not.toEqual(a);
    for (const x of a) expect(x >= 1_000n && x <= 1_050n).toBe(true);
  });
});

describe('latency table files', () => {
  it('a CSV table parses in any column order', () => {
    const rows = parseLatencyTableCsv('entryNs,tsNs,responseNs\n10,1,20\n11,2,21\n', 'lat.csv');
    expect(rows).toEqual([
      { tsNs: 1n, entryNs: 10n, responseNs: 20n },
      { tsNs: 2n, entryNs: 11n, responseNs: 21n },
    ]);
  });

  it('a CSV error names the file, line and field', () => {
    expect(() => parseLatencyTableCsv('tsNs,entryNs,responseNs\n1,10,20\n2,1.5,20\n', 'lat.csv')).toThrow('lat.csv line 3: field entryNs must be an integer');
    expect(() => parseLatencyTableCsv('tsNs,entryNs\n1,10\n', 'lat.csv')).toThrow('lat.csv line 1: missing column responseNs');
    expect(() => parseLatencyTableCsv('tsNs,entryNs,responseNs\n2,1,1\n1,1,1\n', 'lat.csv')).toThrow(/row 2: tsNs 1 is not after/);
  });

  it('a JSON table accepts integers and integer strings and rejects unknown fields', () => {
    expect(parseLatencyTableJson('[{"tsNs":"1722470400000000000","entryNs":5,"responseNs":6}]', 'l.json')).toEqual([{ tsNs: 1722470400000000000n, entryNs: 5n, responseNs: 6n }]);
    expect(() => parseLatencyTableJson('[{"tsNs":1,"entryNs":5,"responseNs":6,"x":1}]', 'l.json')).toThrow('l.json[0]: unknown field x');
    expect(() => parseLatencyTableJson('{}', 'l.json')).toThrow(/expected a JSON array/);
  });

  it('readLatencyTable loads .csv and .json files into the same rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chassis-latency-'));
    writeFileSync(join(dir, 'a.csv'), 'tsNs,entryNs,responseNs\n1,10,20\n');
    writeFileSync(join(dir, 'a.json'), '[{"tsNs":1,"entryNs":10,"responseNs":20}]');
    expect(readLatencyTable(join(dir, 'a.csv'))).toEqual(readLatencyTable(join(dir, 'a.json')));
    expect(() => readLatencyTable(join(dir, 'missing.csv'))).toThrow(/cannot read latency table/);
  });
});
