// `chassis events <run-or-session-dir>`: the journal of a backtest run or a session as readable
// events, one a line (a JSON object per line with --json), filtered by kind and first seq.
import type { Command } from 'commander';
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

export function register(program: Command): void {
  program
    .command('events')
    .description('Print the journal of a backtest run or a session as readable events')
    .argument('<dir>', 'a run directory (experiments/<run-id>) or a session directory (execution-records/<session>)')
    .option('--kind <kind...>', 'only these event kinds (repeat or comma-separate)')
    .option('--from-seq <n>', 'start at this seq')
    .option(
      '--json',
      'one JSON object a line (bigints as decimal strings, book levels as [side, priceUnits, qtyUnits])',
    )
    .option('--data <root>', "data root holding a backtest run's datasets (default: the one the run read)")
    .action(async (dir: string, flags: { kind?: string[]; fromSeq?: string; json?: boolean; data?: string }) => {
      const options = parseEventsFlags(flags);
      // A reader that stops early (`| head`) closes the pipe: that ends the listing, not an error.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0);
        throw err;
      });
      await printEvents(dir, options, (text) => process.stdout.write(text), flags.data);
    });
}
