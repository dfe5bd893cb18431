/**
 * The session writer the crash test kills (`node --import tsx wal-sigkill-child.ts JOURNAL`):
 * appends the test stream's blocks to a write-ahead journal as fast as it can and, after each
 * append returns, prints `acked <last seq>` (stdout to a pipe is synchronous on Linux) — what a
 * SIGKILL must not lose.
 */
import { WriteAheadJournal } from './write-ahead-journal.ts';
import { blockAt } from './wal-test-stream.ts';

const journal = WriteAheadJournal.create(process.argv[2]!);
let k = 0;
let seq = 0;
function step(): void {
  for (let i = 0; i < 8; i++, k++) {
    const block = blockAt(k, seq + 1);
    journal.append(block);
    seq += block.length;
    process.stdout.write(`acked ${seq}\n`);
  }
  setImmediate(step);
}
step();
