/**
 * Execution State accounting (SPEC.md §3): a fill moves the instrument's position (exact cost
 * basis and realised PnL), its fees and the balances, folds into the fill digest, and is then
 * checked against the invariants "positions = sum of fills" and "balances reconcile".
 */
import type { OrderFilledEvent } from '../events.ts';
import type { OrderRecord } from '../state/engine-state.ts';
import { checkBalances, checkPosition } from './invariants.ts';
import type { StepContext } from './step-context.ts';

export function applyFill(ctx: StepContext, order: OrderRecord, ev: OrderFilledEvent): void {
  const s = ctx.state;
  const inst = s.instruments.get(order.instrument)!;
  const p = inst.position;
  const fee = ev.feeUnits;
  const q = order.side === 'buy' ? ev.qtyUnits : -ev.qtyUnits;
  const px = BigInt(ev.priceUnits);
  let realized = 0n;
  if (p.qtyUnits === 0 || p.qtyUnits > 0 === q > 0) {
    p.qtyUnits += q;
    p.costUnits += px * BigInt(q);
  } else {
    const closeAbs = Math.min(Math.abs(q), Math.abs(p.qtyUnits));
    const c = p.qtyUnits > 0 ? closeAbs : -closeAbs;
    const removed = (p.costUnits * BigInt(closeAbs)) / BigInt(Math.abs(p.qtyUnits));
    realized = px * BigInt(c) - removed;
    p.costUnits -= removed;
    p.qtyUnits -= c;
    const rest = q + c; // opens the other way on a flip
    if (rest !== 0) {
      p.qtyUnits += rest;
      p.costUnits += px * BigInt(rest);
    }
  }
  p.realizedPnlUnits += realized;
  p.feesUnits += fee;
  p.fillQtySum += q;
  p.fillNotionalSum += px * BigInt(q);
  p.fillCount++;
  const i = inst.instrument;
  const bal = s.balances;
  if (i.contractType === 'spot') {
    bal.set(i.quoteCurrency, (bal.get(i.quoteCurrency) ?? 0n) - px * BigInt(q) - fee);
    bal.set(i.baseCurrency, (bal.get(i.baseCurrency) ?? 0n) + BigInt(q));
  } else {
    bal.set(i.quoteCurrency, (bal.get(i.quoteCurrency) ?? 0n) + realized - fee);
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
