import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../state/view.ts';
import { LIFECYCLE_INPUTS, ORDER_STATUSES, type LifecycleInput } from './order-lifecycle.ts';

// The unions the transition table is defined over, checked by the compiler: a status or input
// added to the types but missing from the lists would escape the table tests that iterate them.
const STATUSES: Record<OrderStatus, true> = {
  submitted: true,
  accepted: true,
  partially_filled: true,
  filled: true,
  cancelled: true,
  rejected: true,
};
const INPUTS: Record<LifecycleInput, true> = {
  accepted: true,
  rejected: true,
  partial_fill: true,
  final_fill: true,
  cancelled: true,
  expired: true,
  replaced: true,
  cancel_replace_rejected: true,
  lost: true,
};

describe('order lifecycle domain', () => {
  it('lists every order status exactly once', () => {
    expect([...ORDER_STATUSES].sort()).toEqual(Object.keys(STATUSES).sort());
  });

  it('lists every lifecycle input exactly once', () => {
    expect([...LIFECYCLE_INPUTS].sort()).toEqual(Object.keys(INPUTS).sort());
  });
});
