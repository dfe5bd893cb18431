/**
 * The paper venue (SPEC.md §5 "Paper mode: live market data, simulated venue in real time"): a
 * LiveVenueAdapter over the backtest's simulated venue (`createSimulatedVenue`), with the same
 * queue, latency and fee models and seed a backtest definition gives it (`paperSimulation`: the
 * `venue:` section of a run definition, built by the backtest's own `queueModelFor` /
 * `latencyModelFor`).
 *
 * Clock: the venue runs on the session's wall clock. It learns of the market when the session
 * does (a market event acts on the venue at its tsLocalNs, the receipt time); a request reaches
 * it at its send time (RequestSent.tsLocalNs) + entry latency; an answer reaches the session at
 * the exchange time it was produced + response latency. This is the backtest clock model with
 * every market event's exchange time at its receipt (an exchange clock offset of at least the
 * feed latency: backtesting README "Clock model").
 *
 * Order of work = the backtest timeline's merge rules (backtesting timeline.ts), up to "now":
 * - exchange side in time order, a market event before a request at equal times;
 * - an exchange item before a local one at equal times; answers in arrival order;
 * - a market event the session is about to append (`onMarket`) comes after the answers due at
 *   or before its time, which are pushed first (the session may react to them: its requests due
 *   by then are processed before the event is appended, as the backtest processes them).
 * One case cannot be reproduced in real time: several market events of the same receipt time
 * (one frame). The backtest's venue acts on all of them before the core sees the first (answers
 * they cause at that time come first, seeded latency draws happen earlier); the paper venue acts
 * on each as the session receives it.
 * Requests and answers are woken by the Scheduler at their times; `onMarket` and `advance`
 * catch up whatever is due when a timer runs late, so the order never depends on timer jitter.
 * Answers are pushed with the simulated arrival as tsLocalNs; the session stamps its own clock.
 */
import {
  ChassisError,
  type Event,
  type Instrument,
  type MarketEvent,
  type RateBucketConfig,
  type RequestSentEvent,
  type EventDraft,
} from '@chassis/core';
import {
  createSimulatedVenue,
  type SimulatedVenue,
  type SimulatedVenueConfig,
  type VenueAnswer,
} from '@chassis/venues';
import { latencyModelFor, queueModelFor, type VenueModelDefinition } from '@chassis/backtesting';
import type {
  LiveClock,
  LiveVenueAdapter,
  Scheduler,
  TimerHandle,
  VenueAccountState,
  VenueFill,
  VenueLinkEvent,
  VenueOrderState,
} from '../contracts.ts';
import { clientOrderIds } from '../client-order-id.ts';
import { PaperAccount } from './paper-account.ts';

/** The simulated venue's models and seed (its configuration minus the instruments). */
export type PaperSimulation = Omit<SimulatedVenueConfig, 'instruments'>;

/**
 * The simulation a backtest definition stands for: its `venue:` section (queue, latency,
 * trade-through fill, fee overrides) built by the backtest's own functions, and its seed.
 */
export function paperSimulation(
  models: Pick<VenueModelDefinition, 'queue' | 'latency' | 'tradeThroughFill' | 'fees'>,
  seed: number,
  instruments: readonly Instrument[],
): PaperSimulation {
  const fees = models.fees;
  const feeOverrides =
    fees.makerPpm === undefined && fees.takerPpm === undefined
      ? undefined
      : Object.fromEntries(
          instruments.map((i) => [
            i.id,
            { makerFeePpm: fees.makerPpm ?? i.makerFeePpm, takerFeePpm: fees.takerPpm ?? i.takerFeePpm },
          ]),
        );
  return {
    queueModel: queueModelFor(models.queue),
    latency: latencyModelFor(models.latency),
    seed,
    tradeThroughFill: models.tradeThroughFill,
    ...(feeOverrides !== undefined ? { feeOverrides } : {}),
  };
}

export interface PaperVenueOptions {
  /** Venue id the session trades on (the instruments' venue; rate-limit scope). */
  readonly venue: string;
  /**
   * The session: client order ids are derived from it and the core's order ids (client-order-id.ts),
   * as a live adapter's. Default 'paper' (a simulated venue has no other session's orders to tell apart).
   */
  readonly sessionId?: string;
  readonly instruments: readonly Instrument[];
  /** Queue, latency and fee models and seed: `paperSimulation(definition.venue, definition.seed, instruments)` for a backtest's. */
  readonly simulation: PaperSimulation;
  readonly clock: LiveClock;
  readonly scheduler: Scheduler;
  /** Execution-control buckets the session uses for this venue (configuration; paper has no venue limits of its own). */
  readonly rateBuckets: readonly RateBucketConfig[];
  /** Starting wallet balances by asset, decimal text (as a backtest's `balances`). */
  readonly initialBalances: Readonly<Record<string, string>>;
}

const NONE = -1n;

export class PaperVenue implements LiveVenueAdapter {
  readonly venue: string;
  private readonly sim: SimulatedVenue;
  private readonly account: PaperAccount;
  /** Requests submitted and not yet processed, in arrival order (= the simulated venue's order). */
  private readonly travelling: RequestSentEvent[] = [];
  private answerSink: ((answer: VenueAnswer) => void) | null = null;
  private timer: { readonly atNs: bigint; readonly handle: TimerHandle } | null = null;
  private running = false;

  constructor(private readonly o: PaperVenueOptions) {
    this.venue = o.venue;
    this.sim = createSimulatedVenue({ ...o.simulation, instruments: o.instruments });
    const ids = clientOrderIds(o.sessionId ?? 'paper');
    this.account = new PaperAccount(o.instruments, o.initialBalances, (orderId) => ids.encode(orderId));
  }

