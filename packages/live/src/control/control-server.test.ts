import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { ChassisError } from '@chassis/core';
import { startControlServer, type ControlRefusal, type ControlServer } from './control-server.ts';
import { readControlInfo } from './control-info.ts';
import { SessionControlDouble } from './session-control-double.ts';

interface Answer {
  status: number;
  headers: Headers;
  body: {
    ok: boolean;
    action?: string;
    error?: string;
    code?: string;
    message?: string;
    version?: string;
    report?: string;
    status?: Record<string, unknown>;
  };
}

let dir: string;
let session: SessionControlDouble;
let server: ControlServer;
let logLines: Array<Record<string, unknown>>;
let refusals: ControlRefusal[];
let token: string;

async function start(): Promise<ControlServer> {
  const log = pino(
    { level: 'info' },
    { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return startControlServer({
    control: session,
    sessionId: 'paper-test-1',
    sessionDir: dir,
    log,
    port: 0,
    onRefusal: (r) => void refusals.push(r),
    maxBodyBytes: 4096,
  });
}

beforeEach(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'chassis-control-')), 'execution-records', 'paper-test-1');
  session = new SessionControlDouble();
  logLines = [];
  refusals = [];
  server = await start();
  token = readFileSync(server.tokenPath, 'utf8').trim();
});

afterEach(async () => {
  await server.close();
  vi.restoreAllMocks();
});

