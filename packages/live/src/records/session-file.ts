/**
 * session.json: what a session is — its id, mode, venue, the validated live configuration
 * (with defaults), the engine configuration (engine-config-json.ts), the strategy module with
 * its SHA-256 and parameters, the code version and when it was created. Replay builds the
 * engine from `engine` and the strategy alone, as it does from a backtest's run.json.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ChassisError } from '@chassis/core';
import { canonicalJsonPretty, describeIssues } from '@chassis/backtesting';
import { engineConfigJsonSchema } from './engine-config-json.ts';
import { sessionPaths } from './session-paths.ts';

export const SESSION_FORMAT = 'chassis-session-v1';

export const sessionFileSchema = z.strictObject({
  format: z.literal(SESSION_FORMAT),
  sessionId: z.string().min(1),
  mode: z.enum(['paper', 'live']),
  venue: z.string().min(1),
  /** The validated live.yaml with its defaults applied (its schema is the session runtime's). */
  config: z.record(z.string(), z.unknown()),
  engine: engineConfigJsonSchema,
  strategy: z.strictObject({
    /** As written in live.yaml (relative to the directory replay resolves it from). */
    module: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lowercase hex'),
    params: z.record(z.string(), z.unknown()),
  }),
  codeVersion: z.string().min(1),
  /** ISO 8601 wall-clock time the session was created (informational; never read by replay). */
  createdAt: z.string().min(1),
});

export type SessionFile = z.infer<typeof sessionFileSchema>;

/** Validates plain data as session.json; E_SESSION_FILE naming the field. */
export function parseSessionFile(data: unknown, where = 'session.json'): SessionFile {
  const r = sessionFileSchema.safeParse(data);
  if (!r.success) throw new ChassisError('E_SESSION_FILE', describeIssues(r.error, where));
  return r.data;
}

/**
 * Writes session.json of a new session, creating its directory (validated first; canonical, sorted keys), atomically
 * (a temporary file renamed into place). A session's identity never changes, so an existing
 * session.json is refused (E_SESSION_EXISTS): resuming reads it instead.
 */
export function writeSessionFile(dir: string, session: SessionFile): void {
  const path = sessionPaths(dir).session;
  const valid = parseSessionFile(session, `session.json for ${dir}`);
  if (existsSync(path))
    throw new ChassisError(
      'E_SESSION_EXISTS',
      `${path} already exists: session ${session.sessionId} is resumed, not created again`,
    );
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${path}.tmp`, canonicalJsonPretty(valid));
  renameSync(`${path}.tmp`, path);
}

export function readSessionFile(dir: string): SessionFile {
  const path = sessionPaths(dir).session;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ChassisError(
      'E_SESSION_FILE',
      `${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); is ${dir} a session directory?`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ChassisError('E_SESSION_FILE', `${path}: not JSON (${(err as Error).message})`);
  }
  return parseSessionFile(data, path);
}
