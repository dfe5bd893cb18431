import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChassisError } from '@chassis/core';
import { RECORD_CHANNELS, VENUE_IDS } from '@chassis/venues';
import { loadRecorderConfig, parseRecorderConfig, parseWindow, recorderConfigFromFlags, type RecordFlags } from './recorder-config.ts';

const repo = resolve(import.meta.dirname, '../../..');

function errorOf(fn: () => unknown): ChassisError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ChassisError) return err;
    throw err;
  }
  throw new Error('expected a ChassisError');
}

const oneFeed = { feeds: [{ venue: 'binance-usdm', symbols: ['BTCUSDT'], channels: ['depth'] }] };

describe('recorder.yaml', () => {
  it('parses the example in examples/recorder.yaml into four feeds with their defaults', () => {
    const c = loadRecorderConfig(join(repo, 'examples/recorder.yaml'));
    expect(c.feeds.map((f) => `${f.spec.venue}/${f.feed}`)).toEqual(['binance-usdm/depth+trade+bbo', 'binance-spot/depth+trade', 'okx/depth+trade+bbo', 'bybit-linear/depth+trade']);
    expect(c.feeds[0]!.spec.symbols).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(c.windowNs).toBe(3_600_000_000_000n);
    expect(c.flushIntervalMs).toBe(1000);
    expect(c.metricsPort).toBe(9468);
    expect(c.logFormat).toBe('json');
  });

  it('fills the defaults: 1 h windows, 1000 ms flushes, 64 MiB buffer, json logs, no metrics port', () => {
    const c = parseRecorderConfig(oneFeed, 'test');
    expect([c.window, c.windowNs, c.flushIntervalMs, c.bufferLimitBytes, c.logFormat, c.metricsPort]).toEqual(['1h', 3_600_000_000_000n, 1000, 64 * 1024 * 1024, 'json', undefined]);
  });

  it('rejects an unknown top-level field, naming it and the file', () => {
    const e = errorOf(() => parseRecorderConfig({ ...oneFeed, windw: '1h' }, 'rec.yaml'));
    expect(e.code).toBe('E_RECORDER_CONFIG');
    expect(e.message).toBe('(root): unknown field "windw" (in rec.yaml)');
  });

  it('rejects an unknown field inside a feed, naming its path', () => {
    const e = errorOf(() => parseRecorderConfig({ feeds: [oneFeed.feeds[0], { ...oneFeed.feeds[0], name: 'b', symbol: 'X' }] }, 'rec.yaml'));
    expect(e.message).toBe('feeds.1: unknown field "symbol" (in rec.yaml)');
  });

  it('names an unknown venue and the venues it knows', () => {
    const e = errorOf(() => parseRecorderConfig({ feeds: [{ ...oneFeed.feeds[0], venue: 'binance' }] }, 'rec.yaml'));
    expect(e.message).toMatch(/^feeds\.0\.venue: unknown venue "binance"; expected one of binance-spot, binance-usdm/);
  });

  it('accepts every importable venue, each now having a recording connector (kucoin the last)', () => {
    for (const venue of VENUE_IDS) {
      const config = parseRecorderConfig({ feeds: [{ ...oneFeed.feeds[0], venue }] }, 'rec.yaml');
      expect(config.feeds[0]!.spec.venue).toBe(venue);
    }
  });

  it('names an unknown channel', () => {
    const e = errorOf(() => parseRecorderConfig({ feeds: [{ ...oneFeed.feeds[0], channels: ['depth', 'ticker'] }] }, 'rec.yaml'));
    expect(e.message).toBe('feeds.0.channels.1: unknown channel "ticker"; expected depth, trade, bbo (in rec.yaml)');
  });

  it('refuses a flush interval above 1000 ms, the bound on what a SIGKILL loses', () => {
    const e = errorOf(() => parseRecorderConfig({ ...oneFeed, flushIntervalMs: 1500 }, 'rec.yaml'));
    expect(e.message).toMatch(/^flushIntervalMs: flushIntervalMs is at most 1000/);
  });

  it('refuses two feeds that would record into the same raw/ directory', () => {
    const e = errorOf(() => parseRecorderConfig({ feeds: [oneFeed.feeds[0], { ...oneFeed.feeds[0], symbols: ['ETHUSDT'] }] }, 'rec.yaml'));
    expect(e.message).toBe('feeds.1: records into raw/binance-usdm/depth/ like feeds.0: give one of them another name (in rec.yaml)');
  });

  it('refuses an endpoint with a path, since the venue paths are kept', () => {
    const e = errorOf(() => parseRecorderConfig({ feeds: [{ ...oneFeed.feeds[0], endpoint: 'ws://127.0.0.1:9000/ws' }] }, 'rec.yaml'));
    expect(e.message).toMatch(/^feeds\.0\.endpoint: "ws:\/\/127\.0\.0\.1:9000\/ws" must be a base URL/);
  });

  it('refuses an http URL as the WebSocket endpoint', () => {
    const e = errorOf(() => parseRecorderConfig({ feeds: [{ ...oneFeed.feeds[0], endpoint: 'http://127.0.0.1:9000' }] }, 'rec.yaml'));
    expect(e.message).toMatch(/^feeds\.0\.endpoint: "http:\/\/127\.0\.0\.1:9000" must use ws or wss/);
  });

  it('names the line of a YAML syntax error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rec-config-'));
    writeFileSync(join(dir, 'bad.yaml'), 'feeds:\n  - venue: okx\n   symbols: [x\n');
    const e = errorOf(() => loadRecorderConfig(join(dir, 'bad.yaml')));
    expect(e.code).toBe('E_RECORDER_CONFIG');
    expect(e.message).toContain(join(dir, 'bad.yaml'));
    expect(e.message).toMatch(/line 3/);
  });

  it('names the feed directory after its channels in RECORD_CHANNELS order, whatever order they are given in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([...RECORD_CHANNELS], { minLength: 1 }), (channels) => {
        const c = parseRecorderConfig({ feeds: [{ venue: 'okx', symbols: ['BTC-USDT'], channels }] }, 'p');
        expect(c.feeds[0]!.feed).toBe(RECORD_CHANNELS.filter((ch) => channels.includes(ch)).join('+'));
        expect(c.feeds[0]!.spec.channels).toEqual(RECORD_CHANNELS.filter((ch) => channels.includes(ch)));
      }),
    );
  });
});

