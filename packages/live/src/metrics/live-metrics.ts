/**
 * What a paper or live session reports to Prometheus: the `chassis_live_*` metrics of the
 * monitoring catalog (packages/monitoring/src/catalog.ts), registered into a prom-client
 * Registry (a MetricsRegistry's `registry`).
 *
 * The session calls `observe(event, view)` for every event it appends, after the core processed
 * it (a RequestSent is already applied when it is appended). Per event this is a few additions
 * and, for a RequestSent, one clock read: counters and latency histograms are plain numbers.
 * Gauges (position, PnL, feed health, kill switch, strategy paused) are read from the engine's
 * view only when Prometheus scrapes, so they cost nothing per event.
 *
 * Latencies, in wall-clock ns of the session's LiveClock:
 * - signal → request: clock when the RequestSent is observed − its tsLocalNs. The core stamps a
 *   RequestSent with the tsLocal of the event whose step dispatched it, which the runtime stamped
 *   on receipt: this is the runtime's own time from reading a message to sending the order.
 * - request → acknowledgement: tsLocalNs of the venue's first answer naming the request
 *   (requestSeq) − clock when the RequestSent was observed. A request whose outcome is declared
 *   lost (order_disposition) is forgotten, never observed.
 */
import type { Registry } from 'prom-client';
import {
  contractTerms,
  valueAtPrice,
  type Event,
  type Instrument,
  type RequestKind,
  type StateView,
} from '@chassis/core';
import {
  BucketHistogram,
  liveLatencyBucketsSeconds,
  reconciliationStates,
  registerCatalogMetric,
  type EmitSample,
  type MetricLabels,
  type ReconciliationState,
} from '@chassis/monitoring';
import type { LiveClock } from '../contracts.ts';

export interface LiveMetricsLabels {
  readonly component: 'paper' | 'live';
  readonly sessionId: string;
  /** Strategy module as written in live.yaml. */
  readonly strategy: string;
  readonly venue: string;
}

export interface LiveMetrics {
  /** One appended event, after the core processed it; `view` is the engine's (live) view. */
  observe(event: Event, view: StateView): void;
  /** A venue rate-limit bucket's usage (e.g. X-MBX-USED-WEIGHT-1M against the REQUEST_WEIGHT limit). */
  rateLimit(bucket: string, used: number, limit: number): void;
  /**
   * Reads the buckets' usage from `source` at every scrape (the Binance adapter's `headroom()`:
   * the venue's last X-MBX-* headers), in addition to what `rateLimit` set.
   */
  rateLimitsFrom(source: () => readonly RateLimitUse[]): void;
  /** One request refused by the control API (control-server `onRefusal`). */
  controlRefused(reason: string): void;
}

/** One venue rate limiter's use, as an adapter reports it. */
export interface RateLimitUse {
  /** e.g. `USED-WEIGHT-1M`, `ORDER-COUNT-10S`. */
  readonly limiter: string;
  readonly used: number;
  readonly limit: number;
}

/** 1 − used/limit clamped to 0..1; a limit of 0 has no headroom. */
const headroomRatio = (used: number, limit: number): number =>
  limit > 0 ? Math.min(1, Math.max(0, 1 - used / limit)) : 0;

const REQUEST_KINDS: readonly RequestKind[] = ['new', 'replace', 'cancel'];

/** Counters of one instrument. */
interface InstrumentSlot {
  readonly instrument: Instrument;
  readonly labels: MetricLabels;
  readonly orders: Record<RequestKind, number>;
  readonly rejects: Record<RequestKind, number>;
  fills: number;
}

/** A RequestSent waiting for its first answer. */
interface Inflight {
  readonly orderId: number;
  readonly request: RequestKind;
  readonly observedNs: bigint;
}

/**
 * Requests that never get an answer and are never declared lost (the session ended, a bug)
 * must not grow memory without bound: past this many the oldest is forgotten.
 */
const MAX_INFLIGHT = 100_000;

const NS_PER_S = 1e9;

