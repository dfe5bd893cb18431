// `chassis ctl` as a user runs it (a child process) against a control API served in this process
// over a SessionControl double: what reaches the session, what the operator reads.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startControlServer, type ControlServer } from '@chassis/live';
import { runChassis } from '../../../../test/chassis-process.ts';
import { SessionControlDouble } from '../../../live/src/control/session-control-double.ts';

let data: string;
let session: SessionControlDouble;
let server: ControlServer;

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), 'chassis-ctl-cli-'));
  session = new SessionControlDouble();
  server = await startControlServer({
    control: session,
    sessionId: 'paper-test-1',
    sessionDir: join(data, 'execution-records', 'paper-test-1'),
    log: pino({ level: 'silent' }),
    port: 0,
  });
});
afterAll(async () => {
  await server.close();
});

describe('chassis ctl', () => {
  it('status prints the newest running session readably', async () => {
    const r = await runChassis(['ctl', 'status', '--data', data]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('session paper-test-1 (paper, binance-usdm): running');
    expect(r.out).toMatch(/feeds +binance-usdm:BTCUSDT healthy, binance-usdm:ETHUSDT degraded/);
  });

  it('kill --reason engages the kill switch through the session with that reason', async () => {
    const r = await runChassis([
      'ctl',
      'kill',
      '--data',
      data,
      '--session',
      'paper-test-1',
      '--reason',
      'runaway quoting',
    ]);
    expect(r.code).toBe(0);
    expect(session.calls.at(-1)).toEqual({ method: 'kill', argument: 'runaway quoting' });
    expect(r.out).toMatch(/^kill switch engaged/);
    expect(r.out).toMatch(/kill switch +ENGAGED/);
  });

  it('set-config sends the file and prints the new version; --json prints the answer', async () => {
    const file = join(data, 'next.yaml');
    writeFileSync(file, 'venue: binance-usdm\ninstruments: [BTCUSDT]\nstrategy: { module: ./mm.ts }\n');
    const r = await runChassis(['ctl', 'set-config', file, '--data', data, '--json']);
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.out) as { ok: boolean; action: string; version: string };
    expect(answer).toMatchObject({ ok: true, action: 'config', version: expect.stringMatching(/^v\d+$/) });
    expect(session.calls.at(-1)).toEqual({
      method: 'setConfig',
      argument: 'venue: binance-usdm\ninstruments: [BTCUSDT]\nstrategy: { module: ./mm.ts }\n',
    });
  });

  it('refuses a session whose control.json names a dead process, with a clear error and exit 1', async () => {
    const dir = join(data, 'execution-records', 'paper-dead');
    mkdirSync(dir, { recursive: true });
    const pid = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(
      join(dir, 'control.json'),
      JSON.stringify({
        format: 'chassis-control-v1',
        sessionId: 'paper-dead',
        host: '127.0.0.1',
        port: 9,
        pid,
        startedAt: '2026-01-01T00:00:00.000Z',
      }),
    );
    const r = await runChassis(['ctl', 'pause', '--data', data, '--session', 'paper-dead']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(`^E_CONTROL_STALE: session paper-dead is not running: .*names process ${pid}, which no longer exists`),
    );
  });
});