  onAnswer(sink: (answer: VenueAnswer) => void): void {
    this.answerSink = sink;
  }

  /** Paper has no connection to lose: no link event is ever reported. */
  onLink(_listener: (event: VenueLinkEvent) => void): void {}

  start(): void {
    this.running = true;
    this.sim.start();
  }

  stop(): void {
    this.running = false;
    this.timer?.handle.cancel();
    this.timer = null;
    this.sim.stop();
  }

  /** A dispatched request; it reaches the simulated exchange at its send time + entry latency (never synchronously). */
  submit(request: RequestSentEvent): void {
    if (!this.running)
      throw new ChassisError('E_PAPER_STOPPED', `request seq ${request.seq} submitted to a stopped paper venue`);
    this.sim.submit(request);
    this.travelling.push(request);
    this.arm();
  }

  /**
   * A market event the session received and is about to append: first the venue catches up to
   * its time (answers due at or before it are pushed), then the event acts on the exchange book.
   */
  onMarket(event: EventDraft<MarketEvent>): void {
    this.run(event.tsLocalNs, event as MarketEvent);
    this.arm();
  }

  /** Processes and pushes everything due at or before `nowNs` (the session may call it before appending any event of its own). */
  advance(nowNs: bigint): void {
    this.run(nowNs, null);
    this.arm();
  }

  /**
   * A recovered session's account: the paper venue of the killed process died with it, so its
   * resting orders are gone, but the account (positions, wallet, trades) is what the journal's
   * requests and answers made it. Replays them into the account (no order rests again).
   */
  restoreAccount(journal: readonly Event[]): void {
    for (const e of journal) {
      if (e.kind === 'request_sent') this.account.requestArrived(e);
      else if ('requestSeq' in e) this.account.answered(e);
    }
  }

  // ------------------------------------------------------------------ the venue's own state

  fetchAccountState(): Promise<VenueAccountState> {
    const openOrders = this.o.instruments.flatMap((i) =>
      this.sim.openOrders(i.id).map((v) => this.resting(v.orderId)!),
    );
    return Promise.resolve({
      openOrders,
      positions: this.account.positions(),
      balances: this.account.balances(),
      asOfNs: this.o.clock.nowNs(),
    });
  }

  queryOrder(orderId: number): Promise<VenueOrderState | null> {
    return Promise.resolve(this.resting(orderId) ?? this.account.order(orderId));
  }

  recentFills(sinceNs: bigint, instrument: string): Promise<readonly VenueFill[]> {
    return Promise.resolve(this.account.fills(sinceNs, instrument));
  }

  /** The paper venue holds no order but the session's: there is never a foreign one to cancel. */
  cancelForeign(order: VenueOrderState): Promise<void> {
    return Promise.reject(
      new ChassisError(
        'E_PAPER_FOREIGN',
        `the paper venue has no foreign order ${order.clientOrderId} (${order.venueOrderId}) to cancel`,
      ),
    );
  }

  rateBuckets(): readonly RateBucketConfig[] {
    return this.o.rateBuckets;
  }

  /** A resting order as the exchange sees it now (fills applied at the exchange, answers possibly still on their way). */
  private resting(orderId: number): VenueOrderState | null {
    const v = this.sim.openOrder(orderId);
    const known = this.account.order(orderId);
    if (v === undefined || known === null) return null;
    return {
      ...known,
      priceUnits: v.priceUnits,
      qtyUnits: v.qtyUnits,
      filledQtyUnits: v.filledUnits,
      status: v.filledUnits > 0 ? 'partially_filled' : 'open',
    };
  }

  // ----------------------------------------------------------------------- the merged run

  /** The backtest timeline's merge (see the header) over what is due at or before `limitNs`, with `market` at `limitNs` if given. */
  private run(limitNs: bigint, market: MarketEvent | null): void {
    let pending = market;
    for (;;) {
      const arrival = this.sim.nextRequestArrivalNs();
      const req = arrival !== NONE && arrival <= limitNs ? arrival : NONE;
      const ans = this.sim.nextAnswerNs();
      const mkt = pending === null ? NONE : limitNs;
      const ex = earliest(mkt, req); // equal times: the market event (compared by value below)
      const loc = ans !== NONE && ans <= limitNs ? ans : NONE;
      if (ex !== NONE && (loc === NONE || ex <= loc)) {
        if (ex === mkt) {
          this.sim.onMarketEvent(pending!, mkt);
          pending = null;
        } else {
          this.account.requestArrived(this.travelling.shift()!);
          this.sim.processNextRequest();
        }
      } else if (loc !== NONE) {
        const answer = this.sim.popAnswer();
        this.account.answered(answer);
        this.answerSink?.(answer);
      } else {
        return;
      }
    }
  }

  /** One timer for the earliest request arrival or answer arrival still to come. */
  private arm(): void {
    if (!this.running) return;
    const due = earliest(this.sim.nextRequestArrivalNs(), this.sim.nextAnswerNs());
    if (this.timer !== null && this.timer.atNs === due) return;
    this.timer?.handle.cancel();
    this.timer = null;
    if (due === NONE) return;
    const handle = this.o.scheduler.at(due, () => {
      if (this.timer?.handle === handle) this.timer = null;
      this.advance(due);
    });
    this.timer = { atNs: due, handle };
  }
}

/** Creates the paper venue; validates its models and balances up front. */
export function createPaperVenue(options: PaperVenueOptions): PaperVenue {
  return new PaperVenue(options);
}

function earliest(a: bigint, b: bigint): bigint {
  if (a === NONE) return b;
  if (b === NONE) return a;
  return a < b ? a : b;
}
