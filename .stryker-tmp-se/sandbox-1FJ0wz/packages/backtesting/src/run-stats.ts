/**
 * Run figures for monitoring, as plain data. The backtesting runtime may not import
 * @chassis/monitoring (scripts/package-boundaries.js), so it fills this object once per batch
 * of market events and hands it to `BacktestOptions.onBatch`; the CLI maps it onto a RunProbe.
 * The object is allocated once per run and updated in place; nothing here runs per event.
 * Every figure is read from the recorder, the timeline counters or the engine's read-only view:
 * observing never changes state (SPEC.md §7, L1).
 */
// @ts-nocheck

import type { Engine, Instrument } from '@chassis/core';
import type { RunRecorder } from './recorder.ts';
import type { TimelineCounters } from './timeline.ts';

export interface InstrumentStats {
  readonly venue: string;
  /** Venue symbol, e.g. BTCUSDT. */
  readonly instrument: string;
  /** Non-terminal orders. */
  ordersOpen: number;
  /** Fills so far (partial and final). */
  fills: number;
  /** Net position in base units (float analytics). */
  position: number;
  /** Realized PnL net of fees, quote currency. */
  realizedPnl: number;
  /** Mark-to-mid PnL of the open position, quote currency. */
  unrealizedPnl: number;
}

export interface RunStats {
  readonly runId: string;
  /** Strategy module as written in the run definition. */
  readonly strategy: string;
  /** Events appended to the stream (all kinds), cumulative. */
  events: number;
  marketEvents: number;
  /** Events processed since the previous call, and the wall seconds they took (monitoring's step-duration histogram). */
  batchEvents: number;
  batchSeconds: number;
  /** Strategy evaluations (decision triggers that reached the strategy), cumulative. */
  strategyEvaluations: number;
  strategyErrors: number;
  intentsAllowed: number;
  /** Denied intents by risk reason, cumulative (the recorder's own map; read-only). */
  intentsDeniedByReason: ReadonlyMap<string, number>;
  requestsNew: number;
  requestsReplace: number;
  requestsCancel: number;
  /** Steps whose allowed work was blocked by a rate limit (obligations derived), cumulative. */
  rateLimitDeferrals: number;
  controlTimeEvents: number;
  obligationsOutstanding: number;
  /** Pending effective commands in the execution-control queue. */
  queueDepth: number;
  killSwitchEngaged: boolean;
  /** 0..1 of the run window covered by the last processed event's local time. */
  progressRatio: number;
  readonly instruments: readonly InstrumentStats[];
}

interface Scale {
  readonly id: string;
  readonly qty: number;
  readonly notional: number;
  readonly slot: InstrumentStats;
}

/** Keeps a RunStats up to date from the run's parts; `update` is called once per batch. */
export class RunStatsTracker {
  readonly stats: RunStats;
  private readonly scales: Scale[];
  private readonly fillSlots = new Map<string, InstrumentStats>();
  private fillsSeen = 0;
  private lastEvents = 0;
  private lastWallMs: number;

  constructor(
    private readonly recorder: RunRecorder,
    private readonly engine: Engine,
    instruments: readonly Instrument[],
    labels: { readonly runId: string; readonly strategy: string },
  ) {
    const slots: InstrumentStats[] = [];
    this.scales = instruments.map((i) => {
      const slot: InstrumentStats = { venue: i.venue, instrument: i.symbol, ordersOpen: 0, fills: 0, position: 0, realizedPnl: 0, unrealizedPnl: 0 };
      slots.push(slot);
      this.fillSlots.set(i.id, slot);
      return { id: i.id, qty: 10 ** i.sizeDecimals, notional: 10 ** (i.priceDecimals + i.sizeDecimals), slot };
    });
    this.stats = {
      runId: labels.runId,
      strategy: labels.strategy,
      events: 0,
      marketEvents: 0,
      batchEvents: 0,
      batchSeconds: 0,
      strategyEvaluations: 0,
      strategyErrors: 0,
      intentsAllowed: 0,
      intentsDeniedByReason: recorder.denials,
      requestsNew: 0,
      requestsReplace: 0,
      requestsCancel: 0,
      rateLimitDeferrals: 0,
      controlTimeEvents: 0,
      obligationsOutstanding: 0,
      queueDepth: 0,
      killSwitchEngaged: false,
      progressRatio: 0,
      instruments: slots,
    };
    this.lastWallMs = performance.now();
  }

  /** Restarts the batch clock (call when processing starts, after loading). */
  markStart(): void {
    this.lastWallMs = performance.now();
  }

  update(t: TimelineCounters, progressRatio: number): RunStats {
    const s = this.stats;
    const r = this.recorder;
    const view = this.engine.view;
    const now = performance.now();
    s.batchEvents = t.events - this.lastEvents;
    s.batchSeconds = (now - this.lastWallMs) / 1000;
    this.lastEvents = t.events;
    this.lastWallMs = now;
    s.events = t.events;
    s.marketEvents = t.marketEvents;
    s.controlTimeEvents = t.controlTimeEvents;
    s.rateLimitDeferrals = t.obligations;
    s.obligationsOutstanding = t.obligationsOutstanding;
    s.strategyErrors = r.counts.strategyErrors;
    let denied = 0;
    for (const n of r.denials.values()) denied += n;
    s.intentsAllowed = r.counts.intents - denied;
    s.requestsNew = r.counts.requestsNew;
    s.requestsReplace = r.counts.requestsReplace;
    s.requestsCancel = r.counts.requestsCancel;
    s.queueDepth = view.execution.pending().length;
    s.killSwitchEngaged = view.control.killSwitch;
    s.progressRatio = progressRatio < 0 ? 0 : progressRatio > 1 ? 1 : progressRatio;
    const fills = r.fills;
    for (; this.fillsSeen < fills.length; this.fillsSeen++) {
      const slot = this.fillSlots.get(fills[this.fillsSeen]!.instrument);
      if (slot) slot.fills++;
    }
    for (const sc of this.scales) {
      const p = view.execution.position(sc.id);
      const slot = sc.slot;
      slot.ordersOpen = view.execution.openOrders(sc.id).length;
      slot.position = p.qtyUnits / sc.qty;
      slot.realizedPnl = Number(p.realizedPnlUnits - p.feesUnits) / sc.notional;
      const mid = p.qtyUnits !== 0 ? (view.market.book(sc.id)?.mid() ?? Number.NaN) : Number.NaN;
      slot.unrealizedPnl = Number.isFinite(mid) ? (mid * p.qtyUnits - Number(p.costUnits)) / sc.notional : 0;
    }
    return s;
  }
}
