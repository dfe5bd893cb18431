/**
 * `open.json`: the heartbeat of a window being recorded, in the window's local directory (the
 * data root for fs storage, the spool directory for S3). It says who is writing (session, pid,
 * host), what (venue, feed, symbols, window) and how far it got (files, counts, capture times,
 * gaps and connection events so far, lag). It is replaced atomically (temp file + rename) and
 * removed once the manifest is published; one left behind by a dead session is what
 * recoverOpenWindows finds. `chassis record status` reads it too.
 */
import { z } from 'zod';
import { VENUE_IDS } from '@chassis/venues';

const ns = z.string().regex(/^\d+$/);

export const openWindowSchema = z.strictObject({
  format: z.literal('chassis-open-window-v1'),
  session: z.string(),
  pid: z.number().int().positive(),
  host: z.string(),
  venue: z.enum(VENUE_IDS),
  feed: z.string(),
  symbols: z.array(z.string()),
  /** Storage key of the window directory (raw/{venue}/{feed}/{window}). */
  dirKey: z.string(),
  window: z.strictObject({ startNs: ns, endNs: ns }),
  /** True when this session was recording when the window began. */
  coveredFromStart: z.boolean(),
  files: z.array(z.strictObject({ key: z.string(), bytes: z.number(), messages: z.number() })),
  messages: z.number(),
  firstCaptureNs: ns.optional(),
  lastCaptureNs: ns.optional(),
  gaps: z.array(z.strictObject({ fromNs: ns, toNs: ns, reason: z.string(), instrument: z.string().optional() })),
  connectionEvents: z.array(z.strictObject({ tsNs: ns, connectionId: z.string(), type: z.string(), reason: z.string() })),
  connectionIds: z.array(z.string()),
  /** Capture time − venue event time of the last frame that carried one, ms; null if none did. */
  lagMs: z.number().nullable(),
  /** Wall time of this heartbeat, ms since the epoch (operational, for status). */
  updatedAtMs: z.number(),
});

export type OpenWindowState = z.infer<typeof openWindowSchema>;

/**
 * Sessions recording in this process, with the number of their feed recorders still open (one
 * session records several feeds): recovery never touches their windows.
 */
const liveSessions = new Map<string, number>();

export function claimSession(session: string): void {
  liveSessions.set(session, (liveSessions.get(session) ?? 0) + 1);
}

/** One feed recorder of the session stopped (closed or failed). */
export function releaseSession(session: string): void {
  const n = (liveSessions.get(session) ?? 0) - 1;
  if (n > 0) liveSessions.set(session, n);
  else liveSessions.delete(session);
}

export function isLiveSession(session: string): boolean {
  return liveSessions.has(session);
}
