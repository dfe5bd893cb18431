/**
 * A session's directory, opened for trading: created for a new session id, or recovered for an
 * existing one (crash recovery, issue 12).
 *
 * Recovery: the write-ahead journal is reopened (a torn final block after SIGKILL is cut and
 * reported), a fresh engine is built from session.json's engine configuration and the strategy
 * (its SHA-256 must match), and every journal event is stepped again exactly as replay does —
 * each step's RequestSent records and control events must be the ones the core produces now,
 * and the state hash must equal every checkpoint's. The execution records are rebuilt from the
 * replayed events. What was in flight (requests without an answer) and the newest obligation
 * per scope are handed back so the session resumes them. Nothing is sent while recovering.
 *
 * A SIGKILL between a step's two writes (its event's block, then its RequestSent block) leaves a
 * journal ending in an event whose requests were never journaled — and so never sent, since the
 * session submits only after journaling. Replay re-steps that event and the core drafts the same
 * requests: they are handed back as `unsent`, for the session to journal and submit first.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import {
  ChassisError,
  createEngine,
  type ControlSchedulingObligation,
  type Engine,
  type EngineConfig,
  type Event,
  type EventDraft,
  type RequestSentEvent,
  type Strategy,
} from '@chassis/core';
import { canonicalJson, loadStrategy, resolveStrategyPath, type JournalCut } from '@chassis/backtesting';
import { sessionDirOf, sessionPaths } from '../records/session-paths.ts';
import { readSessionFile, writeSessionFile, SESSION_FORMAT, type SessionFile } from '../records/session-file.ts';
import { decodeEngineConfig, encodeEngineConfig } from '../records/engine-config-json.ts';
import { WriteAheadJournal } from '../records/write-ahead-journal.ts';
import { CheckpointLog, type SessionCheckpoint } from '../records/checkpoint-log.ts';
import { ExecutionRecords } from '../records/execution-records.ts';
import { parseLiveConfig, type LiveConfig } from '../live-config.ts';

export interface OpenedSession {
  readonly sessionId: string;
  readonly dir: string;
  readonly file: SessionFile;
  readonly config: LiveConfig;
  readonly engineConfig: EngineConfig;
  readonly engine: Engine;
  readonly journal: WriteAheadJournal;
  readonly checkpoints: CheckpointLog;
  readonly records: ExecutionRecords;
  /** Set when the session was recovered from its journal. */
  readonly recovery: Recovery | null;
}

export interface Recovery {
  readonly events: number;
  readonly lastSeq: number;
  readonly stateHash: string;
  /** The last checkpoint the replayed state was compared with (null when there was none). */
  readonly checkpoint: SessionCheckpoint | null;
  readonly checkpointsVerified: number;
  readonly cut: JournalCut | null;
  readonly checkpointsDropped: number;
  /** Requests with no venue answer at the end of the journal (not counting `unsent`). */
  readonly inflight: readonly RequestSentEvent[];
  /** Newest obligation per scope at the end of the journal, while work is pending. */
  readonly obligations: readonly ControlSchedulingObligation[];
  /** The journal's events (a paper venue rebuilds its account from them). */
  readonly journal: readonly Event[];
  /** Control events the last step drafted that the crash kept from the journal: appended first on resume (after `unsent`). */
  readonly controlDrafts: readonly EventDraft[];
  /**
   * The last step's RequestSent events when the kill came before their block was written: never
   * journaled, never sent (seqs right after `lastSeq`). The session journals and submits them
   * before anything else, as the killed process would have.
   */
  readonly unsent: readonly RequestSentEvent[];
}

export interface NewSession {
  readonly dataRoot: string;
  readonly sessionId: string;
  readonly mode: 'paper' | 'live';
  readonly config: LiveConfig;
  /** Where live.yaml's relative strategy path resolves from (the file's directory). */
  readonly configDir: string;
  readonly engineConfig: EngineConfig;
  readonly codeVersion: string;
  readonly createdAt: string;
}

