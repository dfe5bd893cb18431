/**
 * Strategy evaluation (SPEC.md §4 step 3): the strategy runs on a decision trigger with the
 * read-only view; a throw yields no intents and counts as a failure, and the configured number
 * of consecutive failures asks the runtime for a `strategy_halted` control event.
 */
import type { Event, EventDraft, StrategyHaltedEvent } from '../events.ts';
import type { Intent } from '../intents.ts';
import type { Strategy } from '../strategy.ts';
import type { StateView } from '../state/view.ts';
import type { StepContext } from './step-context.ts';

export interface StrategyOutcome {
  /** The intents returned, copied and frozen; null when none. */
  readonly intents: readonly Intent[] | null;
  /** The halt request after too many consecutive failures; null otherwise. */
  readonly halt: EventDraft<StrategyHaltedEvent> | null;
}

const NOTHING: StrategyOutcome = Object.freeze({ intents: null, halt: null });

export function evaluateStrategy(ctx: StepContext, strategy: Strategy, view: StateView, event: Event, maxConsecutiveFailures: number): StrategyOutcome {
  const s = ctx.state;
  let out: readonly Intent[] | void;
  try {
    out = strategy.onEvent(view, event);
    s.consecutiveFailures = 0;
  } catch (err) {
    s.consecutiveFailures++;
    ctx.diag('warn', 'strategy_error', `strategy threw on seq ${event.seq}: ${err instanceof Error ? err.message : String(err)}`, event.seq);
    if (s.consecutiveFailures < maxConsecutiveFailures) return NOTHING;
    s.haltRequested = true;
    return {
      intents: null,
      halt: { kind: 'strategy_halted', tsEventNs: event.tsLocalNs, tsLocalNs: event.tsLocalNs, reason: `${s.consecutiveFailures} consecutive strategy failures` },
    };
  }
  return out && out.length > 0 ? { intents: Object.freeze(out.slice()), halt: null } : NOTHING;
}
