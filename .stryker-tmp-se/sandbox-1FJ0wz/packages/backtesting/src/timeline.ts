/**
 * The backtest timeline (SPEC.md §5): two clocks, one event stream.
 *
 * - Exchange side (simulated venue): market events at tsEventNs and our requests at their
 *   arrival time (venue.nextRequestArrivalNs()). Before a request arriving at t is processed,
 *   the venue has seen every market event whose exchange time is <= t. Market events are fed
 *   to the venue in feed order, each at min(tsEventNs, tsLocalNs) so the venue never learns
 *   of data later than we do, and the venue stamps what that event causes (fills of resting
 *   orders) at that same time — on captures whose recorder clock runs behind the venue's
 *   (tsLocal < tsEvent) this keeps fills on the clock of request arrivals instead of seconds
 *   late; events fed to the venue but not yet to the core wait in a small look-ahead queue
 *   (the feed-latency window).
 * - Local side (core): venue answers at their arrival tsLocalNs, market events at tsLocalNs,
 *   and Control-Time Events at the due time of the newest obligation per scope.
 *   Tie rule at equal tsLocal: venue answers, then market events, then control-time events.
 * The side with the earlier next time goes first (exchange on ties).
 *
 * End of data: after the last market event the run keeps simulating for a bounded grace
 * period, `endGraceNs` (default 5 s of simulated time past the last market event's tsLocal):
 * requests still travelling to the venue are processed, venue answers arrive and are stepped
 * (the strategy may react; its new requests are simulated too), and obligations due inside
 * the grace period are realised as Control-Time Events. Anything due later is not simulated
 * (the order stays as the last answer left it). Then the session ends.
 *
 * The runtime assigns seq (gap-free from 1) to every event it appends, appends each step's
 * RequestSent events as numbered by the core and hands them to the venue, appends and steps
 * the core's control-event drafts, and realises obligations only here.
 */
// @ts-nocheck

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

/** What the timeline needs from a simulated venue (the ClockedVenueAdapter of @chassis/venues plus its exchange-side clock). */
export interface TimelineVenue {
  submit(request: RequestSentEvent): void;
  /** Exchange arrival time (ns) of the earliest unprocessed request, or -1n. */
  nextRequestArrivalNs(): bigint;
  processNextRequest(): void;
  /** A market event at exchange time `exchangeTsNs`: min(tsEventNs, tsLocalNs), see the header. */
  onMarketEvent(event: MarketEvent, exchangeTsNs: bigint): void;
  /** Earliest local arrival time (ns) of a pending answer, or -1n. */
  nextAnswerNs(): bigint;
  popAnswer(): EventDraft<ExecutionEvent>;
}

export interface TimelineSink {
  /** Every event, in stream order, once appended (before or after it is stepped). */
  append(event: Event): void;
  /** After an event was stepped and its requests appended. */
  stepped?(event: Event, result: StepResult, engine: Engine): void;
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
}

const NONE = -1n;
/**
 * Yield to the event loop every 256 market events: storage reads complete on other threads,
 * but the feeder's read-ahead (its next batch) only advances when this loop yields, so without
 * it the reader would run one 2048-row engine chunk ahead and the loop would wait. Wall-clock
 * only: the stream is unaffected.
 */
