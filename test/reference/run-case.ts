/**
 * One differential case end to end: a capture, a strategy, a seed → production run, reference
 * venue replay and reference ledger replay, with their disagreements.
 */
import type { EventDraft, ExecutionEvent, Instrument, MarketEvent, Strategy } from '@chassis/core';
import type { TradeThroughFill } from '@chassis/venues';
import { compareLedger, compareVenue, type LedgerReplay, type VenueReplay } from './differential.ts';
import { isExecutionEvent, runProduction, type ProductionRun } from './production-run.ts';
import { ReferenceLedger } from './reference-ledger.ts';
import { fromUnits, type Rational } from './rational.ts';
import { settlementDecimals } from './reference-venue.ts';

export const ENTRY_LATENCY_NS = 1_000_000n;
export const RESPONSE_LATENCY_NS = 1_000_000n;

export interface CaseResult {
  readonly run: ProductionRun;
  readonly venue: VenueReplay;
  readonly ledger: LedgerReplay;
  readonly requests: number;
}

/** Starting balance: 1,000,000 of the settlement asset (and of the quote for spot). */
export function startingBalances(inst: Instrument): {
  production: Record<string, bigint>;
  reference: Map<string, Rational>;
} {
  const settle = ReferenceLedger.settlementAsset(inst);
  const units = 1_000_000n * 10n ** BigInt(settlementDecimals(inst));
  return {
    production: { [settle]: units },
    reference: new Map([[settle, fromUnits(units, settlementDecimals(inst))]]),
  };
}

export interface CaseOptions {
  readonly seed?: number;
  /** Constant order-entry / response latency (ns); default 1 ms each (the run definition's default). */
  readonly entryLatencyNs?: bigint;
  readonly responseLatencyNs?: bigint;
  /** Trade-through fill model of both venues; default 'whole_order' (the run definition's). */
  readonly tradeThroughFill?: TradeThroughFill;
  /** Recorder clock − venue clock (ns), venue.clockOffsetUs × 1000; default 0. */
  readonly clockOffsetNs?: bigint;
}

export async function runCase(
  instrument: Instrument,
  events: readonly MarketEvent[],
  strategy: Strategy,
  options: CaseOptions = {},
): Promise<CaseResult> {
  const balances = startingBalances(instrument);
  const entryNs = options.entryLatencyNs ?? ENTRY_LATENCY_NS;
  const responseNs = options.responseLatencyNs ?? RESPONSE_LATENCY_NS;
  const tradeThroughFill = options.tradeThroughFill ?? 'whole_order';
  const clockOffsetNs = options.clockOffsetNs ?? 0n;
  const run = await runProduction({
    instrument,
    events,
    strategy,
    entryLatencyNs: entryNs,
    responseLatencyNs: responseNs,
    seed: options.seed ?? 1,
    initialBalances: balances.production,
    tradeThroughFill,
    clockOffsetNs,
  });
  const answers = run.stream.filter(isExecutionEvent) as EventDraft<ExecutionEvent>[];
  const venue = compareVenue([instrument], run.tape, answers, run.undeliveredAnswers, {
    entryNs,
    responseNs,
    tradeThroughFill,
    clockOffsetNs,
  });
  const ledger = compareLedger(instrument, run, balances.reference);
  return { run, venue, ledger, requests: run.tape.filter((t) => t.kind === 'submit').length };
}
