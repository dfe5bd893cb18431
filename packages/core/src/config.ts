/**
 * Engine configuration: everything that, together with the event stream, determines state
 * and dispatch decisions (SPEC.md L2). Validated by runtimes at their edges; plain data here.
 */
import type { Instrument } from './instrument.ts';
import type { DecisionTriggers } from './strategy.ts';
import type { Intent, IntentOrigin } from './intents.ts';
import type { StateView } from './state/view.ts';

export type RiskVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** A risk rule: allowed or denied with a reason code. Throwing = denied ('rule_error:<name>'). */
export interface RiskRule {
  readonly name: string;
  /** `origin`: 'operator' for the intents the core makes from kill switch and flatten events. */
  check(intent: Intent, view: StateView, origin: IntentOrigin): RiskVerdict;
}

export interface RiskConfig {
  /** Only these instruments may be traded; undefined = all configured instruments. */
  readonly allowedInstruments?: readonly string[];
  readonly maxOrderQtyUnits?: number;
  /** Largest order value in settlement units (contract-value.ts notionalValueUnits). */
  readonly maxOrderNotionalUnits?: bigint;
  /** |position + open orders' potential fills on that side| must stay within this. */
  readonly maxPositionQtyUnits?: number;
  readonly maxOpenOrders?: number;
  /** Limit price must be within ±band of mid, in parts per million of mid. */
  readonly priceBandPpm?: number;
  readonly rules?: readonly RiskRule[];
}

/**
 * Token bucket per scope (venue): holds up to `capacity` tokens, gains `refillTokens` every
 * `refillIntervalNs` of tsLocal (discrete, aligned to the bucket's first observation), each
 * request costs its weight.
 */
export interface RateBucketConfig {
  readonly scope: string;
  readonly capacity: number;
  readonly refillTokens: number;
  readonly refillIntervalNs: bigint;
  readonly weights: { readonly new: number; readonly replace: number; readonly cancel: number };
}

export interface ExecutionControlConfig {
  readonly rateBuckets: readonly RateBucketConfig[];
}

export interface EngineConfig {
  readonly instruments: readonly Instrument[];
  readonly triggers: DecisionTriggers;
  readonly risk: RiskConfig;
  readonly executionControl: ExecutionControlConfig;
  /** Consecutive strategy exceptions before a strategy_halted control event. */
  readonly maxConsecutiveStrategyFailures: number;
  /** Record IntentDenied events (audit trail): on in live, off in backtests by default. */
  readonly recordIntentDenials: boolean;
  /** Starting balances by currency, in units of 10^-balanceDecimals(currency) (contract-value.ts). */
  readonly initialBalances?: Readonly<Record<string, bigint>>;
  readonly configVersion?: string;
}
