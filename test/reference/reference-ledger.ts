/**
 * The reference accounting: orders' lifecycle states, positions, average entry, realised and
 * unrealised PnL, fees and balances, recomputed from the event stream alone with exact
 * rationals in each asset's own unit (1 USDT, 1 BTC). Written from SPEC.md §4 (order
 * lifecycle) and the venues' published formulas, without production accounting code:
 *
 * - Linear (Binance USD-M, OKX USDT swaps with ctVal as the multiplier) and spot:
 *   PnL = (exit − entry) × qty × multiplier × direction, in the quote asset; the average entry
 *   is the quantity-weighted mean of the entry prices; fee = price × qty × multiplier × rate.
 * - Inverse (Binance COIN-M, OKX coin-margined, multiplier = face value per contract in USD):
 *   PnL = qty × multiplier × (1/entry − 1/exit) × direction, in the base asset; the average
 *   entry is the harmonic mean (total contracts / total coin value, Binance's "Average entry =
 *   total contracts / total BTC value"); fee = qty × multiplier / price × rate, in the base asset.
 * - A fill that reduces a position realises PnL on the reduced part at the average entry; what
 *   is left of the fill opens the other way at the fill price. Fees are paid from the
 *   settlement balance. Spot buys pay price × qty (+ fee) in quote and receive qty in base.
 *
 * Amounts are exact. Alongside, the ledger keeps what a ledger in whole settlement units may
 * differ by, from the rounding rules production documents (core contract-value.ts): each
 * fill's value rounded to the nearest unit, ties away from zero (`fillValueRounding`, exact),
 * and the bound on the error of a cost basis kept in whole units (`costErrorUnits`).
 */
import type { ExecutionEvent, Instrument, RequestSentEvent } from '@chassis/core';
import { multiplierOf, settlementDecimals } from './reference-venue.ts';
import { abs, add, div, fromUnits, mul, neg, ratio, roundHalfAway, sub, ZERO, type Rational } from './rational.ts';

export type ReferenceOrderStatus = 'submitted' | 'accepted' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected';

export interface ReferencePosition {
  /** Signed position (qty units: base units, or contracts); long > 0. */
  qtyUnits: number;
  /** Open value at entry: Σ price × qty × multiplier (linear/spot, quote asset) or Σ qty × multiplier / price (inverse, base asset), signed like the position. */
  entryValue: Rational;
  realisedPnl: Rational;
  fees: Rational;
  /**
   * Σ over all fills of (fill value rounded to the nearest settlement unit, ties away from zero)
   * − (exact fill value), in the settlement asset, signed like `entryValue`. Zero for spot and
   * linear (their values are whole units); for inverse q × m / P rarely is.
   */
  fillValueRounding: Rational;
  /**
   * Bound (settlement units) on how far a cost basis kept in whole units can be from
   * `entryValue`: an opening fill's value rounded to the nearest unit adds ½ (inverse only); a
   * partial close that removes the closed share with a truncating division keeps that share of
   * the bound and adds < 1; flat or a flip (the whole basis removed exactly) starts again.
   */
  costErrorUnits: Rational;
}

const TERMINAL: ReadonlySet<ReferenceOrderStatus> = new Set(['filled', 'cancelled', 'rejected']);

export class ReferenceLedger {
  readonly orders = new Map<
    number,
    { status: ReferenceOrderStatus; side: 'buy' | 'sell'; instrument: string; qtyUnits: number; filledUnits: number }
  >();
  readonly positions = new Map<string, ReferencePosition>();
  readonly balances = new Map<string, Rational>();
  private readonly instruments = new Map<string, Instrument>();

  constructor(instruments: readonly Instrument[], initialBalances: ReadonlyMap<string, Rational>) {
    for (const i of instruments) {
      this.instruments.set(i.id, i);
      this.positions.set(i.id, {
        qtyUnits: 0,
        entryValue: ZERO,
        realisedPnl: ZERO,
        fees: ZERO,
        fillValueRounding: ZERO,
        costErrorUnits: ZERO,
      });
    }
    for (const [ccy, v] of initialBalances) this.balances.set(ccy, v);
  }

