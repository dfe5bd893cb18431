import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event } from '@chassis/core';
import { JournalWriter, readJournal, runBacktest } from '@chassis/backtesting';
import { importedDataRoot, REPO_ROOT } from '../../../backtesting/src/test-data.ts';
import { sessionFromRun } from './session-fixture.ts';
import { replayRecorded, replaySession } from './session-replay.ts';
import { readCheckpoints } from './checkpoint-log.ts';

let runDir = '';
let sessionDir = '';
const BASE = { baseDirs: [REPO_ROOT] };

/** A fresh copy of the fixture session (tests alter it). */
async function freshSession(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'session-')), 's1');
  await sessionFromRun(runDir, dir, { sessionId: 's1', ...BASE, checkpointInterval: 1000 });
  return dir;
}

function rewriteJournal(dir: string, change: (events: Event[]) => void): void {
  const path = join(dir, 'journal.bin');
  const events = [...readJournal(path)];
  change(events);
  const w = new JournalWriter(path);
  for (const e of events) w.append(e);
  w.close();
}

beforeAll(async () => {
  const root = await importedDataRoot({ lines: 20_000 });
  const r = await runBacktest({
    definition: {
      data: { venue: 'binance-usdm', instrument: 'BTCUSDT' },
      strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } },
      seed: 1,
    },
    baseDir: REPO_ROOT,
    dataRoot: root,
    codeVersion: 'test',
  });
  runDir = r.outDir;
  sessionDir = await freshSession();
}, 120_000);

describe('replay of a session directory', () => {
  it('rebuilds the same state hashes and dispatch decisions as the session recorded', async () => {
    const r = await replaySession(sessionDir, BASE);
    expect(r.divergence).toBeNull();
    expect(r.events).toBe([...readJournal(join(sessionDir, 'journal.bin'))].length);
    expect(r.checkpointsVerified).toBe(readCheckpoints(join(sessionDir, 'checkpoints.jsonl')).length);
    expect(r.checkpointsVerified).toBeGreaterThan(10);
    expect(r.requestsVerified).toBeGreaterThan(100);
  });

  it('replays a backtest run and a session through the same entry point', async () => {
    const [run, session] = await Promise.all([replayRecorded(runDir, BASE), replayRecorded(sessionDir, BASE)]);
    expect(run.divergence).toBeNull();
    expect(session.divergence).toBeNull();
    expect(session.requestsVerified).toBe(run.requestsVerified);
  });

  it('names the seq and the request that differs when a RequestSent of the journal was altered', async () => {
    const dir = await freshSession();
    let victim: Extract<Event, { kind: 'request_sent' }> | undefined;
    rewriteJournal(dir, (events) => {
      const idx = events.findIndex((e) => e.kind === 'request_sent' && e.request === 'replace');
      victim = events[idx] as Extract<Event, { kind: 'request_sent' }>;
      events[idx] = { ...victim, priceUnits: victim.priceUnits + 10 };
    });
    const r = await replaySession(dir, BASE);
    expect(r.divergence).toMatchObject({ seq: victim!.seq, what: 'request_sent' });
    expect(r.divergence!.expected).toContain(`"priceUnits":${victim!.priceUnits}`);
    expect(r.divergence!.got).toContain(`"priceUnits":${victim!.priceUnits + 10}`);
  });

  it('reports an altered venue answer at the first checkpoint after it', async () => {
    const dir = await freshSession();
    let victimSeq = 0;
    rewriteJournal(dir, (events) => {
      const idx = events.findIndex((e) => e.kind === 'order_filled');
      const fill = events[idx] as Extract<Event, { kind: 'order_filled' }>;
      victimSeq = fill.seq;
      events[idx] = { ...fill, feeUnits: fill.feeUnits + 1n };
    });
    const checkpoint = readCheckpoints(join(dir, 'checkpoints.jsonl')).find((c) => c.seq >= victimSeq)!;
    const r = await replaySession(dir, BASE);
    expect(r.divergence).toMatchObject({ seq: checkpoint.seq, what: 'state hash' });
  });

  it("says the journal ends inside a step when the session stopped before recording the step's requests", async () => {
    const dir = await freshSession();
    let cutAt = 0;
    rewriteJournal(dir, (events) => {
      const idx = events.findIndex((e) => e.kind === 'request_sent');
      cutAt = events[idx]!.seq;
      events.splice(idx);
    });
    const r = await replaySession(dir, BASE);
    expect(r.divergence).toMatchObject({
      seq: cutAt,
      what: 'request_sent',
      got: 'end of journal (the recorder stopped inside this step)',
    });
  });

  it('refuses a strategy module that changed since the session', async () => {
    const dir = await freshSession();
    const session = JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8')) as { strategy: { sha256: string } };
    session.strategy.sha256 = 'b'.repeat(64);
    writeFileSync(join(dir, 'session.json'), JSON.stringify(session));
    await expect(replaySession(dir, BASE)).rejects.toThrow(
      /strategy examples\/strategies\/market-maker\.ts changed since the session \(sha256 [0-9a-f]{12}…, session used bbbbbbbbbbbb…\)/,
    );
  });

  it('names the file and the block of a torn journal', async () => {
    const dir = await freshSession();
    const path = join(dir, 'journal.bin');
    truncateSync(path, statSync(path).size - 3);
    await expect(replaySession(dir, BASE)).rejects.toThrow(new RegExp(`^${path}: truncated block \\d+ at byte \\d+`));
  });
});
