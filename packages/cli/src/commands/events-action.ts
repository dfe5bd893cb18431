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
import { canonicalJson, eventJson, eventLine, FORMAT_BY_REFERENCE, journalFormat, readJournal, readRunEvents } from '@chassis/backtesting';
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

/**
 * Writes the selected events of `dir` through `write`; returns how many. A backtest journal
 * references its market events: they are regenerated from the run's datasets (readRunEvents,
 * digests checked; `dataRoot` overrides where the datasets are).
 */
export async function printEvents(dir: string, o: EventsOptions, write: (text: string) => void, dataRoot?: string): Promise<number> {
  const wanted = o.kinds.length ? new Set(o.kinds) : null;
  const format = o.json ? (e: Event) => canonicalJson(eventJson(e)) : eventLine;
  let out = '';
  let n = 0;
  try {
    const path = journalPathOf(dir);
    const events = journalFormat(path) === FORMAT_BY_REFERENCE ? readRunEvents(dir, { dataRoot, verifyDatasets: false }) : readJournal(path);
    for await (const e of events) {
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
