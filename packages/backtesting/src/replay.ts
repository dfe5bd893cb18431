/**
 * Replay (SPEC.md L2, L4): rebuild state from a journal with the core alone — no data files,
 * no venue — and prove determinism. One implementation for every journal: a backtest run's
 * (replayRun: run.json + checkpoints.json) and a live or paper session's (@chassis/live
 * replaySession: session.json + checkpoints.jsonl) both come down to replayJournal:
 * - every journal event except the RequestSent records is stepped in order;
 * - each step's recomputed dispatch decisions (its RequestSent events, seqs included) must
 *   equal the RequestSent records that follow it in the journal, and the core's control-event
 *   drafts must equal the control events the runtime appended;
 * - at every recorded checkpoint the state hash must match.
 * The first difference is reported as { seq, expected, got } and replay stops there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ChassisError, createEngine, type EngineConfig, type Event, type EventDraft, type RequestSentEvent, type Strategy } from '@chassis/core';
import { readJournal, StreamDigest } from './journal/journal.ts';
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
export async function loadRecordedStrategy(recorded: RecordedStrategy, baseDirs: readonly string[], owner: string): Promise<Strategy> {
  const base = baseDirs.find((b) => existsSync(resolve(b, recorded.module))) ?? baseDirs[0]!;
  const loaded = await loadStrategy(resolveStrategyPath(recorded.module, base));
  if (loaded.sha256 !== recorded.sha256) {
    throw new ChassisError('E_REPLAY_STRATEGY_CHANGED', `strategy ${recorded.module} changed since the ${owner} (sha256 ${loaded.sha256.slice(0, 12)}…, ${owner} used ${recorded.sha256.slice(0, 12)}…)`);
  }
  return instantiate(loaded, recorded.params);
}

/** `baseDirs`: where a relative strategy path may resolve from, in order (default: the cwd). */
export async function replayRun(runDir: string, options: { baseDirs?: readonly string[] } = {}): Promise<ReplayResult> {
  let resolved: ResolvedRun;
  let checkpoints: Checkpoint[];
  try {
    resolved = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as ResolvedRun;
    checkpoints = JSON.parse(readFileSync(join(runDir, 'checkpoints.json'), 'utf8')) as Checkpoint[];
  } catch (err) {
    throw new ChassisError('E_RUN_DIR', `${runDir} is not a completed run directory (run.json, checkpoints.json): ${(err as Error).message}`);
  }
  const strategy = await loadRecordedStrategy({ ...resolved.strategy, params: resolved.definition.strategy.params }, options.baseDirs ?? [process.cwd()], 'run');
  return replayJournal({ journalPath: join(runDir, 'journal.bin'), config: engineConfigOf(resolved), strategy, checkpoints });
}

/** Steps the journal through a fresh engine and checks it against itself (module comment). */
export function replayJournal(input: ReplayInput): ReplayResult {
  const { checkpoints } = input;
  const engine = createEngine(input.config, input.strategy);
  let expectedRequests: readonly RequestSentEvent[] = [];
  let reqIdx = 0;
  let expectedControls: EventDraft[] = [];
  let cpIdx = 0;
  let events = 0;
  let requestsVerified = 0;
  let checkpointsVerified = 0;
  let lastSeq = 0;
  const fail = (seq: number, what: string, expected: string, got: string): ReplayResult => ({
    ok: false,
    events,
    checkpointsVerified,
    requestsVerified,
    finalStateHash: engine.stateHash(),
    divergence: { seq, what, expected, got },
  });
  const checkpointAt = (seq: number): ReplayResult | null => {
    const cp = checkpoints[cpIdx];
    if (!cp || seq < cp.seq) return null;
    cpIdx++;
    if (cp.seq !== seq) return fail(cp.seq, 'checkpoint position', `a step boundary at seq ${cp.seq}`, `a step spanning it, ending at seq ${seq}`);
    const got = engine.stateHash();
    if (got !== cp.stateHash) return fail(seq, 'state hash', cp.stateHash, got);
    const digest = stream.digest();
    const prev = cpIdx >= 2 ? checkpoints[cpIdx - 2]!.seq : 0;
    if (digest !== cp.streamDigest) return fail(seq, `recorded event stream (an event in seq ${prev + 1}..${seq} differs from the one recorded)`, cp.streamDigest, digest);
    checkpointsVerified++;
    return null;
  };

  const stream = new StreamDigest();
  for (const e of readJournal(input.journalPath)) {
    stream.add(e);
    events++;
    lastSeq = e.seq;
    if (reqIdx < expectedRequests.length) {
      const want = expectedRequests[reqIdx++]!;
      if (canonicalJson(want) !== canonicalJson(e)) return fail(e.seq, 'request_sent', describe(want), describe(e));
      requestsVerified++;
      if (reqIdx === expectedRequests.length) {
        const bad = checkpointAt(e.seq);
        if (bad) return bad;
      }
      continue;
    }
    if (e.kind === 'request_sent') return fail(e.seq, 'request_sent', 'no request (the core dispatched nothing here)', describe(e));
    if (expectedControls.length > 0) {
      const want = expectedControls.shift()!;
      const { seq: _seq, ...got } = e;
      if (canonicalJson(want) !== canonicalJson(got)) return fail(e.seq, 'control event', describe(want), describe(e));
    }
    const result = engine.step(e);
    if (result.violation) return fail(e.seq, 'invariant', 'no violation', `${result.violation.invariant}: ${result.violation.message}`);
    expectedRequests = result.requestsSent;
    reqIdx = 0;
    if (result.controlEvents.length) expectedControls = [...result.controlEvents, ...expectedControls];
    if (expectedRequests.length === 0) {
      const bad = checkpointAt(e.seq);
      if (bad) return bad;
    }
  }
  if (reqIdx < expectedRequests.length) return fail(expectedRequests[reqIdx]!.seq, 'request_sent', describe(expectedRequests[reqIdx]), 'end of journal');
  if (expectedControls.length > 0) return fail(lastSeq + 1, 'control event', describe(expectedControls[0]), 'end of journal');
  if (cpIdx < checkpoints.length) return fail(checkpoints[cpIdx]!.seq, 'checkpoint', `seq ${checkpoints[cpIdx]!.seq} in the journal`, `journal ends at seq ${lastSeq}`);
  return { ok: true, events, checkpointsVerified, requestsVerified, finalStateHash: engine.stateHash(), divergence: null };
}
