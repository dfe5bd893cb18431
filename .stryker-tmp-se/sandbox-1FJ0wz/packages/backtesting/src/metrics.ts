/**
 * metrics.json: what a run did, in quote currency for money and lots for inventory. Everything
 * except `throughput` is a pure function of the event stream; `throughput` is wall-clock and
 * left out of the output hash.
 */
// @ts-nocheck

import type { Instrument, StateView } from '@chassis/core';
import type { RunRecorder } from './recorder.ts';
import type { TimelineOutcome } from './timeline.ts';

export interface Metrics {
  readonly runId: string;
  readonly status: string;
  readonly events: { readonly total: number; readonly market: number };
  readonly pnl: { readonly realized: number; readonly unrealized: number; readonly fees: number; readonly net: number };
  readonly volume: { readonly qty: number; readonly notional: number };
  readonly fills: { readonly count: number; readonly maker: number; readonly taker: number; readonly makerShare: number };
  readonly orders: {
    readonly sent: number;
    readonly replaceRequests: number;
    readonly cancelRequests: number;
    readonly cancelled: number;
    readonly rejected: number;
    readonly cancelReplaceRejected: number;
  };
  readonly riskDenials: Readonly<Record<string, number>>;
  readonly rateLimit: { readonly deferrals: number; readonly controlTimeEvents: number };
  readonly strategy: { readonly intents: number; readonly errors: number; readonly halted: boolean };
  readonly maxInventoryLots: number;
  readonly maxDrawdown: number;
  readonly throughput: { readonly wallSeconds: number; readonly eventsPerSecond: number; readonly marketEventsPerSecond: number };
}

export function buildMetrics(a: {
  runId: string;
  status: string;
  outcome: TimelineOutcome;
  recorder: RunRecorder;
  view: StateView;
  instruments: readonly Instrument[];
  wallSeconds: number;
}): Metrics {
  const r = a.recorder;
  const pnl = r.pnl(a.view);
  let maker = 0;
  let qty = 0;
  let notional = 0;
  for (const f of r.fills) {
    if (f.liquidity === 'maker') maker++;
    qty += f.qty;
    notional += f.qty * f.price;
  }
  const denials: Record<string, number> = {};
  for (const k of [...r.denials.keys()].sort()) denials[k] = r.denials.get(k)!;
  const w = a.wallSeconds > 0 ? a.wallSeconds : Number.EPSILON;
  return {
    runId: a.runId,
    status: a.status,
    events: { total: a.outcome.events, market: a.outcome.marketEvents },
    pnl: { realized: pnl.realized, unrealized: pnl.unrealized, fees: pnl.fees, net: pnl.realized + pnl.unrealized - pnl.fees },
    volume: { qty, notional },
    fills: { count: r.fills.length, maker, taker: r.fills.length - maker, makerShare: r.fills.length ? maker / r.fills.length : 0 },
    orders: {
      sent: r.counts.requestsNew,
      replaceRequests: r.counts.requestsReplace,
      cancelRequests: r.counts.requestsCancel,
      cancelled: r.counts.cancelled,
      rejected: r.counts.rejected,
      cancelReplaceRejected: r.counts.replaceRejected,
    },
    riskDenials: denials,
    rateLimit: { deferrals: a.outcome.obligations, controlTimeEvents: a.outcome.controlTimeEvents },
    strategy: { intents: r.counts.intents, errors: r.counts.strategyErrors, halted: r.counts.strategyHalted > 0 },
    maxInventoryLots: r.maxInventoryLots,
    maxDrawdown: r.maxDrawdown,
    throughput: { wallSeconds: a.wallSeconds, eventsPerSecond: Math.round(a.outcome.events / w), marketEventsPerSecond: Math.round(a.outcome.marketEvents / w) },
  };
}
