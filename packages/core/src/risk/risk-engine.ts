/**
 * Risk Engine: allowed or denied with a reason code, nothing else (SPEC.md L6). Built-in rules
 * run in a fixed order, then user rules; the first denial wins. Anything undecidable (no
 * reference price for a band or notional check) is denied; a rule that throws denies with
 * 'rule_error:<name>'.
 *
 * Cancels are allowed while the kill switch is engaged or the strategy is halted: cancelling is
 * how exposure is withdrawn. New and replace intents are denied then, with one exception: an
 * operator's reduce-only `new` (flatten) is allowed under the kill switch. The kill switch
 * exists to stop adding exposure; a reduce-only order can only take the position toward zero
 * (the reduce_only check below holds it to the position less the other reduce-only orders on
 * that side, and the venue enforces reduce-only), so closing exposure on the operator's word is
 * what the kill switch is for, not a way around it. Every other check still applies to it. A
 * strategy's reduce-only orders stay denied: the kill switch stops the strategy's trading.
 * Halt and pause concern the strategy only, so they do not deny operator intents.
 *
 * While the last reconciliation outcome is `mismatch`, new and replace intents (operator's
 * included: a flatten sized from a position the venue disagrees with could open one) are denied
 * with reconciliation_mismatch until a `matched` or `resolved` outcome.
 *
 * Reason codes: kill_switch, strategy_halted, reconciliation_mismatch, feed_degraded, unknown_instrument,
 * instrument_not_allowed, unknown_order, order_terminal, invalid_qty, invalid_price,
 * below_min_notional, max_order_qty, max_order_notional, max_position, max_open_orders,
 * price_band, no_reference_price, reduce_only, rule_error:<name>, or a user rule's reason.
 */
import type { RiskConfig, RiskVerdict } from '../config.ts';
import type { RiskLimits } from '../config-change.ts';
import type { OrderSide } from '../events.ts';
import type { Intent, IntentOrigin } from '../intents.ts';
import type { StateView } from '../state/view.ts';
import type { EngineState, InstrumentState } from '../state/engine-state.ts';
import { isTerminal } from '../execution/order-lifecycle.ts';
import { notionalValueUnits } from '../contract-value.ts';

const ALLOWED: RiskVerdict = Object.freeze({ allowed: true as const });
const denials = new Map<string, RiskVerdict>();
function deny(reason: string): RiskVerdict {
  let v = denials.get(reason);
  if (!v) {
    v = Object.freeze({ allowed: false as const, reason });
    if (denials.size < 1024) denials.set(reason, v);
  }
  return v;
}

/**
 * What a checked order would be (on its instrument, passed beside it): the intent resolved
 * against state (replace inherits side etc.).
 * One per RiskEngine, refilled for each new or replace intent (an object per intent otherwise):
 * the built-in checks that read it call no user code, and nothing keeps it.
 */
class Candidate {
  side: OrderSide = 'buy';
  isMarket = false;
  priceUnits = 0;
  /** The order's total quantity (a replace's qty is the new total, filled part included). */
  qtyUnits = 0;
  /** What the order can still add to the position: qtyUnits less what already filled (already in the position). */
  openQtyUnits = 0;
  reduceOnly = false;
  /** Order key being replaced (its current exposure is not counted twice), -1 for a new. */
  replacing = -1;
}

export class RiskEngine {
  private allowed: ReadonlySet<string> | null;
  private readonly candidate = new Candidate();

  constructor(
    private config: RiskConfig,
    private readonly state: EngineState,
    private readonly view: StateView,
  ) {
    this.allowed = config.allowedInstruments ? new Set(config.allowedInstruments) : null;
  }

  /** Replaces every built-in limit (a config_version's risk); the user rules stay. */
  setLimits(limits: RiskLimits): void {
    this.config = { ...limits, rules: this.config.rules };
    this.allowed = limits.allowedInstruments ? new Set(limits.allowedInstruments) : null;
  }

  check(intent: Intent, origin: IntentOrigin): RiskVerdict {
    const verdict = this.builtIn(intent, origin);
    if (!verdict.allowed) return verdict;
    for (const rule of this.config.rules ?? []) {
      let v: RiskVerdict;
      try {
        v = rule.check(intent, this.view, origin);
      } catch {
        return deny(`rule_error:${rule.name}`);
      }
      if (!v || v.allowed !== true) return v && v.allowed === false ? v : deny(`rule_error:${rule.name}`);
    }
    return ALLOWED;
  }

  private builtIn(intent: Intent, origin: IntentOrigin): RiskVerdict {
    const s = this.state;
    if (intent === null || typeof intent !== 'object' || (intent.type !== 'new' && intent.type !== 'replace' && intent.type !== 'cancel')) {
      return deny('invalid_intent');
    }
    if (intent.type === 'cancel') {
      return this.orderKeyState(intent.orderId) ?? ALLOWED;
    }
    const operator = origin === 'operator';
    if (s.killSwitch && !(operator && intent.type === 'new' && intent.reduceOnly === true)) return deny('kill_switch');
    if (!operator && (s.strategyHalted || s.haltRequested)) return deny('strategy_halted');
    if (s.lastReconciliation === 'mismatch') return deny('reconciliation_mismatch');

    const c = this.candidate;
    let inst: InstrumentState;
    if (intent.type === 'new') {
      const known = s.instruments.get(intent.instrument);
      if (!known) return deny('unknown_instrument');
      if (this.allowed && !this.allowed.has(intent.instrument)) return deny('instrument_not_allowed');
      inst = known;
      c.side = intent.side;
      c.isMarket = intent.orderType === 'market';
      c.priceUnits = intent.priceUnits;
      c.qtyUnits = intent.qtyUnits;
      c.openQtyUnits = intent.qtyUnits;
      c.reduceOnly = intent.reduceOnly === true;
      c.replacing = -1;
    } else {
      const keyState = this.orderKeyState(intent.orderId);
      if (keyState) return keyState;
      const order = s.orders.get(intent.orderId);
      const pendingNew = s.queue.get(intent.orderId);
      const base = order ?? pendingNew!;
      inst = s.instruments.get(base.instrument)!;
      c.side = base.side;
      c.isMarket = base.orderType === 'market';
      c.priceUnits = intent.priceUnits;
      c.qtyUnits = intent.qtyUnits;
      c.openQtyUnits = intent.qtyUnits - (order?.filledQtyUnits ?? 0);
      c.reduceOnly = base.reduceOnly;
      c.replacing = intent.orderId;
    }
    if (inst.feedDegraded) return deny('feed_degraded');
    return this.orderChecks(c, inst);
  }