async function strategyOf(file: SessionFile, baseDirs: readonly string[]): Promise<Strategy> {
  const base = baseDirs.find((b) => existsSync(resolve(b, file.strategy.module))) ?? baseDirs[0]!;
  const loaded = await loadStrategy(resolveStrategyPath(file.strategy.module, base));
  if (loaded.sha256 !== file.strategy.sha256) {
    throw new ChassisError(
      'E_SESSION_STRATEGY_CHANGED',
      `strategy ${file.strategy.module} changed since session ${file.sessionId} started (sha256 ${loaded.sha256.slice(0, 12)}…, the session used ${file.strategy.sha256.slice(0, 12)}…): recovery would not rebuild the same state`,
    );
  }
  try {
    return loaded.module.create(file.strategy.params);
  } catch (err) {
    throw new ChassisError('E_STRATEGY_PARAMS', `${loaded.path}: create(params) failed: ${(err as Error).message}`);
  }
}

/** The module path as session.json keeps it: relative to the working directory when inside it. */
function storedModulePath(absolute: string): string {
  const rel = relative(process.cwd(), absolute);
  return rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
}

export async function createSession(s: NewSession): Promise<OpenedSession> {
  const dir = sessionDirOf(s.dataRoot, s.sessionId);
  const paths = sessionPaths(dir);
  if (existsSync(paths.session))
    throw new ChassisError('E_SESSION_EXISTS', `session ${s.sessionId} already exists in ${dir}`);
  const modulePath = resolveStrategyPath(s.config.strategy.module, s.configDir);
  const loaded = await loadStrategy(modulePath);
  mkdirSync(dir, { recursive: true });
  const file: SessionFile = {
    format: SESSION_FORMAT,
    sessionId: s.sessionId,
    mode: s.mode,
    venue: s.config.venue,
    config: JSON.parse(canonicalJson(s.config)) as Record<string, unknown>,
    engine: encodeEngineConfig(s.engineConfig),
    strategy: { module: storedModulePath(modulePath), sha256: loaded.sha256, params: s.config.strategy.params },
    codeVersion: s.codeVersion,
    createdAt: s.createdAt,
  };
  writeSessionFile(dir, file);
  let strategy: Strategy;
  try {
    strategy = loaded.module.create(s.config.strategy.params);
  } catch (err) {
    throw new ChassisError('E_STRATEGY_PARAMS', `${loaded.path}: create(params) failed: ${(err as Error).message}`);
  }
  const engine = createEngine(s.engineConfig, strategy);
  const journal = WriteAheadJournal.create(paths.journal, { fsyncWindowMs: s.config.journal.fsyncWindowMs });
  return {
    sessionId: s.sessionId,
    dir,
    file,
    config: s.config,
    engineConfig: s.engineConfig,
    engine,
    journal,
    checkpoints: CheckpointLog.create(paths.checkpoints),
    records: new ExecutionRecords(dir, { fresh: true }),
    recovery: null,
  };
}

/** Recovers an existing session (module comment). `baseDirs`: where its strategy path may resolve from. */
export async function recoverSession(
  dataRoot: string,
  sessionId: string,
  baseDirs: readonly string[],
): Promise<OpenedSession> {
  const dir = sessionDirOf(dataRoot, sessionId);
  const paths = sessionPaths(dir);
  const file = readSessionFile(dir);
  const config = parseLiveConfig(file.config, `${paths.session} config`);
  const engineConfig = decodeEngineConfig(file.engine, `${paths.session} engine`);
  const engine = createEngine(engineConfig, await strategyOf(file, [...baseDirs, dirname(dir)]));
  const { journal, recovered } = WriteAheadJournal.recover(paths.journal, {
    fsyncWindowMs: config.journal.fsyncWindowMs,
  });
  const { log, kept, dropped } = CheckpointLog.recover(paths.checkpoints, journal.lastSeq);
  const records = new ExecutionRecords(dir, { fresh: true });
  const replay = replayInto(engine, recovered.events, kept, records, paths.journal);
  return {
    sessionId,
    dir,
    file,
    config,
    engineConfig,
    engine,
    journal,
    checkpoints: log,
    records,
    recovery: { ...replay, journal: recovered.events, cut: recovered.cut, checkpointsDropped: dropped },
  };
}

