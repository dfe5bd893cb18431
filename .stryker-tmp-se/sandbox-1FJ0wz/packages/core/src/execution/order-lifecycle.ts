/**
 * Order lifecycle (SPEC.md §4), as a pure transition table.
 *
 * Submitted → Accepted | Rejected | PartiallyFilled | Filled | Cancelled
 * Accepted → PartiallyFilled | Filled | Cancelled
 * PartiallyFilled → PartiallyFilled | Filled | Cancelled
 * Terminal (final): Filled, Cancelled (incl. expired), Rejected (incl. declared lost).
 * A replace acknowledgement and a cancel/replace reject change no status; they are allowed on
 * any live order. `lost` (order_disposition) is allowed only from Submitted and ends the
 * order as Rejected with reason 'lost': it never got a venue answer.
 */
// @ts-nocheck

import type { OrderStatus } from '../state/view.ts';

export type LifecycleInput =
  | 'accepted'
  | 'rejected'
  | 'partial_fill'
  | 'final_fill'
  | 'cancelled'
  | 'expired'
  | 'replaced'
  | 'cancel_replace_rejected'
  | 'lost';

export const ORDER_STATUSES: readonly OrderStatus[] = ['submitted', 'accepted', 'partially_filled', 'filled', 'cancelled', 'rejected'];
export const LIFECYCLE_INPUTS: readonly LifecycleInput[] = [
  'accepted',
  'rejected',
  'partial_fill',
  'final_fill',
  'cancelled',
  'expired',
  'replaced',
  'cancel_replace_rejected',
  'lost',
];

export function isTerminal(status: OrderStatus): boolean {
  return status === 'filled' || status === 'cancelled' || status === 'rejected';
}

/** Next status, or null when the transition is not allowed from `status`. */
export function nextStatus(status: OrderStatus, input: LifecycleInput): OrderStatus | null {
  if (isTerminal(status)) return null;
  switch (input) {
    case 'accepted':
      return status === 'submitted' ? 'accepted' : null;
    case 'rejected':
    case 'lost':
      return status === 'submitted' ? 'rejected' : null;
    case 'partial_fill':
      return 'partially_filled';
    case 'final_fill':
      return 'filled';
    case 'cancelled':
    case 'expired':
      return 'cancelled';
    case 'replaced':
    case 'cancel_replace_rejected':
      return status;
  }
}
