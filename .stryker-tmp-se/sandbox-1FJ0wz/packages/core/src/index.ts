// @ts-nocheck
// Public API of @chassis/core: the pure, deterministic event-driven engine (SPEC.md §1–4).
export * from './events.ts';
export * from './instrument.ts';
export type * from './intents.ts';
export type * from './strategy.ts';
export type * from './step-result.ts';
export type * from './config.ts';
export type * from './engine.ts';
export type * from './state/view.ts';
export { ChassisError } from './errors.ts';
export { createEngine, EMPTY_STEP_RESULT } from './engine/create-engine.ts';
export { dominate } from './execution/dominance.ts';
export type { PendingCommand, DominanceOutcome, DominanceResult } from './execution/dominance.ts';
export { nextStatus, isTerminal, ORDER_STATUSES, LIFECYCLE_INPUTS } from './execution/order-lifecycle.ts';
export type { LifecycleInput } from './execution/order-lifecycle.ts';
export { L2Book, BookSideLevels, LadderSide, SortedSide } from './market/book.ts';
export { Fnv1a64 } from './state/state-hash.ts';
