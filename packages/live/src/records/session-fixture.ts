/**
 * Test fixture: a session directory produced by driving the core with a recorded run's input
 * events, through the session records API exactly as a session loop uses it (write-ahead
 * journal block before each step, the step's RequestSent as the core numbered them, the core's
 * control drafts appended and stepped, checkpoints, orders/fills records).
 *
 * Input events are every event of the run's journal except the RequestSent records and the
 * core's own control drafts, which this loop recomputes (and checks against the recorded ones:
 * E_FIXTURE_DIVERGED if the core decides differently). Seqs are assigned afresh, so the venue
 * answers' `requestSeq` is mapped from the run's numbering to the session's. `feedGaps` inserts
 * feed_health degraded/restored events (a feed gap the session's market input noticed) at
 * their local times.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine, type Engine, type Event, type EventDraft } from '@chassis/core';
import {
  canonicalJson,
  engineConfigOf,
  loadRecordedStrategy,
  readRunEvents,
  type ResolvedRun,
} from '@chassis/backtesting';
import { CheckpointLog } from './checkpoint-log.ts';
import { encodeEngineConfig } from './engine-config-json.ts';
import { ExecutionRecords } from './execution-records.ts';
import { writeSessionFile } from './session-file.ts';
import { sessionPaths } from './session-paths.ts';
import { WriteAheadJournal } from './write-ahead-journal.ts';

export interface FeedGap {
  readonly instrument: string;
  readonly fromNs: bigint;
  readonly toNs: bigint;
}

export interface SessionFromRunOptions {
  readonly sessionId: string;
  readonly baseDirs: readonly string[];
  readonly feedGaps?: readonly FeedGap[];
  readonly checkpointInterval?: number;
}

function sameDraft(a: EventDraft | Event, b: EventDraft | Event): boolean {
  const { seq: _a, ...x } = a as Event;
  const { seq: _b, ...y } = b as Event;
  return canonicalJson(x) === canonicalJson(y);
}

class FixtureSessionLoop {
  seq = 0;
  private nextCheckpoint: number;
  /** The run's seq of each RequestSent → the session's. */
  readonly requestSeqOf = new Map<number, number>();
  readonly recomputed: Event[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly journal: WriteAheadJournal,
    private readonly checkpoints: CheckpointLog,
    private readonly records: ExecutionRecords,
    private readonly interval: number,
  ) {
    this.nextCheckpoint = interval;
  }

  private lastCheckpoint = 0;

  checkpoint(): void {
    if (this.seq === this.lastCheckpoint) return;
    this.checkpoints.append({
      seq: this.seq,
      stateHash: this.engine.stateHash(),
      streamDigest: this.journal.streamDigest(),
    });
    this.lastCheckpoint = this.seq;
  }

  append(draft: EventDraft): void {
    const event = { ...draft, seq: ++this.seq } as Event;
    this.journal.append([event]);
    const result = this.engine.step(event);
    if (result.violation) throw new Error(`fixture session halted at seq ${event.seq}: ${result.violation.message}`);
    this.records.record(event, this.engine.view);
    if (result.requestsSent.length) {
      this.journal.append(result.requestsSent);
      for (const r of result.requestsSent) {
        this.seq = r.seq;
        this.records.record(r, this.engine.view);
        this.recomputed.push(r);
      }
    }
    if (this.seq >= this.nextCheckpoint) {
      this.checkpoint();
      while (this.nextCheckpoint <= this.seq) this.nextCheckpoint += this.interval;
    }
    for (const c of result.controlEvents) {
      this.recomputed.push(c as Event);
      this.append(c);
    }
  }
}

/** Writes a session directory at `dir` from the run at `runDir` (module comment). */
export async function sessionFromRun(runDir: string, dir: string, o: SessionFromRunOptions): Promise<void> {
  const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as ResolvedRun;
  const config = engineConfigOf(run);
  const recorded = { ...run.strategy, params: run.definition.strategy.params };
  const strategy = await loadRecordedStrategy(recorded, o.baseDirs, 'run');
  mkdirSync(dir, { recursive: true });
  writeSessionFile(dir, {
    format: 'chassis-session-v1',
    sessionId: o.sessionId,
    mode: 'paper',
    venue: config.instruments[0]!.venue,
    config: { fixture: 'session driven by the input events of a backtest run' },
    engine: encodeEngineConfig(config),
    strategy: recorded,
    codeVersion: run.codeVersion,
    createdAt: '2026-12-02T00:00:00.000Z',
  });
  const paths = sessionPaths(dir);
  const journal = WriteAheadJournal.create(paths.journal, { fsyncWindowMs: 60_000 });
  const checkpoints = CheckpointLog.create(paths.checkpoints);
  const records = new ExecutionRecords(dir, { fresh: true });
  const loop = new FixtureSessionLoop(
    createEngine(config, strategy),
    journal,
    checkpoints,
    records,
    o.checkpointInterval ?? 1000,
  );
  const gaps = [...(o.feedGaps ?? [])]
    .flatMap((g) => [
      { atNs: g.fromNs, instrument: g.instrument, state: 'degraded' as const },
      { atNs: g.toNs, instrument: g.instrument, state: 'restored' as const },
    ])
    .sort((a, b) => (a.atNs < b.atNs ? -1 : a.atNs > b.atNs ? 1 : 0));
  let checked = 0;
  for await (const e of readRunEvents(runDir)) {
    const mine = loop.recomputed[checked];
    if (mine && sameDraft(mine, e)) {
      if (e.kind === 'request_sent') loop.requestSeqOf.set(e.seq, mine.seq);
      checked++;
      continue;
    }
    if (e.kind === 'request_sent' || mine)
      throw new Error(
        `E_FIXTURE_DIVERGED at run seq ${e.seq}: the run recorded ${canonicalJson(e)}, the session's core ${mine ? `decided ${canonicalJson(mine)}` : 'nothing'}`,
      );
    while (gaps.length && gaps[0]!.atNs <= e.tsLocalNs) {
      const g = gaps.shift()!;
      loop.append({
        kind: 'feed_health',
        tsEventNs: g.atNs,
        tsLocalNs: g.atNs,
        instrument: g.instrument,
        state: g.state,
        reason: g.state === 'degraded' ? 'sequence gap' : 'resynced',
      });
    }
    const { seq: _seq, ...draft } = e;
    if ('requestSeq' in draft && draft.requestSeq >= 0)
      (draft as { requestSeq: number }).requestSeq = loop.requestSeqOf.get(draft.requestSeq) ?? -1;
    if (draft.kind === 'session') (draft as { sessionId: string }).sessionId = o.sessionId;
    loop.append(draft as EventDraft);
  }
  loop.checkpoint();
  journal.close();
  checkpoints.close();
  records.close();
}
