/**
 * The live session loop (SPEC.md §4–5, issue 12 "Runtime"): one event at a time, from three
 * sources — the market input, the venue adapter's answers and the operator (SessionControl) —
 * plus the runtime's own timers (obligations, answer deadlines).
 *
 * For each event, in arrival order:
 *   1. stamp tsLocalNs with the wall clock (never below the previous event's) and assign seq;
 *   2. append it to the write-ahead journal (written before the core sees it);
 *   3. engine.step;
 *   4. append the step's RequestSent events (the core numbered them), record them, hand each to
 *      the adapter and start its answer deadline;
 *   5. keep the step's obligation as its scope's newest, on a timer (a Control-Time Event when it
 *      fires while work is still pending);
 *   6. a checkpoint {seq, stateHash, streamDigest} every `journal.checkpointEvents` events;
 *   7. append and step the core's control drafts exactly as drafted (replay compares them).
 * Events that arrive while one is being processed (an adapter answering synchronously, a timer)
 * wait in an inbox: nothing is processed re-entrantly. An invariant violation halts the loop
 * (L9): nothing more is appended, nothing more is sent.
 */
import { createHash } from 'node:crypto';
import {
  ChassisError,
  encodeConfigChange,
  type ControlSchedulingObligation,
  type Engine,
  type Event,
  type EventDraft,
  type RequestSentEvent,
  type StepResult,
} from '@chassis/core';
import type {
  LiveClock,
  LiveVenueAdapter,
  MarketInput,
  MarketInputSink,
  Scheduler,
  SessionControl,
  SessionListener,
  SessionStatus,
  TimerHandle,
  VenueLinkEvent,
} from '../contracts.ts';
import type { WriteAheadJournal } from '../records/write-ahead-journal.ts';
import type { CheckpointLog } from '../records/checkpoint-log.ts';
import type { ExecutionRecords } from '../records/execution-records.ts';
import {
  reconciliationReportNumbers,
  writeConfigVersion,
  writeReconciliationReport,
} from '../records/session-reports.ts';
import { Reconciler, type ReconcilerOptions } from '../reconciliation/reconciler.ts';
import type { ReconciliationTrigger } from '../reconciliation/report.ts';
import { parseLiveConfigText, type LiveConfig } from '../live-config.ts';
import { canonicalJson } from '@chassis/backtesting';
import { ObligationTimers } from './obligation-timers.ts';
import { answersFromVenue, lostDisposition } from './uncertain-outcome.ts';
import { engineConfigOfLive } from './engine-definition.ts';

export interface SessionLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface LiveSessionParts {
  readonly sessionId: string;
  readonly mode: 'paper' | 'live';
  readonly dir: string;
  readonly config: LiveConfig;
  readonly engine: Engine;
  readonly journal: WriteAheadJournal;
  readonly checkpoints: CheckpointLog;
  readonly records: ExecutionRecords;
  readonly adapter: LiveVenueAdapter;
  readonly marketInput: MarketInput;
  readonly clock: LiveClock;
  readonly scheduler: Scheduler;
  readonly log: SessionLog;
  /** Reconciler options beyond what the session gives it (tests: `sleep`, `settleMs`). */
  readonly reconciliation?: Partial<Pick<ReconcilerOptions, 'settleMs' | 'sleep' | 'balanceTolerance' | 'extraAssets'>>;
}

type State = SessionStatus['state'];

/** What a recovered session resumes (session-directory.ts Recovery). */
export interface Resumed {
  /**
   * The last step's requests the kill kept from the journal (Recovery.unsent): journaled with
   * their seqs and submitted before anything else, then the step's control drafts.
   */
  readonly unsent?: readonly RequestSentEvent[];
  readonly controlDrafts?: readonly EventDraft[];
  readonly inflight?: readonly RequestSentEvent[];
  readonly obligations?: readonly ControlSchedulingObligation[];
  /**
   * paper: the simulated exchange of the killed process died with it, and the orders resting there
   * with it: before reconciling, every acknowledged order still open is cancelled (order_cancelled,
   * as that venue would report it) and an unacknowledged one declared lost (order_disposition);
   * no answer is awaited for what was in flight.
   */
  readonly venueLostOrders?: boolean;
  /** live: a mismatch at the start's reconciliation refuses to trade (E_LIVE_RECONCILIATION_MISMATCH) before the market input opens. */
  readonly refuseOnMismatch?: boolean;
}

