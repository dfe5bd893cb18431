/**
 * What reconciliation can find between the venue's account and the engine's derived state
 * (SPEC.md §5 "Reconciliation"). Every difference names both sides in the instrument's integer
 * units (orders, positions) or exact decimal text (balances). A difference is a finding, never
 * a repair: nothing here changes state, and no fill is ever invented to make numbers agree.
 */
import type { OrderStatus } from '@chassis/core';
import type { VenueOrderState } from '../contracts.ts';

/** The order fields compared between an engine order and the venue's record of it. */
export type ComparedOrderField = 'instrument' | 'side' | 'priceUnits' | 'qtyUnits' | 'filledQtyUnits' | 'status';

export type Difference =
  /** The venue has an open order whose client id is ours, but the engine does not hold it open (terminal, declared lost, or unknown). */
  | {
      readonly kind: 'venue_order_ours_not_open';
      readonly venueOrder: VenueOrderState;
      readonly engineStatus: OrderStatus | null;
    }
  /** The venue has an open order on a session instrument that no client id of ours names (placed by someone else). */
  | { readonly kind: 'venue_order_foreign'; readonly venueOrder: VenueOrderState }
  /** The engine holds an order open (no request inflight) that the venue does not list among its open orders. */
  | {
      readonly kind: 'order_missing_on_venue';
      readonly orderId: number;
      readonly instrument: string;
      readonly engineStatus: OrderStatus;
    }
  /** Both sides hold the order open but disagree on one field. */
  | {
      readonly kind: 'order_field_differs';
      readonly orderId: number;
      readonly field: ComparedOrderField;
      readonly engine: string | number;
      readonly venue: string | number;
    }
  /** Signed position quantities differ (a venue without a position for the instrument counts as 0). */
  | {
      readonly kind: 'position_differs';
      readonly instrument: string;
      readonly engineQtyUnits: number;
      readonly venueQtyUnits: number;
    }
  /** |venue − engine| exceeds the asset's tolerance; amounts as exact decimal text. */
  | {
      readonly kind: 'balance_differs';
      readonly asset: string;
      readonly engine: string;
      readonly venue: string;
      readonly tolerance: string;
    };

export type DifferenceKind = Difference['kind'];

/** A venue order the engine does not manage: what the adopt/cancel policy applies to. */
export function unmanagedVenueOrder(d: Difference): VenueOrderState | null {
  return d.kind === 'venue_order_foreign' || d.kind === 'venue_order_ours_not_open' ? d.venueOrder : null;
}

/** A stable identity of a difference (what it is about, not its values): equal keys = the same finding. */
export function differenceKey(d: Difference): string {
  switch (d.kind) {
    case 'venue_order_ours_not_open':
    case 'venue_order_foreign':
      return `${d.kind}:${d.venueOrder.venueOrderId}`;
    case 'order_missing_on_venue':
      return `${d.kind}:${d.orderId}`;
    case 'order_field_differs':
      return `${d.kind}:${d.orderId}:${d.field}`;
    case 'position_differs':
      return `${d.kind}:${d.instrument}`;
    case 'balance_differs':
      return `${d.kind}:${d.asset}`;
  }
}

/** One line a person reads: what differs and both sides' values. */
export function describeDifference(d: Difference): string {
  switch (d.kind) {
    case 'venue_order_ours_not_open':
      return `venue order ${d.venueOrder.venueOrderId} (client id ${d.venueOrder.clientOrderId}, our order ${d.venueOrder.orderId}) is open on the venue but ${d.engineStatus ?? 'unknown'} in the engine`;
    case 'venue_order_foreign':
      return `venue order ${d.venueOrder.venueOrderId} (client id ${d.venueOrder.clientOrderId}) on ${d.venueOrder.instrument} was not placed by this session`;
    case 'order_missing_on_venue':
      return `order ${d.orderId} on ${d.instrument} is ${d.engineStatus} in the engine but not open on the venue`;
    case 'order_field_differs':
      return `order ${d.orderId}: ${d.field} is ${d.engine} in the engine, ${d.venue} on the venue`;
    case 'position_differs':
      return `position ${d.instrument}: ${d.engineQtyUnits} units in the engine, ${d.venueQtyUnits} on the venue`;
    case 'balance_differs':
      return `balance ${d.asset}: ${d.engine} in the engine, ${d.venue} on the venue (tolerance ${d.tolerance})`;
  }
}
