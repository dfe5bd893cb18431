/**
 * The client side of the control API (`chassis ctl`): find a running session's control.json and
 * token under `<data>/execution-records/`, send one request, turn every refusal into a ChassisError
 * whose message says what to do.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ChassisError } from '@chassis/core';
import type { SessionStatus } from '../contracts.ts';
import { processAlive, readControlInfo, type ControlInfo } from './control-info.ts';
import { readControlToken } from './control-token.ts';
import { sessionDirOf, sessionPaths } from '../records/session-paths.ts';
import type { ControlAction } from './control-routes.ts';

export interface SessionEndpoint {
  readonly sessionId: string;
  readonly sessionDir: string;
  readonly url: string;
  readonly token: string;
  readonly pid: number;
}

/** What an accepted request answers. */
export interface ControlAnswer {
  readonly ok: true;
  readonly action: ControlAction;
  readonly status: SessionStatus;
  readonly version?: string;
  readonly report?: string;
}

/** `<data>/execution-records`: the parent of every session directory. */
const executionRecordsDir = (dataRoot: string): string => dirname(sessionDirOf(dataRoot, 'any'));

function endpointOf(sessionDir: string, info: ControlInfo): SessionEndpoint {
  const host = info.host.includes(':') ? `[${info.host}]` : info.host;
  return {
    sessionId: info.sessionId,
    sessionDir,
    url: `http://${host}:${info.port}`,
    token: readControlToken(sessionDir),
    pid: info.pid,
  };
}

function isSessionId(dataRoot: string, name: string): boolean {
  try {
    sessionDirOf(dataRoot, name);
    return true;
  } catch {
    return false;
  }
}

/** Session ids with a directory under `<data>/execution-records`, sorted (names that cannot be session ids are skipped). */
function sessionIds(dataRoot: string): string[] {
  let names: string[];
  try {
    names = readdirSync(executionRecordsDir(dataRoot), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
  return names.filter((name) => isSessionId(dataRoot, name)).sort();
}

/** The named session's control endpoint; it must be running (control.json present, its process alive). */
function namedSession(dataRoot: string, sessionId: string): SessionEndpoint {
  const sessionDir = sessionDirOf(dataRoot, sessionId);
  const known = sessionIds(dataRoot);
  if (!known.includes(sessionId)) {
    throw new ChassisError(
      'E_SESSION_UNKNOWN',
      `no session ${sessionId} under ${executionRecordsDir(dataRoot)} (sessions: ${known.join(', ') || 'none'})`,
    );
  }
  const info = readControlInfo(sessionDir);
  const controlPath = sessionPaths(sessionDir).control;
  if (info === null)
    throw new ChassisError(
      'E_SESSION_NOT_RUNNING',
      `session ${sessionId} is not running: ${controlPath} does not exist`,
    );
  if (!processAlive(info.pid)) {
    throw new ChassisError(
      'E_CONTROL_STALE',
      `session ${sessionId} is not running: ${controlPath} names process ${info.pid}, which no longer exists (the session stopped without closing its control API; start it again with --session ${sessionId} to resume it)`,
    );
  }
  return endpointOf(sessionDir, info);
}

/** The running session that started last; stale control.json files (dead process) are skipped and named if nothing runs. */
function newestRunningSession(dataRoot: string): SessionEndpoint {
  const running: Array<{ dir: string; info: ControlInfo }> = [];
  const stale: string[] = [];
  for (const id of sessionIds(dataRoot)) {
    const dir = sessionDirOf(dataRoot, id);
    const info = readControlInfo(dir);
    if (info === null) continue;
    if (processAlive(info.pid)) running.push({ dir, info });
    else stale.push(`${id} (process ${info.pid} is gone)`);
  }
  if (running.length === 0) {
    const staleNote = stale.length > 0 ? `; stale control.json in ${stale.join(', ')}` : '';
    throw new ChassisError(
      'E_NO_RUNNING_SESSION',
      `no running session under ${executionRecordsDir(dataRoot)}${staleNote}; start one with chassis paper or chassis live, or name one with --session`,
    );
  }
  running.sort((a, b) => (a.info.startedAt < b.info.startedAt ? -1 : a.info.startedAt > b.info.startedAt ? 1 : 0));
  const newest = running.at(-1)!;
  return endpointOf(newest.dir, newest.info);
}

/** Finds the control endpoint of `sessionId`, or of the newest running session when it is absent. */
export function locateSession(dataRoot: string, sessionId?: string): SessionEndpoint {
  return sessionId === undefined ? newestRunningSession(dataRoot) : namedSession(dataRoot, sessionId);
}

const PATHS: Readonly<Record<ControlAction, { method: 'GET' | 'POST'; path: string }>> = {
  status: { method: 'GET', path: '/status' },
  pause: { method: 'POST', path: '/pause' },
  resume: { method: 'POST', path: '/resume' },
  kill: { method: 'POST', path: '/kill' },
  flatten: { method: 'POST', path: '/flatten' },
  config: { method: 'POST', path: '/config' },
  reconcile: { method: 'POST', path: '/reconcile' },
};

/**
 * Sends one request. `body` is the operator's reason for actions, the YAML text for `config`.
 * A refusal becomes a ChassisError: the session's own code when it refused (E_LIVE_CONFIG, ...),
 * else E_CONTROL_<REFUSAL> (E_CONTROL_WRONG_TOKEN, ...) with the server's message.
 */
export async function sendControl(
  endpoint: SessionEndpoint,
  action: ControlAction,
  body: string,
  timeoutMs = 30_000,
): Promise<ControlAnswer> {
  const { method, path } = PATHS[action];
  const payload = method === 'GET' ? undefined : action === 'config' ? body : JSON.stringify({ reason: body });
  let res: Response;
  try {
    res = await fetch(`${endpoint.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${endpoint.token}`,
        'content-type': action === 'config' ? 'application/yaml' : 'application/json',
      },
      body: payload,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new ChassisError(
      'E_CONTROL_UNREACHABLE',
      `session ${endpoint.sessionId}: no answer from its control API at ${endpoint.url} (${cause}); is process ${endpoint.pid} still serving it?`,
      { cause: err },
    );
  }
  const answer = (await res.json().catch(() => ({}))) as {
    ok?: boolean;
    error?: string;
    code?: string;
    message?: string;
  };
  if (res.ok && answer.ok === true) return answer as ControlAnswer;
  const code = answer.code ?? `E_CONTROL_${(answer.error ?? `HTTP_${res.status}`).toUpperCase()}`;
  throw new ChassisError(
    code,
    `session ${endpoint.sessionId} refused ${action} (HTTP ${res.status}): ${answer.message ?? res.statusText}`,
  );
}
