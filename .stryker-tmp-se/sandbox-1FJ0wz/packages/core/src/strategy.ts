/**
 * The strategy contract. A strategy gets a read-only view of state plus the triggering event
 * and returns intents. It is called only on its decision triggers (configuration, never time).
 * It must be deterministic: no clock, no unseeded randomness. If it throws, the step produces
 * no intents; after `maxConsecutiveFailures` failures in a row the core halts it through a
 * `strategy_halted` control event.
 */
// @ts-nocheck

import type { Event, EventKind } from './events.ts';
import type { Intent } from './intents.ts';
import type { StateView } from './state/view.ts';

export interface Strategy {
  /** Called on each decision trigger. `event` is the triggering event (the last one of a wakeup batch). */
  onEvent(view: StateView, event: Event): readonly Intent[] | void;
}

/** What a strategy module (a .ts/.js file) exports: `export default { create(params) { ... } }` or `export function create`. */
export interface StrategyModule<P = Record<string, unknown>> {
  readonly name?: string;
  create(params: P): Strategy;
}

/** When the strategy runs: on any event whose kind is listed (and, if given, instrument matches), or every N events of a kind. */
export interface DecisionTriggers {
  readonly kinds: readonly EventKind[];
  /** Restrict market-event triggers to these instruments; empty/undefined = all. */
  readonly instruments?: readonly string[];
  /** Additionally trigger every N-th event of the given kind (counted in Control State). */
  readonly everyN?: readonly { readonly kind: EventKind; readonly n: number }[];
}
