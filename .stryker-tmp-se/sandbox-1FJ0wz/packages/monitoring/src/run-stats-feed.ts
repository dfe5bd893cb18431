/**
 * The one place where a backtest's plain-data RunStats becomes a RunProbe. @chassis/backtesting
 * may not import monitoring (nor monitoring backtesting), so the shape is declared here
 * structurally: backtesting's RunStats fits it. Called once per batch by `chassis backtest` and
 * once per stats message by `chassis worker`; never per event.
 */
// @ts-nocheck

import { instrumentProbe, recordBatch, type InstrumentProbe, type RunProbe } from './probes.ts';

/** The fields of backtesting's RunStats the probe needs; denials as a Map (in process) or a plain object (over a socket). */
export interface RunStatsLike {
  readonly batchEvents: number;
  readonly batchSeconds: number;
  readonly strategyEvaluations: number;
  readonly strategyErrors: number;
  readonly intentsAllowed: number;
  readonly intentsDeniedByReason: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  readonly requestsNew: number;
  readonly requestsReplace: number;
  readonly requestsCancel: number;
  readonly rateLimitDeferrals: number;
  readonly controlTimeEvents: number;
  readonly obligationsOutstanding: number;
  readonly queueDepth: number;
  readonly killSwitchEngaged: boolean;
  readonly progressRatio: number;
  readonly instruments: readonly {
    readonly venue: string;
    readonly instrument: string;
    readonly ordersOpen: number;
    readonly fills: number;
    readonly position: number;
    readonly realizedPnl: number;
    readonly unrealizedPnl: number;
  }[];
}

/** Copies cumulative run figures into `probe`; `slots` caches the instrument probes between calls (pass the same array each time). */
export function feedRunProbe(probe: RunProbe, s: RunStatsLike, slots: InstrumentProbe[] = []): void {
  recordBatch(probe, s.batchEvents, s.batchSeconds);
  probe.strategyEvaluations = s.strategyEvaluations;
  probe.strategyErrors = s.strategyErrors;
  probe.intentsAllowed = s.intentsAllowed;
  const denied = s.intentsDeniedByReason;
  const entries: Iterable<[string, number]> = denied instanceof Map ? denied.entries() : Object.entries(denied as Record<string, number>);
  // Cumulative counts from the runtime replace ours (a denial reason never disappears).
  for (const [reason, n] of entries) probe.intentsDeniedByReason[reason] = n;
  probe.requestsNew = s.requestsNew;
  probe.requestsReplace = s.requestsReplace;
  probe.requestsCancel = s.requestsCancel;
  probe.rateLimitDeferrals = s.rateLimitDeferrals;
  probe.controlTimeEvents = s.controlTimeEvents;
  probe.obligationsOutstanding = s.obligationsOutstanding;
  probe.queueDepth = s.queueDepth;
  probe.killSwitchEngaged = s.killSwitchEngaged ? 1 : 0;
  // Simulated clock: capture-to-processed lag is not a wall-clock quantity in a backtest.
  probe.lagSeconds = 0;
  probe.progressRatio = s.progressRatio;
  for (let i = 0; i < s.instruments.length; i++) {
    const src = s.instruments[i]!;
    const slot = (slots[i] ??= instrumentProbe(probe, src.venue, src.instrument));
    slot.ordersOpen = src.ordersOpen;
    slot.fills = src.fills;
    slot.position = src.position;
    slot.realizedPnl = src.realizedPnl;
    slot.unrealizedPnl = src.unrealizedPnl;
  }
}
