/**
 * The backtest timeline (SPEC.md §5, README "Clock model"): one clock, two sides, one stream.
 *
 * Everything runs on the local clock (tsLocalNs); exchange times are mapped onto it
 * (exchange-clock.ts).
 * - Exchange side (simulated venue): market events in exchange-time order, each at its
 *   exchange time x = clamp(tsEvent + offset, tsLocal − feedWindow, tsLocal); our requests at
 *   send time + entry latency (the venue keeps them in order). At equal times market data first.
 * - Local side (core): venue answers at exchange time + response latency (their tsEventNs is
 *   put back on the venue's clock: exchange-side time − offset), market events at
 *   tsLocalNs, Control-Time Events at the due time of the newest obligation per scope. Tie
 *   rule at equal tsLocal: venue answers, then market events, then control-time events.
 * - Merge: the side with the earlier next time goes first, the exchange side on ties; the feed
 *   window (feed-window.ts) has read far enough that nothing unread can come earlier. So when
 *   the venue acts at x, every event the core has seen is at or before x, and an answer (at
 *   x + response ≥ x) can never arrive before the engine's current local time, whatever the
 *   clock offset and jitter of the data.
 *
 * End of data: after the last market event the run keeps simulating for a bounded grace
 * period, `endGraceNs` (default 5 s of simulated time past the last market event's tsLocal):
 * requests still travelling to the venue are processed, venue answers arrive and are stepped
 * (the strategy may react; its new requests are simulated too), and obligations due inside
 * the grace period are realised as Control-Time Events. Anything due later is not simulated
 * (the order stays as the last answer left it). Then the session ends.
 *
 * Numbers on the hot path: the loop compares times as float64 ns after the feed's epoch
 * (feeder.ts), so merging the two sides allocates no BigInt. The venue and the obligations keep
 * bigint times; each of their next times is converted once when it changes (RelativeTime).
 * Before acting at a time more than `feeder.rebaseAtRel` (about 26 days) after the epoch, the
 * loop moves the epoch there (FeedWindow.rebase) and re-reads its own times, so a run may span
 * any length and every time it acts on is an exact integer (README "Number clock").
 *
 * Seq, stepping and checkpoints: event-stream.ts; obligations: obligation-book.ts.
 */
import type {
  ControlSchedulingObligation,
  ControlTimeEvent,
  Engine,
  Event,
  EventDraft,
  ExecutionEvent,
  InvariantViolation,
  MarketEvent,
  RequestSentEvent,
  StepResult,
} from '@chassis/core';
import type { HistoricalFeeder } from './feeder.ts';
import { checkExchangeClock, SYNCHRONISED_CLOCK, type ExchangeClock } from './exchange-clock.ts';
import { FeedWindow } from './feed-window.ts';
import { ObligationBook } from './obligation-book.ts';
import { BacktestEventStream } from './event-stream.ts';

/** What the timeline needs from a simulated venue (the ClockedVenueAdapter of @chassis/venues plus its exchange-side clock). */
export interface TimelineVenue {
  submit(request: RequestSentEvent): void;
  /** Exchange arrival time (ns) of the earliest unprocessed request, or -1n. */
  nextRequestArrivalNs(): bigint;
  processNextRequest(): void;
  /** A market event at its exchange-side time `exchangeTsNs` (ns, local clock; exchange-clock.ts). */
  onMarketEvent(event: MarketEvent, exchangeTsNs: bigint): void;
  /** Earliest local arrival time (ns) of a pending answer, or -1n. */
  nextAnswerNs(): bigint;
  /** Optional change counter of the requests and answers in flight: while unchanged, the timeline reuses the two times above. */
  readonly revision?: number;
  popAnswer(): EventDraft<ExecutionEvent>;
}

