/**
 * The engine: one deterministic processing step per event (SPEC.md §4), orchestrating the
 * reducers of each domain and the decision pipeline:
 *
 *   intake (seq, tsLocal) → derive: market-reducer | order-reducer (+ accounting) |
 *   control-reducer → operator-actions (kill switch cancels, flatten orders) and
 *   strategy-evaluation (only on a decision trigger, not while halted or paused) → admission
 *   (risk, dominance) → queue pass + dispatch → StepResult (+ obligation).
 *
 * Hot path: a market event that triggers nothing and finds no queue work allocates nothing
 * and returns the shared frozen EMPTY_STEP_RESULT from step itself (decide is not entered); so
 * does a trigger whose strategy returns no intents (create-engine.test.ts runs 300,000 such
 * steps without a garbage collection).
 * The step makes no closures: under tsx/esbuild keepNames each would also cost a `__name`.
 */
import type { EngineConfig } from '../config.ts';
import type { Engine } from '../engine.ts';
import type { BboEvent, BookDeltaEvent, Event, EventDraft, RequestSentEvent, TradeEvent } from '../events.ts';
import type { Intent, IntentOrigin } from '../intents.ts';
import type { ControlSchedulingObligation, InvariantViolation, RiskDecision, StepResult } from '../step-result.ts';
import type { Strategy } from '../strategy.ts';
import type { StateView } from '../state/view.ts';
import { EngineState, InstrumentState, KIND_INDEX, EVENT_KINDS } from '../state/engine-state.ts';
import { createStateView } from '../state/state-view.ts';
import { hashEngineState } from '../state/state-encoding.ts';
import { RateBucket } from '../execution/rate-bucket.ts';
import { ExecutionControl } from '../execution/execution-control.ts';
import { RiskEngine } from '../risk/risk-engine.ts';
import { balanceDecimals } from '../contract-value.ts';
import { validateConfig } from './engine-config.ts';
import { EMPTY_STEP_RESULT, StepContext } from './step-context.ts';
import { violation } from './invariants.ts';
import { applyBbo, applyBookDelta, applyTrade } from './market-reducer.ts';
import { applyDisposition, applyExecution, applyRequestSent } from './order-reducer.ts';
import { applyControl } from './control-reducer.ts';
import { applyConfigVersion } from './config-change-reducer.ts';
import { evaluateStrategy } from './strategy-evaluation.ts';
import { admitIntent, denialDraft } from './admission.ts';
import { takeOperatorIntents } from './operator-actions.ts';
import { dispatchCommand, obligationAfterPass } from './dispatch.ts';
import { DispatchEcho } from './dispatch-echo.ts';

export { EMPTY_STEP_RESULT } from './step-context.ts';

const EMPTY: readonly never[] = Object.freeze([]);

class CoreEngine implements Engine {
  readonly view: StateView;
  private readonly s: EngineState;
  private readonly ctx: StepContext;
  private readonly control: ExecutionControl;
  private readonly risk: RiskEngine;
  /** Per kind index: 1 = the kind triggers the strategy. */
  private readonly kindTriggers = new Uint8Array(EVENT_KINDS.length);
  /** Per kind index: trigger every n-th event of that kind (0 = off). */
  private readonly everyN = new Float64Array(EVENT_KINDS.length);
  /** The requests of the last step, which a runtime may hand back once as echoes. */
  private readonly echo = new DispatchEcho();
  private lastInstrumentId = '';
  private lastInstrument: InstrumentState | undefined = undefined;
  /** Control event drafts of the step deciding now (denials, a strategy halt); null when none. */
  private controlEvents: EventDraft[] | null = null;

