// Test support for the end-to-end session tests: read a running session's journal and wait on it.
import { join } from 'node:path';
import { readJournal } from '@chassis/backtesting';
import type { Event } from '@chassis/core';

/** The session's journal as far as it is written (empty before the first event). */
export const journalOf = (dir: string): Event[] => {
  try {
    return [...readJournal(join(dir, 'journal.bin'))];
  } catch {
    return [];
  }
};

/** Polls `ok` every 200 ms; rejects naming `what` after `timeoutMs`. */
export async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
