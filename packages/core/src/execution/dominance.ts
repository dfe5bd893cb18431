/**
 * Dominance: at most one effective pending command per order key (SPEC.md §4 table).
 *
 * | queued \ incoming | NEW               | REPLACE                         | CANCEL                         |
 * |-------------------|-------------------|---------------------------------|--------------------------------|
 * | none              | enters            | enters                          | enters                         |
 * | NEW (unsent)      | latest NEW wins   | becomes a NEW with its price/qty| both removed: nothing is sent  |
 * | REPLACE           | incoming discarded| latest REPLACE wins             | CANCEL wins                    |
 * | CANCEL            | incoming discarded| incoming discarded              | latest CANCEL wins             |
 *
 * Pure: given the queued command (or null) and the incoming one, returns the effective
 * command for the key (or null = key leaves the queue) and what happened. Dispatched and
 * inflight work is never passed here. The effective command keeps the key's original
 * admission number (the key was admitted first then), so ordering among keys is stable.
 */
import type { OrderSide, OrderType, RequestKind, TimeInForce } from '../events.ts';
import type { IntentOrigin } from '../intents.ts';

/** A queued (allowed, not yet dispatched) command for one order key. Mutable inside the core only. */
export interface PendingCommand {
  readonly orderId: number;
  readonly request: RequestKind;
  readonly instrument: string;
  readonly side: OrderSide;
  readonly orderType: OrderType;
  readonly priceUnits: number;
  readonly qtyUnits: number;
  readonly timeInForce: TimeInForce;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly clientTag: string;
  /** Admission number of the key: ordering tie-break (lower = earlier). */
  readonly admission: number;
  /** Who asked for it: an operator's reduce-only new stays valid under the kill switch (execution-control.ts). */
  readonly origin: IntentOrigin;
}

export type DominanceOutcome =
  | 'entered'
  | 'new_replaced_by_new'
  | 'new_amended_by_replace'
  | 'new_and_cancel_annihilated'
  | 'incoming_discarded'
  | 'replace_replaced_by_replace'
  | 'replace_replaced_by_cancel'
  | 'cancel_replaced_by_cancel';

export interface DominanceResult {
  /** The key's effective pending command after admission; null = the key leaves the queue. */
  readonly effective: PendingCommand | null;
  readonly outcome: DominanceOutcome;
}

/**
 * `cmd` with other price, quantity and admission: every field written out in PendingCommand's
 * order, so all queue entries share one object shape (a spread copy does not).
 */
function amended(cmd: PendingCommand, priceUnits: number, qtyUnits: number, admission: number): PendingCommand {
  return {
    orderId: cmd.orderId,
    request: cmd.request,
    instrument: cmd.instrument,
    side: cmd.side,
    orderType: cmd.orderType,
    priceUnits,
    qtyUnits,
    timeInForce: cmd.timeInForce,
    postOnly: cmd.postOnly,
    reduceOnly: cmd.reduceOnly,
    clientTag: cmd.clientTag,
    admission,
    origin: cmd.origin,
  };
}

export function dominate(queued: PendingCommand | null, incoming: PendingCommand): DominanceResult {
  if (queued === null) return { effective: incoming, outcome: 'entered' };
  const admission = queued.admission;
  switch (queued.request) {
    case 'new':
      if (incoming.request === 'new') return { effective: amended(incoming, incoming.priceUnits, incoming.qtyUnits, admission), outcome: 'new_replaced_by_new' };
      if (incoming.request === 'replace')
        return {
          effective: amended(queued, incoming.priceUnits, incoming.qtyUnits, admission),
          outcome: 'new_amended_by_replace',
        };
      return { effective: null, outcome: 'new_and_cancel_annihilated' };
    case 'replace':
      if (incoming.request === 'new') return { effective: queued, outcome: 'incoming_discarded' };
      if (incoming.request === 'replace') return { effective: amended(incoming, incoming.priceUnits, incoming.qtyUnits, admission), outcome: 'replace_replaced_by_replace' };
      return { effective: amended(incoming, incoming.priceUnits, incoming.qtyUnits, admission), outcome: 'replace_replaced_by_cancel' };
    case 'cancel':
      if (incoming.request === 'cancel') return { effective: amended(incoming, incoming.priceUnits, incoming.qtyUnits, admission), outcome: 'cancel_replaced_by_cancel' };
      return { effective: queued, outcome: 'incoming_discarded' };
  }
}
