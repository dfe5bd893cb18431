/**
 * `<session dir>/control.json`: where a running session's control API listens, and which process
 * serves it. Written after the server listens, removed when it closes; `chassis ctl` reads it to
 * find the session, and a control.json whose pid is no longer alive marks a session that died
 * without closing (SIGKILL, power loss).
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ChassisError } from '@chassis/core';
import { sessionPaths } from '../records/session-paths.ts';

const controlInfoSchema = z
  .object({
    format: z.literal('chassis-control-v1'),
    sessionId: z.string().min(1),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    pid: z.number().int().positive(),
    /** Wall clock when the server started listening, ISO 8601 UTC. */
    startedAt: z.string().min(1),
  })
  .strict();

export type ControlInfo = z.infer<typeof controlInfoSchema>;

/** Writes control.json atomically (a reader sees the old file or the whole new one, never half). */
export function writeControlInfo(sessionDir: string, info: ControlInfo): string {
  const path = sessionPaths(sessionDir).control;
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(controlInfoSchema.parse(info), null, 2)}\n`, { mode: 0o644 });
  renameSync(tmp, path);
  return path;
}

/** control.json of a session directory, or null when there is none (the session is not running). */
export function readControlInfo(sessionDir: string): ControlInfo | null {
  const path = sessionPaths(sessionDir).control;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ChassisError('E_CONTROL_INFO', `${path} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = controlInfoSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ChassisError('E_CONTROL_INFO', `${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

export function removeControlInfo(sessionDir: string): void {
  rmSync(sessionPaths(sessionDir).control, { force: true });
}

/** True while process `pid` exists (signal 0 checks without sending; EPERM = it exists, owned by another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