/** Draft with a mutable header, as the session stamps it. */
type Stampable = EventDraft & { seq?: number; tsLocalNs: bigint; tsEventNs: bigint };

interface Inflight {
  readonly request: RequestSentEvent;
  timer: TimerHandle | null;
}

export class LiveSession implements SessionControl, MarketInputSink {
  private state: State = 'starting';
  private seq: number;
  private lastLocalNs: bigint;
  private nextCheckpoint: number;
  private readonly inbox: { draft: Stampable; stamp: boolean; done?: () => void }[] = [];
  private draining = false;
  private halted = false;
  private readonly obligations: ObligationTimers;
  /** Requests without a venue answer yet, by their RequestSent seq. */
  private readonly inflight = new Map<number, Inflight>();
  private readonly listeners: SessionListener[] = [];
  private reconciliation: SessionStatus['reconciliation'] = 'pending';
  private periodic: TimerHandle | null = null;
  private readonly feeds: Record<string, 'healthy' | 'degraded'> = {};
  private readonly reconciler: Reconciler;

  constructor(private readonly p: LiveSessionParts) {
    // A fresh engine reports lastSeq -1 (nothing processed); a recovered one its journal's last seq.
    this.seq = Math.max(0, p.engine.view.control.lastSeq);
    this.lastLocalNs = p.engine.view.control.nowNs;
    const every = p.config.journal.checkpointEvents;
    // From the journal's end, not the engine's: a recovered step whose requests are still unsent
    // reaches its checkpoint once start() has dispatched them, as the killed process would have.
    this.nextCheckpoint = (Math.floor(Math.max(0, p.journal.lastSeq) / every) + 1) * every;
    this.obligations = new ObligationTimers(p.scheduler, (ob) => this.realise(ob));
    this.reconciler = new Reconciler({
      adapter: p.adapter,
      view: () => p.engine.view,
      append: (draft) => this.submit(draft),
      writeReport: (report) => Promise.resolve(writeReconciliationReport(p.dir, report)),
      clock: p.clock,
      policy: p.config.reconciliation.unknownOrders,
      firstReportNumber: Math.max(0, ...reconciliationReportNumbers(p.dir)) + 1,
      ...p.reconciliation,
    });
    for (const inst of p.engine.view.instruments)
      this.feeds[inst.id] = p.engine.view.control.feedDegraded(inst.id) ? 'degraded' : 'healthy';
  }

  onEvent(listener: SessionListener): void {
    this.listeners.push(listener);
  }

  get lastSeq(): number {
    return this.seq;
  }

  get isHalted(): boolean {
    return this.halted;
  }

  // ----------------------------------------------------------------------------- lifecycle

