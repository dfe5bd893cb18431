import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '@chassis/venues';
import { createRecordingLog, logConnectionEvent } from './recording-log.ts';

/** A stream that keeps what was written (pino and pino-pretty both accept a Writable). */
function sink(): Writable & { text: string } {
  const w = new Writable({
    write(chunk: Buffer, _encoding, done) {
      w.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}

const gap: ConnectionEvent = { type: 'gap', tsNs: 1_764_633_600_123_456_789n, connectionId: 'S-0:2', reason: 'pu 41 != previous u 40', instrument: 'BTCUSDT', fromNs: 10n, toNs: 20n };

describe('the recording log', () => {
  it('writes one JSON object per line with pino levels, the component and every field of the event', () => {
    const out = sink();
    logConnectionEvent(createRecordingLog('json', out), 'binance-usdm', 'depth', gap);
    const line = JSON.parse(out.text) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 40, component: 'record', venue: 'binance-usdm', feed: 'depth', event: 'gap', connectionId: 'S-0:2', tsNs: '1764633600123456789', reason: 'pu 41 != previous u 40', instrument: 'BTCUSDT', fromNs: '10', toNs: '20', msg: 'binance-usdm/depth gap: pu 41 != previous u 40' });
    expect(out.text.endsWith('\n')).toBe(true);
  });

  it('logs the normal lifecycle at info (30) and trouble at warn (40)', () => {
    const levels = (['connecting', 'open', 'subscribed', 'snapshot-requested', 'snapshot-received', 'synced', 'rotated', 'closed', 'reconnect-scheduled', 'silent', 'rate-limited', 'malformed', 'gap', 'resync'] as const).map((type) => {
      const out = sink();
      logConnectionEvent(createRecordingLog('json', out), 'okx', 'trade', { type, tsNs: 1n, connectionId: 'c', reason: 'r' });
      return [type, (JSON.parse(out.text) as { level: number }).level];
    });
    expect(Object.fromEntries(levels)).toEqual({ connecting: 30, open: 30, subscribed: 30, 'snapshot-requested': 30, 'snapshot-received': 30, synced: 30, rotated: 30, closed: 40, 'reconnect-scheduled': 40, silent: 40, 'rate-limited': 40, malformed: 40, gap: 40, resync: 40 });
  });

  it('writes human lines, not JSON, in the pretty format', () => {
    const out = sink();
    logConnectionEvent(createRecordingLog('pretty', out), 'binance-usdm', 'depth', gap);
    expect(out.text).toMatch(/WARN.*binance-usdm\/depth gap: pu 41 != previous u 40/);
    expect(() => JSON.parse(out.text) as unknown).toThrow();
  });
});