  constructor(
    private readonly config: EngineConfig,
    private readonly strategy: Strategy,
  ) {
    validateConfig(config);
    const s = (this.s = new EngineState(config.configVersion ?? ''));
    for (const [ccy, v] of Object.entries(config.initialBalances ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      s.balances.set(ccy, v);
    }
    s.initialBalances = new Map(s.balances);
    for (const b of config.executionControl.rateBuckets) s.buckets.set(b.scope, new RateBucket(b));
    const triggerInstruments = config.triggers.instruments?.length ? new Set(config.triggers.instruments) : null;
    const decimals = (s.balanceDecimals = balanceDecimals(config.instruments));
    for (const inst of config.instruments) {
      const st = new InstrumentState(inst);
      st.settlementToBalance = 10n ** BigInt(decimals.get(st.position.settlementCurrency)! - st.position.settlementDecimals);
      if (inst.contractType === 'spot') st.baseToBalance = 10n ** BigInt(decimals.get(inst.baseCurrency)! - inst.sizeDecimals);
      st.bucket = s.buckets.get(inst.venue) ?? null;
      st.triggers = triggerInstruments === null || triggerInstruments.has(inst.id);
      s.instruments.set(inst.id, st);
    }
    for (const k of config.triggers.kinds) this.kindTriggers[KIND_INDEX[k]] = 1;
    for (const t of config.triggers.everyN ?? []) this.everyN[KIND_INDEX[t.kind]] = t.n;
    this.ctx = new StepContext(s);
    this.control = new ExecutionControl(s);
    this.view = createStateView(s, config.instruments);
    this.risk = new RiskEngine(config.risk, s, this.view);
  }

  get violation(): InvariantViolation | null {
    return this.ctx.violation;
  }

  stateHash(): string {
    return hashEngineState(this.s);
  }

  step(event: Event): StepResult {
    const ctx = this.ctx;
    if (ctx.violationResult !== null) return ctx.violationResult;
    if (event.seq <= this.s.lastSeq && this.echo.take(event)) return EMPTY_STEP_RESULT;
    this.echo.close();
    if (!this.intake(event)) return ctx.violationResult!;
    const triggered = this.derive(event);
    if (ctx.violationResult !== null) return ctx.violationResult;
    const s = this.s;
    // The common step (a market event that triggers nothing, no operator request, no queue
    // work due) finds nothing to do.
    if (!triggered && !s.cancelAllRequested && !s.flattenRequested && ctx.diagnostics === null) {
      if (s.queue.size === 0) {
        s.queueDirty = false;
        return EMPTY_STEP_RESULT;
      }
      if (!s.queueDirty && !(s.wakeNs >= 0n && s.nowNs >= s.wakeNs)) return EMPTY_STEP_RESULT;
    }
    return this.decide(event, triggered);
  }

  wakeup(events: readonly Event[]): StepResult {
    const ctx = this.ctx;
    if (ctx.violationResult !== null) return ctx.violationResult;
    let triggered = false;
    let last: Event | null = null;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (event.seq <= this.s.lastSeq && this.echo.take(event)) continue;
      this.echo.close();
      if (!this.intake(event)) return ctx.violationResult!;
      if (this.derive(event)) triggered = true;
      if (ctx.violationResult !== null) return ctx.violationResult;
      last = event;
    }
    return last === null ? EMPTY_STEP_RESULT : this.decide(last, triggered);
  }

  /** Sequence and clock invariants: seq = lastSeq + 1, tsLocal never goes back. */
  private intake(event: Event): boolean {
    const s = this.s;
    if (s.lastSeq >= 0 && event.seq !== s.lastSeq + 1) {
      this.ctx.halt(violation('seq_contiguous', event.seq, `event seq ${event.seq} does not follow ${s.lastSeq}`, { lastSeq: s.lastSeq, seq: event.seq, kind: event.kind }));
      return false;
    }
    if (!Number.isSafeInteger(event.seq) || event.seq < 0) {
      this.ctx.halt(violation('seq_contiguous', event.seq, `event seq ${event.seq} is not a non-negative integer`, { seq: event.seq }));
      return false;
    }
    if (event.tsLocalNs < s.nowNs) {
      this.ctx.halt(
        violation('ts_local_non_decreasing', event.seq, `tsLocal ${event.tsLocalNs} of seq ${event.seq} is before ${s.nowNs}`, {
          nowNs: s.nowNs.toString(),
          tsLocalNs: event.tsLocalNs.toString(),
          kind: event.kind,
        }),
      );
      return false;
    }
    s.lastSeq = event.seq;
    s.nowNs = event.tsLocalNs;
    return true;
  }

  /** Instrument state by id; the previous lookup is remembered (market streams repeat one id). */
  private instrumentState(id: string): InstrumentState | undefined {
    if (id === this.lastInstrumentId) return this.lastInstrument;
    const inst = this.s.instruments.get(id);
    this.lastInstrumentId = id;
    this.lastInstrument = inst;
    return inst;
  }

  /** Routes the event to its domain's reducer; returns whether it is a decision trigger. */
  private derive(event: Event): boolean {
    const s = this.s;
    // Market kinds first, each by one compare, with no second dispatch on the kind; the keyed
    // KIND_INDEX lookup and the switch for the rest.
    const kind = event.kind;
    if (kind === 'book_delta' || kind === 'bbo' || kind === 'trade') {
      const k = kind === 'book_delta' ? 0 : kind === 'trade' ? 1 : 2;
      const count = ++s.eventCounts[k]!;
      const inst = this.instrumentState(event.instrument);
      if (inst === undefined) return false;
      if (k === 0) applyBookDelta(inst, event as BookDeltaEvent);
      else if (k === 2) applyBbo(inst, event as BboEvent);
      else applyTrade(inst, event as TradeEvent);
      if (this.kindTriggers[k] === 1 && inst.triggers) return true;
      const n = this.everyN[k]!;
      return n > 0 && count % n === 0;
    }
    const k = KIND_INDEX[kind];
    const count = ++s.eventCounts[k]!;
    switch (event.kind) {
      case 'order_accepted':
      case 'order_rejected':
      case 'order_filled':
      case 'order_cancelled':
      case 'order_replaced':
      case 'cancel_replace_rejected':
      case 'order_expired':
        applyExecution(this.ctx, event);
        s.queueDirty = true;
        break;
      case 'request_sent':
        applyRequestSent(this.ctx, event);
        s.queueDirty = true;
        break;
      case 'order_disposition':
        applyDisposition(this.ctx, event);
        s.queueDirty = true;
        break;
      case 'intent_denied':
        break;
      case 'config_version':
        applyConfigVersion(this.ctx, this.risk, event);
        break;
      default:
        applyControl(s, this.control, event);
    }
    if (this.kindTriggers[k] === 1) return true;
    const n = this.everyN[k]!;
    return n > 0 && count % n === 0;
  }