  /** The asset PnL and fees are settled in. */
  static settlementAsset(inst: Instrument): string {
    return inst.contractType === 'inverse' ? inst.baseCurrency : inst.quoteCurrency;
  }

  onRequestSent(ev: RequestSentEvent): void {
    if (ev.request === 'new')
      this.orders.set(ev.orderId, {
        status: 'submitted',
        side: ev.side,
        instrument: ev.instrument,
        qtyUnits: ev.qtyUnits,
        filledUnits: 0,
      });
  }

  onExecution(ev: ExecutionEvent): void {
    const order = this.orders.get(ev.orderId);
    if (order === undefined || TERMINAL.has(order.status)) return; // late or unknown: recorded, never applied
    switch (ev.kind) {
      case 'order_accepted':
        if (order.status === 'submitted') order.status = 'accepted';
        break;
      case 'order_rejected':
        if (order.status === 'submitted') order.status = 'rejected';
        break;
      case 'order_cancelled':
      case 'order_expired':
        order.status = 'cancelled';
        break;
      case 'order_replaced':
        order.qtyUnits = ev.qtyUnits;
        break;
      case 'order_filled':
        order.filledUnits += ev.qtyUnits;
        order.status = ev.final || order.filledUnits >= order.qtyUnits ? 'filled' : 'partially_filled';
        this.applyFill(this.instruments.get(order.instrument)!, order.side, ev.priceUnits, ev.qtyUnits, ev.feeUnits);
        break;
      case 'cancel_replace_rejected':
        break;
    }
  }

  /** Value of `qtyUnits` at `priceUnits` in the settlement asset, positive (see the header). */
  static valueOf(inst: Instrument, priceUnits: number, qtyUnits: number): Rational {
    const contracts = mul(fromUnits(qtyUnits, inst.sizeDecimals), multiplierOf(inst));
    const price = fromUnits(priceUnits, inst.priceDecimals);
    return inst.contractType === 'inverse' ? div(contracts, price) : mul(contracts, price);
  }

  /** PnL of closing `closeUnits` (signed like the position) opened at `entryValue` for `openUnits`, at `priceUnits`. */
  private static pnlOfClose(
    inst: Instrument,
    openUnits: number,
    entryValue: Rational,
    closeUnits: number,
    priceUnits: number,
  ): { pnl: Rational; entryRemoved: Rational } {
    const entryRemoved = mul(entryValue, ratio(BigInt(closeUnits), BigInt(openUnits)));
    const exitValue = mul(
      ReferenceLedger.valueOf(inst, priceUnits, Math.abs(closeUnits)),
      ratio(closeUnits > 0 ? 1n : -1n),
    );
    // Linear: a long gains when the exit value exceeds the entry value; inverse (coin values): when it is below.
    const pnl = inst.contractType === 'inverse' ? sub(entryRemoved, exitValue) : sub(exitValue, entryRemoved);
    return { pnl, entryRemoved };
  }

