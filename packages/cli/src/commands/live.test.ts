// Drills: `chassis live` refuses to start without the flag and without credentials (exit code 2, a clear message, nothing created).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChassis } from '../../../../test/chassis-process.ts';

const liveYaml = resolve(import.meta.dirname, '../../../../examples/live.yaml');

describe('chassis live refuses to trade real money unless told to', () => {
  it('without --i-understand-this-trades-real-money it exits 2 and creates no session', async () => {
    const data = mkdtempSync(join(tmpdir(), 'live-refused-'));
    const r = await runChassis(['live', liveYaml, '--data', data, '--session', 's1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /E_LIVE_REFUSED: chassis live sends real orders with real money: run it with --i-understand-this-trades-real-money/,
    );
    expect(existsSync(join(data, 'execution-records', 's1'))).toBe(false);
  });

  it('without credentials in the environment it exits 2 naming the variables (never their values)', async () => {
    const data = mkdtempSync(join(tmpdir(), 'live-refused-'));
    const r = await runChassis([
      'live',
      liveYaml,
      '--data',
      data,
      '--session',
      's1',
      '--i-understand-this-trades-real-money',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /E_LIVE_NO_CREDENTIALS: .*CHASSIS_BINANCE_API_KEY and CHASSIS_BINANCE_API_SECRET are not set/,
    );
    expect(existsSync(join(data, 'execution-records', 's1'))).toBe(false);
  });

  it("with adapter: ccxt it asks for the ccxt adapter's credentials, not Binance's", async () => {
    const data = mkdtempSync(join(tmpdir(), 'live-refused-'));
    const yaml = join(data, 'live.yaml');
    writeFileSync(yaml, 'venue: binance-usdm\nadapter: ccxt\ninstruments: [BTCUSDT]\nstrategy: { module: m.ts }\n');
    const args = ['live', yaml, '--data', data, '--session', 's1', '--i-understand-this-trades-real-money'];
    const r = await runChassis(args, { CHASSIS_BINANCE_API_KEY: 'k', CHASSIS_BINANCE_API_SECRET: 's' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/E_LIVE_NO_CREDENTIALS: .*CHASSIS_CCXT_API_KEY and CHASSIS_CCXT_API_SECRET are not set/);
    expect(existsSync(join(data, 'execution-records', 's1'))).toBe(false);
  });
});