export interface TimelineSink {
  /** Every event, in stream order, once appended (before or after it is stepped). */
  append(event: Event): void;
  /** A market event, in place of `append` (a sink without it gets `append`): its accesses see only market event shapes. */
  market?(event: MarketEvent): void;
  /** After an event was stepped and its requests appended. */
  stepped?(event: Event, result: StepResult, engine: Engine): void;
  /** After a market event was stepped, in place of `stepped` (a sink without it gets `stepped`). */
  marketStepped?(event: MarketEvent, result: StepResult, engine: Engine): void;
  checkpoint?(seq: number, stateHash: string): void;
}

export interface TimelineOptions {
  readonly engine: Engine;
  readonly venue: TimelineVenue;
  readonly feeder: HistoricalFeeder;
  readonly sink: TimelineSink;
  /** State-hash checkpoint every this many events (at the first step boundary past each multiple). */
  readonly checkpointInterval: number;
  readonly sessionId: string;
  /**
   * Called every `progressEvery` market events and once at the end (progress bars, monitoring);
   * wall-clock only, never state. `counters` is one object reused for the whole run. A returned
   * promise is awaited before the next event, so a caller can yield to the event loop (a
   * /metrics endpoint answers while the run is busy); the stream is unaffected.
   */
  readonly onProgress?: (marketEvents: number, counters: TimelineCounters) => void | Promise<void>;
  readonly progressEvery?: number;
  /** How exchange times map onto the local clock (offset, feed window); default: synchronised clocks, 5 s window. */
  readonly clock?: ExchangeClock;
  /** After the last market event, keep simulating venue answers, requests and obligations due up to this long after it (ns of simulated local time; default 5 s). */
  readonly endGraceNs?: bigint;
}

export const DEFAULT_END_GRACE_NS = 5_000_000_000n;

/** Cumulative timeline figures handed to `onProgress`. */
export interface TimelineCounters {
  events: number;
  marketEvents: number;
  controlTimeEvents: number;
  /** Obligations derived (each a step whose allowed work was blocked by a rate limit). */
  obligations: number;
  /** Obligations outstanding now (at most one per scope). */
  obligationsOutstanding: number;
}

export interface TimelineOutcome {
  readonly status: 'completed' | 'halted';
  readonly violation: InvariantViolation | null;
  readonly events: number;
  readonly marketEvents: number;
  readonly controlTimeEvents: number;
  readonly obligations: number;
  readonly lastSeq: number;
  /** Market events whose exchange time had to be clamped into [tsLocal − feedWindow, tsLocal] (exchange-clock.ts). */
  readonly exchangeTimeClamps: { readonly toReceipt: number; readonly toWindow: number };
}

const NONE = -1n;
/**
 * Yield to the event loop every 256 market events while a source's read-ahead is in flight:
 * storage reads complete on other threads, but the feeder's read-ahead (its next batch) only
 * advances when this loop yields, so without it the reader would fall behind and the loop would
 * wait. Wall-clock only: the stream is unaffected.
 */
const READ_AHEAD_YIELD_MASK = 255;
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A bigint time of the venue or the obligations (-1n = none) on the feed window's number clock (Infinity = none), converted only when it changes. */
class RelativeTime {
  /** null: convert the next time whatever it is (the epoch moved). */
  private lastNs: bigint | null = null;
  private lastRel = Infinity;
  constructor(private readonly market: FeedWindow) {}

  of(tNs: bigint): number {
    if (tNs !== this.lastNs) {
      this.lastNs = tNs;
      this.lastRel = this.market.relOf(tNs);
    }
    return this.lastRel;
  }

  /** The epoch moved: the cached number is stale. */
  forget(): void {
    this.lastNs = null;
  }
}

