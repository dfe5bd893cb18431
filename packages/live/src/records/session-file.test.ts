import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSessionFile, writeSessionFile, type SessionFile } from './session-file.ts';
import { sessionDirOf } from './session-paths.ts';
import { instrumentToJson } from './engine-config-json.ts';
import { BTC } from '../../../core/src/testing/fixtures.ts';

function session(): SessionFile {
  return {
    format: 'chassis-session-v1',
    sessionId: 's1',
    mode: 'paper',
    venue: 'binance-usdm',
    config: {
      venue: 'binance-usdm',
      instruments: ['BTCUSDT'],
      strategy: { module: 'examples/strategies/market-maker.ts' },
    },
    engine: {
      instruments: [instrumentToJson(BTC)],
      triggers: { kinds: ['bbo'] },
      risk: {},
      executionControl: { rateBuckets: [] },
      maxConsecutiveStrategyFailures: 3,
      recordIntentDenials: true,
      initialBalances: { USDT: '100000000000000' },
    },
    strategy: { module: 'examples/strategies/market-maker.ts', sha256: 'a'.repeat(64), params: { spreadTicks: 2 } },
    codeVersion: 'abc123',
    createdAt: '2026-12-02T01:00:00.000Z',
  };
}

describe('session.json', () => {
  it('reads back what was written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'session-'));
    writeSessionFile(dir, session());
    expect(readSessionFile(dir)).toEqual(session());
  });

  it('is never written twice for one session', () => {
    const dir = mkdtempSync(join(tmpdir(), 'session-'));
    writeSessionFile(dir, session());
    expect(() => writeSessionFile(dir, session())).toThrow(expect.objectContaining({ code: 'E_SESSION_EXISTS' }));
  });

  it('refuses a file with a bad field, naming the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'session-'));
    writeFileSync(join(dir, 'session.json'), JSON.stringify({ ...session(), mode: 'demo' }));
    expect(() => readSessionFile(dir)).toThrow(/mode: .*\(in .*session\.json\)/);
  });

  it('says which directory is not a session when session.json is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'session-'));
    expect(() => readSessionFile(dir)).toThrow(
      new RegExp(`session\\.json: cannot read it \\(ENOENT\\); is ${dir} a session directory\\?`),
    );
  });

  it('writes canonical JSON (sorted keys)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'session-'));
    writeSessionFile(dir, session());
    const keys = Object.keys(JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8')) as object);
    expect(keys).toEqual([...keys].sort());
  });

  it('keeps session ids to safe directory names', () => {
    expect(sessionDirOf('/data', 'mm-2026-12-02_a')).toBe('/data/execution-records/mm-2026-12-02_a');
    expect(() => sessionDirOf('/data', '../etc')).toThrow(expect.objectContaining({ code: 'E_SESSION_ID' }));
    expect(() => sessionDirOf('/data', '')).toThrow(expect.objectContaining({ code: 'E_SESSION_ID' }));
  });
});