const READ_AHEAD_YIELD_MASK = 255;
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function runTimeline(o: TimelineOptions): Promise<TimelineOutcome> {
  const { engine, venue, feeder, sink } = o;
  let seq = 0;
  let nextCheckpoint = o.checkpointInterval;
  let lastCheckpoint = 0;
  let marketEvents = 0;
  let controlTimeEvents = 0;
  let obligationCount = 0;
  let violation: InvariantViolation | null = null;
  let lastLocalNs = 0n;
  const progressEvery = o.progressEvery ?? 65_536;
  const counters: TimelineCounters = { events: 0, marketEvents: 0, controlTimeEvents: 0, obligations: 0, obligationsOutstanding: 0 };
  const progress = (): void | Promise<void> => {
    counters.events = seq;
    counters.marketEvents = marketEvents;
    counters.controlTimeEvents = controlTimeEvents;
    counters.obligations = obligationCount;
    counters.obligationsOutstanding = obligations.size;
    return o.onProgress?.(marketEvents, counters);
  };

  // Newest obligation per scope; insertion-ordered Map, scopes iterated in first-seen order.
  const obligations = new Map<string, ControlSchedulingObligation>();
  // Look-ahead queue: fed to the venue, not yet to the core.
  const ahead: MarketEvent[] = [];
  let aheadHead = 0;
  let nextFeed: MarketEvent | null = null;
  let feedDone = false;

  const process = (event: Event): void => {
    if (violation) return;
    sink.append(event);
    lastLocalNs = event.tsLocalNs;
    const result = engine.step(event);
    if (result.violation) {
      violation = result.violation;
      return;
    }
    const sent = result.requestsSent;
    for (let i = 0; i < sent.length; i++) {
      const r = sent[i]!;
      seq = r.seq;
      sink.append(r);
      venue.submit(r);
    }
    if (result.obligation) {
      obligations.set(result.obligation.scope, result.obligation);
      obligationCount++;
    }
    sink.stepped?.(event, result, engine);
    if (seq >= nextCheckpoint) {
      lastCheckpoint = seq;
      sink.checkpoint?.(seq, engine.stateHash());
      while (nextCheckpoint <= seq) nextCheckpoint += o.checkpointInterval;
    }
    const ctl = result.controlEvents;
    for (let i = 0; i < ctl.length; i++) appendDraft(ctl[i]!);
  };

  const appendDraft = (draft: EventDraft): void => {
    const e = draft as unknown as { seq: number };
    e.seq = ++seq;
    process(draft as Event);
  };

  const pullFeed = async (): Promise<void> => {
    while (nextFeed === null && !feedDone) {
      nextFeed = feeder.next();
      if (nextFeed === null) {
        if (feeder.needsRefill) await feeder.refill();
        else feedDone = true;
      }
    }
  };

  await pullFeed();
  const first = nextFeed as MarketEvent | null;
  if (first) appendDraft({ kind: 'session', tsEventNs: first.tsLocalNs, tsLocalNs: first.tsLocalNs, state: 'start', sessionId: o.sessionId });

  const endGraceNs = o.endGraceNs ?? DEFAULT_END_GRACE_NS;
  if (endGraceNs < 0n) throw new RangeError(`timeline: endGraceNs must be >= 0, got ${endGraceNs}`);
  let lastMarketLocalNs = NONE;
  // Set once the market data is exhausted: nothing due after it is simulated.
  let graceEndNs = NONE;

  while (!violation) {
    // Synchronous on the hot path: only a refill (a storage read) is awaited.
    if (nextFeed === null && !feedDone) {
      nextFeed = feeder.next();
      if (nextFeed === null) await pullFeed();
    }
    const nf = nextFeed as MarketEvent | null;
    const aheadEmpty = aheadHead === ahead.length;
    if (nf === null && aheadEmpty && graceEndNs === NONE) {
      if (lastMarketLocalNs === NONE) break; // no market data at all
      graceEndNs = lastMarketLocalNs + endGraceNs;
    }

    // Exchange side.
    const reqNs = venue.nextRequestArrivalNs();
    const feedExNs = nf === null ? NONE : nf.tsEventNs < nf.tsLocalNs ? nf.tsEventNs : nf.tsLocalNs;
    let exNs = reqNs;
    let exIsFeed = false;
    if (feedExNs !== NONE && (exNs === NONE || feedExNs <= exNs)) {
      exNs = feedExNs;
      exIsFeed = true;
    }

    // Local side.
    const ansNs = venue.nextAnswerNs();
    const mktNs = aheadEmpty ? NONE : ahead[aheadHead]!.tsLocalNs;
    let cteNs = NONE;
    let cteScope: string | null = null;
    if (obligations.size > 0) {
      for (const [scope, ob] of obligations) {
        if (cteNs === NONE || ob.dueTsLocalNs < cteNs) {
          cteNs = ob.dueTsLocalNs;
          cteScope = scope;
        }
      }
    }
    let locNs = ansNs;
    let loc = 0; // 0 answer, 1 market, 2 control time
    if (mktNs !== NONE && (locNs === NONE || mktNs < locNs)) {
      locNs = mktNs;
      loc = 1;
    }
    if (cteNs !== NONE && (locNs === NONE || cteNs < locNs)) {
      locNs = cteNs;
      loc = 2;
    }

    if (graceEndNs !== NONE) {
      if (exNs !== NONE && exNs > graceEndNs) exNs = NONE;
      if (locNs !== NONE && locNs > graceEndNs) locNs = NONE;
    }

    if (exNs !== NONE && (locNs === NONE || exNs <= locNs)) {
      if (exIsFeed) {
        venue.onMarketEvent(nf!, feedExNs);
        ahead.push(nf!);
        nextFeed = null;
      } else venue.processNextRequest();
      continue;
    }
    if (locNs === NONE) break;

    if (loc === 0) {
      appendDraft(venue.popAnswer());
    } else if (loc === 1) {
      const e = ahead[aheadHead++]!;
      if (aheadHead === ahead.length) {
        ahead.length = 0;
        aheadHead = 0;
      } else if (aheadHead > 4096) {
        ahead.splice(0, aheadHead);
        aheadHead = 0;
      }
      marketEvents++;
      lastMarketLocalNs = e.tsLocalNs;
      appendDraft(e);
      if (marketEvents % progressEvery === 0) {
        const pending = progress();
        if (pending) await pending;
      }
      if ((marketEvents & READ_AHEAD_YIELD_MASK) === 0) await yieldToLoop();
    } else {
      const ob = obligations.get(cteScope!)!;
      obligations.delete(cteScope!);
      // An obligation whose work disappeared is not realised.
      if (engine.view.execution.pending().length === 0) continue;
      const ts = ob.dueTsLocalNs > lastLocalNs ? ob.dueTsLocalNs : lastLocalNs;
      const cte: EventDraft<ControlTimeEvent> = {
        kind: 'control_time',
        tsEventNs: ts,
        tsLocalNs: ts,
        dueTsLocalNs: ob.dueTsLocalNs,
        reason: ob.reason,
        scope: ob.scope,
        obligationSeq: ob.derivedAtSeq,
      };
      controlTimeEvents++;
      appendDraft(cte);
    }
  }

  if (!violation && seq > 0) appendDraft({ kind: 'session', tsEventNs: lastLocalNs, tsLocalNs: lastLocalNs, state: 'end', sessionId: o.sessionId });
  if (!violation && seq > lastCheckpoint) sink.checkpoint?.(seq, engine.stateHash());
  await progress();
  return {
    status: violation ? 'halted' : 'completed',
    violation,
    events: seq,
    marketEvents,
    controlTimeEvents,
    obligations: obligationCount,
    lastSeq: seq,
  };
}
