import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event } from '@chassis/core';
import { readJournal } from '@chassis/backtesting';
import { WriteAheadJournal } from './write-ahead-journal.ts';
import { blockAt, blockEnds, eventAt } from './wal-test-stream.ts';

function plain(e: Event): unknown {
  return e.kind === 'book_delta'
    ? { ...e, sides: Array.from(e.sides), prices: Array.from(e.prices), sizes: Array.from(e.sizes) }
    : e;
}

/**
 * Starts the child writer and SIGKILLs it once it acknowledged at least `minAcked` events — or,
 * in `huge` mode, as soon as the file grows past the size it had when the child announced its
 * ~35 MiB write (so the kill lands inside that write); resolves with the last acked seq.
 */
function killMidWrite(path: string, minAcked: number, huge = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'wal-sigkill-child.ts'), path, ...(huge ? ['huge'] : [])],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let acked = 0;
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const l of lines) {
        const [what, n] = l.split(' ');
        if (what === 'acked') acked = Number(n);
        if (what === 'writing' && !child.killed) {
          while (statSync(path).size <= Number(n));
          child.kill('SIGKILL');
        }
      }
      if (!huge && acked >= minAcked && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`child exited without being killed (${signal})`)),
    );
  });
}

describe('WriteAheadJournal', () => {
  it('after a SIGKILL mid-write, recovery opens the journal with every fully written block and nothing else', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wal-kill-')), 'journal.bin');
    const acked = await killMidWrite(path, 500);
    const { journal, recovered } = WriteAheadJournal.recover(path);
    journal.close();
    const n = recovered.events.length;
    // Every acknowledged event is there (the write returned before the ack was printed) ...
    expect(n).toBeGreaterThanOrEqual(acked);
    // ... the journal ends on a block boundary of the writer's schedule ...
    expect(blockEnds(5000)).toContain(n);
    // ... and holds exactly the written stream, nothing else.
    for (let seq = 1; seq <= n; seq += 97)
      expect(plain(recovered.events[seq - 1]!)).toEqual(
        plain(eventAt(seq, recovered.events[seq - 1]!.kind === 'book_delta')),
      );
    expect(recovered.events.map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect([...readJournal(path)]).toHaveLength(n);
    // What was cut, if the kill tore a block, is reported (a kill between writes leaves nothing to cut).
    if (recovered.cut) expect(recovered.cut.afterSeq).toBe(n);
  }, 60_000);

  it('after a SIGKILL inside one large write, recovery cuts the torn block, keeps every block before it and says what it cut', async () => {
    // On a loaded machine the ~35 MiB write can finish before the kill lands; such a try tore
    // nothing (the journal is whole, every event acknowledged) and the kill is tried again.
    for (let attempt = 1; ; attempt++) {
      const path = join(mkdtempSync(join(tmpdir(), 'wal-kill-')), 'journal.bin');
      const acked = await killMidWrite(path, 0, true);
      const sizeAtKill = statSync(path).size;
      const { journal, recovered } = WriteAheadJournal.recover(path);
      journal.close();
      expect(recovered.events.map((e) => e.seq)).toEqual(Array.from({ length: acked }, (_, i) => i + 1));
      if (recovered.cut === null && attempt < 5) continue;
      expect(recovered.cut).toMatchObject({
        afterSeq: acked,
        atByte: statSync(path).size,
        bytesCut: sizeAtKill - statSync(path).size,
      });
      expect(recovered.cut!.bytesCut).toBeGreaterThan(0);
      return;
    }
  }, 300_000);

  it('continues the journal after recovery: the next block follows the recovered events', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wal-')), 'journal.bin');
    const first = WriteAheadJournal.create(path, { fsyncWindowMs: 0 });
    first.append(blockAt(0, 1));
    first.append(blockAt(1, 2));
    first.close();
    const { journal, recovered } = WriteAheadJournal.recover(path);
    expect(journal.lastSeq).toBe(3);
    journal.append(blockAt(2, 4));
    journal.close();
    expect([...readJournal(path)].map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(recovered.cut).toBeNull();
  });

  it('resolves durable() once the fsync window has passed after an append, and at once when nothing is pending', async () => {
    const journal = WriteAheadJournal.create(join(mkdtempSync(join(tmpdir(), 'wal-')), 'journal.bin'), {
      fsyncWindowMs: 30,
    });
    await journal.durable();
    const started = process.hrtime.bigint();
    journal.append(blockAt(0, 1));
    await journal.durable();
    const waitedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(waitedMs).toBeGreaterThanOrEqual(25);
    journal.close();
  });

  it('resolves durable() waiters when the journal is closed before the window ends', async () => {
    const journal = WriteAheadJournal.create(join(mkdtempSync(join(tmpdir(), 'wal-')), 'journal.bin'), {
      fsyncWindowMs: 60_000,
    });
    journal.append(blockAt(0, 1));
    const durable = journal.durable();
    journal.close();
    await expect(durable).resolves.toBeUndefined();
  });
});
