import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { liveConfigSchema, parseLiveConfig, parseLiveConfigText, readLiveConfigFile } from './live-config.ts';

const examples = resolve(import.meta.dirname, '../../../examples');
const minimal = { venue: 'binance-usdm', instruments: ['BTCUSDT'], strategy: { module: 'm.ts' } };

describe('live.yaml', () => {
  it('the three-line examples/live.yaml is a complete configuration', () => {
    const text = readFileSync(join(examples, 'live.yaml'), 'utf8');
    expect(text.trim().split('\n')).toHaveLength(3);
    const c = readLiveConfigFile(join(examples, 'live.yaml'));
    expect(c.venue).toBe('binance-usdm');
    expect(c.risk.recordDenials).toBe(true);
    expect(c.control.host).toBe('127.0.0.1');
  });

  it('examples/live-full.yaml states every defaulted option with exactly its default', () => {
    const full = parseYaml(readFileSync(join(examples, 'live-full.yaml'), 'utf8')) as Record<string, unknown>;
    const withDefaults = parseLiveConfig({ ...minimal, strategy: full.strategy });
    expect(parseLiveConfig(full)).toEqual(withDefaults);
    // The file names every field that has a default (a new option must be added to the example).
    const keys = (o: unknown, at = ''): string[] =>
      o && typeof o === 'object' && !Array.isArray(o)
        ? Object.entries(o).flatMap(([k, v]) => [`${at}${k}`, ...keys(v, `${at}${k}.`)])
        : [];
    expect(keys(full).sort()).toEqual(keys(withDefaults).sort());
  });

  it('an unknown field is an error naming its path', () => {
    expect(() => parseLiveConfig({ ...minimal, risk: { maxOpenOrder: 3 } })).toThrow(
      /risk: unknown field "maxOpenOrder"/,
    );
    expect(() =>
      parseLiveConfig({ ...minimal, paper: { latency: { model: 'constant', entryUs: 1, responseUs: 1, jitter: 2 } } }),
    ).toThrow(/paper\.latency: unknown field "jitter"/);
    expect(() => parseLiveConfig({ ...minimal, colour: 'red' })).toThrow(/unknown field "colour"/);
  });

  it('a missing venue, instrument list or strategy module is named', () => {
    expect(() => parseLiveConfig({ instruments: ['BTCUSDT'], strategy: { module: 'm.ts' } })).toThrow(/venue:/);
    expect(() => parseLiveConfig({ venue: 'binance-usdm', instruments: [], strategy: { module: 'm.ts' } })).toThrow(
      /instruments:/,
    );
    expect(() => parseLiveConfig({ venue: 'binance-usdm', instruments: ['BTCUSDT'], strategy: {} })).toThrow(
      /strategy\.module:/,
    );
  });

  it('the control API is refused on a non-loopback host', () => {
    expect(() => parseLiveConfig({ ...minimal, control: { host: '0.0.0.0' } })).toThrow(
      /control\.host: the control API listens on loopback only/,
    );
  });

  it("the rate limits default to the venue's published ones (binance-usdm: 2400 weight/min, 300 orders/10 s, 1200 orders/min)", () => {
    const limits = parseLiveConfig(minimal).executionControl.limits.map((l) => [l.limit, l.windowMs]);
    expect(limits).toEqual([
      [2400, 60_000],
      [300, 10_000],
      [1200, 60_000],
    ]);
  });

  it("the paper venue models have the backtest run definition's names and defaults", () => {
    const c = parseLiveConfig({ ...minimal, paper: { queue: { model: 'probabilistic', family: 'log' } } });
    expect(c.paper.queue).toEqual({ model: 'probabilistic', family: 'log', parameter: 1 });
    expect(parseLiveConfig(minimal).paper.latency).toEqual({ model: 'constant', entryUs: 1000, responseUs: 1000 });
  });

  it('YAML syntax errors name the source', () => {
    expect(() => parseLiveConfigText('venue: [', 'x/live.yaml')).toThrow(/x\/live\.yaml/);
    const dir = mkdtempSync(join(tmpdir(), 'live-config-'));
    writeFileSync(join(dir, 'l.yaml'), '- a\n- b\n');
    expect(() => readLiveConfigFile(join(dir, 'l.yaml'))).toThrow(/must be a mapping/);
  });

  it('the adapter defaults to native on binance-usdm and to ccxt elsewhere; native elsewhere is refused', () => {
    expect(parseLiveConfig(minimal).adapter).toBe('native');
    expect(parseLiveConfig({ ...minimal, adapter: 'ccxt' }).adapter).toBe('ccxt');
    expect(parseLiveConfig({ ...minimal, venue: 'kraken' }).adapter).toBe('ccxt');
    expect(() => parseLiveConfig({ ...minimal, venue: 'kraken', adapter: 'native' })).toThrow(
      /adapter: the native adapter trades binance-usdm only/,
    );
  });

  it('the schema exposes every top-level section a user may write', () => {
    expect(Object.keys(liveConfigSchema.shape).sort()).toEqual(
      [
        'adapter',
        'balances',
        'control',
        'executionControl',
        'instruments',
        'journal',
        'monitoring',
        'paper',
        'reconciliation',
        'risk',
        'strategy',
        'timeouts',
        'triggers',
        'venue',
      ].sort(),
    );
  });
});