  /**
   * Starts trading: the session start event, the venue link, a reconciliation with the venue,
   * then the market input. `resumed`: the crash's unsent requests are journaled first and
   * submitted once the adapter runs; requests found in flight by recovery get their deadlines.
   */
  async start(resumed: Resumed = {}): Promise<void> {
    const p = this.p;
    // Nothing is processed until the venue link is up and the crash's unsent requests are out:
    // what arrives meanwhile (answers, timers) waits in the inbox behind the control drafts.
    this.draining = true;
    p.adapter.onAnswer((answer) => this.enqueue(answer as Stampable, true));
    p.adapter.onLink((e) => this.onLink(e));
    // What the crash interrupted: the last step's unsent requests (journaled now, before any other
    // event; submitted once the adapter runs), its control drafts (as drafted), the requests in
    // flight and the obligations.
    const unsent = resumed.unsent ?? [];
    try {
      this.journalRequests(unsent);
      if (unsent.length > 0) this.checkpointIfDue();
      for (const c of resumed.controlDrafts ?? []) this.inbox.push({ draft: { ...c } as Stampable, stamp: false });
      if (!resumed.venueLostOrders) for (const r of resumed.inflight ?? []) this.watchAnswer(r);
      for (const ob of resumed.obligations ?? []) this.obligations.record(ob);
      await p.adapter.start();
      this.sendRequests(unsent);
    } finally {
      this.draining = false;
      this.drain();
    }
    await this.submit({ kind: 'session', tsEventNs: 0n, tsLocalNs: 0n, state: 'start', sessionId: p.sessionId });
    if (resumed.venueLostOrders) {
      // Acknowledged orders are cancelled as the venue would say; an unacknowledged one can only be lost.
      const reason = 'the paper venue holding it ended with the killed process';
      // An order whose new request was unsent until now is at this process's venue, not the dead one.
      const atThisVenue = new Set(unsent.filter((r) => r.request === 'new').map((r) => r.orderId));
      for (const o of p.engine.view.execution.openOrders()) {
        if (atThisVenue.has(o.orderId)) continue;
        if (o.status === 'submitted')
          await this.submit({
            kind: 'order_disposition',
            tsEventNs: 0n,
            tsLocalNs: 0n,
            orderId: o.orderId,
            disposition: 'lost',
            reason,
          });
        else
          await this.submit({
            kind: 'order_cancelled',
            tsEventNs: 0n,
            tsLocalNs: 0n,
            orderId: o.orderId,
            requestSeq: -1,
            reason,
          });
      }
    }
    this.state = 'reconciling';
    const report = await this.reconcileNow(resumed.inflight !== undefined ? 'recovery' : 'start');
    if (resumed.refuseOnMismatch && this.reconciliation === 'mismatch') {
      throw new ChassisError(
        'E_LIVE_RECONCILIATION_MISMATCH',
        `the venue's account does not match session ${p.sessionId} (${report}): resolve the differences (or let reconciliation repair them) before trading live`,
        { exitCode: 2 },
      );
    }
    this.state = this.p.engine.view.control.strategyPaused ? 'paused' : 'running';
    if (p.engine.view.control.killSwitch) this.state = 'killed';
    p.marketInput.start(this);
    const everyMs = p.config.reconciliation.intervalMs;
    if (everyMs > 0) this.schedulePeriodic(everyMs);
  }

  private schedulePeriodic(everyMs: number): void {
    this.periodic = this.p.scheduler.at(this.p.clock.nowNs() + BigInt(everyMs) * 1_000_000n, () => {
      void this.reconcileNow('periodic')
        .catch((err: unknown) => this.p.log.error({ err }, 'periodic reconciliation failed'))
        .finally(() => {
          if (this.state !== 'stopping' && this.state !== 'stopped') this.schedulePeriodic(everyMs);
        });
    });
  }

