// @ts-nocheck
// Builds RunSeries from plain arrays; used by this package's tests and by the report benchmark.
import type { RunSeries } from './run-series.ts';

export interface SimpleFill {
  readonly t: number;
  readonly side: 1 | -1;
  readonly price: number;
  readonly qty: number;
  readonly fee?: number;
  readonly maker?: boolean;
}

export function seriesFrom(opts: {
  readonly startMs: number;
  readonly endMs: number;
  readonly mids: readonly (readonly [number, number])[];
  readonly fills?: readonly SimpleFill[];
  readonly requests?: readonly (readonly [number, 0 | 1 | 2, number])[];
  readonly ordersFilled?: number;
}): RunSeries {
  const fills = opts.fills ?? [];
  const req = opts.requests ?? [];
  return {
    runId: 'test-run',
    instrument: 'test:XY',
    startMs: opts.startMs,
    endMs: opts.endMs,
    initialEquity: 0,
    fills: {
      tsMs: Float64Array.from(fills.map((f) => f.t)),
      side: Int8Array.from(fills.map((f) => f.side)),
      price: Float64Array.from(fills.map((f) => f.price)),
      qty: Float64Array.from(fills.map((f) => f.qty)),
      fee: Float64Array.from(fills.map((f) => f.fee ?? 0)),
      maker: Uint8Array.from(fills.map((f) => (f.maker === false ? 0 : 1))),
    },
    mid: { tsMs: Float64Array.from(opts.mids.map((m) => m[0])), mid: Float64Array.from(opts.mids.map((m) => m[1])) },
    quotes: { tsMs: new Float64Array(0), bid: new Float64Array(0), ask: new Float64Array(0) },
    requests: { tsMs: Float64Array.from(req.map((r) => r[0])), kind: Uint8Array.from(req.map((r) => r[1])), latencyMs: Float64Array.from(req.map((r) => r[2])) },
    counters: { riskDenials: 2, rateLimitDeferrals: 3, ordersFilled: opts.ordersFilled ?? 0, events: 0 },
  };
}