  /** Denial if the key is unknown or terminal (a cancel/replace must name a live or pending order). */
  private orderKeyState(orderId: number): RiskVerdict | null {
    const order = this.state.orders.get(orderId);
    if (order) return isTerminal(order.status) ? deny('order_terminal') : null;
    const pending = this.state.queue.get(orderId);
    return pending && pending.request === 'new' ? null : deny('unknown_order');
  }

  /** The checks of `c`, an order on `ci`. */
  private orderChecks(c: Candidate, ci: InstrumentState): RiskVerdict {
    const cfg = this.config;
    const inst = ci.instrument;
    const book = ci.book;
    if (!Number.isSafeInteger(c.qtyUnits) || c.qtyUnits <= 0 || c.qtyUnits % inst.lotUnits !== 0) return deny('invalid_qty');
    if (c.isMarket) {
      if (c.priceUnits !== 0) return deny('invalid_price');
    } else if (!Number.isSafeInteger(c.priceUnits) || c.priceUnits <= 0 || c.priceUnits % inst.tickUnits !== 0) {
      return deny('invalid_price');
    }
    if (cfg.maxOrderQtyUnits !== undefined && c.qtyUnits > cfg.maxOrderQtyUnits) return deny('max_order_qty');

    const needsNotional = inst.minNotionalUnits > 0n || cfg.maxOrderNotionalUnits !== undefined;
    if (needsNotional) {
      // Market orders are valued at the opposite best price; without one the check is undecidable.
      const refPrice = c.isMarket ? (c.side === 'buy' ? book.askPrice(0) : book.bidPrice(0)) : c.priceUnits;
      if (!(refPrice > 0)) return deny('no_reference_price');
      // Contract value in settlement units: q × P × m (linear), q × m / P (inverse).
      const notional = notionalValueUnits(inst, refPrice, c.qtyUnits);
      if (notional < inst.minNotionalUnits) return deny('below_min_notional');
      if (cfg.maxOrderNotionalUnits !== undefined && notional > cfg.maxOrderNotionalUnits) return deny('max_order_notional');
    }

    if (cfg.maxPositionQtyUnits !== undefined) {
      // Worst case: every open order on this side fills, plus this one.
      const pos = ci.position.qtyUnits;
      const open = this.openQty(ci.instrument.id, c.side, c.replacing, false);
      const worst = c.side === 'buy' ? pos + open + c.openQtyUnits : pos - open - c.openQtyUnits;
      if (Math.abs(worst) > cfg.maxPositionQtyUnits) return deny('max_position');
    }

    if (cfg.maxOpenOrders !== undefined && c.replacing < 0) {
      let open = this.state.live.size;
      for (const p of this.state.queue.values()) if (p.request === 'new') open++;
      if (open + 1 > cfg.maxOpenOrders) return deny('max_open_orders');
    }

    if (cfg.priceBandPpm !== undefined && !c.isMarket) {
      const bid = book.bidPrice(0);
      const ask = book.askPrice(0);
      if (!(bid > 0 && ask > 0)) return deny('no_reference_price');
      // |price − mid| ≤ mid × ppm / 1e6, in integers: |2·price − (bid+ask)| · 1e6 ≤ ppm · (bid+ask)
      const sum = BigInt(bid) + BigInt(ask);
      let dev = 2n * BigInt(c.priceUnits) - sum;
      if (dev < 0n) dev = -dev;
      if (dev * 1_000_000n > BigInt(cfg.priceBandPpm) * sum) return deny('price_band');
    }

    if (c.reduceOnly) {
      const pos = ci.position.qtyUnits;
      const reducing = (pos > 0 && c.side === 'sell') || (pos < 0 && c.side === 'buy');
      if (!reducing) return deny('reduce_only');
      const open = this.openQty(ci.instrument.id, c.side, c.replacing, true);
      if (open + c.openQtyUnits > Math.abs(pos)) return deny('reduce_only');
    }
    return ALLOWED;
  }

  /** Remaining qty of live orders and pending news on one side (optionally reduce-only only), excluding one key. */
  private openQty(instrument: string, side: OrderSide, exclude: number, reduceOnlyOnly: boolean): number {
    let sum = 0;
    for (const o of this.state.live.values()) {
      if (o.instrument === instrument && o.side === side && o.orderId !== exclude && (!reduceOnlyOnly || o.reduceOnly)) {
        sum += o.qtyUnits - o.filledQtyUnits;
      }
    }
    for (const p of this.state.queue.values()) {
      if (p.request === 'new' && p.instrument === instrument && p.side === side && p.orderId !== exclude && (!reduceOnlyOnly || p.reduceOnly)) {
        sum += p.qtyUnits;
      }
    }
    return sum;
  }
}
