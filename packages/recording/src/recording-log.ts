/**
 * The recorder's structured log: pino, one JSON object per line (`--log-format json`, for log
 * shippers) or pino-pretty's coloured lines (`--log-format pretty`, for a terminal). Written to
 * stderr synchronously, so the last lines before an exit are never lost and stdout stays free
 * for command output.
 */
import { pino, type DestinationStream } from 'pino';
import PinoPretty from 'pino-pretty';
import type { ConnectionEvent, ConnectionEventType } from '@chassis/venues';

/** The logger the recording parts need: pino's calling convention (object first, then message). */
export interface RecordingLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type LogFormat = 'json' | 'pretty';

/** A pino logger in the chosen format; `destination` defaults to stderr (tests pass a stream). */
export function createRecordingLog(format: LogFormat, destination?: DestinationStream): RecordingLog {
  const options = { base: { component: 'record' }, timestamp: pino.stdTimeFunctions.isoTime };
  if (format === 'pretty') return pino(options, PinoPretty({ sync: true, destination: destination ?? 2, translateTime: 'UTC:yyyy-mm-dd HH:MM:ss.l' }));
  return pino(options, destination ?? pino.destination({ fd: 2, sync: true }));
}

/** Events that mean data may be missing or a connection misbehaved: warn; the rest is the normal lifecycle: info. */
const WARN_EVENTS: ReadonlySet<ConnectionEventType> = new Set(['closed', 'reconnect-scheduled', 'silent', 'rate-limited', 'malformed', 'gap', 'resync']);

/** Logs one connection event with every field it carries (ns as decimal strings, as in manifests). */
export function logConnectionEvent(log: RecordingLog, venue: string, feed: string, e: ConnectionEvent): void {
  const fields = {
    venue,
    feed,
    event: e.type,
    connectionId: e.connectionId,
    tsNs: e.tsNs.toString(),
    reason: e.reason,
    ...(e.instrument !== undefined ? { instrument: e.instrument } : {}),
    ...(e.fromNs !== undefined ? { fromNs: e.fromNs.toString() } : {}),
    ...(e.toNs !== undefined ? { toNs: e.toNs.toString() } : {}),
    ...(e.delayMs !== undefined ? { delayMs: e.delayMs } : {}),
  };
  const msg = `${venue}/${feed} ${e.type}: ${e.reason}`;
  if (WARN_EVENTS.has(e.type)) log.warn(fields, msg);
  else log.info(fields, msg);
}