  private applyFill(
    inst: Instrument,
    side: 'buy' | 'sell',
    priceUnits: number,
    qtyUnits: number,
    feeUnits: bigint,
  ): void {
    const p = this.positions.get(inst.id)!;
    const signed = side === 'buy' ? qtyUnits : -qtyUnits;
    const fee = fromUnits(feeUnits, settlementDecimals(inst));
    const value = mul(ReferenceLedger.valueOf(inst, priceUnits, qtyUnits), ratio(BigInt(Math.sign(signed))));
    p.fillValueRounding = add(p.fillValueRounding, sub(ReferenceLedger.toNearestUnit(inst, value), value));
    let realised = ZERO;
    if (p.qtyUnits === 0 || Math.sign(p.qtyUnits) === Math.sign(signed)) {
      p.qtyUnits += signed;
      p.entryValue = add(p.entryValue, value);
      p.costErrorUnits = add(p.costErrorUnits, ReferenceLedger.openingError(inst));
    } else {
      const closeAbs = Math.min(qtyUnits, Math.abs(p.qtyUnits));
      const close = Math.sign(p.qtyUnits) * closeAbs;
      const { pnl, entryRemoved } = ReferenceLedger.pnlOfClose(inst, p.qtyUnits, p.entryValue, close, priceUnits);
      realised = pnl;
      p.costErrorUnits = add(
        mul(p.costErrorUnits, ratio(BigInt(Math.abs(p.qtyUnits) - closeAbs), BigInt(Math.abs(p.qtyUnits)))),
        ratio(1n),
      );
      p.entryValue = sub(p.entryValue, entryRemoved);
      p.qtyUnits -= close;
      const rest = signed + close;
      if (p.qtyUnits === 0) p.costErrorUnits = ZERO;
      if (rest !== 0) {
        p.qtyUnits += rest;
        p.entryValue = mul(ReferenceLedger.valueOf(inst, priceUnits, Math.abs(rest)), ratio(BigInt(Math.sign(rest))));
        p.costErrorUnits = ReferenceLedger.openingError(inst);
      }
    }
    p.realisedPnl = add(p.realisedPnl, realised);
    p.fees = add(p.fees, fee);
    const settle = ReferenceLedger.settlementAsset(inst);
    const bal = (ccy: string, delta: Rational) => this.balances.set(ccy, add(this.balances.get(ccy) ?? ZERO, delta));
    if (inst.contractType === 'spot') {
      bal(
        inst.quoteCurrency,
        neg(add(mul(ReferenceLedger.valueOf(inst, priceUnits, qtyUnits), ratio(BigInt(Math.sign(signed)))), fee)),
      );
      bal(inst.baseCurrency, fromUnits(signed, inst.sizeDecimals));
    } else bal(settle, sub(realised, fee));
  }

  /** `amount` of the settlement asset rounded to the nearest settlement unit, ties away from zero. */
  private static toNearestUnit(inst: Instrument, amount: Rational): Rational {
    const d = settlementDecimals(inst);
    return fromUnits(roundHalfAway(mul(amount, ratio(10n ** BigInt(d)))), d);
  }

  /** Error bound (units) an opening fill adds to a whole-unit basis: ½ when its value is rounded (inverse). */
  private static openingError(inst: Instrument): Rational {
    return inst.contractType === 'inverse' ? ratio(1n, 2n) : ZERO;
  }

  /**
   * How far realised PnL (and the settlement balance) kept in whole settlement units may be from
   * the exact amount, in the settlement asset: the fills' value rounding, which is known
   * exactly, plus the cost basis's error bound (realised = fill values − basis left).
   */
  realisedAllowance(instrument: string): Rational {
    const inst = this.instruments.get(instrument)!;
    const p = this.positions.get(instrument)!;
    return add(abs(p.fillValueRounding), mul(p.costErrorUnits, fromUnits(1n, settlementDecimals(inst))));
  }

  /** Average entry price (quote per base unit), exact; undefined when flat. */
  averageEntry(instrument: string): Rational | undefined {
    const inst = this.instruments.get(instrument)!;
    const p = this.positions.get(instrument)!;
    if (p.qtyUnits === 0) return undefined;
    const contracts = mul(fromUnits(Math.abs(p.qtyUnits), inst.sizeDecimals), multiplierOf(inst));
    const value = p.entryValue.num < 0n ? neg(p.entryValue) : p.entryValue;
    return inst.contractType === 'inverse' ? div(contracts, value) : div(value, contracts);
  }

  /**
   * Unrealised PnL of the open position marked at `markPriceUnits`, in the settlement asset;
   * `entryValue` replaces the position's own (to mark another ledger's basis the same way).
   */
  unrealisedPnl(instrument: string, markPriceUnits: number, entryValue?: Rational): Rational {
    const inst = this.instruments.get(instrument)!;
    const p = this.positions.get(instrument)!;
    if (p.qtyUnits === 0) return ZERO;
    return ReferenceLedger.pnlOfClose(inst, p.qtyUnits, entryValue ?? p.entryValue, p.qtyUnits, markPriceUnits).pnl;
  }
}
