/**
 * The engine: one deterministic processing step per event (SPEC.md §4).
 *
 *   intake (seq, tsLocal) → derive (Market, Execution, Control) → strategy (only on a decision
 *   trigger) → risk per intent → queue admission (dominance) → queue pass (validity, inflight,
 *   rate limit, ordering, largest prefix) → StepResult (+ obligation).
 *
 * Hot path: a market event that triggers nothing and finds no queue work allocates nothing
 * and returns the shared frozen EMPTY_STEP_RESULT.
 */
// @ts-nocheck

import type { EngineConfig } from '../config.ts';
import type { Engine } from '../engine.ts';
import { ChassisError } from '../errors.ts';
import type { Event, EventDraft, ExecutionEvent, RequestSentEvent, StrategyHaltedEvent, IntentDeniedEvent } from '../events.ts';
import type { Intent } from '../intents.ts';
import type { ControlSchedulingObligation, Diagnostic, InvariantViolation, RiskDecision, StepResult } from '../step-result.ts';
import type { Strategy } from '../strategy.ts';
import type { PositionView, StateView } from '../state/view.ts';
import { EngineState, InstrumentState, KIND_INDEX, EVENT_KINDS, OrderRecord, PositionRecord } from '../state/engine-state.ts';
import { hashEngineState } from '../state/state-encoding.ts';
import { RateBucket } from '../execution/rate-bucket.ts';
import { ExecutionControl } from '../execution/execution-control.ts';
import type { PendingCommand } from '../execution/dominance.ts';
import { isTerminal, nextStatus, type LifecycleInput } from '../execution/order-lifecycle.ts';
import { RiskEngine } from '../risk/risk-engine.ts';
import { checkBalances, checkPosition, violation } from './invariants.ts';

const EMPTY: readonly never[] = Object.freeze([]);

/** Returned by every step that produced nothing: shared, frozen, allocation-free. */
export const EMPTY_STEP_RESULT: StepResult = Object.freeze({
  intents: EMPTY,
  decisions: EMPTY,
  requestsSent: EMPTY,
  obligation: null,
  controlEvents: EMPTY,
  diagnostics: EMPTY,
  violation: null,
});

function validateConfig(config: EngineConfig): void {
  const fail = (field: string, msg: string): never => {
    throw new ChassisError('E_ENGINE_CONFIG', `engine config ${field}: ${msg}`);
  };
  const ids = new Set<string>();
  config.instruments.forEach((inst, i) => {
    if (ids.has(inst.id)) fail(`instruments[${i}].id`, `duplicate instrument "${inst.id}"`);
    ids.add(inst.id);
    if (!Number.isSafeInteger(inst.tickUnits) || inst.tickUnits <= 0) fail(`instruments[${i}].tickUnits`, 'must be a positive integer');
    if (!Number.isSafeInteger(inst.lotUnits) || inst.lotUnits <= 0) fail(`instruments[${i}].lotUnits`, 'must be a positive integer');
  });
  const scopes = new Set<string>();
  config.executionControl.rateBuckets.forEach((b, i) => {
    const at = `executionControl.rateBuckets[${i}]`;
    if (scopes.has(b.scope)) fail(`${at}.scope`, `duplicate scope "${b.scope}"`);
    scopes.add(b.scope);
    if (!Number.isSafeInteger(b.capacity) || b.capacity <= 0) fail(`${at}.capacity`, 'must be a positive integer');
    if (!Number.isSafeInteger(b.refillTokens) || b.refillTokens <= 0) fail(`${at}.refillTokens`, 'must be a positive integer');
    if (b.refillIntervalNs <= 0n) fail(`${at}.refillIntervalNs`, 'must be positive');
    for (const k of ['new', 'replace', 'cancel'] as const) {
      const w = b.weights[k];
      if (!Number.isSafeInteger(w) || w < 0 || w > b.capacity) fail(`${at}.weights.${k}`, `must be an integer in 0..capacity (${b.capacity}); a heavier request could never be sent`);
    }
  });
  for (const [i, t] of (config.triggers.everyN ?? []).entries()) {
    if (!Number.isSafeInteger(t.n) || t.n < 1) fail(`triggers.everyN[${i}].n`, 'must be a positive integer');
  }
  if (!Number.isSafeInteger(config.maxConsecutiveStrategyFailures) || config.maxConsecutiveStrategyFailures < 1) {
    fail('maxConsecutiveStrategyFailures', 'must be a positive integer');
  }
}

