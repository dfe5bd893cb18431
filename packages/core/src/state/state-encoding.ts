/**
 * The canonical encoding of the whole derived state fed to FNV-1a 64 (Engine.stateHash).
 * Canonical = independent of Map insertion history and of when the hash is taken: instruments
 * in configuration order; terminal orders as a running digest folded in the order they became
 * terminal (a function of the stream; folding is deferred to the next hash, which drains
 * `retired`, so a checkpoint costs O(live orders)); live orders by ascending id; currencies and scopes sorted, the queue in
 * admission order, rate buckets normalised to the current tsLocal. Floats are never hashed;
 * every hashed number is an exact integer (or a string/bigint).
 */
import type { EngineState, OrderRecord } from './engine-state.ts';
import { Fnv1a64 } from './state-hash.ts';

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function hashEngineState(s: EngineState): string {
  const h = new Fnv1a64();
  // Control
  h.str('control');
  h.bool(s.sessionActive);
  h.str(s.sessionId);
  h.str(s.configVersion);
  h.str(s.configText);
  h.bool(s.killSwitch);
  h.bool(s.strategyHalted);
  h.bool(s.haltRequested);
  h.bool(s.strategyPaused);
  h.num(s.consecutiveFailures);
  h.str(s.lastReconciliation);
  h.num(s.lastSeq);
  h.big(s.nowNs);
  for (let i = 0; i < s.eventCounts.length; i++) h.num(s.eventCounts[i]!);
  for (const id of [...s.otherFeedsDegraded.keys()].sort(byString)) {
    h.str(id);
    h.bool(s.otherFeedsDegraded.get(id)!);
  }
  // Market + positions, per instrument in configuration order
  for (const inst of s.instruments.values()) {
    h.str('instrument');
    h.str(inst.instrument.id);
    h.bool(inst.feedDegraded);
    const book = inst.book;
    h.big(book.lastUpdateId);
    h.bool(book.hasDepth);
    for (const side of [book.bids, book.asks]) {
      h.num(side.count);
      side.forEachLevel((price, size) => {
        h.num(price);
        h.num(size);
      });
    }
    h.num(book.bboBidPrice);
    h.num(book.bboBidQty);
    h.num(book.bboAskPrice);
    h.num(book.bboAskQty);
    h.big(book.bboUpdateId);
    h.num(book.appliedBidPrice);
    h.num(book.appliedBidQty);
    h.num(book.appliedAskPrice);
    h.num(book.appliedAskQty);
    h.big(book.appliedUpdateId);
    const t = inst.lastTrade;
    if (t) {
      h.num(t.seq);
      h.str(t.tradeId);
      h.num(t.priceUnits);
      h.num(t.qtyUnits);
      h.str(t.aggressor);
    } else h.byte(0);
    const tape = inst.tape;
    h.num(tape.count);
    for (const sum of [tape.buyQtyUnits, tape.sellQtyUnits, tape.unknownQtyUnits, tape.notionalUnits]) {
      h.num(sum.hi);
      h.num(sum.lo);
      h.big(sum.big);
    }
    const p = inst.position;
    h.num(p.qtyUnits);
    h.big(p.costUnits);
    h.big(p.realizedPnlUnits);
    h.big(p.feesUnits);
    h.num(p.fillCount);
  }
  // Execution: terminal orders folded once, in the order they became terminal; then the live ones by id.
  const retired = s.retired;
  for (let i = 0; i < retired.length; i++) hashOrder(s.retiredDigest, retired[i]!);
  retired.length = 0;
  h.str('retired');
  h.str(s.retiredDigest.hex());
  h.num(s.orders.size);
  h.str('orders');
  for (const id of [...s.live.keys()].sort((a, b) => a - b)) hashOrder(h, s.live.get(id)!);
  h.str('queue');
  for (const c of s.queue.values()) {
    h.num(c.orderId);
    h.str(c.request);
    h.str(c.instrument);
    h.str(c.side);
    h.str(c.orderType);
    h.num(c.priceUnits);
    h.num(c.qtyUnits);
    h.str(c.timeInForce);
    h.bool(c.postOnly);
    h.bool(c.reduceOnly);
    h.str(c.clientTag);
    h.num(c.admission);
    h.str(c.origin);
  }
  h.str('balances');
  for (const ccy of [...s.balances.keys()].sort(byString)) {
    h.str(ccy);
    h.big(s.balances.get(ccy)!);
  }
  h.str('buckets');
  for (const scope of [...s.buckets.keys()].sort(byString)) {
    const b = s.buckets.get(scope)!;
    h.str(scope);
    h.num(b.tokensAt(s.nowNs));
    h.big(b.anchorAt(s.nowNs));
  }
  h.str('obligations');
  for (const scope of [...s.obligations.keys()].sort(byString)) {
    const o = s.obligations.get(scope)!;
    h.str(scope);
    h.big(o.dueTsLocalNs);
    h.num(o.derivedAtSeq);
  }
  const c = s.counters;
  h.str('counters');
  for (const v of [
    c.admitted,
    c.denied,
    c.superseded,
    c.annihilated,
    c.discarded,
    c.dispatched,
    c.droppedInvalid,
    c.rateLimitedPasses,
    c.lateEvents,
    c.unknownOrderEvents,
    c.refusedTransitions,
    c.duplicateFills,
  ])
    h.num(v);
  h.num(s.nextOrderId);
  h.num(s.nextAdmission);
  h.bool(s.queueDirty);
  h.big(s.wakeNs);
  h.str(s.fillDigest.hex());
  return h.hex();
}

function hashOrder(h: Fnv1a64, o: OrderRecord): void {
  h.num(o.orderId);
  h.str(o.instrument);
  h.str(o.side);
  h.str(o.orderType);
  h.num(o.priceUnits);
  h.num(o.qtyUnits);
  h.num(o.filledQtyUnits);
  h.str(o.status);
  h.str(o.timeInForce);
  h.bool(o.postOnly);
  h.bool(o.reduceOnly);
  h.str(o.clientTag);
  h.str(o.inflight ?? '');
  h.num(o.inflightSeq);
  h.str(o.venueOrderId);
  h.str(o.terminalReason);
}
