/**
 * What every reducer of a step may touch besides the state: the step's diagnostics and the
 * halt switch (L9). One per engine, reused across steps; the orchestrator (create-engine.ts)
 * drains the diagnostics into each StepResult and stops at the first violation.
 */
import type { Diagnostic, InvariantViolation, StepResult } from '../step-result.ts';
import type { EngineState } from '../state/engine-state.ts';

const EMPTY: readonly never[] = Object.freeze([]);

/** Returned by every step that produced nothing: shared, frozen, allocation-free. */
export const EMPTY_STEP_RESULT: StepResult = Object.freeze({
  intents: EMPTY,
  decisions: EMPTY,
  operatorDecisions: EMPTY,
  requestsSent: EMPTY,
  obligation: null,
  controlEvents: EMPTY,
  diagnostics: EMPTY,
  violation: null,
});

export class StepContext {
  /** The frozen result every step returns once an invariant was violated; null while running. */
  violationResult: StepResult | null = null;
  violation: InvariantViolation | null = null;
  /** Diagnostics of the current step, null when there are none (the common case allocates nothing). */
  diagnostics: Diagnostic[] | null = null;

  constructor(readonly state: EngineState) {}

  get halted(): boolean {
    return this.violationResult !== null;
  }

  halt(v: InvariantViolation): void {
    this.violation = v;
    this.violationResult = Object.freeze({
      ...EMPTY_STEP_RESULT,
      diagnostics: Object.freeze([{ level: 'error' as const, code: 'E_INVARIANT', message: `${v.invariant} violated at seq ${v.seq}: ${v.message}`, seq: v.seq }]),
      violation: v,
    });
  }

  diag(level: Diagnostic['level'], code: string, message: string, seq: number): void {
    (this.diagnostics ??= []).push({ level, code, message, seq });
  }

  /** Takes the step's diagnostics (null if none) and starts the next step with none. */
  takeDiagnostics(): Diagnostic[] | null {
    const d = this.diagnostics;
    this.diagnostics = null;
    return d;
  }
}