async function call(
  path: string,
  options: { method?: string; auth?: string | null; body?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const auth = options.auth === undefined ? `Bearer ${token}` : options.auth;
  if (auth !== null) headers.authorization = auth;
  const res = await fetch(`${server.url}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
}

const reason = (text: string): string => JSON.stringify({ reason: text });

describe('the control API files', () => {
  it('writes a 64-hex-character token readable by its owner only (mode 0600)', () => {
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(server.tokenPath).mode & 0o777).toBe(0o600);
    expect(server.tokenPath).toBe(join(dir, 'control-token'));
  });

  it('writes the token before the server listens', async () => {
    await server.close();
    const listen = Server.prototype.listen;
    let tokenExistedAtListen: boolean | null = null;
    vi.spyOn(Server.prototype, 'listen').mockImplementation(function (this: Server, ...args: unknown[]) {
      tokenExistedAtListen = existsSync(join(dir, 'control-token'));
      return (listen as (...a: unknown[]) => Server).apply(this, args);
    });
    server = await start();
    expect(tokenExistedAtListen).toBe(true);
  });

  it('writes control.json with the port it listens on and this process id', () => {
    const info = readControlInfo(dir)!;
    expect(info).toMatchObject({
      format: 'chassis-control-v1',
      sessionId: 'paper-test-1',
      host: '127.0.0.1',
      port: server.port,
      pid: process.pid,
    });
    expect(server.port).toBeGreaterThan(0);
  });

  it('creates a new token at every start, and the old one is refused', async () => {
    const old = token;
    await server.close();
    server = await start();
    token = readFileSync(server.tokenPath, 'utf8').trim();
    expect(token).not.toBe(old);
    expect((await call('/status', { auth: `Bearer ${old}` })).status).toBe(403);
  });

  it('removes control.json and the token when it closes', async () => {
    await server.close();
    expect(existsSync(join(dir, 'control.json'))).toBe(false);
    expect(existsSync(join(dir, 'control-token'))).toBe(false);
    server = await start();
  });
});

describe('the control API endpoints', () => {
  it('GET /status answers the session status', async () => {
    const a = await call('/status');
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      ok: true,
      action: 'status',
      status: { sessionId: 'paper-test-1', state: 'running', killSwitch: false },
    });
    expect(session.calls).toEqual([]);
  });

  it('POST /pause pauses the strategy through the session, with the operator reason', async () => {
    const a = await call('/pause', { body: reason('news at 14:30') });
    expect(a.status).toBe(200);
    expect(session.calls).toEqual([{ method: 'pause', argument: 'news at 14:30' }]);
    expect(a.body.status).toMatchObject({ strategyPaused: true, state: 'paused' });
  });

  it('POST /resume resumes the strategy through the session', async () => {
    await call('/pause', { body: reason('a') });
    const a = await call('/resume', { body: reason('news passed') });
    expect(a.status).toBe(200);
    expect(session.calls.at(-1)).toEqual({ method: 'resume', argument: 'news passed' });
    expect(a.body.status).toMatchObject({ strategyPaused: false });
  });

  it('POST /kill engages the kill switch through the session', async () => {
    const a = await call('/kill', { body: reason('runaway quoting') });
    expect(a.status).toBe(200);
    expect(session.calls).toEqual([{ method: 'kill', argument: 'runaway quoting' }]);
    expect(a.body.status).toMatchObject({ killSwitch: true, state: 'killed' });
  });

  it('POST /flatten asks the session to flatten', async () => {
    const a = await call('/flatten', { body: reason('end of day') });
    expect(a.status).toBe(200);
    expect(session.calls).toEqual([{ method: 'flatten', argument: 'end of day' }]);
  });

  it('POST /config hands the YAML text to the session and answers the new version', async () => {
    const yaml =
      'venue: binance-usdm\ninstruments: [BTCUSDT]\nstrategy: { module: ./mm.ts }\nrisk: { maxOpenOrders: 4 }\n';
    const a = await call('/config', { body: yaml });
    expect(a.status).toBe(200);
    expect(a.body.version).toBe('v2');
    expect(session.calls).toEqual([{ method: 'setConfig', argument: yaml }]);
    expect(a.body.status).toMatchObject({ configVersion: 'v2' });
  });

  it('POST /reconcile reconciles through the session and answers the report path', async () => {
    const a = await call('/reconcile', { body: reason('after venue maintenance') });
    expect(a.status).toBe(200);
    expect(a.body.report).toBe('/data/execution-records/paper-test-1/reconciliation-1.json');
    expect(session.calls).toEqual([{ method: 'reconcile', argument: '' }]);
  });

  it('logs each accepted action with its reason', async () => {
    await call('/kill', { body: reason('runaway quoting') });
    expect(logLines.some((l) => l.action === 'kill' && l.reason === 'runaway quoting' && l.level === 30)).toBe(true);
  });
});

describe('the control API refusals', () => {
  const refusalCases: Array<{
    name: string;
    path: string;
    method?: string;
    auth?: string | null;
    body?: string;
    status: number;
    refusal: ControlRefusal;
    message: RegExp;
  }> = [
    {
      name: 'a request without a token',
      path: '/kill',
      auth: null,
      body: reason('x'),
      status: 401,
      refusal: 'missing_token',
      message: /Authorization: Bearer/,
    },
    {
      name: 'a non-Bearer credential',
      path: '/status',
      auth: 'Basic dXNlcjpwYXNz',
      status: 401,
      refusal: 'missing_token',
      message: /Bearer/,
    },
    {
      name: 'a wrong token',
      path: '/kill',
      auth: `Bearer ${'0'.repeat(64)}`,
      body: reason('x'),
      status: 403,
      refusal: 'wrong_token',
      message: /does not match/,
    },
    {
      name: 'a wrong token of another length',
      path: '/status',
      auth: 'Bearer abc',
      status: 403,
      refusal: 'wrong_token',
      message: /does not match/,
    },
    {
      name: 'an unknown path',
      path: '/shutdown',
      body: reason('x'),
      status: 404,
      refusal: 'unknown_path',
      message: /no endpoint \/shutdown; endpoints: \/status/,
    },
    {
      name: 'GET on an action',
      path: '/kill',
      method: 'GET',
      status: 405,
      refusal: 'method_not_allowed',
      message: /\/kill takes POST, not GET/,
    },
    {
      name: 'POST on /status',
      path: '/status',
      body: reason('x'),
      status: 405,
      refusal: 'method_not_allowed',
      message: /\/status takes GET/,
    },
    {
      name: 'an empty body',
      path: '/pause',
      method: 'POST',
      status: 400,
      refusal: 'malformed_request',
      message: /it is empty/,
    },
    {
      name: 'a body that is not JSON',
      path: '/pause',
      body: 'reason=x',
      status: 400,
      refusal: 'malformed_request',
      message: /not JSON/,
    },
    {
      name: 'a body without a reason',
      path: '/kill',
      body: '{}',
      status: 400,
      refusal: 'malformed_request',
      message: /^reason: /,
    },
    {
      name: 'a blank reason',
      path: '/kill',
      body: reason('   '),
      status: 400,
      refusal: 'malformed_request',
      message: /reason must not be empty/,
    },
    {
      name: 'a reason that is not a string',
      path: '/kill',
      body: '{"reason": 3}',
      status: 400,
      refusal: 'malformed_request',
      message: /^reason: /,
    },
    {
      name: 'an unknown field',
      path: '/flatten',
      body: '{"reason": "x", "force": true}',
      status: 400,
      refusal: 'malformed_request',
      message: /force/,
    },
    {
      name: 'a configuration that is not YAML',
      path: '/config',
      body: 'venue: [binance\n',
      status: 400,
      refusal: 'malformed_request',
      message: /not valid YAML at line \d+/,
    },
    {
      name: 'a configuration that is a list',
      path: '/config',
      body: '- a\n- b\n',
      status: 400,
      refusal: 'malformed_request',
      message: /YAML mapping/,
    },
    {
      name: 'a body over the size limit',
      path: '/config',
      body: `a: "${'x'.repeat(5000)}"\n`,
      status: 413,
      refusal: 'body_too_large',
      message: /exceeds 4096 bytes/,
    },
  ];

  for (const c of refusalCases) {
    it(`refuses ${c.name} with ${c.status}, logs and counts it, and calls nothing on the session`, async () => {
      const a = await call(c.path, { method: c.method, auth: c.auth, body: c.body });
      expect(a.status).toBe(c.status);
      expect(a.body).toMatchObject({ ok: false, error: c.refusal });
      expect(a.body.message).toMatch(c.message);
      expect(refusals).toEqual([c.refusal]);
      expect(logLines.filter((l) => l.refusal === c.refusal && l.status === c.status && l.level === 40)).toHaveLength(
        1,
      );
      expect(session.calls).toEqual([]);
    });
  }

  it('asks for a Bearer token in WWW-Authenticate when none was sent', async () => {
    const a = await call('/status', { auth: null });
    expect(a.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('answers 409 with the session code when the session refuses (an invalid configuration)', async () => {
    session.refuse(new ChassisError('E_LIVE_CONFIG', 'risk.maxOrderQty: expected a number, got "lots"'));
    const a = await call('/config', { body: 'risk: { maxOrderQty: lots }\n' });
    expect(a.status).toBe(409);
    expect(a.body).toMatchObject({
      ok: false,
      error: 'session_refused',
      code: 'E_LIVE_CONFIG',
      message: 'risk.maxOrderQty: expected a number, got "lots"',
    });
    expect(refusals).toEqual(['session_refused']);
  });

  it('answers 500 and logs an error when the session fails', async () => {
    session.refuse(new Error('journal write failed: ENOSPC'));
    const a = await call('/kill', { body: reason('x') });
    expect(a.status).toBe(500);
    expect(a.body.message).toMatch(/failed to kill: journal write failed: ENOSPC/);
    expect(logLines.some((l) => l.refusal === 'session_error' && l.level === 50)).toBe(true);
  });

  it('never writes the token to the log', async () => {
    await call('/status', { auth: `Bearer ${token}x` });
    await call('/kill', { body: reason('x') });
    await call('/status', { auth: null });
    await call(`/status?token=${token}`, { auth: null });
    const text = JSON.stringify(logLines);
    expect(logLines.length).toBeGreaterThan(3);
    expect(text).not.toContain(token);
  });
});
