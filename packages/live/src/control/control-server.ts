/**
 * The control API of a running session (SPEC.md §5 "operational control surface"): node:http on
 * loopback by default, one bearer token per session start.
 *
 * Flow of a request: token (missing → 401, wrong → 403, compared in constant time) → path
 * (unknown → 404; wrong method → 405) → body (too large → 413, malformed → 400 naming what was
 * wrong) → one SessionControl call (a ChassisError from the session → 409 with its code and
 * message; anything else → 500). Every refusal is logged (never the token) and counted.
 *
 * Files: `control-token` (0600) is written before the server listens, so no request can arrive
 * before the credential exists; `control.json` (host, port, pid) once it listens; both are
 * removed on close.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, rmSync } from 'node:fs';
import { ChassisError } from '@chassis/core';
import type { SessionControl } from '../contracts.ts';
import { createControlToken, tokenMatches, writeControlToken } from './control-token.ts';
import { removeControlInfo, writeControlInfo } from './control-info.ts';
import { controlRoutes, MalformedBody, type ControlAction, type ControlRoute } from './control-routes.ts';

/** Why a request was refused (the `reason` label of chassis_live_control_refusals_total). */
export type ControlRefusal =
  | 'missing_token'
  | 'wrong_token'
  | 'unknown_path'
  | 'method_not_allowed'
  | 'malformed_request'
  | 'body_too_large'
  | 'session_refused'
  | 'session_error';

/** The logger the control API needs: pino's calling convention (object first, then message). */
export interface ControlLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ControlServerOptions {
  readonly control: SessionControl;
  readonly sessionId: string;
  /** `<data>/execution-records/{session}`: receives control-token and control.json. */
  readonly sessionDir: string;
  readonly log: ControlLog;
  /** 0 = an ephemeral port chosen by the OS (written to control.json). */
  readonly port: number;
  /** Default 127.0.0.1: only processes on this machine can reach it. */
  readonly host?: string;
  /** Called once per refused request (live-metrics `controlRefused`). */
  readonly onRefusal?: (reason: ControlRefusal) => void;
  /** Largest accepted body in bytes (default 1 MiB: a live.yaml is a few KiB). */
  readonly maxBodyBytes?: number;
}

export interface ControlServer {
  readonly host: string;
  readonly port: number;
  /** e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly tokenPath: string;
  readonly infoPath: string;
  /** Stops listening and removes control.json and control-token. */
  close(): Promise<void>;
}

const STATUS_OF: Readonly<Record<ControlRefusal, number>> = {
  missing_token: 401,
  wrong_token: 403,
  unknown_path: 404,
  method_not_allowed: 405,
  malformed_request: 400,
  body_too_large: 413,
  session_refused: 409,
  session_error: 500,
};

class Refusal extends Error {
  constructor(
    readonly reason: ControlRefusal,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
    .end(`${JSON.stringify(body)}\n`);
}

/** The bearer token of a request; null when the header is absent or not a Bearer credential. */
function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return m === null ? null : m[1]!;
}

function authenticate(req: IncomingMessage, token: string): void {
  const presented = bearerToken(req);
  if (presented === null)
    throw new Refusal(
      'missing_token',
      `send "Authorization: Bearer <token>" with the token in the session's control-token file`,
    );
  if (!tokenMatches(presented, token))
    throw new Refusal(
      'wrong_token',
      `the token does not match this session's control-token file (the session writes a new one each time it starts)`,
    );
}

const pathOf = (req: IncomingMessage): string => new URL(req.url ?? '/', 'http://control').pathname;

