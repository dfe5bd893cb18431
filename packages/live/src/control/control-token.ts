/**
 * The control API's credential: one bearer token per session start, 32 random bytes as 64 hex
 * characters, stored in `<session dir>/control-token` readable by its owner only (0600). Whoever
 * can read that file may control the session; nobody else can, even on a shared machine.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { ChassisError } from '@chassis/core';
import { sessionPaths } from '../records/session-paths.ts';

/** A fresh token: 256 bits from the operating system's CSPRNG, hex encoded. */
export function createControlToken(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Writes the token to `<sessionDir>/control-token` with mode 0600. A file left by an earlier run
 * is removed first: `open(..., 'wx', 0o600)` then creates a new inode with the mode from the
 * start, so the token is never readable by others, not even for an instant.
 */
export function writeControlToken(sessionDir: string, token: string): string {
  const path = sessionPaths(sessionDir).controlToken;
  rmSync(path, { force: true });
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, `${token}\n`);
    fsyncSync(fd);
    const mode = fstatSync(fd).mode & 0o777;
    if (mode !== 0o600)
      throw new ChassisError('E_CONTROL_TOKEN_MODE', `${path} was created with mode ${mode.toString(8)}, expected 600`);
  } finally {
    closeSync(fd);
  }
  return path;
}

/** The token of a session, as `chassis ctl` reads it. */
export function readControlToken(sessionDir: string): string {
  const path = sessionPaths(sessionDir).controlToken;
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES')
      throw new ChassisError(
        'E_CONTROL_TOKEN_UNREADABLE',
        `${path} is not readable by this user: run chassis ctl as the user that started the session`,
        { cause: err },
      );
    throw new ChassisError(
      'E_CONTROL_TOKEN_MISSING',
      `${path} does not exist: the session is not running (or ended without its control API)`,
      { cause: err },
    );
  }
}

/**
 * Constant-time comparison of a presented token with the session's. Both are hashed first so
 * the comparison takes the same time whatever the presented length (timingSafeEqual needs equal
 * lengths, and returning early on a length mismatch would leak the token's length).
 */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