type ReplayOutcome = Omit<Recovery, 'cut' | 'checkpointsDropped' | 'journal'>;

/** Steps the journal's events into `engine` and verifies them (module comment). */
function replayInto(
  engine: Engine,
  events: readonly Event[],
  checkpoints: readonly SessionCheckpoint[],
  records: ExecutionRecords,
  where: string,
): ReplayOutcome {
  const diverged = (seq: number, what: string) =>
    new ChassisError(
      'E_RECOVERY_DIVERGED',
      `${where}: replaying the journal diverged at seq ${seq}: ${what}; the session cannot resume on a state that differs from what it did`,
    );
  let expected: RequestSentEvent[] = [];
  let controls: EventDraft[] = [];
  const inflight = new Map<number, RequestSentEvent>();
  const obligations = new Map<string, ControlSchedulingObligation>();
  const bySeq = new Map(checkpoints.map((c) => [c.seq, c]));
  let verified = 0;
  let lastCheckpoint: SessionCheckpoint | null = null;
  const atBoundary = (seq: number) => {
    const cp = bySeq.get(seq);
    if (!cp) return;
    const got = engine.stateHash();
    if (got !== cp.stateHash) throw diverged(seq, `state hash ${got}, checkpoint says ${cp.stateHash}`);
    verified++;
    lastCheckpoint = cp;
  };
  for (const e of events) {
    if (expected.length > 0) {
      const want = expected.shift()!;
      if (canonicalJson(want) !== canonicalJson(e))
        throw diverged(e.seq, `the core now sends ${canonicalJson(want)}, the journal has ${e.kind}`);
      records.record(e, engine.view);
      inflight.set(e.seq, e as RequestSentEvent);
      if (expected.length === 0) atBoundary(e.seq);
      continue;
    }
    if (e.kind === 'request_sent') throw diverged(e.seq, 'a request_sent the core does not produce');
    if (controls.length > 0) {
      const { seq: _s, ...got } = e;
      if (canonicalJson(controls.shift()) !== canonicalJson(got))
        throw diverged(e.seq, `control event ${e.kind} differs from the core's draft`);
    }
    const r = engine.step(e);
    if (r.violation) throw diverged(e.seq, `invariant ${r.violation.invariant}: ${r.violation.message}`);
    if ('requestSeq' in e && e.requestSeq >= 0) inflight.delete(e.requestSeq);
    if ('orderId' in e && e.kind !== 'intent_denied') {
      const o = engine.view.execution.order(e.orderId);
      if (o && !(o.status === 'submitted' || o.status === 'accepted' || o.status === 'partially_filled')) {
        for (const [seq, req] of inflight) if (req.orderId === e.orderId) inflight.delete(seq);
      }
    }
    records.record(e, engine.view);
    if (r.obligation) obligations.set(r.obligation.scope, r.obligation);
    expected = [...r.requestsSent];
    controls = [...r.controlEvents, ...controls];
    if (expected.length === 0) atBoundary(e.seq);
  }
  const last = events.at(-1)?.seq ?? 0;
  // A step's RequestSent events are one block, so the journal holds all of them or none: none is a
  // legitimate kill point (unsent, module comment); some of them is not.
  if (expected.length > 0 && events.at(-1)?.kind === 'request_sent')
    throw diverged(last + 1, `the journal ends inside the step's request_sent block, before seq ${expected[0]!.seq}`);
  const pending = engine.view.execution.pending().length > 0;
  return {
    events: events.length,
    lastSeq: last,
    stateHash: engine.stateHash(),
    checkpoint: lastCheckpoint,
    checkpointsVerified: verified,
    inflight: [...inflight.values()],
    obligations: pending ? [...obligations.values()] : [],
    controlDrafts: controls,
    unsent: expected,
  };
}