/** Realized (net of fees) and unrealized (marked to mid) PnL of one instrument, in its settlement asset. */
function instrumentPnl(view: StateView, inst: Instrument): { realized: number; unrealized: number } {
  const p = view.execution.position(inst.id);
  const unit = 10 ** contractTerms(inst).settlementDecimals;
  const mid = p.qtyUnits !== 0 ? (view.market.book(inst.id)?.mid() ?? NaN) : NaN;
  return {
    realized: Number(p.realizedPnlUnits - p.feesUnits) / unit,
    unrealized: Number.isFinite(mid) ? (valueAtPrice(inst, p.qtyUnits, mid) - Number(p.costUnits)) / unit : 0,
  };
}

export function createLiveMetrics(registry: Registry, labels: LiveMetricsLabels, clock: LiveClock): LiveMetrics {
  const base: MetricLabels = {
    component: labels.component,
    run_id: labels.sessionId,
    strategy: labels.strategy,
    venue: labels.venue,
  };
  const slots = new Map<string, InstrumentSlot>();
  const signalToRequest = new BucketHistogram(liveLatencyBucketsSeconds);
  const requestToAck = {
    new: new BucketHistogram(liveLatencyBucketsSeconds),
    replace: new BucketHistogram(liveLatencyBucketsSeconds),
    cancel: new BucketHistogram(liveLatencyBucketsSeconds),
  };
  const inflight = new Map<number, Inflight>();
  const headroom = new Map<string, number>();
  const rateLimitSources: Array<() => readonly RateLimitUse[]> = [];
  const refusals = new Map<string, number>();
  let reconciliation: ReconciliationState = 'pending';
  /** Execution events the core recorded without applying (duplicate or late fills, ...), at the last execution event seen. */
  let unappliedSeen: number | null = null;
  let lastView: StateView | null = null;

  const slotOf = (view: StateView, instrumentId: string): InstrumentSlot | undefined => {
    let slot = slots.get(instrumentId);
    if (slot !== undefined) return slot;
    const inst = view.instrument(instrumentId);
    if (inst === undefined) return undefined;
    slot = {
      instrument: inst,
      labels: { ...base, instrument: inst.symbol },
      orders: { new: 0, replace: 0, cancel: 0 },
      rejects: { new: 0, replace: 0, cancel: 0 },
      fills: 0,
    };
    slots.set(instrumentId, slot);
    return slot;
  };
  /** Every instrument of the session, in configuration order (so each has series before its first order). */
  const allSlots = (): InstrumentSlot[] =>
    lastView === null ? [] : lastView.instruments.map((i) => slotOf(lastView!, i.id)!);
  const perSlot = (read: (s: InstrumentSlot, view: StateView) => number) => (emit: EmitSample) => {
    for (const s of allSlots()) emit(s.labels, read(s, lastView!));
  };
  const sessionGauge = (read: (view: StateView) => number) => (emit: EmitSample) => {
    if (lastView !== null) emit(base, read(lastView));
  };
  const orderInstrument = (view: StateView, orderId: number) => view.execution.order(orderId)?.instrument;

  registerCatalogMetric(registry, 'chassis_live_signal_to_request_seconds', (emit) =>
    signalToRequest.emit(emit, 'chassis_live_signal_to_request_seconds', base),
  );
  registerCatalogMetric(registry, 'chassis_live_request_to_ack_seconds', (emit) => {
    for (const type of REQUEST_KINDS)
      requestToAck[type].emit(emit, 'chassis_live_request_to_ack_seconds', { ...base, type });
  });
  registerCatalogMetric(registry, 'chassis_live_orders_total', (emit) => {
    for (const s of allSlots()) for (const type of REQUEST_KINDS) emit({ ...s.labels, type }, s.orders[type]);
  });
  registerCatalogMetric(
    registry,
    'chassis_live_fills_total',
    perSlot((s) => s.fills),
  );
  registerCatalogMetric(registry, 'chassis_live_rejects_total', (emit) => {
    for (const s of allSlots()) for (const type of REQUEST_KINDS) emit({ ...s.labels, type }, s.rejects[type]);
  });
  registerCatalogMetric(
    registry,
    'chassis_live_position',
    perSlot((s, view) => view.execution.position(s.instrument.id).qtyUnits / 10 ** s.instrument.sizeDecimals),
  );
  registerCatalogMetric(registry, 'chassis_live_pnl', (emit) => {
    for (const s of allSlots()) {
      const pnl = instrumentPnl(lastView!, s.instrument);
      emit({ ...s.labels, kind: 'realized' }, pnl.realized);
      emit({ ...s.labels, kind: 'unrealized' }, pnl.unrealized);
    }
  });
  registerCatalogMetric(registry, 'chassis_live_rate_limit_headroom_ratio', (emit) => {
    const current = new Map(headroom);
    for (const read of rateLimitSources) for (const u of read()) current.set(u.limiter, headroomRatio(u.used, u.limit));
    for (const [bucket, ratio] of current) emit({ ...base, bucket }, ratio);
  });
  registerCatalogMetric(registry, 'chassis_live_reconciliation_state', (emit) => {
    for (const state of reconciliationStates) emit({ ...base, state }, state === reconciliation ? 1 : 0);
  });
  registerCatalogMetric(
    registry,
    'chassis_live_feed_degraded',
    perSlot((s, view) => (view.control.feedDegraded(s.instrument.id) ? 1 : 0)),
  );
  registerCatalogMetric(
    registry,
    'chassis_live_kill_switch_engaged',
    sessionGauge((view) => (view.control.killSwitch ? 1 : 0)),
  );
  registerCatalogMetric(
    registry,
    'chassis_live_strategy_paused',
    sessionGauge((view) => (view.control.strategyPaused ? 1 : 0)),
  );
  registerCatalogMetric(registry, 'chassis_live_control_refusals_total', (emit) => {
    for (const [reason, count] of refusals) emit({ ...base, reason }, count);
  });

  /**
   * True when the core applied the execution event just processed: none of its counters of
   * recorded-but-not-applied events moved. Read for execution events only (a copy of the counters).
   */
  const appliedByCore = (view: StateView): boolean => {
    const c = view.execution.counters();
    const unapplied = c.duplicateFills + c.lateEvents + c.unknownOrderEvents + c.refusedTransitions;
    const applied = unappliedSeen === null || unapplied === unappliedSeen;
    unappliedSeen = unapplied;
    return applied;
  };

  const answered = (requestSeq: number, tsLocalNs: bigint): void => {
    const req = inflight.get(requestSeq);
    if (req === undefined) return; // a later answer to the same request, or one from before this process started
    inflight.delete(requestSeq);
    requestToAck[req.request].observe(Number(tsLocalNs - req.observedNs) / NS_PER_S);
  };

  return {
    observe(event, view) {
      lastView = view;
      switch (event.kind) {
        case 'request_sent': {
          const now = clock.nowNs();
          signalToRequest.observe(Number(now - event.tsLocalNs) / NS_PER_S);
          const slot = slotOf(view, event.instrument);
          if (slot !== undefined) slot.orders[event.request]++;
          if (inflight.size >= MAX_INFLIGHT) inflight.delete(inflight.keys().next().value!);
          inflight.set(event.seq, { orderId: event.orderId, request: event.request, observedNs: now });
          return;
        }
        case 'order_filled': {
          if (!appliedByCore(view)) break; // a fill reported again after a reconnect is never counted twice
          const id = orderInstrument(view, event.orderId);
          const slot = id === undefined ? undefined : slotOf(view, id);
          if (slot !== undefined) slot.fills++;
          break;
        }
        case 'order_rejected':
        case 'cancel_replace_rejected': {
          appliedByCore(view); // keeps the baseline of unapplied events current
          const id = orderInstrument(view, event.orderId);
          const slot = id === undefined ? undefined : slotOf(view, id);
          if (slot !== undefined) slot.rejects[event.kind === 'order_rejected' ? 'new' : event.request]++;
          break;
        }
        case 'order_disposition':
          for (const [seq, req] of inflight) if (req.orderId === event.orderId) inflight.delete(seq);
          return;
        case 'reconciliation':
          reconciliation = event.outcome;
          return;
        default:
          if ('requestSeq' in event) appliedByCore(view);
          break;
      }
      if ('requestSeq' in event && event.requestSeq >= 0) answered(event.requestSeq, event.tsLocalNs);
    },
    rateLimit(bucket, used, limit) {
      headroom.set(bucket, headroomRatio(used, limit));
    },
    rateLimitsFrom(source) {
      rateLimitSources.push(source);
    },
    controlRefused(reason) {
      refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
    },
  };
}