function route(req: IncomingMessage): ControlRoute {
  const path = pathOf(req);
  const found = controlRoutes.get(path);
  if (found === undefined)
    throw new Refusal('unknown_path', `no endpoint ${path}; endpoints: ${[...controlRoutes.keys()].join(' ')}`);
  if (req.method !== found.method)
    throw new Refusal('method_not_allowed', `${path} takes ${found.method}, not ${req.method}`);
  return found;
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        reject(new Refusal('body_too_large', `the body exceeds ${maxBytes} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

interface RequestContext {
  readonly method: string | undefined;
  readonly path: string;
  readonly remote: string | undefined;
  action?: ControlAction;
}

function parseBody(r: ControlRoute, body: string): { readonly reason: string; readonly argument: string } {
  try {
    return r.parse(body);
  } catch (err) {
    if (err instanceof MalformedBody) throw new Refusal('malformed_request', err.message);
    throw err;
  }
}

/** Answers a refusal: logged (warn; error for the session's own failures) and sent as JSON naming what was wrong. */
function refuse(res: ServerResponse, err: Refusal, context: RequestContext, log: ControlLog): void {
  const status = STATUS_OF[err.reason];
  const code = err.code === undefined ? {} : { code: err.code };
  const fields = { ...context, status, refusal: err.reason, ...code };
  const message = `control: refused ${context.method} ${context.path}: ${err.message}`;
  if (status >= 500) log.error(fields, message);
  else log.warn(fields, message);
  const headers: Record<string, string> =
    err.reason === 'missing_token' ? { 'www-authenticate': 'Bearer realm="chassis-session"' } : {};
  sendJson(res, status, { ok: false, error: err.reason, ...code, message: err.message }, headers);
}

/** Runs the route; a session that refuses (ChassisError) is a 409 naming its code, anything else a 500. */
async function perform(r: ControlRoute, control: SessionControl, argument: string) {
  try {
    return await r.run(control, argument);
  } catch (err) {
    if (err instanceof ChassisError) throw new Refusal('session_refused', err.message, err.code);
    throw new Refusal('session_error', `the session failed to ${r.action}: ${(err as Error).message ?? String(err)}`);
  }
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const { control, log } = options;
  mkdirSync(options.sessionDir, { recursive: true });
  const token = createControlToken();
  const tokenPath = writeControlToken(options.sessionDir, token);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // The path without its query: a token someone put in a query string never reaches the log.
    const context: RequestContext = { method: req.method, path: pathOf(req), remote: req.socket.remoteAddress };
    try {
      authenticate(req, token);
      const r = route(req);
      context.action = r.action;
      const parsed = parseBody(r, await readBody(req, maxBodyBytes));
      if (r.method === 'POST')
        log.info({ ...context, reason: parsed.reason }, `control: ${r.action} requested (${parsed.reason})`);
      sendJson(res, 200, { ok: true, action: r.action, ...(await perform(r, control, parsed.argument)) });
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      refuse(res, err, context, log);
      options.onRefusal?.(err.reason);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ method: req.method, path: req.url, err: (err as Error).message }, 'control: internal error');
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal', message: (err as Error).message });
    });
  });
  // Operators' requests are small and local: a client that has not sent its whole request within
  // 10 s is stuck or hostile, and must not hold a socket of the session's process.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      rmSync(tokenPath, { force: true });
      const what =
        err.code === 'EADDRINUSE'
          ? `port ${options.port} is already in use on ${host}; choose another --control-port`
          : `cannot listen on ${host}:${options.port}: ${err.message}`;
      reject(new ChassisError('E_CONTROL_PORT', what, { cause: err }));
    });
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const infoPath = writeControlInfo(options.sessionDir, {
    format: 'chassis-control-v1',
    sessionId: options.sessionId,
    host,
    port,
    pid: process.pid,
    startedAt: new Date().toISOString(),
  });
  if (!['127.0.0.1', '::1', 'localhost'].includes(host))
    log.warn(
      { host, port },
      `control: listening on ${host}, reachable from other machines (token-protected, not encrypted)`,
    );
  log.info({ host, port, tokenPath }, `control: listening on ${host}:${port}`);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    host,
    port,
    url: `http://${urlHost}:${port}`,
    tokenPath,
    infoPath,
    close: () =>
      new Promise<void>((resolve, reject) => {
        removeControlInfo(options.sessionDir);
        rmSync(tokenPath, { force: true });
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
