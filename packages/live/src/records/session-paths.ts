/**
 * Where everything of a session lives: `<data>/execution-records/{session}/` (SPEC.md §6
 * storage classes). One function per file so no other module spells a file name.
 */
import { join } from 'node:path';
import { ChassisError } from '@chassis/core';

/** Session ids become directory names: letters, digits, `.`, `_`, `-`; no leading dot. */
const SESSION_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export function sessionDirOf(dataRoot: string, sessionId: string): string {
  if (!SESSION_ID.test(sessionId)) {
    throw new ChassisError(
      'E_SESSION_ID',
      `session id "${sessionId}" must be 1–128 letters, digits, ".", "_" or "-", not starting with "."`,
    );
  }
  return join(dataRoot, 'execution-records', sessionId);
}

export interface SessionPaths {
  readonly dir: string;
  /** session.json: what the session is (session-file.ts). */
  readonly session: string;
  /** journal.bin: the write-ahead journal. */
  readonly journal: string;
  /** checkpoints.jsonl: {seq, stateHash, streamDigest} per line. */
  readonly checkpoints: string;
  readonly orders: string;
  readonly fills: string;
  /** config/: one {version}.json per configuration version. */
  readonly configDir: string;
  /** control.json: {port, pid} of the running session's control API. */
  readonly control: string;
  /** control-token: the control API's bearer token (mode 0600). */
  readonly controlToken: string;
  /** session.log: the pino JSON log. */
  readonly log: string;
}

export function sessionPaths(dir: string): SessionPaths {
  return {
    dir,
    session: join(dir, 'session.json'),
    journal: join(dir, 'journal.bin'),
    checkpoints: join(dir, 'checkpoints.jsonl'),
    orders: join(dir, 'orders.jsonl'),
    fills: join(dir, 'fills.jsonl'),
    configDir: join(dir, 'config'),
    control: join(dir, 'control.json'),
    controlToken: join(dir, 'control-token'),
    log: join(dir, 'session.log'),
  };
}

/** Configuration versions are file names: the same rule as session ids. */
export function configVersionPath(dir: string, version: string): string {
  if (!SESSION_ID.test(version))
    throw new ChassisError(
      'E_CONFIG_VERSION',
      `configuration version "${version}" must be 1–128 letters, digits, ".", "_" or "-", not starting with "."`,
    );
  return join(dir, 'config', `${version}.json`);
}

/** reconciliation-{n}.json, n counting from 1. */
export function reconciliationReportPath(dir: string, n: number): string {
  return join(dir, `reconciliation-${n}.json`);
}