class CoreEngine implements Engine {
  readonly view: StateView;
  private readonly s: EngineState;
  private readonly control: ExecutionControl;
  private readonly risk: RiskEngine;
  private readonly initialBalances: ReadonlyMap<string, bigint>;
  /** Per kind index: 1 = the kind triggers the strategy. */
  private readonly kindTriggers = new Uint8Array(EVENT_KINDS.length);
  /** Per kind index: trigger every n-th event of that kind (0 = off). */
  private readonly everyN = new Float64Array(EVENT_KINDS.length);
  private violationResult: StepResult | null = null;
  private currentViolation: InvariantViolation | null = null;
  private diagnostics: Diagnostic[] | null = null;

  constructor(
    private readonly config: EngineConfig,
    private readonly strategy: Strategy,
  ) {
    validateConfig(config);
    const s = (this.s = new EngineState(config.configVersion ?? ''));
    for (const [ccy, v] of Object.entries(config.initialBalances ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      s.balances.set(ccy, v);
    }
    this.initialBalances = new Map(s.balances);
    for (const b of config.executionControl.rateBuckets) s.buckets.set(b.scope, new RateBucket(b));
    const triggerInstruments = config.triggers.instruments?.length ? new Set(config.triggers.instruments) : null;
    for (const inst of config.instruments) {
      const st = new InstrumentState(inst);
      st.bucket = s.buckets.get(inst.venue) ?? null;
      st.triggers = triggerInstruments === null || triggerInstruments.has(inst.id);
      s.instruments.set(inst.id, st);
    }
    for (const k of config.triggers.kinds) this.kindTriggers[KIND_INDEX[k]] = 1;
    for (const t of config.triggers.everyN ?? []) this.everyN[KIND_INDEX[t.kind]] = t.n;
    this.control = new ExecutionControl(s);
    this.view = this.buildView();
    this.risk = new RiskEngine(config.risk, s, this.view);
  }

  get violation(): InvariantViolation | null {
    return this.currentViolation;
  }

  stateHash(): string {
    return hashEngineState(this.s);
  }

  step(event: Event): StepResult {
    if (this.violationResult !== null) return this.violationResult;
    if (event.kind === 'request_sent' && event.seq <= this.s.lastSeq) return EMPTY_STEP_RESULT; // echo of our own dispatch
    if (!this.intake(event)) return this.violationResult!;
    const triggered = this.derive(event);
    if (this.violationResult !== null) return this.violationResult;
    return this.decide(event, triggered);
  }

  wakeup(events: readonly Event[]): StepResult {
    if (this.violationResult !== null) return this.violationResult;
    let triggered = false;
    let last: Event | null = null;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (event.kind === 'request_sent' && event.seq <= this.s.lastSeq) continue;
      if (!this.intake(event)) return this.violationResult!;
      if (this.derive(event)) triggered = true;
      if (this.violationResult !== null) return this.violationResult;
      last = event;
    }
    return last === null ? EMPTY_STEP_RESULT : this.decide(last, triggered);
  }

  // ------------------------------------------------------------------------------- intake

