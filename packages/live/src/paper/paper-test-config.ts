// Test support: the venue models the paper tests run with.

/** The backtest definition's default venue models (conservative queue, 1 ms each way). */
export const DEFAULT_VENUE_MODELS = {
  queue: { model: 'conservative' },
  latency: { model: 'constant', entryUs: 1000, responseUs: 1000 },
  tradeThroughFill: 'whole_order',
  fees: {},
} as const;
