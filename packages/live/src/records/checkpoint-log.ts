/**
 * checkpoints.jsonl: `{seq, stateHash, streamDigest}` per line, appended after the step that
 * ends at `seq` (its events are already in the journal). Replay checks the state hash and the
 * digest of the recorded stream at each one, as for a backtest's checkpoints.json.
 */
import { z } from 'zod';
import { cutTornLine, JsonlAppender, readJsonl } from './jsonl-file.ts';

export const checkpointSchema = z.strictObject({
  seq: z.number().int().nonnegative(),
  stateHash: z.string().min(1),
  streamDigest: z.string().regex(/^[0-9a-f]{64}$/),
});

export type SessionCheckpoint = z.infer<typeof checkpointSchema>;

export function readCheckpoints(path: string): SessionCheckpoint[] {
  return readJsonl(path, checkpointSchema).rows;
}

export class CheckpointLog {
  private readonly out: JsonlAppender;
  private last: number;

  private constructor(path: string, entries: readonly SessionCheckpoint[]) {
    this.out = new JsonlAppender(path);
    this.last = entries.at(-1)?.seq ?? 0;
  }

  /** A new log (empty file). */
  static create(path: string): CheckpointLog {
    new JsonlAppender(path, { fresh: true }).close();
    return new CheckpointLog(path, []);
  }

  /**
   * Reopens the log of a recovered session: a torn final line is cut, and so is every
   * checkpoint past `journalLastSeq` (the journal is the truth; a checkpoint can only name a
   * step whose events were written before it, so this is a no-op unless the journal lost its
   * tail to a machine crash).
   */
  static recover(
    path: string,
    journalLastSeq: number,
  ): { log: CheckpointLog; kept: SessionCheckpoint[]; dropped: number } {
    cutTornLine(path);
    const all = readCheckpoints(path);
    const kept = all.filter((c) => c.seq <= journalLastSeq);
    if (kept.length < all.length) {
      const w = new JsonlAppender(path, { fresh: true });
      for (const c of kept) w.append(c);
      w.close();
    }
    return { log: new CheckpointLog(path, kept), kept, dropped: all.length - kept.length };
  }

  append(checkpoint: SessionCheckpoint): void {
    if (checkpoint.seq <= this.last)
      throw new RangeError(`checkpoint at seq ${checkpoint.seq} does not follow the last one (seq ${this.last})`);
    this.out.append(checkpoint);
    this.last = checkpoint.seq;
  }

  close(): void {
    this.out.close();
  }
}
