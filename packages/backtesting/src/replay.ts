/**
 * Replay (SPEC.md L2, L4): rebuild state from a journal with the core alone — no data files,
 * no venue — and prove determinism. One implementation for every journal: a backtest run's
 * (replayRun: run.json + checkpoints.json) and a live or paper session's (@chassis/live
 * replaySession: session.json + checkpoints.jsonl) both come down to replayJournal:
 * - every journal event except the RequestSent records is stepped in order;
 * - each step's recomputed dispatch decisions (its RequestSent events, seqs included) must
 *   equal the RequestSent records that follow it in the journal, and the core's control-event
 *   drafts must equal the control events the runtime appended;
 * - at every recorded checkpoint the state hash must match, and the digest of the records so far.
 * The first difference is reported as { seq, expected, got } and replay stops there.
 *
 * A backtest journal stores the market events by reference (journal format 2): replayRun reads
 * the full stream with readRunEvents (run-events.ts), which first proves the datasets (content
 * hashes) and then each block's market events (digest) before they are stepped; those failures
 * are thrown as ChassisErrors naming the dataset or the block and its seqs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ChassisError,
  createEngine,
  type Engine,
  type EngineConfig,
  type Event,
  type EventDraft,
  type RequestSentEvent,
  type Strategy,
} from '@chassis/core';
import { FORMAT_BY_REFERENCE, journalFormat, readJournal, StreamDigest } from './journal/journal.ts';
import { readRunEvents } from './run-events.ts';
import { engineConfigOf, type ResolvedRun } from './resolved-run.ts';
import { instantiate, loadStrategy, resolveStrategyPath } from './strategy-loader.ts';
import type { Checkpoint } from './recorder.ts';
import { canonicalJson } from './canonical-json.ts';

export interface Divergence {
  readonly seq: number;
  readonly what: string;
  readonly expected: string;
  readonly got: string;
}

export interface ReplayResult {
  readonly ok: boolean;
  readonly events: number;
  readonly checkpointsVerified: number;
  readonly requestsVerified: number;
  readonly finalStateHash: string;
  readonly divergence: Divergence | null;
}

function describe(e: Event | EventDraft | undefined): string {
  if (e === undefined) return 'nothing';
  const { sides: _s, prices: _p, sizes: _z, ...rest } = e as unknown as Record<string, unknown>;
  return canonicalJson(rest);
}

/** What replay needs, whatever wrote it: a journal, the engine configuration, the strategy and the checkpoints. */
export interface ReplayInput {
  readonly journalPath: string;
  readonly config: EngineConfig;
  readonly strategy: Strategy;
  readonly checkpoints: readonly Checkpoint[];
}

/** A strategy as a run or session recorded it: module path (relative to a base dir), SHA-256, parameters. */
export interface RecordedStrategy {
  readonly module: string;
  readonly sha256: string;
  readonly params: Record<string, unknown>;
}

/**
 * Loads the recorded strategy module and instantiates it with its parameters; the module must
 * be the one recorded (E_REPLAY_STRATEGY_CHANGED otherwise). `owner` names what recorded it
 * ("run", "session"); `baseDirs`: where a relative module path may resolve from, in order.
 */
export async function loadRecordedStrategy(
  recorded: RecordedStrategy,
  baseDirs: readonly string[],
  owner: string,
): Promise<Strategy> {
  const base = baseDirs.find((b) => existsSync(resolve(b, recorded.module))) ?? baseDirs[0]!;
  const loaded = await loadStrategy(resolveStrategyPath(recorded.module, base));
  if (loaded.sha256 !== recorded.sha256) {
    throw new ChassisError(
      'E_REPLAY_STRATEGY_CHANGED',
      `strategy ${recorded.module} changed since the ${owner} (sha256 ${loaded.sha256.slice(0, 12)}…, ${owner} used ${recorded.sha256.slice(0, 12)}…)`,
    );
  }
  return instantiate(loaded, recorded.params);
}

export interface ReplayRunOptions {
  /** Where a relative strategy path may resolve from, in order (default: the cwd). */
  readonly baseDirs?: readonly string[];
  /** Data root holding the run's datasets (default: run-events.ts runDataRoot). */
  readonly dataRoot?: string | undefined;
}

export async function replayRun(runDir: string, options: ReplayRunOptions = {}): Promise<ReplayResult> {
  let resolved: ResolvedRun;
  let checkpoints: Checkpoint[];
  try {
    resolved = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as ResolvedRun;
    checkpoints = JSON.parse(readFileSync(join(runDir, 'checkpoints.json'), 'utf8')) as Checkpoint[];
  } catch (err) {
    throw new ChassisError(
      'E_RUN_DIR',
      `${runDir} is not a completed run directory (run.json, checkpoints.json): ${(err as Error).message}`,
    );
  }
  const strategy = await loadRecordedStrategy(
    { ...resolved.strategy, params: resolved.definition.strategy.params },
    options.baseDirs ?? [process.cwd()],
    'run',
  );
  const input = { journalPath: join(runDir, 'journal.bin'), config: engineConfigOf(resolved), strategy, checkpoints };
  if (journalFormat(input.journalPath) !== FORMAT_BY_REFERENCE) return replayJournal(input);
  const check = new JournalCheck(createEngine(input.config, input.strategy), input.checkpoints, false);
  for await (const e of readRunEvents(runDir, { dataRoot: options.dataRoot })) {
    const d = check.event(e);
    if (d) return check.result(d);
  }
  return check.result(check.end());
}

