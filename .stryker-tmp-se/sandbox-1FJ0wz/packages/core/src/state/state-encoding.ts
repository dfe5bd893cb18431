/**
 * The canonical encoding of the whole derived state fed to FNV-1a 64 (Engine.stateHash).
 * Canonical = independent of Map insertion history and of when the hash is taken: instruments
 * in configuration order; terminal orders as a running digest folded in the order they became
 * terminal (a function of the stream; folding is deferred to the next hash, which drains
 * `retired`, so a checkpoint costs O(live orders)); live orders by ascending id; currencies and scopes sorted, the queue in
 * admission order, rate buckets normalised to the current tsLocal. Floats are never hashed;
 * every hashed number is an exact integer (or a string/bigint).
 */
// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import type { EngineState, OrderRecord } from './engine-state.ts';
import { Fnv1a64 } from './state-hash.ts';
const byString = stryMutAct_9fa48("0") ? () => undefined : (stryCov_9fa48("0"), (() => {
  const byString = (a: string, b: string): number => (stryMutAct_9fa48("4") ? a >= b : stryMutAct_9fa48("3") ? a <= b : stryMutAct_9fa48("2") ? false : stryMutAct_9fa48("1") ? true : (stryCov_9fa48("1", "2", "3", "4"), a < b)) ? stryMutAct_9fa48("5") ? +1 : (stryCov_9fa48("5"), -1) : (stryMutAct_9fa48("9") ? a <= b : stryMutAct_9fa48("8") ? a >= b : stryMutAct_9fa48("7") ? false : stryMutAct_9fa48("6") ? true : (stryCov_9fa48("6", "7", "8", "9"), a > b)) ? 1 : 0;
  return byString;
})());
export function hashEngineState(s: EngineState): string {
  if (stryMutAct_9fa48("10")) {
    {}
  } else {
    stryCov_9fa48("10");
    const h = new Fnv1a64();
    // Control
    h.str(stryMutAct_9fa48("11") ? "" : (stryCov_9fa48("11"), 'control'));
    h.bool(s.sessionActive);
    h.str(s.sessionId);
    h.str(s.configVersion);
    h.bool(s.killSwitch);
    h.bool(s.strategyHalted);
    h.bool(s.haltRequested);
    h.num(s.consecutiveFailures);
    h.str(s.lastReconciliation);
    h.num(s.lastSeq);
    h.big(s.nowNs);
    for (let i = 0; stryMutAct_9fa48("14") ? i >= s.eventCounts.length : stryMutAct_9fa48("13") ? i <= s.eventCounts.length : stryMutAct_9fa48("12") ? false : (stryCov_9fa48("12", "13", "14"), i < s.eventCounts.length); stryMutAct_9fa48("15") ? i-- : (stryCov_9fa48("15"), i++)) h.num(s.eventCounts[i]!);
    for (const id of stryMutAct_9fa48("16") ? [...s.otherFeedsDegraded.keys()] : (stryCov_9fa48("16"), (stryMutAct_9fa48("17") ? [] : (stryCov_9fa48("17"), [...s.otherFeedsDegraded.keys()])).sort(byString))) {
      if (stryMutAct_9fa48("18")) {
        {}
      } else {
        stryCov_9fa48("18");
        h.str(id);
        h.bool(s.otherFeedsDegraded.get(id)!);
      }
    }
    // Market + positions, per instrument in configuration order
    for (const inst of s.instruments.values()) {
      if (stryMutAct_9fa48("19")) {
        {}
      } else {
        stryCov_9fa48("19");
        h.str(stryMutAct_9fa48("20") ? "" : (stryCov_9fa48("20"), 'instrument'));
        h.str(inst.instrument.id);
        h.bool(inst.feedDegraded);
        const book = inst.book;
        h.big(book.lastUpdateId);
        for (const side of stryMutAct_9fa48("21") ? [] : (stryCov_9fa48("21"), [book.bids, book.asks])) {
          if (stryMutAct_9fa48("22")) {
            {}
          } else {
            stryCov_9fa48("22");
            h.num(side.count);
            side.forEachLevel((price, size) => {
              if (stryMutAct_9fa48("23")) {
                {}
              } else {
                stryCov_9fa48("23");
                h.num(price);
                h.num(size);
              }
            });
          }
        }
        h.num(book.bboBidPrice);
        h.num(book.bboBidQty);
        h.num(book.bboAskPrice);
        h.num(book.bboAskQty);
        h.big(book.bboUpdateId);
        const t = inst.lastTrade;
        if (stryMutAct_9fa48("25") ? false : stryMutAct_9fa48("24") ? true : (stryCov_9fa48("24", "25"), t)) {
          if (stryMutAct_9fa48("26")) {
            {}
          } else {
            stryCov_9fa48("26");
            h.num(t.seq);
            h.str(t.tradeId);
            h.num(t.priceUnits);
            h.num(t.qtyUnits);
            h.str(t.aggressor);
          }
        } else h.byte(0);
        const tape = inst.tape;
        h.num(tape.count);
        for (const sum of stryMutAct_9fa48("27") ? [] : (stryCov_9fa48("27"), [tape.buyQtyUnits, tape.sellQtyUnits, tape.unknownQtyUnits, tape.notionalUnits])) {
          if (stryMutAct_9fa48("28")) {
            {}
          } else {
            stryCov_9fa48("28");
            h.num(sum.hi);
            h.num(sum.lo);
            h.big(sum.big);
          }
        }
        const p = inst.position;
        h.num(p.qtyUnits);
        h.big(p.costUnits);
        h.big(p.realizedPnlUnits);
        h.big(p.feesUnits);
        h.num(p.fillCount);
      }
    }
    // Execution: terminal orders folded once, in the order they became terminal; then the live ones by id.
    const retired = s.retired;
    for (let i = 0; stryMutAct_9fa48("31") ? i >= retired.length : stryMutAct_9fa48("30") ? i <= retired.length : stryMutAct_9fa48("29") ? false : (stryCov_9fa48("29", "30", "31"), i < retired.length); stryMutAct_9fa48("32") ? i-- : (stryCov_9fa48("32"), i++)) hashOrder(s.retiredDigest, retired[i]!);
    retired.length = 0;
    h.str(stryMutAct_9fa48("33") ? "" : (stryCov_9fa48("33"), 'retired'));
    h.str(s.retiredDigest.hex());
    h.num(s.orders.size);
    h.str(stryMutAct_9fa48("34") ? "" : (stryCov_9fa48("34"), 'orders'));
    for (const id of stryMutAct_9fa48("35") ? [...s.live.keys()] : (stryCov_9fa48("35"), (stryMutAct_9fa48("36") ? [] : (stryCov_9fa48("36"), [...s.live.keys()])).sort(stryMutAct_9fa48("37") ? () => undefined : (stryCov_9fa48("37"), (a, b) => stryMutAct_9fa48("38") ? a + b : (stryCov_9fa48("38"), a - b))))) hashOrder(h, s.live.get(id)!);
    h.str(stryMutAct_9fa48("39") ? "" : (stryCov_9fa48("39"), 'queue'));
    for (const c of s.queue.values()) {
      if (stryMutAct_9fa48("40")) {
        {}
      } else {
        stryCov_9fa48("40");
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
      }
    }
    h.str(stryMutAct_9fa48("41") ? "" : (stryCov_9fa48("41"), 'balances'));
    for (const ccy of stryMutAct_9fa48("42") ? [...s.balances.keys()] : (stryCov_9fa48("42"), (stryMutAct_9fa48("43") ? [] : (stryCov_9fa48("43"), [...s.balances.keys()])).sort(byString))) {
      if (stryMutAct_9fa48("44")) {
        {}
      } else {
        stryCov_9fa48("44");
        h.str(ccy);
        h.big(s.balances.get(ccy)!);
      }
    }
    h.str(stryMutAct_9fa48("45") ? "" : (stryCov_9fa48("45"), 'buckets'));
    for (const scope of stryMutAct_9fa48("46") ? [...s.buckets.keys()] : (stryCov_9fa48("46"), (stryMutAct_9fa48("47") ? [] : (stryCov_9fa48("47"), [...s.buckets.keys()])).sort(byString))) {
      if (stryMutAct_9fa48("48")) {
        {}
      } else {
        stryCov_9fa48("48");
        const b = s.buckets.get(scope)!;
        h.str(scope);
        h.num(b.tokensAt(s.nowNs));
        h.big(b.anchorAt(s.nowNs));
      }
    }
    h.str(stryMutAct_9fa48("49") ? "" : (stryCov_9fa48("49"), 'obligations'));
    for (const scope of stryMutAct_9fa48("50") ? [...s.obligations.keys()] : (stryCov_9fa48("50"), (stryMutAct_9fa48("51") ? [] : (stryCov_9fa48("51"), [...s.obligations.keys()])).sort(byString))) {
      if (stryMutAct_9fa48("52")) {
        {}
      } else {
        stryCov_9fa48("52");
        const o = s.obligations.get(scope)!;
        h.str(scope);
        h.big(o.dueTsLocalNs);
        h.num(o.derivedAtSeq);
      }
    }
    const c = s.counters;
    h.str(stryMutAct_9fa48("53") ? "" : (stryCov_9fa48("53"), 'counters'));
    for (const v of stryMutAct_9fa48("54") ? [] : (stryCov_9fa48("54"), [c.admitted, c.denied, c.superseded, c.annihilated, c.discarded, c.dispatched, c.droppedInvalid, c.rateLimitedPasses, c.lateEvents, c.unknownOrderEvents, c.refusedTransitions])) h.num(v);
    h.num(s.nextOrderId);
    h.num(s.nextAdmission);
    h.bool(s.queueDirty);
    h.big(s.wakeNs);
    h.str(s.fillDigest.hex());
    return h.hex();
  }
}
function hashOrder(h: Fnv1a64, o: OrderRecord): void {
  if (stryMutAct_9fa48("55")) {
    {}
  } else {
    stryCov_9fa48("55");
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
    h.str(stryMutAct_9fa48("56") ? o.inflight && '' : (stryCov_9fa48("56"), o.inflight ?? (stryMutAct_9fa48("57") ? "Stryker was here!" : (stryCov_9fa48("57"), ''))));
    h.num(o.inflightSeq);
    h.str(o.venueOrderId);
    h.str(o.terminalReason);
  }
}