/**
 * The session's minimal comparison of the venue's account with the engine's view: open orders
 * by order id (ours) or client order id (foreign), and positions by instrument. It answers
 * matched or mismatch and lists the differences; it never changes state and never invents a
 * fill. The full reconciliation (reports, adopt/cancel policy, balances) plugs in through the
 * same `Reconciler` signature.
 */
import type { StateView } from '@chassis/core';
import type { LiveVenueAdapter, VenueAccountState } from '../contracts.ts';

export interface ReconciliationResult {
  readonly outcome: 'matched' | 'mismatch' | 'resolved';
  /** One line for the reconciliation event. */
  readonly detail: string;
  /** The readable report (reconciliation-{n}.json). */
  readonly report: Readonly<Record<string, unknown>>;
}

export type Reconciler = (account: VenueAccountState, view: StateView, adapter: LiveVenueAdapter) => Promise<ReconciliationResult>;

export function compareAccount(account: VenueAccountState, view: StateView): ReconciliationResult {
  const differences: string[] = [];
  const ours = new Map(view.execution.openOrders().map((o) => [o.orderId, o]));
  const seen = new Set<number>();
  for (const v of account.openOrders) {
    if (v.orderId === null) {
      differences.push(`venue order ${v.clientOrderId} (${v.instrument} ${v.side} ${v.qtyUnits}@${v.priceUnits}) is not ours`);
      continue;
    }
    seen.add(v.orderId);
    const o = ours.get(v.orderId);
    if (!o) differences.push(`order ${v.orderId} is open at the venue but not in the session`);
    else if (o.priceUnits !== v.priceUnits || o.qtyUnits !== v.qtyUnits) differences.push(`order ${v.orderId}: session ${o.qtyUnits}@${o.priceUnits}, venue ${v.qtyUnits}@${v.priceUnits}`);
  }
  // Orders the venue has not acknowledged yet (Submitted) may legitimately be missing from its list.
  for (const o of ours.values()) if (!seen.has(o.orderId) && o.status !== 'submitted') differences.push(`order ${o.orderId} is open in the session but not at the venue`);
  const venuePositions = new Map(account.positions.map((p) => [p.instrument, p.qtyUnits]));
  for (const inst of view.instruments) {
    const mine = view.execution.position(inst.id).qtyUnits;
    const theirs = venuePositions.get(inst.id) ?? 0;
    if (mine !== theirs) differences.push(`position ${inst.id}: session ${mine}, venue ${theirs}`);
  }
  const outcome = differences.length === 0 ? 'matched' : 'mismatch';
  return {
    outcome,
    detail: outcome === 'matched' ? `${account.openOrders.length} open orders and ${view.instruments.length} positions agree` : differences.join('; '),
    report: { outcome, asOfNs: account.asOfNs, differences, venueOpenOrders: account.openOrders.length, sessionOpenOrders: ours.size },
  };
}

export const minimalReconciler: Reconciler = (account, view) => Promise.resolve(compareAccount(account, view));
