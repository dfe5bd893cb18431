/**
 * The control API's endpoints: each is a method, a body schema and one SessionControl call.
 * Nothing here touches the session's state directly: every action goes through SessionControl,
 * which appends a control event and lets the core (risk, execution control) act on it.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import type { SessionControl, SessionStatus } from '../contracts.ts';

/** Body of every action endpoint except /config: why the operator asks (it goes into the log and the control event). */
export const reasonBodySchema = z
  .object({
    reason: z.string().trim().min(1, 'reason must not be empty').max(500, 'reason must be at most 500 characters'),
  })
  .strict();

export type ControlAction = 'status' | 'pause' | 'resume' | 'kill' | 'flatten' | 'config' | 'reconcile';

/** What an accepted request answers (besides `ok: true` and the action). */
export interface ControlResult {
  readonly status: SessionStatus;
  /** /config: the new configuration version. */
  readonly version?: string;
  /** /reconcile: path of the reconciliation report. */
  readonly report?: string;
}

/** A body that cannot be accepted: the message names what was wrong and where. */
export class MalformedBody extends Error {}

export interface ControlRoute {
  readonly action: ControlAction;
  readonly method: 'GET' | 'POST';
  /** Parses the raw body; throws MalformedBody. Returns the operator's reason (for the log) and the argument. */
  parse(body: string): { readonly reason: string; readonly argument: string };
  run(control: SessionControl, argument: string): Promise<ControlResult>;
}

function parseReason(body: string): { reason: string; argument: string } {
  if (body.trim() === '') throw new MalformedBody('the body must be JSON {"reason": "..."}; it is empty');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new MalformedBody(`the body is not JSON: ${(err as Error).message}`);
  }
  const parsed = reasonBodySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
    throw new MalformedBody(`${where}: ${issue.message}`);
  }
  return { reason: parsed.data.reason, argument: parsed.data.reason };
}

/** /config: the body is a live.yaml; only its YAML syntax is checked here, its meaning by the session. */
function parseConfigYaml(body: string): { reason: string; argument: string } {
  if (body.trim() === '') throw new MalformedBody('the body must be the new live.yaml; it is empty');
  let doc: unknown;
  try {
    doc = parseYaml(body);
  } catch (err) {
    const where =
      err instanceof YAMLParseError && err.linePos
        ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}`
        : '';
    throw new MalformedBody(`the body is not valid YAML${where}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new MalformedBody('the body must be a YAML mapping (a live.yaml), not a scalar or a list');
  return { reason: 'configuration version change', argument: body };
}

const noBody = (): { reason: string; argument: string } => ({ reason: '', argument: '' });

const action = (name: ControlAction, call: (c: SessionControl, reason: string) => Promise<void>): ControlRoute => ({
  action: name,
  method: 'POST',
  parse: parseReason,
  run: async (control, reason) => {
    await call(control, reason);
    return { status: control.status() };
  },
});

/** Endpoints by path. */
export const controlRoutes: ReadonlyMap<string, ControlRoute> = new Map<string, ControlRoute>([
  [
    '/status',
    { action: 'status', method: 'GET', parse: noBody, run: async (control) => ({ status: control.status() }) },
  ],
  ['/pause', action('pause', (c, r) => c.pause(r))],
  ['/resume', action('resume', (c, r) => c.resume(r))],
  ['/kill', action('kill', (c, r) => c.kill(r))],
  ['/flatten', action('flatten', (c, r) => c.flatten(r))],
  [
    '/config',
    {
      action: 'config',
      method: 'POST',
      parse: parseConfigYaml,
      run: async (control, yamlText) => {
        const { version } = await control.setConfig(yamlText);
        return { version, status: control.status() };
      },
    },
  ],
  [
    '/reconcile',
    {
      action: 'reconcile',
      method: 'POST',
      parse: parseReason,
      run: async (control) => {
        const report = await control.reconcile();
        return { report, status: control.status() };
      },
    },
  ],
]);
