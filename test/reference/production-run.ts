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
  type BboEvent,
  type BookDeltaEvent,
  type MarketEvent,
  type TradeEvent,
  type OrderStatus,
  type RequestSentEvent,
  type Strategy,
} from '@chassis/core';
import { HistoricalFeeder, runTimeline, type FeedSource, type TimelineOutcome, type TimelineVenue } from '@chassis/backtesting';
import type { BboBatch, BookDeltaBatch, CanonicalBatch, TradeBatch } from '@chassis/storage';
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
  /** Market events in capture order; production reads them as canonical batches through its own feeder. */
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

const AGGRESSOR_CODE = { buy: 0, sell: 1, unknown: 2 } as const;
const bigs = (xs: readonly bigint[]): BigInt64Array => BigInt64Array.from(xs);
const byLocalTime = <E extends MarketEvent>(events: readonly E[]): E[] =>
  events.map((e, i) => [e, i] as const).sort(([a, i], [b, j]) => (a.tsLocalNs < b.tsLocalNs ? -1 : a.tsLocalNs > b.tsLocalNs ? 1 : i - j)).map(([e]) => e);

/** Book messages as one canonical batch: every level row of a message shares its batch id (the message's index). */
function bookDeltaBatch(events: readonly BookDeltaEvent[]): BookDeltaBatch {
  const rows: { e: BookDeltaEvent; id: number; i: number }[] = [];
  events.forEach((e, id) => {
    for (let i = e.offset; i < e.offset + e.count; i++) rows.push({ e, id, i });
  });
  return {
    kind: 'book_delta',
    length: rows.length,
    tsEventNs: bigs(rows.map((r) => r.e.tsEventNs)),
    tsLocalNs: bigs(rows.map((r) => r.e.tsLocalNs)),
    updateId: bigs(rows.map((r) => r.e.updateId)),
    batchId: bigs(rows.map((r) => BigInt(r.id))),
    isSnapshot: Uint8Array.from(rows.map((r) => (r.e.isSnapshot ? 1 : 0))),
    side: Uint8Array.from(rows.map((r) => r.e.sides[r.i]!)),
    price: Float64Array.from(rows.map((r) => r.e.prices[r.i]!)),
    size: Float64Array.from(rows.map((r) => r.e.sizes[r.i]!)),
  };
}

function tradeBatch(events: readonly TradeEvent[]): TradeBatch {
  return {
    kind: 'trade',
    length: events.length,
    tsEventNs: bigs(events.map((e) => e.tsEventNs)),
    tsLocalNs: bigs(events.map((e) => e.tsLocalNs)),
    tradeId: events.map((e) => e.tradeId),
    price: Float64Array.from(events.map((e) => e.priceUnits)),
    size: Float64Array.from(events.map((e) => e.qtyUnits)),
    aggressor: Uint8Array.from(events.map((e) => AGGRESSOR_CODE[e.aggressor])),
  };
}

function bboBatch(events: readonly BboEvent[]): BboBatch {
  return {
    kind: 'bbo',
    length: events.length,
    tsEventNs: bigs(events.map((e) => e.tsEventNs)),
    tsLocalNs: bigs(events.map((e) => e.tsLocalNs)),
    updateId: bigs(events.map((e) => e.updateId)),
    bidPrice: Float64Array.from(events.map((e) => e.bidPriceUnits)),
    bidSize: Float64Array.from(events.map((e) => e.bidQtyUnits)),
    askPrice: Float64Array.from(events.map((e) => e.askPriceUnits)),
    askSize: Float64Array.from(events.map((e) => e.askQtyUnits)),
  };
}

async function* once(batch: CanonicalBatch): AsyncIterable<CanonicalBatch> {
  if (batch.length > 0) yield batch;
}

/**
 * The market events as the production feeder's input: one canonical batch per kind (each in
 * local-time order, capture order at equal times), so production merges them with its own
 * feeder (tsLocal, then book_delta < trade < bbo, then capture order).
 */
function feedSources(instrument: string, events: readonly MarketEvent[]): FeedSource[] {
  const of = <K extends MarketEvent['kind']>(kind: K) => byLocalTime(events.filter((e): e is Extract<MarketEvent, { kind: K }> => e.kind === kind));
  return [
    { instrument, batches: once(bookDeltaBatch(of('book_delta'))) },
    { instrument, batches: once(tradeBatch(of('trade'))) },
    { instrument, batches: once(bboBatch(of('bbo'))) },
  ];
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
    feeder: await HistoricalFeeder.open(feedSources(o.instrument.id, o.events)),
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
