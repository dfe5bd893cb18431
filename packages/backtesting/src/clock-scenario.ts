/**
 * Test support for the clock oracle (timeline.clock.test.ts, timeline.reference.test.ts): small
 * generated markets whose recorder clock is offset from the venue's by any amount, with a feed
 * latency per event that reorders exchange times across the depth, trade and BBO streams; the
 * canonical batches of each stream cut anywhere; a strategy that keeps requests in flight
 * (quotes, replaces, cancels, IOC takers, rate-limited bursts); and a run of the real timeline,
 * engine and simulated venue over them. Not part of the public API.
 */
import fc from 'fast-check';
import { createEngine, type EngineConfig, type Event, type Intent, type MarketEvent, type Strategy } from '@chassis/core';
import type { BboBatch, BookDeltaBatch, CanonicalBatch, TradeBatch } from '@chassis/storage';
import { conservativeQueue, createSimulatedVenue, jitteredLatency, type SimulatedVenue } from '@chassis/venues';
import { TEST_INSTRUMENT } from '../../venues/src/simulated/scenario.ts';
import { HistoricalFeeder, type FeedSource } from './feeder.ts';
import { runTimeline, type TimelineOutcome, type TimelineSink, type TimelineVenue } from './timeline.ts';
import type { ExchangeClock } from './exchange-clock.ts';

export const INSTRUMENT = TEST_INSTRUMENT;
const ID = INSTRUMENT.id;
const EPOCH_NS = 1_700_000_000_000_000_000n;
const MS = 1_000_000;

/** One venue message of the generated market, in exchange-time order. */
export interface MarketStep {
  /** 0 depth snapshot, 1 trade, 2 BBO. */
  readonly kind: 0 | 1 | 2;
  /** Exchange time since the previous step (ns). */
  readonly gapNs: number;
  /** Feed latency of this message (ns): its receipt is exchange time + offset + this (kept in order per stream). */
  readonly feedLatencyNs: number;
  /** Mid move in ticks before this message. */
  readonly move: -2 | -1 | 0 | 1 | 2;
  readonly size: number;
  readonly sellAggressor: boolean;
}

export interface ClockScenario {
  readonly steps: readonly MarketStep[];
  /** The data's true recorder clock minus venue clock (ns): receipt = exchange time + this + feed latency. */
  readonly dataOffsetNs: bigint;
  /** The offset the timeline is configured with (ns): the true one, 0 (the default), or wrong either way. */
  readonly offsetNs: bigint;
  readonly feedWindowNs: bigint;
  readonly entryNs: bigint;
  readonly responseNs: bigint;
  /** Latency jitter bound (ns): entry and response each add a seeded draw in [0, jitterNs]. */
  readonly jitterNs: bigint;
  readonly seed: number;
  /** Batch sizes (rows), used in turn for each stream. */
  readonly cuts: readonly number[];
  /** Extra exchange time before step i (ns; days or months: runs spanning more than the number clock's exact range). */
  readonly leapsNs?: readonly bigint[];
  /** The feeder's rebaseAtNs (FeederOptions): small values move the epoch often. */
  readonly rebaseAtNs?: number;
}

const step: fc.Arbitrary<MarketStep> = fc.record({
  kind: fc.constantFrom(0, 1, 1, 1, 2, 2) as fc.Arbitrary<0 | 1 | 2>,
  gapNs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 * MS })),
  feedLatencyNs: fc.oneof(fc.integer({ min: 0, max: 2 * MS }), fc.integer({ min: 0, max: 40 * MS })),
  move: fc.constantFrom(-2, -1, 0, 0, 1, 2) as fc.Arbitrary<-2 | -1 | 0 | 1 | 2>,
  size: fc.integer({ min: 1, max: 9 }),
  sellAggressor: fc.boolean(),
});

/** Offsets: synchronised, small either way, or seconds either way (receipt before event time). */
const offsetNs = fc.oneof(
  fc.constant(0n),
  fc.bigInt({ min: -5_000_000n, max: 5_000_000n }),
  fc.bigInt({ min: -3_000_000_000n, max: 3_000_000_000n }),
);

export const clockScenario: fc.Arbitrary<ClockScenario> = fc.record({
  steps: fc.array(step, { minLength: 5, maxLength: 160, size: 'medium' }),
  dataOffsetNs: offsetNs,
  offsetNs,
  feedWindowNs: fc.bigInt({ min: 1_000_000n, max: 50_000_000n }),
  entryNs: fc.oneof(fc.bigInt({ min: 0n, max: 100_000n }), fc.bigInt({ min: 0n, max: 3_000_000n })),
  responseNs: fc.oneof(fc.bigInt({ min: 0n, max: 100_000n }), fc.bigInt({ min: 0n, max: 3_000_000n })),
  jitterNs: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 2_000_000n })),
  seed: fc.integer({ min: 0, max: 1000 }),
  cuts: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }),
  gridNs: fc.constantFrom(1, 100_000, 1_000_000),
})
  .map(onGrid)
  .chain((s) => fc.constantFrom(s, { ...s, offsetNs: s.dataOffsetNs }));

