import { describe, expect, it } from 'vitest';
import { formatSessionStatus } from './status-text.ts';
import { SessionControlDouble } from './session-control-double.ts';

const base = new SessionControlDouble().status();

describe('the readable session status', () => {
  it('says trading is allowed when nothing blocks it', () => {
    const text = formatSessionStatus({ ...base, feeds: { 'binance-usdm:BTCUSDT': 'healthy' } });
    expect(text).toContain('session paper-test-1 (paper, binance-usdm): running');
    expect(text).toMatch(/trading +allowed/);
    expect(text).toMatch(/kill switch +off/);
  });

  it('names everything that blocks or limits trading', () => {
    const text = formatSessionStatus({ ...base, killSwitch: true, strategyPaused: true, reconciliation: 'mismatch' });
    expect(text).toMatch(
      /blocked or limited: kill switch engaged, strategy paused, reconciliation mismatch, 1 feed degraded/,
    );
    expect(text).toMatch(/kill switch +ENGAGED/);
  });

  it('lists feeds and positions by instrument name, and none when empty', () => {
    const text = formatSessionStatus({
      ...base,
      feeds: { 'b:ETHUSDT': 'degraded', 'b:BTCUSDT': 'healthy' },
      positions: {},
    });
    expect(text).toMatch(/feeds +b:BTCUSDT healthy, b:ETHUSDT degraded/);
    expect(text).toMatch(/positions +none/);
    expect(text).toMatch(/journal +seq 41, state hash 0123456789abcdef/);
  });
});