  /** Graceful stop: market input stopped, the session end event, a last checkpoint, the journal synced and closed. */
  async stop(reason: string): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    this.state = 'stopping';
    const p = this.p;
    this.periodic?.cancel();
    await p.marketInput.stop(reason);
    this.obligations.cancelAll();
    for (const f of this.inflight.values()) f.timer?.cancel();
    if (!this.halted)
      await this.submit({ kind: 'session', tsEventNs: 0n, tsLocalNs: 0n, state: 'end', sessionId: p.sessionId });
    await p.adapter.stop();
    if (!this.halted) this.checkpoint();
    p.journal.close();
    p.checkpoints.close();
    p.records.close();
    this.state = 'stopped';
    p.log.info({ lastSeq: this.seq, reason }, 'session stopped');
  }

  // ------------------------------------------------------------------------------- inputs

  market(event: EventDraft<import('@chassis/core').MarketEvent>): void {
    // The market input stamped tsLocalNs on receipt; the session only keeps it non-decreasing.
    this.enqueue(event as Stampable, false);
  }

  feedHealth(instrument: string, state: 'degraded' | 'restored', reason: string): void {
    this.feeds[instrument] = state === 'degraded' ? 'degraded' : 'healthy';
    this.enqueue({ kind: 'feed_health', tsEventNs: 0n, tsLocalNs: 0n, instrument, state, reason } as Stampable, true);
  }

  private onLink(e: VenueLinkEvent): void {
    this.p.log.info({ link: e.type, reason: e.reason }, 'venue link');
    if (e.type === 'reconnected' || e.type === 'stream-rotated') {
      void this.reconcileNow('reconnect').catch((err: unknown) =>
        this.p.log.error({ err }, 'reconciliation after reconnect failed'),
      );
    }
  }

  /** Appends an operator/runtime event and resolves once it is durable in the journal. */
  private submit(draft: EventDraft): Promise<void> {
    return new Promise<void>((resolve) => this.enqueue(draft as Stampable, true, resolve)).then(() =>
      this.p.journal.durable(),
    );
  }

  private enqueue(draft: Stampable, stamp: boolean, done?: () => void): void {
    if (this.halted || this.state === 'stopped') {
      done?.();
      return;
    }
    this.inbox.push({ draft, stamp, ...(done ? { done } : {}) });
    this.drain();
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.inbox.shift(); next; next = this.inbox.shift()) {
        this.process(next.draft, next.stamp);
        next.done?.();
      }
    } finally {
      this.draining = false;
    }
  }

  // --------------------------------------------------------------------------- processing

  private process(draft: Stampable, stamp: boolean): void {
    if (this.halted) return;
    const now = stamp ? this.p.clock.nowNs() : draft.tsLocalNs;
    const ts = now > this.lastLocalNs ? now : this.lastLocalNs;
    draft.tsLocalNs = ts;
    if (stamp && draft.tsEventNs === 0n) draft.tsEventNs = ts;
    this.append(draft);
  }

  /** Steps one stamped draft and everything it causes (its requests and the core's control drafts). */
  private append(draft: Stampable): void {
    const p = this.p;
    draft.seq = ++this.seq;
    const event = draft as unknown as Event;
    this.lastLocalNs = event.tsLocalNs;
    p.journal.append([event]);
    const result = p.engine.step(event);
    if (result.violation) {
      this.halt(result);
      return;
    }
    this.answered(event);
    p.records.record(event, p.engine.view);
    this.dispatch(result.requestsSent);
    if (result.obligation) this.obligations.record(result.obligation);
    for (const l of this.listeners) l(event);
    this.checkpointIfDue();
    for (const c of result.controlEvents) this.append({ ...c } as Stampable);
  }

  /** A checkpoint every `journal.checkpointEvents` events, at the end of a step's dispatch. */
  private checkpointIfDue(): void {
    if (this.seq < this.nextCheckpoint) return;
    this.checkpoint();
    const every = this.p.config.journal.checkpointEvents;
    while (this.nextCheckpoint <= this.seq) this.nextCheckpoint += every;
  }

  private dispatch(sent: readonly RequestSentEvent[]): void {
    this.journalRequests(sent);
    this.sendRequests(sent);
  }

  /** A step's RequestSent events as one journal block, recorded; then the step's checkpoint may follow. */
  private journalRequests(sent: readonly RequestSentEvent[]): void {
    if (sent.length === 0) return;
    const p = this.p;
    p.journal.append(sent);
    this.seq = sent[sent.length - 1]!.seq;
    for (const r of sent) {
      p.records.record(r, p.engine.view);
      for (const l of this.listeners) l(r);
    }
  }

  /** Hands journaled requests to the venue, in seq order, each with its answer deadline. */
  private sendRequests(sent: readonly RequestSentEvent[]): void {
    for (const r of sent) {
      this.watchAnswer(r);
      this.p.adapter.submit(r);
    }
  }

  private halt(result: StepResult): void {
    this.halted = true;
    this.p.journal.sync();
    this.obligations.cancelAll();
    this.p.log.error(
      { violation: result.violation },
      `invariant violated at seq ${this.seq}: the session halted; nothing more is processed or sent`,
    );
  }

  private checkpoint(): void {
    const p = this.p;
    if (this.seq === 0) return;
    try {
      p.checkpoints.append({ seq: this.seq, stateHash: p.engine.stateHash(), streamDigest: p.journal.streamDigest() });
    } catch (err) {
      // Already checkpointed at this seq (a stop right after a periodic checkpoint).
      if (!(err instanceof RangeError)) throw err;
    }
  }

  /** Realises an obligation whose timer fired: a Control-Time Event while allowed work is still pending. */
  private realise(ob: ControlSchedulingObligation): void {
    if (this.p.engine.view.execution.pending().length === 0) return;
    this.enqueue(
      {
        kind: 'control_time',
        tsEventNs: 0n,
        tsLocalNs: 0n,
        dueTsLocalNs: ob.dueTsLocalNs,
        reason: ob.reason,
        scope: ob.scope,
        obligationSeq: ob.derivedAtSeq,
      } as Stampable,
      true,
    );
  }

  // ------------------------------------------------------------------ uncertain outcomes

  private watchAnswer(r: RequestSentEvent): void {
    const ms = BigInt(this.p.config.timeouts.requestAnswerMs) * 1_000_000n;
    const entry: Inflight = { request: r, timer: null };
    entry.timer = this.p.scheduler.at(this.p.clock.nowNs() + ms, () => void this.resolveByQuery(entry));
    this.inflight.set(r.seq, entry);
  }

  private answered(e: Event): void {
    if (!('requestSeq' in e) && e.kind !== 'order_disposition') return;
    if ('requestSeq' in e && e.requestSeq >= 0) {
      const f = this.inflight.get(e.requestSeq);
      f?.timer?.cancel();
      this.inflight.delete(e.requestSeq);
      return;
    }
    // A terminal order needs no answer to any request of it any more.
    const orderId = (e as { orderId: number }).orderId;
    const o = this.p.engine.view.execution.order(orderId);
    if (o && (o.status === 'submitted' || o.status === 'accepted' || o.status === 'partially_filled')) return;
    for (const [seq, f] of this.inflight) {
      if (f.request.orderId === orderId) {
        f.timer?.cancel();
        this.inflight.delete(seq);
      }
    }
  }

  private async resolveByQuery(entry: Inflight): Promise<void> {
    const r = entry.request;
    if (!this.inflight.has(r.seq) || this.state === 'stopping' || this.state === 'stopped') return;
    const p = this.p;
    const timeoutMs = p.config.timeouts.queryAnswerMs;
    p.log.warn(
      { orderId: r.orderId, requestSeq: r.seq, request: r.request },
      'no venue answer in time: querying the order (nothing is re-sent)',
    );
    let venue: Awaited<ReturnType<LiveVenueAdapter['queryOrder']>> | 'timeout';
    try {
      venue = await Promise.race([
        p.adapter.queryOrder(r.orderId, r.instrument),
        new Promise<'timeout'>((res) => {
          const t = setTimeout(() => res('timeout'), timeoutMs);
          t.unref();
        }),
      ]);
    } catch (err) {
      p.log.warn({ err, orderId: r.orderId }, 'order query failed');
      venue = 'timeout';
    }
    if (!this.inflight.has(r.seq)) return; // the answer arrived meanwhile
    this.inflight.delete(r.seq);
    const now = p.clock.nowNs();
    const answers =
      venue === 'timeout'
        ? [
            lostDisposition(
              r,
              `no answer to ${r.request} (seq ${r.seq}) nor to the order query within ${p.config.timeouts.requestAnswerMs} + ${timeoutMs} ms; nothing re-sent`,
              now,
            ),
          ]
        : answersFromVenue(r, venue, p.engine.view.execution.order(r.orderId), now);
    for (const a of answers) this.enqueue(a as Stampable, true);
    if (venue !== 'timeout' && venue !== null && venue.filledQtyUnits > 0) {
      // The venue filled some of it: the account's trades say how, each once (the core ignores a fill it already applied).
      const fills = await p.adapter.recentFills(r.tsLocalNs - 60_000_000_000n, r.instrument);
      for (const f of fills.filter((x) => x.orderId === r.orderId)) {
        this.enqueue(
          {
            kind: 'order_filled',
            tsEventNs: f.tsEventNs,
            tsLocalNs: 0n,
            orderId: r.orderId,
            requestSeq: -1,
            fillId: f.fillId,
            priceUnits: f.priceUnits,
            qtyUnits: f.qtyUnits,
            liquidity: f.liquidity,
            feeUnits: f.feeUnits,
            final: false,
          } as Stampable,
          true,
        );
      }
    }
  }

  // ------------------------------------------------------------------------ SessionControl

  status(): SessionStatus {
    const v = this.p.engine.view;
    const positions: Record<string, string> = {};
    for (const inst of v.instruments) positions[inst.id] = String(v.execution.position(inst.id).qtyUnits);
    return {
      sessionId: this.p.sessionId,
      mode: this.p.mode,
      venue: this.p.config.venue,
      state: this.state,
      lastSeq: this.seq,
      stateHash: this.p.engine.stateHash(),
      killSwitch: v.control.killSwitch,
      strategyPaused: v.control.strategyPaused,
      reconciliation: this.reconciliation,
      feeds: { ...this.feeds },
      openOrders: v.execution.openOrders().length,
      positions,
      configVersion: v.control.configVersion,
    };
  }

  async pause(reason: string): Promise<void> {
    await this.submit({ kind: 'strategy_paused', tsEventNs: 0n, tsLocalNs: 0n, paused: true, reason });
    if (this.state === 'running') this.state = 'paused';
  }

  async resume(reason: string): Promise<void> {
    await this.submit({ kind: 'strategy_paused', tsEventNs: 0n, tsLocalNs: 0n, paused: false, reason });
    if (this.state === 'paused') this.state = 'running';
  }

  async kill(reason: string): Promise<void> {
    await this.submit({ kind: 'kill_switch', tsEventNs: 0n, tsLocalNs: 0n, engaged: true, reason });
    if (this.state === 'running' || this.state === 'paused') this.state = 'killed';
  }

  async flatten(reason: string): Promise<void> {
    await this.submit({ kind: 'flatten', tsEventNs: 0n, tsLocalNs: 0n, reason });
  }

  async setConfig(yamlText: string): Promise<{ readonly version: string }> {
    const config = parseLiveConfigText(yamlText, 'the new configuration');
    if (config.venue !== this.p.config.venue)
      throw new Error(`the new configuration's venue ${config.venue} is not the session's (${this.p.config.venue})`);
    const version = createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);
    writeConfigVersion(this.p.dir, version, config);
    // The event carries the new risk limits and rate buckets (core config-change.ts), so replay applies them at the same position.
    const engineConfig = engineConfigOfLive(config, this.p.engine.view.instruments, version);
    const { rules: _rules, ...risk } = engineConfig.risk;
    const change = encodeConfigChange({ risk, rateBuckets: engineConfig.executionControl.rateBuckets });
    await this.submit({ kind: 'config_version', tsEventNs: 0n, tsLocalNs: 0n, version, config: change });
    return { version };
  }

  reconcile(): Promise<string> {
    return this.reconcileNow('on_demand');
  }

  /** Runs the reconciliation (reconciliation/reconciler.ts: it appends the outcome event and writes the report); resolves with the report's path. */
  private async reconcileNow(trigger: ReconciliationTrigger): Promise<string> {
    const r = await this.reconciler.reconcile(trigger);
    this.reconciliation = r.outcome;
    if (r.outcome === 'mismatch')
      this.p.log.warn(
        { report: r.reportPath },
        'reconciliation mismatch: new intents are blocked until it is resolved',
      );
    return r.reportPath;
  }
}