/**
 * Every time on a grid (1 ns, 0.1 ms or 1 ms; no jitter off the 1 ns grid), so that market
 * events, request arrivals, answers and obligations often fall at equal times and the tie rules
 * decide.
 */
function onGrid({ gridNs, ...s }: ClockScenario & { gridNs: number }): ClockScenario {
  if (gridNs === 1) return s;
  const g = BigInt(gridNs);
  const round = (x: bigint): bigint => (x / g) * g;
  const roundN = (x: number): number => Math.floor(x / gridNs) * gridNs;
  return {
    ...s,
    steps: s.steps.map((st) => ({ ...st, gapNs: roundN(st.gapNs), feedLatencyNs: roundN(st.feedLatencyNs) })),
    dataOffsetNs: round(s.dataOffsetNs),
    offsetNs: round(s.offsetNs),
    feedWindowNs: round(s.feedWindowNs) > 0n ? round(s.feedWindowNs) : g,
    entryNs: round(s.entryNs),
    responseNs: round(s.responseNs),
    jitterNs: 0n,
  };
}

/** Batch-cut patterns to compare a scenario against. */
export const cutPattern = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 });

interface StreamRows {
  depth: { tsEvent: bigint; tsLocal: bigint; id: number; side: number; price: number; size: number }[];
  trade: { tsEvent: bigint; tsLocal: bigint; id: number; price: number; size: number; aggressor: number }[];
  bbo: { tsEvent: bigint; tsLocal: bigint; id: number; bid: number; bidSize: number; ask: number; askSize: number }[];
}

/** The three streams' rows: exchange times from the steps, receipt times offset, delayed and kept in order per stream. */
export function streamRows(s: ClockScenario): StreamRows {
  const rows: StreamRows = { depth: [], trade: [], bbo: [] };
  const lastLocal = [0n, 0n, 0n];
  let t = EPOCH_NS;
  let mid = 10_000;
  s.steps.forEach((st, i) => {
    // The first message is a depth snapshot so that both books exist.
    const kind = i === 0 ? 0 : st.kind;
    t += BigInt(st.gapNs) + (s.leapsNs?.[i] ?? 0n);
    mid += st.move;
    let local = t + s.dataOffsetNs + BigInt(st.feedLatencyNs);
    if (local < lastLocal[kind]!) local = lastLocal[kind]!; // one connection per stream: in order
    lastLocal[kind] = local;
    if (kind === 0) {
      for (let level = 1; level <= 3; level++) {
        rows.depth.push({ tsEvent: t, tsLocal: local, id: i, side: 0, price: mid - level, size: st.size + level });
        rows.depth.push({ tsEvent: t, tsLocal: local, id: i, side: 1, price: mid + level, size: st.size + level });
      }
    } else if (kind === 1) {
      rows.trade.push({ tsEvent: t, tsLocal: local, id: i, price: st.sellAggressor ? mid - 1 : mid + 1, size: st.size, aggressor: st.sellAggressor ? 1 : 0 });
    } else {
      rows.bbo.push({ tsEvent: t, tsLocal: local, id: i, bid: mid - 1, bidSize: st.size, ask: mid + 1, askSize: st.size });
    }
  });
  return rows;
}

function cutsOf<T>(rows: readonly T[], cuts: readonly number[]): T[][] {
  const out: T[][] = [];
  for (let i = 0, k = 0; i < rows.length; k++) {
    const n = cuts[k % cuts.length]!;
    out.push(rows.slice(i, i + n));
    i += n;
  }
  return out;
}

const bigs = (xs: readonly bigint[]) => BigInt64Array.from(xs);

function depthBatch(r: StreamRows['depth']): BookDeltaBatch {
  return {
    kind: 'book_delta',
    length: r.length,
    tsEventNs: bigs(r.map((x) => x.tsEvent)),
    tsLocalNs: bigs(r.map((x) => x.tsLocal)),
    updateId: bigs(r.map((x) => BigInt(x.id))),
    batchId: bigs(r.map((x) => BigInt(x.id))),
    isSnapshot: Uint8Array.from(r.map(() => 1)),
    side: Uint8Array.from(r.map((x) => x.side)),
    price: Float64Array.from(r.map((x) => x.price)),
    size: Float64Array.from(r.map((x) => x.size)),
  };
}