  private intake(event: Event): boolean {
    const s = this.s;
    if (s.lastSeq >= 0 && event.seq !== s.lastSeq + 1) {
      this.halt(violation('seq_contiguous', event.seq, `event seq ${event.seq} does not follow ${s.lastSeq}`, { lastSeq: s.lastSeq, seq: event.seq, kind: event.kind }));
      return false;
    }
    if (!Number.isSafeInteger(event.seq) || event.seq < 0) {
      this.halt(violation('seq_contiguous', event.seq, `event seq ${event.seq} is not a non-negative integer`, { seq: event.seq }));
      return false;
    }
    if (event.tsLocalNs < s.nowNs) {
      this.halt(
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

  private halt(v: InvariantViolation): void {
    this.currentViolation = v;
    this.violationResult = Object.freeze({
      ...EMPTY_STEP_RESULT,
      diagnostics: Object.freeze([{ level: 'error' as const, code: 'E_INVARIANT', message: `${v.invariant} violated at seq ${v.seq}: ${v.message}`, seq: v.seq }]),
      violation: v,
    });
  }

  private diag(level: Diagnostic['level'], code: string, message: string, seq: number): void {
    (this.diagnostics ??= []).push({ level, code, message, seq });
  }

  // ------------------------------------------------------------------------------- derive

  private lastInstrumentId = '';
  private lastInstrument: InstrumentState | undefined = undefined;

  /** Instrument state by id; the previous lookup is remembered (market streams repeat one id). */
  private instrumentState(id: string): InstrumentState | undefined {
    if (id === this.lastInstrumentId) return this.lastInstrument;
    const inst = this.s.instruments.get(id);
    this.lastInstrumentId = id;
    this.lastInstrument = inst;
    return inst;
  }

  /** Applies the event to state; returns whether it is a decision trigger. */
  private derive(event: Event): boolean {
    const s = this.s;
    // Market kinds first by identity compare; the keyed KIND_INDEX lookup for the rest.
    const kind = event.kind;
    const k = kind === 'book_delta' ? 0 : kind === 'trade' ? 1 : kind === 'bbo' ? 2 : KIND_INDEX[kind];
    const count = ++s.eventCounts[k]!;
    let instrumentTriggers = true;
    switch (event.kind) {
      case 'book_delta': {
        const inst = this.instrumentState(event.instrument);
        if (inst === undefined) return false;
        const book = inst.book;
        if (event.isSnapshot) {
          book.bids.clear();
          book.asks.clear();
        }
        const end = event.offset + event.count;
        const sides = event.sides;
        const prices = event.prices;
        const sizes = event.sizes;
        for (let i = event.offset; i < end; i++) {
          (sides[i] === 0 ? book.bids : book.asks).set(prices[i]!, sizes[i]!);
        }
        book.lastUpdateId = event.updateId;
        instrumentTriggers = inst.triggers;
        break;
      }
      case 'bbo': {
        const inst = this.instrumentState(event.instrument);
        if (inst === undefined) return false;
        const book = inst.book;
        book.bboBidPrice = event.bidPriceUnits;
        book.bboBidQty = event.bidQtyUnits;
        book.bboAskPrice = event.askPriceUnits;
        book.bboAskQty = event.askQtyUnits;
        book.bboUpdateId = event.updateId;
        instrumentTriggers = inst.triggers;
        break;
      }
      case 'trade': {
        const inst = this.instrumentState(event.instrument);
        if (inst === undefined) return false;
        inst.lastTrade = event;
        inst.tape.add(event.priceUnits, event.qtyUnits, event.aggressor);
        instrumentTriggers = inst.triggers;
        break;
      }
      case 'order_accepted':
      case 'order_rejected':
      case 'order_filled':
      case 'order_cancelled':
      case 'order_replaced':
      case 'cancel_replace_rejected':
      case 'order_expired':
        this.applyExecution(event);
        s.queueDirty = true;
        break;
      case 'request_sent':
        this.applyRequestSent(event);
        s.queueDirty = true;
        break;
      case 'intent_denied':
        break;
      case 'session':
        s.sessionActive = event.state === 'start';
        s.sessionId = event.sessionId;
        break;
      case 'config_version':
        s.configVersion = event.version;
        break;
      case 'kill_switch':
        s.killSwitch = event.engaged;
        if (event.engaged) this.control.withdrawNonCancels();
        s.queueDirty = true;
        break;
      case 'strategy_halted':
        s.strategyHalted = true;
        s.haltRequested = false;
        s.queueDirty = true;
        break;
      case 'feed_health': {
        const inst = s.instruments.get(event.instrument);
        if (inst !== undefined) inst.feedDegraded = event.state === 'degraded';
        else s.otherFeedsDegraded.set(event.instrument, event.state === 'degraded');
        s.queueDirty = true;
        break;
      }
      case 'reconciliation':
        s.lastReconciliation = event.outcome;
        break;
      case 'order_disposition': {
        const order = s.orders.get(event.orderId);
        if (order === undefined) {
          s.counters.unknownOrderEvents++;
          this.diag('warn', 'unknown_order', `order_disposition for unknown order ${event.orderId}`, event.seq);
        } else if (isTerminal(order.status)) {
          s.counters.lateEvents++;
          this.diag('info', 'late_event', `order_disposition for terminal order ${event.orderId} (${order.status})`, event.seq);
        } else if (!this.transition(order, 'lost', event.seq)) {
          s.counters.refusedTransitions++;
        } else {
          order.terminalReason = 'lost';
        }
        s.queueDirty = true;
        break;
      }
      case 'control_time': {
        const outstanding = s.obligations.get(event.scope);
        if (outstanding !== undefined && outstanding.derivedAtSeq === event.obligationSeq) s.obligations.delete(event.scope);
        s.queueDirty = true;
        break;
      }
    }
    if (this.kindTriggers[k] === 1 && instrumentTriggers) return true;
    const n = this.everyN[k]!;
    return n > 0 && count % n === 0;
  }

  /** Moves an order through the lifecycle; false (and nothing changed) when not allowed. */
  private transition(order: OrderRecord, input: LifecycleInput, seq: number): boolean {
    const from = order.status;
    const to = nextStatus(from, input);
    if (to === null) {
      this.diag('warn', 'refused_transition', `order ${order.orderId}: ${input} is not allowed from ${from}`, seq);
      return false;
    }
    if (isTerminal(from)) {
      this.halt(violation('no_transition_from_terminal', seq, `order ${order.orderId} left terminal state ${from}`, { orderId: order.orderId, from, input }));
      return false;
    }
    order.status = to;
    if (isTerminal(to)) {
      order.inflight = null;
      order.inflightSeq = -1;
      this.s.live.delete(order.orderId);
      this.s.retired.push(order);
    }
    return true;
  }

  private applyExecution(ev: ExecutionEvent): void {
    const s = this.s;
    const order = s.orders.get(ev.orderId);
    if (order === undefined) {
      s.counters.unknownOrderEvents++;
      this.diag('warn', 'unknown_order', `${ev.kind} for unknown order ${ev.orderId}`, ev.seq);
      return;
    }
    if (isTerminal(order.status)) {
      s.counters.lateEvents++;
      this.diag('info', 'late_event', `${ev.kind} for terminal order ${ev.orderId} (${order.status}) recorded, not applied`, ev.seq);
      return;
    }
    // The outcome of the inflight request clears the gate, whatever the outcome says.
    if (ev.requestSeq >= 0 && ev.requestSeq === order.inflightSeq) {
      order.inflight = null;
      order.inflightSeq = -1;
    }
    let ok: boolean;
    switch (ev.kind) {
      case 'order_accepted':
        ok = this.transition(order, 'accepted', ev.seq);
        if (ok) order.venueOrderId = ev.venueOrderId;
        break;
      case 'order_rejected':
        ok = this.transition(order, 'rejected', ev.seq);
        if (ok) order.terminalReason = `rejected:${ev.reason}`;
        break;
      case 'order_cancelled':
        ok = this.transition(order, 'cancelled', ev.seq);
        if (ok) order.terminalReason = `cancelled:${ev.reason}`;
        break;
      case 'order_expired':
        ok = this.transition(order, 'expired', ev.seq);
        if (ok) order.terminalReason = 'expired';
        break;
      case 'order_replaced':
        ok = this.transition(order, 'replaced', ev.seq);
        if (ok) {
          order.priceUnits = ev.priceUnits;
          order.qtyUnits = ev.qtyUnits;
        }
        break;
      case 'cancel_replace_rejected':
        ok = this.transition(order, 'cancel_replace_rejected', ev.seq);
        break;
      case 'order_filled': {
        if (!Number.isSafeInteger(ev.qtyUnits) || ev.qtyUnits <= 0 || !Number.isSafeInteger(ev.priceUnits)) {
          this.diag('warn', 'invalid_fill', `fill ${ev.fillId} of order ${ev.orderId} has qty ${ev.qtyUnits} price ${ev.priceUnits}`, ev.seq);
          ok = false;
          break;
        }
        const filled = order.filledQtyUnits + ev.qtyUnits;
        if (filled > order.qtyUnits) this.diag('warn', 'overfill', `order ${ev.orderId} filled ${filled} of ${order.qtyUnits}`, ev.seq);
        ok = this.transition(order, ev.final || filled >= order.qtyUnits ? 'final_fill' : 'partial_fill', ev.seq);
        if (ok) {
          order.filledQtyUnits = filled;
          if (order.status === 'filled') order.terminalReason = 'filled';
          this.applyFill(order, ev.qtyUnits, ev.priceUnits, ev.feeUnits, ev);
        }
        break;
      }
    }
    if (!ok) s.counters.refusedTransitions++;
  }

  private applyFill(order: OrderRecord, qty: number, price: number, fee: bigint, ev: ExecutionEvent & { kind: 'order_filled' }): void {
    const s = this.s;
    const inst = s.instruments.get(order.instrument)!;
    const p = inst.position;
    const q = order.side === 'buy' ? qty : -qty;
    const px = BigInt(price);
    let realized = 0n;
    if (p.qtyUnits === 0 || p.qtyUnits > 0 === q > 0) {
      p.qtyUnits += q;
      p.costUnits += px * BigInt(q);
    } else {
      const closeAbs = Math.min(Math.abs(q), Math.abs(p.qtyUnits));
      const c = p.qtyUnits > 0 ? closeAbs : -closeAbs;
      const removed = (p.costUnits * BigInt(closeAbs)) / BigInt(Math.abs(p.qtyUnits));
      realized = px * BigInt(c) - removed;
      p.costUnits -= removed;
      p.qtyUnits -= c;
      const rest = q + c; // opens the other way on a flip
      if (rest !== 0) {
        p.qtyUnits += rest;
        p.costUnits += px * BigInt(rest);
      }
    }
    p.realizedPnlUnits += realized;
    p.feesUnits += fee;
    p.fillQtySum += q;
    p.fillNotionalSum += px * BigInt(q);
    p.fillCount++;
    const i = inst.instrument;
    const bal = s.balances;
    if (i.contractType === 'spot') {
      bal.set(i.quoteCurrency, (bal.get(i.quoteCurrency) ?? 0n) - px * BigInt(q) - fee);
      bal.set(i.baseCurrency, (bal.get(i.baseCurrency) ?? 0n) + BigInt(q));
    } else {
      bal.set(i.quoteCurrency, (bal.get(i.quoteCurrency) ?? 0n) + realized - fee);
    }
    const d = s.fillDigest;
    d.num(order.orderId);
    d.str(ev.fillId);
    d.num(price);
    d.num(q);
    d.big(fee);
    d.str(ev.liquidity);
    const v = checkPosition(inst, ev.seq) ?? checkBalances(s, this.initialBalances, ev.seq);
    if (v !== null) this.halt(v);
  }

  /** Applies a RequestSent (our own dispatch, or one a runtime recorded): creates the order for a new, sets the inflight gate. */
  private applyRequestSent(ev: RequestSentEvent): void {
    const s = this.s;
    if (ev.request === 'new') {
      if (s.orders.has(ev.orderId)) {
        this.halt(violation('order_key_unique', ev.seq, `RequestSent new for existing order key ${ev.orderId}`, { orderId: ev.orderId }));
        return;
      }
      const o = new OrderRecord(ev.orderId, ev.instrument, ev.side, ev.orderType, ev.priceUnits, ev.qtyUnits, ev.timeInForce, ev.postOnly, ev.reduceOnly, ev.clientTag, ev.seq);
      s.orders.set(ev.orderId, o);
      s.live.set(ev.orderId, o);
      if (ev.orderId >= s.nextOrderId) s.nextOrderId = ev.orderId + 1;
      return;
    }
    const order = s.orders.get(ev.orderId);
    if (order === undefined || isTerminal(order.status)) {
      this.halt(violation('request_for_live_order', ev.seq, `RequestSent ${ev.request} for ${order ? 'terminal' : 'unknown'} order ${ev.orderId}`, { orderId: ev.orderId, status: order?.status ?? null }));
      return;
    }
    if (order.inflight !== null) {
      this.halt(
        violation('one_inflight_per_key', ev.seq, `RequestSent ${ev.request} for order ${ev.orderId} while ${order.inflight} (seq ${order.inflightSeq}) is inflight`, {
          orderId: ev.orderId,
          inflight: order.inflight,
          inflightSeq: order.inflightSeq,
        }),
      );
      return;
    }
    order.inflight = ev.request;
    order.inflightSeq = ev.seq;
  }

  // ------------------------------------------------------------------------------- decide

  private decide(event: Event, triggered: boolean): StepResult {
    const s = this.s;
    let intents: readonly Intent[] = EMPTY;
    let decisions: RiskDecision[] | null = null;
    let controlEvents: EventDraft[] | null = null;
    if (triggered && !s.strategyHalted && !s.haltRequested) {
      let out: readonly Intent[] | void = undefined;
      try {
        out = this.strategy.onEvent(this.view, event);
        s.consecutiveFailures = 0;
      } catch (err) {
        s.consecutiveFailures++;
        this.diag('warn', 'strategy_error', `strategy threw on seq ${event.seq}: ${err instanceof Error ? err.message : String(err)}`, event.seq);
        if (s.consecutiveFailures >= this.config.maxConsecutiveStrategyFailures) {
          s.haltRequested = true;
          const draft: EventDraft<StrategyHaltedEvent> = {
            kind: 'strategy_halted',
            tsEventNs: event.tsLocalNs,
            tsLocalNs: event.tsLocalNs,
            reason: `${s.consecutiveFailures} consecutive strategy failures`,
          };
          controlEvents = [draft];
        }
      }
      if (out && out.length > 0) {
        intents = Object.freeze(out.slice());
        decisions = [];
        for (const intent of intents) {
          const d = this.decideIntent(intent);
          decisions.push(d);
          if (!d.allowed && this.config.recordIntentDenials) {
            const draft: EventDraft<IntentDeniedEvent> = {
              kind: 'intent_denied',
              tsEventNs: event.tsLocalNs,
              tsLocalNs: event.tsLocalNs,
              reason: d.reason,
              intentType: intent.type,
              instrument: intent.type === 'new' ? intent.instrument : (s.orders.get(intent.orderId)?.instrument ?? s.queue.get(intent.orderId)?.instrument ?? ''),
              orderId: intent.type === 'new' ? -1 : intent.orderId,
            };
            (controlEvents ??= []).push(draft);
          }
          if (this.violationResult !== null) return this.violationResult;
        }
      }
    }

    let requestsSent: RequestSentEvent[] | null = null;
    let obligation: ControlSchedulingObligation | null = null;
    if (s.queue.size > 0 && (s.queueDirty || (s.wakeNs >= 0n && s.nowNs >= s.wakeNs))) {
      const ec = this.control;
      ec.pass(s.nowNs);
      if (ec.selected.length > 0) {
        requestsSent = [];
        for (const cmd of ec.selected) {
          const ev = this.dispatch(cmd);
          if (this.violationResult !== null) return this.violationResult;
          requestsSent.push(ev);
        }
        ec.selected.length = 0;
      }
      for (const b of ec.blocked) {
        const outstanding = s.obligations.get(b.scope);
        if (outstanding !== undefined && outstanding.dueTsLocalNs === b.dueTsLocalNs) continue;
        // One obligation per step: the earliest due; a later-due scope is re-derived when it fires.
        if (obligation === null || b.dueTsLocalNs < obligation.dueTsLocalNs || (b.dueTsLocalNs === obligation.dueTsLocalNs && b.scope < obligation.scope)) {
          obligation = { dueTsLocalNs: b.dueTsLocalNs, reason: 'rate_limit', scope: b.scope, derivedAtSeq: event.seq };
        }
      }
      if (obligation !== null) s.obligations.set(obligation.scope, { dueTsLocalNs: obligation.dueTsLocalNs, derivedAtSeq: obligation.derivedAtSeq });
    } else if (s.queue.size === 0) {
      s.queueDirty = false;
    }

    const diagnostics = this.diagnostics;
    if (intents === EMPTY && requestsSent === null && obligation === null && controlEvents === null && diagnostics === null) return EMPTY_STEP_RESULT;
    this.diagnostics = null;
    return {
      intents,
      decisions: decisions ?? EMPTY,
      requestsSent: requestsSent ?? EMPTY,
      obligation: obligation === null ? null : Object.freeze(obligation),
      controlEvents: controlEvents ?? EMPTY,
      diagnostics: diagnostics ?? EMPTY,
      violation: null,
    };
  }

  private decideIntent(intent: Intent): RiskDecision {
    const s = this.s;
    let verdict;
    try {
      verdict = this.risk.check(intent);
    } catch (err) {
      // An error inside the risk engine itself is undecidable ⇒ denied (L6).
      verdict = { allowed: false as const, reason: `risk_error:${err instanceof Error ? err.message : String(err)}` };
    }
    if (!verdict.allowed) {
      s.counters.denied++;
      return { allowed: false, intent, reason: verdict.reason };
    }
    let cmd: PendingCommand;
    if (intent.type === 'new') {
      cmd = {
        orderId: s.nextOrderId++,
        request: 'new',
        instrument: intent.instrument,
        side: intent.side,
        orderType: intent.orderType ?? 'limit',
        priceUnits: intent.priceUnits,
        qtyUnits: intent.qtyUnits,
        timeInForce: intent.timeInForce ?? 'GTC',
        postOnly: intent.postOnly === true,
        reduceOnly: intent.reduceOnly === true,
        clientTag: intent.clientTag ?? '',
        admission: s.nextAdmission++,
      };
    } else {
      const base = s.orders.get(intent.orderId) ?? s.queue.get(intent.orderId)!;
      cmd = {
        orderId: intent.orderId,
        request: intent.type,
        instrument: base.instrument,
        side: base.side,
        orderType: base.orderType,
        priceUnits: intent.type === 'replace' ? intent.priceUnits : 0,
        qtyUnits: intent.type === 'replace' ? intent.qtyUnits : 0,
        timeInForce: base.timeInForce,
        postOnly: base.postOnly,
        reduceOnly: base.reduceOnly,
        clientTag: base.clientTag,
        admission: s.nextAdmission++,
      };
    }
    this.control.admit(cmd);
    return { allowed: true, intent, orderId: cmd.orderId };
  }

  private dispatch(cmd: PendingCommand): RequestSentEvent {
    const s = this.s;
    const ev: RequestSentEvent = Object.freeze({
      seq: s.lastSeq + 1,
      kind: 'request_sent',
      tsEventNs: s.nowNs,
      tsLocalNs: s.nowNs,
      request: cmd.request,
      orderId: cmd.orderId,
      instrument: cmd.instrument,
      side: cmd.side,
      orderType: cmd.orderType,
      priceUnits: cmd.request === 'cancel' ? 0 : cmd.priceUnits,
      qtyUnits: cmd.request === 'cancel' ? 0 : cmd.qtyUnits,
      timeInForce: cmd.timeInForce,
      postOnly: cmd.postOnly,
      reduceOnly: cmd.reduceOnly,
      clientTag: cmd.clientTag,
    });
    s.lastSeq = ev.seq;
    s.eventCounts[KIND_INDEX.request_sent]!++;
    s.counters.dispatched++;
    this.applyRequestSent(ev);
    return ev;
  }

  // --------------------------------------------------------------------------------- view

  private buildView(): StateView {
    const s = this.s;
    const flat = new Map<string, PositionRecord>();
    const byId = (a: { orderId: number }, b: { orderId: number }): number => a.orderId - b.orderId;
    return Object.freeze({
      instrument: (id: string) => s.instruments.get(id)?.instrument,
      instruments: this.config.instruments,
      market: Object.freeze({
        book: (id: string) => s.instruments.get(id)?.book,
        lastTrade: (id: string) => s.instruments.get(id)?.lastTrade,
      }),
      execution: Object.freeze({
        order: (orderId: number) => s.orders.get(orderId),
        openOrders: (instrument?: string) => {
          const out: OrderRecord[] = [];
          for (const o of s.live.values()) if (instrument === undefined || o.instrument === instrument) out.push(o);
          return out.sort(byId);
        },
        pending: (instrument?: string) => {
          const out: PendingCommand[] = [];
          for (const c of s.queue.values()) if (instrument === undefined || c.instrument === instrument) out.push(c);
          return out.sort((a, b) => a.admission - b.admission);
        },
        position: (instrument: string): PositionView => {
          const st = s.instruments.get(instrument);
          if (st) return st.position;
          let p = flat.get(instrument);
          if (!p) flat.set(instrument, (p = new PositionRecord(instrument)));
          return p;
        },
        balance: (currency: string) => s.balances.get(currency) ?? 0n,
      }),
      control: Object.freeze({
        get sessionActive() {
          return s.sessionActive;
        },
        get configVersion() {
          return s.configVersion;
        },
        get killSwitch() {
          return s.killSwitch;
        },
        get strategyHalted() {
          return s.strategyHalted;
        },
        feedDegraded: (id: string) => s.instruments.get(id)?.feedDegraded ?? s.otherFeedsDegraded.get(id) ?? false,
        eventCount: (kind: Event['kind']) => s.eventCounts[KIND_INDEX[kind]] ?? 0,
        get lastSeq() {
          return s.lastSeq;
        },
        get nowNs() {
          return s.nowNs;
        },
      }),
    });
  }
}

/** Creates an engine for one configuration and strategy. Throws ChassisError E_ENGINE_CONFIG naming the bad field. */
export function createEngine(config: EngineConfig, strategy: Strategy): Engine {
  return new CoreEngine(config, strategy);
}