export async function runTimeline(o: TimelineOptions): Promise<TimelineOutcome> {
  const { engine, venue, feeder } = o;
  const clock = o.clock ?? SYNCHRONISED_CLOCK;
  checkExchangeClock(clock);
  const endGraceNs = o.endGraceNs ?? DEFAULT_END_GRACE_NS;
  if (endGraceNs < 0n) throw new RangeError(`timeline: endGraceNs must be >= 0, got ${endGraceNs}`);
  const obligations = new ObligationBook();
  const stream = new BacktestEventStream(engine, venue, o.sink, obligations, o.checkpointInterval);
  const market = new FeedWindow(feeder, clock);
  const progressEvery = o.progressEvery ?? 65_536;
  const loop = new TimelineLoop(engine, venue, feeder, market, stream, obligations, clock, endGraceNs, progressEvery);
  const counters: TimelineCounters = { events: 0, marketEvents: 0, controlTimeEvents: 0, obligations: 0, obligationsOutstanding: 0 };
  const progress = (): void | Promise<void> => {
    counters.events = stream.seq;
    counters.marketEvents = loop.marketEvents;
    counters.controlTimeEvents = loop.controlTimeEvents;
    counters.obligations = obligations.derived;
    counters.obligationsOutstanding = obligations.size;
    return o.onProgress?.(loop.marketEvents, counters);
  };

  while (!market.readThroughRel(Infinity)) await market.refill();
  const firstNs = market.localHeadNs();
  if (firstNs !== NONE) stream.append({ kind: 'session', tsEventNs: firstNs, tsLocalNs: firstNs, state: 'start', sessionId: o.sessionId });

  // The loop runs synchronously until it must wait; only a refill (a storage read), progress and the read-ahead yield are awaited.
  // Rare once-per-run steps (the end of the data) also come back here, so the loop's optimised code never meets a branch it has not run.
  for (let why = loop.run(); why !== FINISHED; why = loop.run()) {
    if (why === NEEDS_REFILL) await market.refill();
    else if (why === YIELD_DUE) await yieldToLoop();
    else if (why === DATA_END) {
      if (!loop.startGrace()) break; // no market data at all
    }
    else {
      const pending = progress();
      if (pending) await pending;
      if ((loop.marketEvents & READ_AHEAD_YIELD_MASK) === 0 && feeder.readAheadInFlight) await yieldToLoop();
    }
  }

  if (!stream.violation && stream.seq > 0) {
    const endNs = stream.lastLocalNs;
    stream.append({ kind: 'session', tsEventNs: endNs, tsLocalNs: endNs, state: 'end', sessionId: o.sessionId });
  }
  stream.close();
  await progress();
  return {
    status: stream.violation ? 'halted' : 'completed',
    violation: stream.violation,
    events: stream.seq,
    marketEvents: loop.marketEvents,
    controlTimeEvents: loop.controlTimeEvents,
    obligations: obligations.derived,
    lastSeq: stream.seq,
    exchangeTimeClamps: { toReceipt: market.clampedToReceipt, toWindow: market.clampedToWindow },
  };
}

/** Why `TimelineLoop.run` returned: the session is over, or the caller must await something first. */
const FINISHED = 0;
const NEEDS_REFILL = 1;
const PROGRESS_DUE = 2;
const YIELD_DUE = 3;
/** The market data is exhausted: the caller starts the grace period (`startGrace`), outside the hot loop that never ran it. */
const DATA_END = 6;
/** What TimelineLoop's market run did when it needs no await: nothing, or something (the caller looks again). */
const ACTED = 4;
const IDLE = 5;

/**
 * The merge of the two sides as a synchronous loop: `run()` acts until the session is over or the
 * caller must await (a refill, progress, the read-ahead yield) or start the grace period, then returns why; called again, it
 * goes on where it stopped. Its times live in locals of one function (no async frame, no closure
 * context), and it re-asks the venue and the obligations only when their revision changed, so a
 * run of market messages with nothing else due costs two comparisons per side and message.
 */
class TimelineLoop {
  marketEvents = 0;
  controlTimeEvents = 0;
  private lastMarket: MarketEvent | null = null;
  /** The next request's, answer's and obligation's times run hands marketRun (ns after the epoch; Infinity: none). */
  private reqT = Infinity;
  private ansT = Infinity;
  private cteT = Infinity;
  /** Set once the market data is exhausted: nothing due after it is simulated (Infinity until then). */
  private graceEnd = Infinity;
  private graceEndNs = NONE;
  private readonly requestTime: RelativeTime;
  private readonly answerTime: RelativeTime;
  private readonly obligationTime: RelativeTime;