function tradeBatch(r: StreamRows['trade']): TradeBatch {
  return {
    kind: 'trade',
    length: r.length,
    tsEventNs: bigs(r.map((x) => x.tsEvent)),
    tsLocalNs: bigs(r.map((x) => x.tsLocal)),
    tradeId: r.map((x) => `t${x.id}`),
    price: Float64Array.from(r.map((x) => x.price)),
    size: Float64Array.from(r.map((x) => x.size)),
    aggressor: Uint8Array.from(r.map((x) => x.aggressor)),
  };
}

function bboBatch(r: StreamRows['bbo']): BboBatch {
  return {
    kind: 'bbo',
    length: r.length,
    tsEventNs: bigs(r.map((x) => x.tsEvent)),
    tsLocalNs: bigs(r.map((x) => x.tsLocal)),
    updateId: bigs(r.map((x) => BigInt(x.id))),
    bidPrice: Float64Array.from(r.map((x) => x.bid)),
    bidSize: Float64Array.from(r.map((x) => x.bidSize)),
    askPrice: Float64Array.from(r.map((x) => x.ask)),
    askSize: Float64Array.from(r.map((x) => x.askSize)),
  };
}

async function* batches(list: readonly CanonicalBatch[]): AsyncIterable<CanonicalBatch> {
  for (const b of list) yield b;
}

/** The scenario as feeder sources, each stream's rows cut into batches of the given sizes (a depth message may span batches). */
export function feedSources(s: ClockScenario, cuts: readonly number[] = s.cuts): FeedSource[] {
  const r = streamRows(s);
  return [
    { instrument: ID, batches: batches(cutsOf(r.depth, cuts).map(depthBatch)) },
    { instrument: ID, batches: batches(cutsOf(r.trade, cuts).map(tradeBatch)) },
    { instrument: ID, batches: batches(cutsOf(r.bbo, cuts).map(bboBatch)) },
  ];
}

/** Every market event of the scenario in feed order (what the feeder yields). */
export async function feedOrder(s: ClockScenario): Promise<MarketEvent[]> {
  const feeder = await HistoricalFeeder.open(feedSources(s));
  const out: MarketEvent[] = [];
  for (;;) {
    const e = feeder.next();
    if (e) out.push(e);
    else if (feeder.needsRefill) await feeder.refill();
    else return out;
  }
}

export const RATE_WINDOW_NS = 2_000_000n;

export function engineConfig(): EngineConfig {
  return {
    instruments: [INSTRUMENT],
    triggers: { kinds: ['book_delta', 'trade', 'bbo', 'order_accepted', 'order_filled', 'order_cancelled', 'order_rejected', 'order_replaced', 'cancel_replace_rejected', 'control_time'] },
    risk: {},
    // Tight enough that bursts wait for refills: obligations and control-time events happen.
    executionControl: { rateBuckets: [{ scope: INSTRUMENT.venue, capacity: 3, refillTokens: 1, refillIntervalNs: RATE_WINDOW_NS, weights: { new: 1, replace: 1, cancel: 1 } }] },
    maxConsecutiveStrategyFailures: 3,
    recordIntentDenials: false,
    initialBalances: { USDT: 10n ** 15n },
  };
}

/**
 * Keeps one quote at the touch (alternating sides, replaced when the touch moves), cancels it
 * every 11th decision, and sends an IOC taker at the opposite touch every 7th: requests are in
 * flight most of the time and fills come from both our requests and the market.
 */
export function probeStrategy(): Strategy {
  let n = 0;
  return {
    onEvent(view): readonly Intent[] {
      n++;
      const book = view.market.book(ID);
      if (!book) return [];
      const bid = book.bidPrice();
      const ask = book.askPrice();
      if (!(bid > 0 && ask > bid)) return [];
      const out: Intent[] = [];
      const quote = view.execution.openOrders(ID).find((o) => o.clientTag === 'q');
      const queued = view.execution.pending(ID).some((p) => p.clientTag === 'q');
      if (!quote && !queued) {
        const buy = n % 2 === 1;
        out.push({ type: 'new', instrument: ID, side: buy ? 'buy' : 'sell', priceUnits: buy ? bid : ask, qtyUnits: 2, clientTag: 'q' });
      } else if (quote && quote.inflight === null) {
        const target = quote.side === 'buy' ? bid : ask;
        if (n % 11 === 0) out.push({ type: 'cancel', orderId: quote.orderId });
        else if (quote.priceUnits !== target) out.push({ type: 'replace', orderId: quote.orderId, priceUnits: target, qtyUnits: quote.qtyUnits });
      }
      if (n % 7 === 0) out.push({ type: 'new', instrument: ID, side: n % 2 === 0 ? 'buy' : 'sell', priceUnits: n % 2 === 0 ? ask : bid, qtyUnits: 1, timeInForce: 'IOC', clientTag: 't' });
      return out;
    },
  };
}

