/**
 * Execution State accounting (SPEC.md §3): a fill moves the instrument's position (exact cost
 * basis and realised PnL in settlement units, contract-value.ts), its fees and the balances,
 * folds into the fill digest, and is then checked against the invariants "positions = sum of
 * fills" and "balances reconcile".
 *
 * Realised PnL of a reduction = value of the closed quantity at the fill price − the closed
 * share of the basis. With value(q, P) = q × P × m (linear) this is (X − E) × q × m; with
 * value(q, P) = −q × m / P (inverse) it is q × m × (1/E − 1/X), the venues' formulas.
 */
import type { OrderFilledEvent } from '../events.ts';
import type { OrderRecord } from '../state/engine-state.ts';
import { signedValueUnits } from '../contract-value.ts';
import { checkBalances, checkPosition } from './invariants.ts';
import type { StepContext } from './step-context.ts';

export function applyFill(ctx: StepContext, order: OrderRecord, ev: OrderFilledEvent): void {
  const s = ctx.state;
  const inst = s.instruments.get(order.instrument)!;
  const spec = inst.instrument;
  const p = inst.position;
  const fee = ev.feeUnits;
  const q = order.side === 'buy' ? ev.qtyUnits : -ev.qtyUnits;
  const value = signedValueUnits(spec, ev.priceUnits, q);
  let realized = 0n;
  if (p.qtyUnits === 0 || p.qtyUnits > 0 === q > 0) {
    p.qtyUnits += q;
    p.costUnits += value;
  } else {
    const closeAbs = Math.min(Math.abs(q), Math.abs(p.qtyUnits));
    const c = p.qtyUnits > 0 ? closeAbs : -closeAbs;
    const removed = (p.costUnits * BigInt(closeAbs)) / BigInt(Math.abs(p.qtyUnits));
    const rest = q + c; // opens the other way on a flip
    // The fill's value splits between the part that closes (−c) and the part that opens (rest);
    // realised = value of the closed position quantity c at this price − its basis share.
    const restValue = rest === 0 ? 0n : signedValueUnits(spec, ev.priceUnits, rest);
    realized = restValue - value - removed;
    p.costUnits -= removed;
    p.qtyUnits -= c;
    if (rest !== 0) {
      p.qtyUnits += rest;
      p.costUnits += restValue;
    }
  }
  p.realizedPnlUnits += realized;
  p.feesUnits += fee;
  p.fillQtySum += q;
  p.fillValueSum += value;
  p.fillCount++;
  const bal = s.balances;
  if (spec.contractType === 'spot') {
    bal.set(spec.quoteCurrency, (bal.get(spec.quoteCurrency) ?? 0n) - (value + fee) * inst.settlementToBalance);
    bal.set(spec.baseCurrency, (bal.get(spec.baseCurrency) ?? 0n) + BigInt(q) * inst.baseToBalance);
  } else {
    bal.set(p.settlementCurrency, (bal.get(p.settlementCurrency) ?? 0n) + (realized - fee) * inst.settlementToBalance);
  }
  const d = s.fillDigest;
  d.num(order.orderId);
  d.str(ev.fillId);
  d.num(ev.priceUnits);
  d.num(q);
  d.big(fee);
  d.str(ev.liquidity);
  const v = checkPosition(inst, ev.seq) ?? checkBalances(s, s.initialBalances, ev.seq);
  if (v !== null) ctx.halt(v);
}
