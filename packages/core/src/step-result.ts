/**
 * What one step (or wakeup step) returns to the runtime (SPEC.md §4 item 7).
 */
import type { Intent } from './intents.ts';
import type { RequestSentEvent } from './events.ts';

export type RiskDecision =
  /** `orderId`: the order key the intent applies to (for a `new`, the key the core assigned on admission). */
  | { readonly allowed: true; readonly intent: Intent; readonly orderId: number }
  | { readonly allowed: false; readonly intent: Intent; readonly reason: string };

/**
 * Non-canonical output: allowed work is pending and blocked by something that changes by
 * itself at a known future local time. At most one outstanding per scope; newer supersedes.
 */
export interface ControlSchedulingObligation {
  readonly dueTsLocalNs: bigint;
  readonly reason: 'rate_limit';
  /** e.g. the venue id whose rate bucket blocks the work. */
  readonly scope: string;
  readonly derivedAtSeq: number;
}

export interface Diagnostic {
  readonly level: 'info' | 'warn' | 'error';
  readonly code: string;
  readonly message: string;
  readonly seq: number;
}

export interface InvariantViolation {
  /** Name of the invariant, e.g. 'one_inflight_per_key', 'seq_contiguous'. */
  readonly invariant: string;
  readonly seq: number;
  readonly message: string;
  /** The state involved, as plain data for the diagnostic. */
  readonly state: Readonly<Record<string, unknown>>;
}

export interface StepResult {
  /** Intents the strategy generated in this step (empty if not triggered or it threw). */
  readonly intents: readonly Intent[];
  /** Risk decisions on the strategy's intents, in the order of `intents`. */
  readonly decisions: readonly RiskDecision[];
  /**
   * Risk decisions on the intents the core made from operator control events in this step
   * (kill switch engaged: a cancel per open order; flatten: reduce-only IOC market orders),
   * each carrying its intent. Admitted before the strategy's intents.
   */
  readonly operatorDecisions: readonly RiskDecision[];
  /**
   * Requests dispatched by this step, as the RequestSent events the runtime must append to
   * the stream immediately, in this order, with exactly these seqs (the core numbered them
   * after the triggering event and already applied them to state). The runtime hands each
   * to the Venue Adapter.
   */
  readonly requestsSent: readonly RequestSentEvent[];
  /** Newest obligation derived in this step, or null. */
  readonly obligation: ControlSchedulingObligation | null;
  /** Control events the core asks the runtime to append next (e.g. strategy_halted); without seq. */
  readonly controlEvents: readonly import('./events.ts').EventDraft[];
  readonly diagnostics: readonly Diagnostic[];
  /** Set when an invariant was violated: the engine is halted and processes nothing more. */
  readonly violation: InvariantViolation | null;
}
