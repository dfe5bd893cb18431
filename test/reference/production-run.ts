/**
 * Runs production on market events: the core engine, the simulated venue and the backtest
 * timeline (`runTimeline` of @chassis/backtesting, what `chassis backtest` drives), and records
 * what the differential comparison needs:
 * - `tape`: every call the timeline made on the exchange side of the venue, in order (a market
 *   event at its exchange time, a request handed over, a request processed at its arrival), so
 *   the reference venue can be driven with exactly the same input;
 * - `stream`: every event of the run in stream order (the journal's content);
 * - `snapshots`: after each stepped execution event, production's view of that order, its
 *   instrument's position and the balances (copied: views are live objects).
 */
import {
  createEngine,
  EXECUTION_EVENT_KINDS,
  type ExecutionEvent,
  type EngineConfig,
  type Event,
  type Instrument,
  type MarketEvent,
  type OrderStatus,
  type RequestSentEvent,
  type Strategy,
} from '@chassis/core';
import { runTimeline, type HistoricalFeeder, type TimelineOutcome, type TimelineVenue } from '@chassis/backtesting';
import { constantLatency, conservativeQueue, createSimulatedVenue, type TradeThroughFill } from '@chassis/venues';

export type TapeEntry =
  | { readonly kind: 'market'; readonly event: MarketEvent; readonly exchangeNs: bigint }
  | { readonly kind: 'submit'; readonly request: RequestSentEvent }
  | { readonly kind: 'process'; readonly arrivalNs: bigint };

export interface ProductionSnapshot {
  /** Number of stream events applied when the snapshot was taken. */
  readonly streamLength: number;
  readonly orderId: number;
  readonly status: OrderStatus | undefined;
  readonly filledQtyUnits: number | undefined;
  readonly instrument: string;
  readonly position: { qtyUnits: number; costUnits: bigint; realizedPnlUnits: bigint; feesUnits: bigint };
  readonly balances: ReadonlyMap<string, bigint>;
}

export interface ProductionRun {
  readonly tape: TapeEntry[];
  readonly stream: Event[];
  readonly snapshots: ProductionSnapshot[];
  readonly outcome: TimelineOutcome;
  /** Answers the venue produced but the run ended before they arrived. */
  readonly undeliveredAnswers: number;
}

export interface ProductionRunOptions {
  readonly instrument: Instrument;
  /** Market events in capture order; copied (the timeline numbers the events it appends). */
  readonly events: readonly MarketEvent[];
  readonly strategy: Strategy;
  readonly entryLatencyNs: bigint;
  readonly responseLatencyNs: bigint;
  readonly seed: number;
  /** Starting balances in production units by currency. */
  readonly initialBalances: Readonly<Record<string, bigint>>;
  /** Trade-through fill model of the simulated venue (venue.tradeThroughFill). */
  readonly tradeThroughFill: TradeThroughFill;
  /** Recorder clock − venue clock, ns (venue.clockOffsetUs × 1000); the feed window is the 5 s default. */
  readonly clockOffsetNs: bigint;
}

/** The run definition's default feed window (venue.feedWindowMs 5000). */
const FEED_WINDOW_NS = 5_000_000_000n;

const KIND_RANK = { book_delta: 0, trade: 1, bbo: 2 } as const;

/** Market events in the feeder's order (tsLocal, then book_delta < trade < bbo, then capture order), as fresh objects. */
function feedOrder(events: readonly MarketEvent[]): MarketEvent[] {
  return events
    .map((e, i) => [e, i] as const)
    .sort(([a, i], [b, j]) =>
      a.tsLocalNs < b.tsLocalNs ? -1 : a.tsLocalNs > b.tsLocalNs ? 1 : KIND_RANK[a.kind] - KIND_RANK[b.kind] || i - j,
    )
    .map(([e]) => ({ ...e }));
}

