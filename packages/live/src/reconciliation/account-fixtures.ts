/**
 * Fixtures for reconciliation tests: two real instrument definitions (Binance USD-M BTCUSDT,
 * linear, settles USDT at 4 decimals; Binance spot ETHUSDT, USDT at 6 decimals and ETH at 4),
 * an engine that places, acknowledges and fills orders the way a session would feed it, and a
 * plain-data stand-in for the engine's derived account. Used by tests only.
 */
import { createEngine } from '@chassis/core';
import { BTC } from '../../../core/src/testing/fixtures.ts';
import type {
  Engine,
  Event,
  EventDraft,
  Instrument,
  Intent,
  OrderView,
  PositionView,
  RequestSentEvent,
  StateView,
  StepResult,
} from '@chassis/core';
import type { DerivedAccountView } from './compare-account.ts';

/** Binance USD-M BTCUSDT as the core's own tests define it. */
export const BTCUSDT: Instrument = BTC;

export const ETHUSDT_SPOT: Instrument = {
  ...BTCUSDT,
  id: 'binance:ETHUSDT',
  venue: 'binance',
  symbol: 'ETHUSDT',
  contractType: 'spot',
  baseCurrency: 'ETH',
  priceDecimals: 2,
  sizeDecimals: 4,
};

/** An engine over the given instruments, fed like a session feeds it: seqs assigned, RequestSent appended. */
/** An event draft before the feed stamps its times. */
type UnstampedDraft = EventDraft extends infer E
  ? E extends EventDraft
    ? Omit<E, 'tsEventNs' | 'tsLocalNs'>
    : never
  : never;

export class FedEngine {
  readonly engine: Engine;
  private readonly journal: Event[] = [];
  private nextIntents: Intent[] = [];
  private nowNs = 1_000_000_000n;
  /** What the last step returned (its decisions show risk's verdicts). */
  lastResult: StepResult | null = null;
  /** Receives the requests each step dispatches (the session hands them to the venue adapter). */
  dispatch: (request: RequestSentEvent) => void = () => {};

  constructor(instruments: readonly Instrument[], initialBalances: Record<string, bigint>) {
    this.engine = createEngine(
      {
        instruments,
        triggers: { kinds: ['bbo'] },
        risk: {},
        executionControl: { rateBuckets: [] },
        maxConsecutiveStrategyFailures: 3,
        recordIntentDenials: false,
        initialBalances,
      },
      { onEvent: () => this.nextIntents.splice(0) },
    );
  }

  get view(): StateView {
    return this.engine.view;
  }

  /** Appends a draft stamped with this feed's clock (as the session stamps its wall clock on receipt). */
  push(draft: UnstampedDraft): void {
    this.nowNs += 1_000_000n;
    const event = { ...draft, tsEventNs: this.nowNs, tsLocalNs: this.nowNs, seq: this.journal.length } as Event;
    this.journal.push(event);
    const result = this.engine.step(event);
    this.lastResult = result;
    this.journal.push(...result.requestsSent);
    if (this.engine.violation !== null) throw new Error(`engine halted: ${this.engine.violation.message}`);
    for (const request of result.requestsSent) this.dispatch(request);
  }

  /** Runs the strategy once with these intents (on a BBO around `midUnits`). */
  intents(instrument: string, midUnits: number, intents: Intent[]): void {
    this.nextIntents = intents;
    this.push({
      kind: 'bbo',
      instrument,
      updateId: -1n,
      bidPriceUnits: midUnits - 1,
      bidQtyUnits: 10,
      askPriceUnits: midUnits + 1,
      askQtyUnits: 10,
    });
  }

  /** A venue answer to the order's inflight request (or to none). */
  answer(draft: Record<string, unknown> & { kind: string; orderId: number }): void {
    this.push({ requestSeq: this.inflightSeq(draft.orderId), ...draft } as unknown as UnstampedDraft);
  }

  private inflightSeq(orderId: number): number {
    if ((this.engine.view.execution.order(orderId)?.inflight ?? null) === null) return -1;
    for (let i = this.journal.length - 1; i >= 0; i--) {
      const e = this.journal[i]!;
      if (e.kind === 'request_sent' && e.orderId === orderId) return e.seq;
    }
    return -1;
  }
}

export interface PlainAccount {
  readonly instruments: readonly Instrument[];
  /** Every order the engine knows, open or terminal. */
  readonly orders: readonly OrderView[];
  readonly positions: ReadonlyMap<string, number>;
  readonly balances: ReadonlyMap<string, { readonly units: bigint; readonly decimals: number }>;
}

const TERMINAL = new Set(['filled', 'cancelled', 'rejected']);

/** The derived-account view of plain data, answering like engine.view does. */
export function plainView(account: PlainAccount): DerivedAccountView {
  const position = (instrument: string): PositionView =>
    ({ instrument, qtyUnits: account.positions.get(instrument) ?? 0 }) as unknown as PositionView;
  return {
    instruments: account.instruments,
    execution: {
      openOrders: () => account.orders.filter((o) => !TERMINAL.has(o.status)).sort((a, b) => a.orderId - b.orderId),
      order: (id) => account.orders.find((o) => o.orderId === id),
      position,
      balance: (asset) => account.balances.get(asset)?.units ?? 0n,
      balanceDecimals: (asset) => account.balances.get(asset)?.decimals ?? 0,
    },
  };
}