/**
 * Steps a journal holding every event (format 1: a session's, or a run's written before
 * format 2) through a fresh engine and checks it against itself (module comment).
 */
export function replayJournal(input: ReplayInput): ReplayResult {
  if (journalFormat(input.journalPath) === FORMAT_BY_REFERENCE)
    throw new ChassisError('E_REPLAY_INPUT', `${input.journalPath} references its market events: replay it with replayRun (chassis replay <run dir>), which reads them from the run's datasets`);
  const check = new JournalCheck(createEngine(input.config, input.strategy), input.checkpoints, true);
  for (const e of readJournal(input.journalPath)) {
    const d = check.event(e);
    if (d) return check.result(d);
  }
  return check.result(check.end());
}

/** The replay's state between journal events: what the core said must come next, and the counts. */
class JournalCheck {
  private expectedRequests: readonly RequestSentEvent[] = [];
  private reqIdx = 0;
  private expectedControls: EventDraft[] = [];
  private cpIdx = 0;
  private events = 0;
  private requestsVerified = 0;
  private checkpointsVerified = 0;
  private lastSeq = 0;
  private readonly stream = new StreamDigest();

  /** `marketStored`: whether market events are records of the journal (format 1), so part of the checkpoints' stream digest. */
  constructor(
    private readonly engine: Engine,
    private readonly checkpoints: readonly Checkpoint[],
    private readonly marketStored: boolean,
  ) {}

  /** Checks one journal event (a recorded RequestSent against the core's, anything else stepped); the first difference, or null. */
  event(e: Event): Divergence | null {
    if (this.marketStored || !isMarket(e)) this.stream.add(e);
    this.events++;
    this.lastSeq = e.seq;
    if (this.reqIdx < this.expectedRequests.length) {
      const want = this.expectedRequests[this.reqIdx++]!;
      if (canonicalJson(want) !== canonicalJson(e))
        return divergence(e.seq, 'request_sent', describe(want), describe(e));
      this.requestsVerified++;
      return this.reqIdx === this.expectedRequests.length ? this.checkpointAt(e.seq) : null;
    }
    if (e.kind === 'request_sent')
      return divergence(e.seq, 'request_sent', 'no request (the core dispatched nothing here)', describe(e));
    if (this.expectedControls.length > 0) {
      const want = this.expectedControls.shift()!;
      const { seq: _seq, ...got } = e;
      if (canonicalJson(want) !== canonicalJson(got))
        return divergence(e.seq, 'control event', describe(want), describe(e));
    }
    const result = this.engine.step(e);
    if (result.violation)
      return divergence(
        e.seq,
        'invariant',
        'no violation',
        `${result.violation.invariant}: ${result.violation.message}`,
      );
    this.expectedRequests = result.requestsSent;
    this.reqIdx = 0;
    if (result.controlEvents.length) this.expectedControls = [...result.controlEvents, ...this.expectedControls];
    return this.expectedRequests.length === 0 ? this.checkpointAt(e.seq) : null;
  }

  /** What the core still expected when the journal ended, or a checkpoint past its end. */
  end(): Divergence | null {
    const { expectedRequests: reqs, reqIdx } = this;
    if (reqIdx < reqs.length)
      return divergence(
        reqs[reqIdx]!.seq,
        'request_sent',
        describe(reqs[reqIdx]),
        'end of journal (the recorder stopped inside this step)',
      );
    if (this.expectedControls.length > 0)
      return divergence(this.lastSeq + 1, 'control event', describe(this.expectedControls[0]), 'end of journal');
    const cp = this.checkpoints[this.cpIdx];
    if (cp)
      return divergence(cp.seq, 'checkpoint', `seq ${cp.seq} in the journal`, `journal ends at seq ${this.lastSeq}`);
    return null;
  }

  result(d: Divergence | null): ReplayResult {
    const { events, checkpointsVerified, requestsVerified } = this;
    return {
      ok: d === null,
      events,
      checkpointsVerified,
      requestsVerified,
      finalStateHash: this.engine.stateHash(),
      divergence: d,
    };
  }

  /** At a step boundary: the recorded checkpoint there, if any, must match state hash and stream digest. */
  private checkpointAt(seq: number): Divergence | null {
    const cp = this.checkpoints[this.cpIdx];
    if (!cp || seq < cp.seq) return null;
    this.cpIdx++;
    if (cp.seq !== seq)
      return divergence(
        cp.seq,
        'checkpoint position',
        `a step boundary at seq ${cp.seq}`,
        `a step spanning it, ending at seq ${seq}`,
      );
    const got = this.engine.stateHash();
    if (got !== cp.stateHash) return divergence(seq, 'state hash', cp.stateHash, got);
    const digest = this.stream.digest();
    const prev = this.cpIdx >= 2 ? this.checkpoints[this.cpIdx - 2]!.seq : 0;
    if (digest !== cp.streamDigest)
      return divergence(
        seq,
        `recorded event stream (a ${this.marketStored ? '' : 'non-market '}event in seq ${prev + 1}..${seq} differs from the one recorded)`,
        cp.streamDigest,
        digest,
      );
    this.checkpointsVerified++;
    return null;
  }
}

function isMarket(e: Event): boolean {
  return e.kind === 'book_delta' || e.kind === 'trade' || e.kind === 'bbo';
}

function divergence(seq: number, what: string, expected: string, got: string): Divergence {
  return { seq, what, expected, got };
}