/** An in-memory stand-in for the canonical-data feeder: same contract (next / needsRefill / refill). */
function memoryFeeder(events: MarketEvent[]): HistoricalFeeder {
  let i = 0;
  return {
    next: () => events[i++] ?? null,
    needsRefill: false,
    refill: async () => {},
    emitted: 0,
  } as unknown as HistoricalFeeder;
}

export function engineConfig(instrument: Instrument, initialBalances: Readonly<Record<string, bigint>>): EngineConfig {
  return {
    instruments: [instrument],
    triggers: {
      kinds: [
        'bbo',
        'trade',
        'order_filled',
        'order_cancelled',
        'order_rejected',
        'order_replaced',
        'cancel_replace_rejected',
        'control_time',
      ],
    },
    risk: {},
    executionControl: {
      rateBuckets: [
        {
          scope: instrument.venue,
          capacity: 10,
          refillTokens: 2,
          refillIntervalNs: 100_000_000n,
          weights: { new: 1, replace: 1, cancel: 1 },
        },
      ],
    },
    maxConsecutiveStrategyFailures: 3,
    recordIntentDenials: false,
    initialBalances,
  };
}

/** Venue answers: the events whose steps change an order, its position and the balances. */
export const isExecutionEvent = (e: Event): e is ExecutionEvent =>
  (EXECUTION_EVENT_KINDS as readonly string[]).includes(e.kind);

export async function runProduction(o: ProductionRunOptions): Promise<ProductionRun> {
  const engine = createEngine(engineConfig(o.instrument, o.initialBalances), o.strategy);
  const venue = createSimulatedVenue({
    instruments: [o.instrument],
    queueModel: conservativeQueue(),
    latency: constantLatency(o.entryLatencyNs, o.responseLatencyNs),
    seed: o.seed,
    tradeThroughFill: o.tradeThroughFill,
  });
  venue.start();
  const tape: TapeEntry[] = [];
  const recording: TimelineVenue = {
    submit: (request) => (tape.push({ kind: 'submit', request }), venue.submit(request)),
    nextRequestArrivalNs: () => venue.nextRequestArrivalNs(),
    processNextRequest: () => (
      tape.push({ kind: 'process', arrivalNs: venue.nextRequestArrivalNs() }),
      venue.processNextRequest()
    ),
    onMarketEvent: (event, exchangeNs) => (
      tape.push({ kind: 'market', event, exchangeNs }),
      venue.onMarketEvent(event, exchangeNs)
    ),
    nextAnswerNs: () => venue.nextAnswerNs(),
    popAnswer: () => venue.popAnswer(),
  };
  const stream: Event[] = [];
  const snapshots: ProductionSnapshot[] = [];
  const outcome = await runTimeline({
    engine,
    venue: recording,
    feeder: memoryFeeder(feedOrder(o.events)),
    checkpointInterval: 1_000_000,
    sessionId: 'differential',
    clock: { offsetNs: o.clockOffsetNs, feedWindowNs: FEED_WINDOW_NS },
    sink: {
      append: (e) => void stream.push(e),
      stepped: (e) => {
        if (!isExecutionEvent(e)) return;
        const orderId = (e as { orderId: number }).orderId;
        const order = engine.view.execution.order(orderId);
        const p = engine.view.execution.position(o.instrument.id);
        const balances = new Map<string, bigint>();
        for (const ccy of new Set([o.instrument.quoteCurrency, o.instrument.baseCurrency]))
          balances.set(ccy, engine.view.execution.balance(ccy));
        snapshots.push({
          streamLength: stream.length,
          orderId,
          status: order?.status,
          filledQtyUnits: order?.filledQtyUnits,
          instrument: o.instrument.id,
          position: {
            qtyUnits: p.qtyUnits,
            costUnits: p.costUnits,
            realizedPnlUnits: p.realizedPnlUnits,
            feesUnits: p.feesUnits,
          },
          balances,
        });
      },
    },
  });
  return { tape, stream, snapshots, outcome, undeliveredAnswers: venue.pendingAnswers };
}
