// Public API of @chassis/core: the pure, deterministic event-driven engine (SPEC.md §1–4).
// Only what runtimes, venues and strategies use: the engine, its contracts (events, intents,
// view, config, step result), instruments and exact decimals. Reducers, execution control,
// dominance, the lifecycle table and the state encoding are internal.
export * from './events.ts';
export * from './instrument.ts';
export { contractTerms, signedValueUnits, notionalValueUnits, contractFeeUnits, valueAtPrice, averageEntryPrice, balanceDecimals, DEFAULT_INVERSE_SETTLEMENT_DECIMALS } from './contract-value.ts';
export type { ContractTerms } from './contract-value.ts';
export type * from './intents.ts';
export type * from './strategy.ts';
export type * from './step-result.ts';
export type * from './config.ts';
export type * from './engine.ts';
export type * from './state/view.ts';
export { ChassisError } from './errors.ts';
export { encodeConfigChange, parseConfigChange } from './config-change.ts';
export type { ConfigChange, RiskLimits } from './config-change.ts';
export { createEngine, EMPTY_STEP_RESULT } from './engine/create-engine.ts';
export { L2Book } from './market/book.ts';
export { BookSideLevels } from './market/book-side.ts';
export { SortedLevels } from './market/sorted-levels.ts';
export { ReferenceL2Book } from './market/reference-book.ts';