describe('window lengths', () => {
  it('reads s, m, h and d units into nanoseconds', () => {
    expect([parseWindow('30s'), parseWindow('15m'), parseWindow('1h'), parseWindow('1d')]).toEqual([30_000_000_000n, 900_000_000_000n, 3_600_000_000_000n, 86_400_000_000_000n]);
  });

  it('accepts exactly the lengths that divide a day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 86_400 }), (seconds) => {
        const w = parseWindow(`${seconds}s`);
        if (86_400 % seconds === 0) expect(w).toBe(BigInt(seconds) * 1_000_000_000n);
        else expect(w).toMatch(/must divide a day/);
      }),
    );
  });

  it('explains a length it cannot read', () => {
    expect(parseWindow('1 hour')).toBe('"1 hour" is not a window length (e.g. 30s, 15m, 1h, 1d)');
  });
});

describe('chassis record flags', () => {
  const flags: RecordFlags = { venue: 'binance-usdm', symbols: 'BTCUSDT, ETHUSDT', channels: 'trade,depth' };

  it('map onto one feed of the same configuration', () => {
    const c = recorderConfigFromFlags({ ...flags, endpoint: 'ws://127.0.0.1:9001', restEndpoint: 'http://127.0.0.1:9002', window: '15m', data: '/tmp/d', metricsPort: 9999, logFormat: 'pretty' });
    expect(c.feeds).toEqual([
      { spec: { venue: 'binance-usdm', symbols: ['BTCUSDT', 'ETHUSDT'], channels: ['depth', 'trade'] }, feed: 'depth+trade', endpoints: { wsBaseUrl: 'ws://127.0.0.1:9001', restBaseUrl: 'http://127.0.0.1:9002' } },
    ]);
    expect([c.windowNs, c.data, c.metricsPort, c.logFormat]).toEqual([900_000_000_000n, '/tmp/d', 9999, 'pretty']);
  });

  it('give the same configuration as a recorder.yaml with the same feed and settings', () => {
    const symbol = fc.stringMatching(/^[A-Z0-9]{2,8}(-[A-Z0-9]{2,6})?$/);
    fc.assert(
      fc.property(
        fc.constantFrom('binance-spot', 'binance-usdm', 'binance-coinm', 'okx', 'bybit-spot', 'bybit-linear'),
        fc.uniqueArray(symbol, { minLength: 1, maxLength: 4 }),
        fc.shuffledSubarray([...RECORD_CHANNELS], { minLength: 1 }),
        fc.constantFrom('30s', '1m', '15m', '1h', '4h', '1d'),
        fc.integer({ min: 1, max: 1000 }),
        fc.option(fc.integer({ min: 1024, max: 65535 }), { nil: undefined }),
        (venue, symbols, channels, window, flushIntervalMs, metricsPort) => {
          const fromFlags = recorderConfigFromFlags({ venue, symbols: symbols.join(','), channels: channels.join(','), window, flushIntervalMs: String(flushIntervalMs), ...(metricsPort ? { metricsPort } : {}) });
          const fromFile = parseRecorderConfig({ window, flushIntervalMs, ...(metricsPort ? { metricsPort } : {}), feeds: [{ venue, symbols, channels }] }, 'recorder.yaml');
          expect(fromFlags).toEqual(fromFile);
        },
      ),
    );
  });

  it('name the flag, not the config path, in an error (E_USAGE, exit code 2)', () => {
    const e = errorOf(() => recorderConfigFromFlags({ ...flags, channels: 'depth,book' }));
    expect([e.code, e.exitCode]).toEqual(['E_USAGE', 2]);
    expect(e.message).toBe('--channels: unknown channel "book"; expected depth, trade, bbo (in command-line flags)');
  });

  it('name --window when the window does not divide a day', () => {
    expect(errorOf(() => recorderConfigFromFlags({ ...flags, window: '7m' })).message).toMatch(/^--window: window "7m" must divide a day/);
  });

  it('name --flush-interval-ms when it is not a number', () => {
    expect(errorOf(() => recorderConfigFromFlags({ ...flags, flushIntervalMs: 'fast' })).message).toMatch(/^--flush-interval-ms: /);
  });

  it('without a feed or --config are a usage error', () => {
    const e = errorOf(() => recorderConfigFromFlags({ venue: 'okx', symbols: 'BTC-USDT' }));
    expect([e.code, e.exitCode, e.message]).toEqual(['E_USAGE', 2, 'give --venue, --symbols and --channels (one feed), or --config FILE (see chassis record --help)']);
  });

  it('for a feed cannot be combined with --config', () => {
    const e = errorOf(() => recorderConfigFromFlags({ config: 'rec.yaml', venue: 'okx', endpoint: 'ws://x' }, () => oneFeed));
    expect(e.message).toBe('--venue, --endpoint cannot be combined with --config: the config file lists the feeds');
  });

  it('for the process override the same fields of the config file', () => {
    const c = recorderConfigFromFlags({ config: 'rec.yaml', window: '5m', metricsPort: 9100 }, () => ({ ...oneFeed, window: '1h', metricsPort: 9468, logFormat: 'pretty' }));
    expect([c.window, c.metricsPort, c.logFormat]).toEqual(['5m', 9100, 'pretty']);
  });
});
