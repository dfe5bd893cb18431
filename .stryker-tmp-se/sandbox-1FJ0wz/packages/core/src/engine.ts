/**
 * The engine contract: one deterministic processing step per event (SPEC.md §4).
 */
// @ts-nocheck

import type { Event } from './events.ts';
import type { InvariantViolation, StepResult } from './step-result.ts';
import type { StateView } from './state/view.ts';

export interface Engine {
  /** Read-only view of the current state (the same object strategies receive). */
  readonly view: StateView;
  /** Processes one event (its seq must be lastSeq + 1). */
  step(event: Event): StepResult;
  /** Derives an ordered batch of events, then evaluates the strategy once and decides once. */
  wakeup(events: readonly Event[]): StepResult;
  /** Canonical 64-bit digest of the whole derived state, 16 lowercase hex chars. */
  stateHash(): string;
  /** Non-null once an invariant violation halted the engine. */
  readonly violation: InvariantViolation | null;
}