  constructor(
    private readonly engine: Engine,
    private readonly venue: TimelineVenue,
    private readonly feeder: HistoricalFeeder,
    private readonly market: FeedWindow,
    private readonly stream: BacktestEventStream,
    private readonly obligations: ObligationBook,
    private readonly clock: ExchangeClock,
    private readonly endGraceNs: bigint,
    private readonly progressEvery: number,
  ) {
    this.requestTime = new RelativeTime(market);
    this.answerTime = new RelativeTime(market);
    this.obligationTime = new RelativeTime(market);
    // Set once, at the end of the data: mutable fields from the start (obligation-book.ts).
    this.graceEnd = 0;
    this.graceEnd = Infinity;
    this.graceEndNs = 0n;
    this.graceEndNs = NONE;
  }

  run(): number {
    const { venue, feeder, market, stream, obligations } = this;
    const rebaseAt = feeder.rebaseAtRel;
    // Every time kept on the number clock is read afresh on entry (the epoch may have moved before a refill).
    let epochMoves = -1;
    let venueRevision = -1;
    let obligationRevision = -1;
    let reqT = Infinity;
    let ansT = Infinity;
    let cteT = Infinity;
    while (!stream.violation) {
      if (epochMoves !== market.epochMoves) {
        // The epoch moved (or the loop was entered): re-read every time kept on the number clock.
        epochMoves = market.epochMoves;
        this.requestTime.forget();
        this.answerTime.forget();
        this.obligationTime.forget();
        venueRevision = -1;
        obligationRevision = -1;
        this.graceEnd = market.relOf(this.graceEndNs); // Infinity until the grace period starts; stored on every entry (type feedback before it does)
      }
      const revision = venue.revision;
      if (revision === undefined || revision !== venueRevision) {
        venueRevision = revision ?? -1;
        reqT = this.requestTime.of(venue.nextRequestArrivalNs());
        ansT = this.answerTime.of(venue.nextAnswerNs());
      }
      if (obligations.revision !== obligationRevision) {
        obligationRevision = obligations.revision;
        cteT = this.obligationTime.of(obligations.earliestDueNs());
      }
      if (!market.readThroughRel(Math.min(reqT, ansT, cteT))) {
        if (feeder.needsRefill) return NEEDS_REFILL;
        continue;
      }
      const graceEnd = this.graceEnd;
      if (graceEnd === Infinity && market.drained) return DATA_END;
      if (graceEnd === Infinity) {
        // The three times go through fields: a time passed to a call that is not inlined is boxed (16 bytes).
        this.reqT = reqT;
        this.ansT = ansT;
        this.cteT = cteT;
        const why = this.marketRun(venueRevision, obligationRevision);
        if (why !== IDLE) {
          if (why === ACTED) continue;
          return why;
        }
      }

      // Exchange side: market data before a request at equal times.
      const feedExT = market.exchangeHeadRel();
      let exT = feedExT < reqT ? feedExT : reqT;
      // Local side: answers, then market events, then control-time events at equal times.
      const mktT = market.localHeadRel();
      let locT = ansT < mktT ? ansT : mktT;
      if (cteT < locT) locT = cteT;
      const nextT = exT < locT ? exT : locT;
      if (nextT > rebaseAt && nextT !== Infinity) {
        // Far from the epoch the numbers may be rounded: move the epoch to the next action first.
        market.rebase(Math.floor(nextT));
        continue;
      }
      if (exT > graceEnd) exT = Infinity;
      if (locT > graceEnd) locT = Infinity;

      if (exT !== Infinity && exT <= locT) {
        if (exT === feedExT) venue.onMarketEvent(market.popExchange(), market.poppedExchangeNs);
        else venue.processNextRequest();
      } else if (locT === Infinity) {
        return FINISHED;
      } else if (locT === ansT) {
        stream.append(onVenueClock(venue.popAnswer(), this.clock));
      } else if (locT === mktT) {
        const why = this.takeLocal();
        if (why !== ACTED) return why;
      } else {
        const cte = controlTimeEvent(obligations.takeEarliest(), this.engine, stream.lastLocalNs);
        if (cte) {
          this.controlTimeEvents++;
          stream.append(cte);
        }
      }
    }
    return FINISHED;
  }