export function simulatedVenue(s: ClockScenario): SimulatedVenue {
  const venue = createSimulatedVenue({ instruments: [INSTRUMENT], queueModel: conservativeQueue(), latency: jitteredLatency(s.entryNs, s.responseNs, s.jitterNs), seed: s.seed });
  venue.start();
  return venue;
}

export function clockOf(s: ClockScenario): ExchangeClock {
  return { offsetNs: s.offsetNs, feedWindowNs: s.feedWindowNs };
}

/** What the venue was asked to do, in order, at which exchange-side time (ns, local clock). */
export type VenueCall = { readonly what: 'market'; readonly atNs: bigint; readonly event: MarketEvent } | { readonly what: 'request'; readonly atNs: bigint };

/** The venue behind a recorder of the exchange-side calls. */
/** The venue with every exchange-side call recorded; `withRevision` passes the venue's revision counter on (without it the timeline asks for the next times after every step). */
export function recordingVenue(venue: SimulatedVenue, calls: VenueCall[], withRevision = false): TimelineVenue {
  const recording: TimelineVenue = {
    submit: (r) => venue.submit(r),
    nextRequestArrivalNs: () => venue.nextRequestArrivalNs(),
    processNextRequest: () => {
      calls.push({ what: 'request', atNs: venue.nextRequestArrivalNs() });
      venue.processNextRequest();
    },
    onMarketEvent: (event, atNs) => {
      calls.push({ what: 'market', atNs, event });
      venue.onMarketEvent(event, atNs);
    },
    nextAnswerNs: () => venue.nextAnswerNs(),
    popAnswer: () => venue.popAnswer(),
  };
  return withRevision ? Object.defineProperty(recording, 'revision', { get: () => venue.revision }) : recording;
}

export interface ScenarioRun {
  readonly outcome: TimelineOutcome;
  readonly events: Event[];
  readonly checkpoints: [seq: number, stateHash: string][];
  readonly calls: VenueCall[];
  readonly finalStateHash: string;
  /** The sink's calls in order: `append|market|stepped|marketStepped seq kind` (market ones only with `marketMethods`). */
  readonly sinkCalls: string[];
}

export const END_GRACE_NS = 20_000_000n;
export const CHECKPOINT_INTERVAL = 10;

/** Runs the real timeline over the scenario with the given batch cuts; `marketMethods`: a sink with TimelineSink.market / marketStepped. */
export async function runScenario(s: ClockScenario, cuts: readonly number[] = s.cuts, withRevision = false, marketMethods = false): Promise<ScenarioRun> {
  const engine = createEngine(engineConfig(), probeStrategy());
  const calls: VenueCall[] = [];
  const events: Event[] = [];
  const checkpoints: [number, string][] = [];
  const sinkCalls: string[] = [];
  const call = (what: string, e: Event): void => void sinkCalls.push(`${what} ${e.seq} ${e.kind}`);
  const sink: TimelineSink = {
    append: (e) => {
      call('append', e);
      events.push(e);
    },
    stepped: (e) => call('stepped', e),
    checkpoint: (seq, hash) => checkpoints.push([seq, hash]),
  };
  if (marketMethods) {
    sink.market = (e) => {
      call('market', e);
      events.push(e);
    };
    sink.marketStepped = (e) => call('marketStepped', e);
  }
  const outcome = await runTimeline({
    engine,
    venue: recordingVenue(simulatedVenue(s), calls, withRevision),
    feeder: await HistoricalFeeder.open(feedSources(s, cuts), s.rebaseAtNs === undefined ? {} : { rebaseAtNs: s.rebaseAtNs }),
    sink,
    checkpointInterval: CHECKPOINT_INTERVAL,
    sessionId: 'clock',
    clock: clockOf(s),
    endGraceNs: END_GRACE_NS,
  });
  return { outcome, events, checkpoints, calls, finalStateHash: engine.stateHash(), sinkCalls };
}

/** An event as comparable text: book_delta rows materialised from its batch slice, bigints as decimals. */
export function eventText(e: Event): string {
  const rows = e.kind === 'book_delta' ? Array.from({ length: e.count }, (_, i) => [e.sides[e.offset + i], e.prices[e.offset + i], e.sizes[e.offset + i]]) : undefined;
  const plain = e.kind === 'book_delta' ? { ...e, sides: undefined, prices: undefined, sizes: undefined, offset: undefined, rows } : e;
  return JSON.stringify(plain, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
