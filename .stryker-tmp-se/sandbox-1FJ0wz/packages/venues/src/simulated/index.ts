// @ts-nocheck
// The simulated venue: backtest-side implementation of the Venue Adapter (../adapter.ts).
export { createSimulatedVenue } from './venue.ts';
export type { SimulatedVenue, SimulatedVenueConfig, SimulatedOrderView } from './venue.ts';
export { QueuePosition, conservativeQueue, probabilisticQueue, powerProbQueue, logProbQueue, powerProbability, logProbability } from './queue.ts';
export type { QueueModel, QueueProbability } from './queue.ts';
export { constantLatency, jitteredLatency, recordedLatency, parseLatencyTableCsv, parseLatencyTableJson, readLatencyTable } from './latency.ts';
export type { LatencyModel, LatencyRow } from './latency.ts';
export { feeUnits } from './fees.ts';
export { SeededRandom, deriveSeed } from './random.ts';
export { BookSide, ExchangeBook } from './book.ts';
