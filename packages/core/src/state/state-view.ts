/**
 * The StateView a strategy and risk rules read (view.ts): one frozen object over the engine's
 * state, built once per engine. Everything it returns is read-only at run time, not only by
 * type (read-only-view.ts): facades over books, orders and positions, frozen copies of queue
 * entries, trades and instruments; lists are fresh arrays of those. Reading a book, an order or
 * a position allocates nothing.
 */
import type { Event } from '../events.ts';
import type { Instrument } from '../instrument.ts';
import type { PendingCommand } from '../execution/dominance.ts';
import { KIND_INDEX, PositionRecord, type EngineState, type OrderRecord } from './engine-state.ts';
import { instrumentSnapshots, pendingSnapshot } from './read-only-view.ts';
import type { ExecutionCountersView, OrderView, PendingView, PositionView, StateView } from './view.ts';

const orderIdOf = (o: OrderRecord): number => o.orderId;
const admissionOf = (c: PendingCommand): number => c.admission;

const orderView = (o: OrderRecord): OrderView => o.view;

/**
 * The entries of one instrument (or all) in ascending `rank`, each as `view` of it: a fresh
 * array of exactly their number. Counted first because an empty literal grown by push takes a
 * 17-slot store (152 bytes) at its first entry, and a strategy may ask on every quote. They
 * usually come in rank order already (orders go live, commands are admitted, in id and
 * admission order): sorted only when the walk found them out of order.
 */
function collectRanked<T extends { readonly instrument: string }, V>(entries: ReadonlyMap<number, T>, instrument: string | undefined, rank: (x: T) => number, view: (x: T) => V): V[] {
  let n = 0;
  if (instrument === undefined) n = entries.size;
  else for (const x of entries.values()) if (x.instrument === instrument) n++;
  if (n === 0) return [];
  const out = new Array<T>(n);
  let at = 0;
  let last = -Infinity;
  let sorted = true;
  for (const x of entries.values()) {
    if (instrument !== undefined && x.instrument !== instrument) continue;
    const r = rank(x);
    if (r < last) sorted = false;
    last = r;
    out[at++] = x;
  }
  if (!sorted) out.sort((a, b) => rank(a) - rank(b));
  const views = out as unknown as V[];
  for (let i = 0; i < n; i++) views[i] = view(out[i]!);
  return views;
}

/** The live orders (of one instrument, or all) by ascending id, as their facades: one fresh array per call. */
function openOrderViews(s: EngineState, instrument: string | undefined): OrderView[] {
  return collectRanked(s.live, instrument, orderIdOf, orderView);
}

/** The queued commands (of one instrument, or all) in admission order, as frozen copies: one fresh array per call. */
function pendingViews(s: EngineState, instrument: string | undefined): PendingView[] {
  return collectRanked(s.queue, instrument, admissionOf, pendingSnapshot);
}

export function createStateView(s: EngineState, instruments: readonly Instrument[]): StateView {
  const flat = new Map<string, PositionView>();
  const frozen = instrumentSnapshots(instruments);
  const byInstrument = new Map(frozen.map((i) => [i.id, i]));
  return Object.freeze({
    instrument: (id: string) => byInstrument.get(id),
    instruments: frozen,
    market: Object.freeze({
      book: (id: string) => s.instruments.get(id)?.bookView,
      lastTrade: (id: string) => s.instruments.get(id)?.lastTradeView(),
    }),
    execution: Object.freeze({
      order: (orderId: number) => s.orders.get(orderId)?.view,
      openOrders: (instrument?: string) => openOrderViews(s, instrument),
      pending: (instrument?: string) => pendingViews(s, instrument),
      position: (instrument: string): PositionView => {
        const st = s.instruments.get(instrument);
        if (st) return st.positionView;
        let p = flat.get(instrument);
        if (!p) flat.set(instrument, (p = Object.freeze(new PositionRecord(instrument))));
        return p;
      },
      balance: (currency: string) => s.balances.get(currency) ?? 0n,
      balanceDecimals: (currency: string) => s.balanceDecimals.get(currency) ?? 0,
      counters: (): ExecutionCountersView => Object.freeze({ ...s.counters }),
    }),
    control: Object.freeze({
      get sessionActive() {
        return s.sessionActive;
      },
      get configVersion() {
        return s.configVersion;
      },
      get killSwitch() {
        return s.killSwitch;
      },
      get strategyHalted() {
        return s.strategyHalted;
      },
      get strategyPaused() {
        return s.strategyPaused;
      },
      get lastReconciliation() {
        return s.lastReconciliation;
      },
      feedDegraded: (id: string) => s.instruments.get(id)?.feedDegraded ?? s.otherFeedsDegraded.get(id) ?? false,
      eventCount: (kind: Event['kind']) => s.eventCounts[KIND_INDEX[kind]] ?? 0,
      get lastSeq() {
        return s.lastSeq;
      },
      get nowNs() {
        return s.nowNs;
      },
    }),
  });
}