  /** The market data is exhausted: simulate up to `endGraceNs` past the last market event. False when there was no market data at all. */
  startGrace(): boolean {
    if (this.lastMarket === null) return false;
    this.graceEndNs = this.lastMarket.tsLocalNs + this.endGraceNs;
    this.graceEnd = this.market.relOf(this.graceEndNs);
    return true;
  }

  /**
   * The common case in one tight loop: hands market messages to the two sides in merge order for
   * as long as no request, answer or obligation is due first and neither the venue's nor the
   * obligations' revision changes (then their times are the reqT, ansT and cteT run set), without the bookkeeping of
   * a general step. Each message goes where `run` would send it: to the venue when its exchange
   * time is the earliest time of all (ties: market data first), to the core when its tsLocalNs
   * is, below every answer's and request's and at or below every obligation's time. Returns IDLE
   * when it took none, ACTED when it stopped after taking some, or what the caller must await.
   */
  private marketRun(venueRevision: number, obligationRevision: number): number {
    const { reqT, ansT, cteT } = this;
    const { venue, market, stream, obligations } = this;
    const rebaseAt = this.feeder.rebaseAtRel;
    const lim = Math.min(reqT, ansT, cteT);
    const localLim = reqT < ansT ? reqT : ansT;
    let why = IDLE;
    for (;;) {
      // Reads ahead as run does before every action (a no-op while nothing unread can come first).
      if (!market.readThroughRel(lim)) return why;
      const exH = market.exchangeHeadRel();
      const locH = market.localHeadRel();
      if (exH <= locH) {
        if (exH > lim || exH > rebaseAt) return why;
        venue.onMarketEvent(market.popExchange(), market.poppedExchangeNs);
        why = ACTED;
        if (venue.revision !== venueRevision) return why;
      } else {
        if (locH >= localLim || locH > cteT || locH > rebaseAt) return why;
        why = this.takeLocal();
        if (why !== ACTED) return why;
        if (stream.violation || venue.revision !== venueRevision || obligations.revision !== obligationRevision) return why;
      }
    }
  }

  /** Steps the core's next market event; returns ACTED or what the caller must await. */
  private takeLocal(): number {
    const n = ++this.marketEvents;
    const e = this.market.popLocal();
    this.lastMarket = e;
    this.stream.appendMarket(e);
    if (n % this.progressEvery === 0) return PROGRESS_DUE;
    if ((n & READ_AHEAD_YIELD_MASK) === 0 && this.feeder.readAheadInFlight) return YIELD_DUE;
    return ACTED;
  }
}

/** An answer's tsEventNs back on the venue's clock (the venue acts on the local clock): exchange-side time − offset. */
function onVenueClock(answer: EventDraft<ExecutionEvent>, clock: ExchangeClock): EventDraft<ExecutionEvent> {
  if (clock.offsetNs !== 0n) (answer as { tsEventNs: bigint }).tsEventNs -= clock.offsetNs;
  return answer;
}

/** Realises an obligation at its due time (never before the current local time), or null when its work disappeared. */
function controlTimeEvent(ob: ControlSchedulingObligation, engine: Engine, nowNs: bigint): EventDraft<ControlTimeEvent> | null {
  if (engine.view.execution.pending().length === 0) return null;
  const ts = ob.dueTsLocalNs > nowNs ? ob.dueTsLocalNs : nowNs;
  return { kind: 'control_time', tsEventNs: ts, tsLocalNs: ts, dueTsLocalNs: ob.dueTsLocalNs, reason: ob.reason, scope: ob.scope, obligationSeq: ob.derivedAtSeq };
}