  /**
   * Risk and queue admission of one intent; a denial is recorded as an `intent_denied` draft
   * when the configuration asks for it. A method, not a closure made per step: a closure per
   * decide costs an allocation (and, under esbuild's keepNames, a `__name` property define).
   */
  private admit(intent: Intent, origin: IntentOrigin, tsLocalNs: bigint): RiskDecision {
    const s = this.s;
    const d = admitIntent(s, this.risk, this.control, intent, origin);
    if (!d.allowed && this.config.recordIntentDenials) (this.controlEvents ??= []).push(denialDraft(s, intent, d.reason, tsLocalNs));
    return d;
  }

  /**
   * Admits each intent in order; the decisions in the same order. Step results hold arrays of
   * their exact length: an empty literal grown by push takes a 17-slot store (152 bytes) at its
   * first element.
   */
  private admitAll(intents: readonly Intent[], origin: IntentOrigin, tsLocalNs: bigint): RiskDecision[] {
    const decisions = new Array<RiskDecision>(intents.length);
    for (let i = 0; i < intents.length; i++) decisions[i] = this.admit(intents[i]!, origin, tsLocalNs);
    return decisions;
  }

  /** Strategy (on a trigger), admission of its intents, then the queue pass: the decision half of a step. */
  private decide(event: Event, triggered: boolean): StepResult {
    const s = this.s;
    const ctx = this.ctx;
    let intents: readonly Intent[] = EMPTY;
    let decisions: RiskDecision[] | null = null;
    let operatorDecisions: RiskDecision[] | null = null;
    this.controlEvents = null;
    if (s.cancelAllRequested || s.flattenRequested) operatorDecisions = this.admitAll(takeOperatorIntents(s), 'operator', event.tsLocalNs);
    if (triggered && !s.strategyHalted && !s.haltRequested && !s.strategyPaused) {
      const out = evaluateStrategy(ctx, this.strategy, this.view, event, this.config.maxConsecutiveStrategyFailures);
      if (out.halt !== null) (this.controlEvents ??= []).push(out.halt);
      if (out.intents !== null) {
        intents = out.intents;
        decisions = this.admitAll(intents, 'strategy', event.tsLocalNs);
      }
    }
    const controlEvents = this.controlEvents;
    this.controlEvents = null;

    let requestsSent: RequestSentEvent[] | null = null;
    let obligation: ControlSchedulingObligation | null = null;
    if (s.queue.size > 0 && (s.queueDirty || (s.wakeNs >= 0n && s.nowNs >= s.wakeNs))) {
      const ec = this.control;
      ec.pass(s.nowNs);
      const selected = ec.selected;
      if (selected.length > 0) {
        requestsSent = new Array<RequestSentEvent>(selected.length);
        for (let i = 0; i < selected.length; i++) {
          const ev = dispatchCommand(ctx, selected[i]!);
          if (ctx.violationResult !== null) return ctx.violationResult;
          requestsSent[i] = ev;
        }
        ec.clearSelected();
        this.echo.expect(requestsSent);
      }
      obligation = obligationAfterPass(ctx, ec, event.seq);
    } else if (s.queue.size === 0) {
      s.queueDirty = false;
    }

    if (intents === EMPTY && operatorDecisions === null && requestsSent === null && obligation === null && controlEvents === null && ctx.diagnostics === null) return EMPTY_STEP_RESULT;
    const diagnostics = ctx.takeDiagnostics();
    return {
      intents,
      decisions: decisions ?? EMPTY,
      operatorDecisions: operatorDecisions ?? EMPTY,
      requestsSent: requestsSent ?? EMPTY,
      obligation,
      controlEvents: controlEvents ?? EMPTY,
      diagnostics: diagnostics ?? EMPTY,
      violation: null,
    };
  }
}

/** Creates an engine for one configuration and strategy. Throws ChassisError E_ENGINE_CONFIG naming the bad field. */
export function createEngine(config: EngineConfig, strategy: Strategy): Engine {
  return new CoreEngine(config, strategy);
}
