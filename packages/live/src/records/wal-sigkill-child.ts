/**
 * The session writer the crash tests kill (`node --import tsx wal-sigkill-child.ts JOURNAL [huge]`):
 * appends the test stream's blocks to a write-ahead journal as fast as it can and, after each
 * append returns, prints `acked <last seq>` (stdout to a pipe is synchronous on Linux) — what a
 * SIGKILL must not lose. With `huge`, after a few blocks it prints `writing <bytes before>` and
 * appends one block of ~35 MiB, so a kill can land inside that single write.
 */
import { statSync } from 'node:fs';
import { WriteAheadJournal } from './write-ahead-journal.ts';
import { blockAt, eventAt } from './wal-test-stream.ts';

const path = process.argv[2]!;
const huge = process.argv[3] === 'huge';
const journal = WriteAheadJournal.create(path);
let k = 0;
let seq = 0;
function step(): void {
  for (let i = 0; i < 8; i++, k++) {
    const block = blockAt(k, seq + 1);
    journal.append(block);
    seq += block.length;
    process.stdout.write(`acked ${seq}\n`);
  }
  if (huge && k >= 16) {
    const big = Array.from({ length: 300 }, (_, i) => eventAt(seq + 1 + i, true));
    process.stdout.write(`writing ${statSync(path).size}\n`);
    journal.append(big);
    seq += big.length;
    process.stdout.write(`acked ${seq}\n`);
    return;
  }
  setImmediate(step);
}
step();
