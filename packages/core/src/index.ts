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
