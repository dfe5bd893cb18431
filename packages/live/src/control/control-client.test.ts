import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ChassisError } from '@chassis/core';
import { locateSession, sendControl } from './control-client.ts';
import { writeControlInfo } from './control-info.ts';
import { startControlServer, type ControlServer } from './control-server.ts';
import { SessionControlDouble } from './session-control-double.ts';

/** A process id that existed and has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

let data: string;
let servers: ControlServer[];

beforeEach(() => {
  data = mkdtempSync(join(tmpdir(), 'chassis-ctl-'));
  servers = [];
});
afterEach(async () => {
  for (const s of servers) await s.close();
});

const silent = pino({ level: 'silent' });

async function serve(sessionId: string, session = new SessionControlDouble()): Promise<ControlServer> {
  const server = await startControlServer({
    control: session,
    sessionId,
    sessionDir: join(data, 'execution-records', sessionId),
    log: silent,
    port: 0,
  });
  servers.push(server);
  return server;
}

function staleSession(sessionId: string, startedAt: string): number {
  const dir = join(data, 'execution-records', sessionId);
  mkdirSync(dir, { recursive: true });
  const pid = deadPid();
  writeControlInfo(dir, { format: 'chassis-control-v1', sessionId, host: '127.0.0.1', port: 9, pid, startedAt });
  writeFileSync(join(dir, 'control-token'), 'f'.repeat(64), { mode: 0o600 });
  return pid;
}

function errorOf(fn: () => unknown): ChassisError {
  try {
    fn();
  } catch (err) {
    return err as ChassisError;
  }
  throw new Error('expected an error');
}

describe('locating a session', () => {
  it('finds a named running session with its url and token', async () => {
    const server = await serve('paper-a');
    const ep = locateSession(data, 'paper-a');
    expect(ep).toMatchObject({ sessionId: 'paper-a', url: server.url, pid: process.pid });
    expect(ep.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('picks the running session that started last when none is named, skipping stale ones', async () => {
    await serve('paper-a');
    await new Promise((r) => setTimeout(r, 5));
    const b = await serve('paper-b');
    staleSession('paper-z', '2999-01-01T00:00:00.000Z');
    expect(locateSession(data).url).toBe(b.url);
  });

  it('refuses a named session whose control.json names a dead process, saying how to resume it', () => {
    const pid = staleSession('paper-dead', '2026-01-01T00:00:00.000Z');
    const err = errorOf(() => locateSession(data, 'paper-dead'));
    expect(err.code).toBe('E_CONTROL_STALE');
    expect(err.message).toContain(`names process ${pid}, which no longer exists`);
    expect(err.message).toContain('--session paper-dead');
  });

  it('says no session runs, naming the stale ones, when none is named and none is alive', () => {
    staleSession('paper-dead', '2026-01-01T00:00:00.000Z');
    const err = errorOf(() => locateSession(data));
    expect(err.code).toBe('E_NO_RUNNING_SESSION');
    expect(err.message).toMatch(/stale control\.json in paper-dead \(process \d+ is gone\)/);
  });

  it('names the known sessions when the named one does not exist', async () => {
    await serve('paper-a');
    const err = errorOf(() => locateSession(data, 'paper-x'));
    expect(err.code).toBe('E_SESSION_UNKNOWN');
    expect(err.message).toContain('sessions: paper-a');
  });

  it('refuses a session id that is not a name, so no path outside execution-records is read', () => {
    expect(errorOf(() => locateSession(data, '../../etc')).code).toBe('E_SESSION_ID');
  });

  it('says a session without control.json is not running', () => {
    mkdirSync(join(data, 'execution-records', 'paper-old'), { recursive: true });
    expect(errorOf(() => locateSession(data, 'paper-old')).code).toBe('E_SESSION_NOT_RUNNING');
  });
});

describe('sending a control request', () => {
  it('delivers the reason to the session and returns its new status', async () => {
    const session = new SessionControlDouble();
    await serve('paper-a', session);
    const answer = await sendControl(locateSession(data, 'paper-a'), 'kill', 'spread too wide');
    expect(session.calls).toEqual([{ method: 'kill', argument: 'spread too wide' }]);
    expect(answer.status.killSwitch).toBe(true);
  });

  it("turns the session's refusal into an error with the session's code", async () => {
    const session = new SessionControlDouble();
    await serve('paper-a', session);
    session.refuse(new ChassisError('E_LIVE_CONFIG', 'instruments: required'));
    await expect(sendControl(locateSession(data, 'paper-a'), 'config', 'venue: x\n')).rejects.toMatchObject({
      code: 'E_LIVE_CONFIG',
      message: expect.stringContaining('instruments: required'),
    });
  });

  it('turns a wrong token into E_CONTROL_WRONG_TOKEN', async () => {
    await serve('paper-a');
    const ep = { ...locateSession(data, 'paper-a'), token: 'not-the-token' };
    await expect(sendControl(ep, 'status', '')).rejects.toMatchObject({ code: 'E_CONTROL_WRONG_TOKEN' });
  });

  it('says the control API does not answer when nothing listens', async () => {
    const server = await serve('paper-a');
    const ep = locateSession(data, 'paper-a');
    await server.close();
    servers = [];
    await expect(sendControl(ep, 'status', '')).rejects.toMatchObject({
      code: 'E_CONTROL_UNREACHABLE',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });
});
