// The action of `chassis events` (its command line is events.ts, which imports this module only when it runs).
// `chassis events <run-or-session-dir>`: the journal of a backtest run or a session as readable
// events, one a line (a JSON object per line with --json), filtered by kind and first seq.
import {
  ChassisError,
  CONTROL_EVENT_KINDS,
  EXECUTION_EVENT_KINDS,
  MARKET_EVENT_KINDS,
  type Event,
} from '@chassis/core';
import { canonicalJson, eventJson, eventLine, readJournal } from '@chassis/backtesting';
import { journalPathOf } from '@chassis/live';

const KINDS: readonly string[] = [
  ...MARKET_EVENT_KINDS,
  ...EXECUTION_EVENT_KINDS,
  'request_sent',
  'intent_denied',
  ...CONTROL_EVENT_KINDS,
];
/** Lines are written in chunks of about this many characters (one write per chunk, not per event). */
const CHUNK_CHARS = 1 << 16;

export interface EventsOptions {
  /** Kinds to print (all when empty). */
  readonly kinds: readonly string[];
  readonly fromSeq: number;
  readonly json: boolean;
}

export function parseEventsFlags(flags: { kind?: string[]; fromSeq?: string; json?: boolean }): EventsOptions {
  const kinds = (flags.kind ?? []).flatMap((k) => k.split(',')).filter((k) => k !== '');
  const unknown = kinds.filter((k) => !KINDS.includes(k));
  if (unknown.length)
    throw new ChassisError('E_USAGE', `--kind ${unknown.join(', ')}: not an event kind (kinds: ${KINDS.join(', ')})`);
  const fromSeq = flags.fromSeq === undefined ? 1 : Number(flags.fromSeq);
  if (!Number.isSafeInteger(fromSeq) || fromSeq < 0)
    throw new ChassisError('E_USAGE', `--from-seq expects a non-negative integer, got "${flags.fromSeq}"`);
  return { kinds, fromSeq, json: flags.json ?? false };
}

/** Writes the selected events of the journal of `dir` through `write`; returns how many. */
export function printEvents(dir: string, o: EventsOptions, write: (text: string) => void): number {
  const wanted = o.kinds.length ? new Set(o.kinds) : null;
  const format = o.json ? (e: Event) => canonicalJson(eventJson(e)) : eventLine;
  let out = '';
  let n = 0;
  try {
    for (const e of readJournal(journalPathOf(dir))) {
      if (e.seq < o.fromSeq || (wanted && !wanted.has(e.kind))) continue;
      out += `${format(e)}\n`;
      n++;
      if (out.length >= CHUNK_CHARS) {
        write(out);
        out = '';
      }
    }
  } finally {
    // What was read before a damaged block is printed before the error is.
    if (out) write(out);
  }
  return n;
}
