// @ts-nocheck
import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../state/view.ts';
import { LIFECYCLE_INPUTS, ORDER_STATUSES, isTerminal, nextStatus, type LifecycleInput } from './order-lifecycle.ts';
import { BTC, EventFeed, ScriptedStrategy, baseConfig } from '../testing/fixtures.ts';
import { createEngine } from '../engine/create-engine.ts';

// The allowed transitions of SPEC.md §4, and nothing else.
const allowed: Record<OrderStatus, Partial<Record<LifecycleInput, OrderStatus>>> = {
  submitted: {
    accepted: 'accepted',
    rejected: 'rejected',
    lost: 'rejected',
    partial_fill: 'partially_filled',
    final_fill: 'filled',
    cancelled: 'cancelled',
    expired: 'cancelled',
    replaced: 'submitted',
    cancel_replace_rejected: 'submitted',
  },
  accepted: { partial_fill: 'partially_filled', final_fill: 'filled', cancelled: 'cancelled', expired: 'cancelled', replaced: 'accepted', cancel_replace_rejected: 'accepted' },
  partially_filled: {
    partial_fill: 'partially_filled',
    final_fill: 'filled',
    cancelled: 'cancelled',
    expired: 'cancelled',
    replaced: 'partially_filled',
    cancel_replace_rejected: 'partially_filled',
  },
  filled: {},
  cancelled: {},
  rejected: {},
};

describe('order lifecycle transition table', () => {
  for (const from of ORDER_STATUSES) {
    for (const input of LIFECYCLE_INPUTS) {
      const to = allowed[from][input];
      it(`${input} from ${from} ${to ? `goes to ${to}` : 'is refused'}`, () => {
        expect(nextStatus(from, input)).toBe(to ?? null);
      });
    }
  }

  it('filled, cancelled and rejected are terminal and nothing else is', () => {
    expect(ORDER_STATUSES.filter(isTerminal)).toEqual(['filled', 'cancelled', 'rejected']);
  });
});

/** Drives an order to `from` through real events and returns the feed. */
function orderIn(from: OrderStatus): EventFeed {
  const strategy = new ScriptedStrategy();
  const feed = new EventFeed(createEngine(baseConfig(), strategy));
  strategy.script.push([{ type: 'new', instrument: BTC.id, side: 'buy', priceUnits: 600000, qtyUnits: 10 }]);
  feed.bbo(600000, 600001);
  if (from === 'submitted') return feed;
  if (from === 'rejected') {
    feed.exec({ kind: 'order_rejected', orderId: 1, reason: 'insufficient_margin' });
    return feed;
  }
  feed.accept(1);
  if (from === 'partially_filled') feed.exec(fillDraft(3, false));
  if (from === 'filled') feed.exec(fillDraft(10, true));
  if (from === 'cancelled') feed.exec({ kind: 'order_cancelled', orderId: 1, reason: 'requested' });
  return feed;
}

let fillNo = 0;
function fillDraft(qty: number, final: boolean) {
  return { kind: 'order_filled', orderId: 1, fillId: `f${++fillNo}`, priceUnits: 600000, qtyUnits: qty, liquidity: 'maker', feeUnits: 12n, final };
}

const eventFor: Record<LifecycleInput, Record<string, unknown> & { kind: string; orderId: number }> = {
  accepted: { kind: 'order_accepted', orderId: 1, venueOrderId: 'v1' },
  rejected: { kind: 'order_rejected', orderId: 1, reason: 'x' },
  partial_fill: fillDraft(2, false),
  final_fill: fillDraft(1, true),
  cancelled: { kind: 'order_cancelled', orderId: 1, reason: 'requested' },
  expired: { kind: 'order_expired', orderId: 1 },
  replaced: { kind: 'order_replaced', orderId: 1, priceUnits: 599999, qtyUnits: 10 },
  cancel_replace_rejected: { kind: 'cancel_replace_rejected', orderId: 1, request: 'replace', reason: 'x' },
  lost: { kind: 'order_disposition', orderId: 1, disposition: 'lost', reason: 'no answer in 5 s' },
};

describe('order lifecycle through events', () => {
  for (const from of ORDER_STATUSES) {
    for (const input of LIFECYCLE_INPUTS) {
      const to = allowed[from][input];
      it(`an order ${from} receiving ${input} ${to ? `becomes ${to}` : isTerminal(from) ? 'counts a late event and stays' : 'refuses and stays'}`, () => {
        const feed = orderIn(from);
        expect(feed.engine.view.execution.order(1)!.status).toBe(from);
        const hashBefore = feed.engine.stateHash();
        const r = feed.exec({ ...eventFor[input] }, false);
        expect(r.violation).toBeNull();
        const order = feed.engine.view.execution.order(1)!;
        if (to) {
          expect(order.status).toBe(to);
        } else {
          expect(order.status).toBe(from);
          expect(r.diagnostics.map((d) => d.code)).toContain(isTerminal(from) ? 'late_event' : 'refused_transition');
          expect(feed.engine.stateHash()).not.toBe(hashBefore); // the counter moved, nothing else
        }
      });
    }
  }

  it('an order with no venue answer stays submitted until an order_disposition declares it lost', () => {
    const feed = orderIn('submitted');
    for (let i = 0; i < 5; i++) feed.bbo(600000, 600001, 1_000_000_000n);
    expect(feed.engine.view.execution.order(1)!.status).toBe('submitted');
    expect(feed.engine.view.execution.order(1)!.inflight).toBe('new');
    feed.push({ kind: 'order_disposition', orderId: 1, disposition: 'lost', reason: 'timeout', tsEventNs: feed.nowNs, tsLocalNs: feed.nowNs });
    expect(feed.engine.view.execution.order(1)!.status).toBe('rejected');
    expect(feed.engine.view.execution.order(1)!.inflight).toBeNull();
    expect(feed.engine.view.execution.openOrders()).toEqual([]);
  });

  it('a replace acknowledgement changes price and qty but not the status', () => {
    const feed = orderIn('accepted');
    feed.exec({ kind: 'order_replaced', orderId: 1, priceUnits: 599990, qtyUnits: 7 }, false);
    const o = feed.engine.view.execution.order(1)!;
    expect([o.status, o.priceUnits, o.qtyUnits]).toEqual(['accepted', 599990, 7]);
  });
});
