/**
 * Execution State reducer for orders (SPEC.md §4 order lifecycle): RequestSent creates an order
 * (new) or sets the inflight gate (replace/cancel); venue answers move the order through the
 * lifecycle and clear the gate of the request they answer; a fill goes on to the accounting.
 * Events for unknown or terminal orders, and repeated fills, are counted and reported, never applied.
 */
import type { ExecutionEvent, OrderDispositionEvent, OrderFilledEvent, RequestSentEvent } from '../events.ts';
import { isTerminal, nextStatus, type LifecycleInput } from '../execution/order-lifecycle.ts';
import { OrderRecord } from '../state/engine-state.ts';
import { applyFill } from './accounting.ts';
import { violation } from './invariants.ts';
import type { StepContext } from './step-context.ts';

/** Moves an order through the lifecycle; false (and nothing changed) when not allowed. */
function transition(ctx: StepContext, order: OrderRecord, input: LifecycleInput, seq: number): boolean {
  const from = order.status;
  const to = nextStatus(from, input);
  if (to === null) {
    ctx.diag('warn', 'refused_transition', `order ${order.orderId}: ${input} is not allowed from ${from}`, seq);
    return false;
  }
  if (isTerminal(from)) {
    ctx.halt(violation('no_transition_from_terminal', seq, `order ${order.orderId} left terminal state ${from}`, { orderId: order.orderId, from, input }));
    return false;
  }
  order.status = to;
  if (isTerminal(to)) {
    order.inflight = null;
    order.inflightSeq = -1;
    ctx.state.live.delete(order.orderId);
    ctx.state.retired.push(order);
  }
  return true;
}

/** The order an execution-side event names, or undefined after counting it as unknown or late. */
function liveOrder(ctx: StepContext, ev: ExecutionEvent | OrderDispositionEvent): OrderRecord | undefined {
  const s = ctx.state;
  const order = s.orders.get(ev.orderId);
  if (order === undefined) {
    s.counters.unknownOrderEvents++;
    ctx.diag('warn', 'unknown_order', `${ev.kind} for unknown order ${ev.orderId}`, ev.seq);
    return undefined;
  }
  if (isTerminal(order.status)) {
    s.counters.lateEvents++;
    ctx.diag('info', 'late_event', `${ev.kind} for terminal order ${ev.orderId} (${order.status}) recorded, not applied`, ev.seq);
    return undefined;
  }
  return order;
}

export function applyExecution(ctx: StepContext, ev: ExecutionEvent): void {
  if (ev.kind === 'order_filled' && isDuplicateFill(ctx, ev)) return;
  const order = liveOrder(ctx, ev);
  if (order === undefined) return;
  // The outcome of the inflight request clears the gate, whatever the outcome says.
  if (ev.requestSeq >= 0 && ev.requestSeq === order.inflightSeq) {
    order.inflight = null;
    order.inflightSeq = -1;
  }
  let ok: boolean;
  switch (ev.kind) {
    case 'order_accepted':
      ok = transition(ctx, order, 'accepted', ev.seq);
      if (ok) order.venueOrderId = ev.venueOrderId;
      break;
    case 'order_rejected':
      ok = transition(ctx, order, 'rejected', ev.seq);
      if (ok) order.terminalReason = `rejected:${ev.reason}`;
      break;
    case 'order_cancelled':
      ok = transition(ctx, order, 'cancelled', ev.seq);
      if (ok) order.terminalReason = `cancelled:${ev.reason}`;
      break;
    case 'order_expired':
      ok = transition(ctx, order, 'expired', ev.seq);
      if (ok) order.terminalReason = 'expired';
      break;
    case 'order_replaced':
      ok = transition(ctx, order, 'replaced', ev.seq);
      if (ok) {
        order.priceUnits = ev.priceUnits;
        order.qtyUnits = ev.qtyUnits;
      }
      break;
    case 'cancel_replace_rejected':
      ok = transition(ctx, order, 'cancel_replace_rejected', ev.seq);
      break;
    case 'order_filled': {
      // An inverse contract's value divides by the price: a fill at price ≤ 0 has none.
      const inverse = ctx.state.instruments.get(order.instrument)?.instrument.contractType === 'inverse';
      if (!Number.isSafeInteger(ev.qtyUnits) || ev.qtyUnits <= 0 || !Number.isSafeInteger(ev.priceUnits) || (inverse && ev.priceUnits <= 0)) {
        ctx.diag('warn', 'invalid_fill', `fill ${ev.fillId} of order ${ev.orderId} has qty ${ev.qtyUnits} price ${ev.priceUnits}`, ev.seq);
        ok = false;
        break;
      }
      const filled = order.filledQtyUnits + ev.qtyUnits;
      if (filled > order.qtyUnits) ctx.diag('warn', 'overfill', `order ${ev.orderId} filled ${filled} of ${order.qtyUnits}`, ev.seq);
      ok = transition(ctx, order, ev.final || filled >= order.qtyUnits ? 'final_fill' : 'partial_fill', ev.seq);
      if (ok) {
        order.filledQtyUnits = filled;
        order.addFill(ev.fillId);
        if (order.status === 'filled') order.terminalReason = 'filled';
        applyFill(ctx, order, ev);
      }
      break;
    }
  }
  if (!ok) ctx.state.counters.refusedTransitions++;
}

/**
 * A fill whose (orderId, fillId) was already applied — a venue or adapter reporting it again,
 * e.g. after a reconnect — is counted and reported, never applied, whatever the order's status.
 */
function isDuplicateFill(ctx: StepContext, ev: OrderFilledEvent): boolean {
  const order = ctx.state.orders.get(ev.orderId);
  if (order === undefined || !order.hasFill(ev.fillId)) return false;
  ctx.state.counters.duplicateFills++;
  ctx.diag('info', 'duplicate_fill', `fill ${ev.fillId} of order ${ev.orderId} was already applied: recorded, not applied`, ev.seq);
  return true;
}

/** A failure disposition (an order declared lost) ends a live order. */
export function applyDisposition(ctx: StepContext, ev: OrderDispositionEvent): void {
  const order = liveOrder(ctx, ev);
  if (order === undefined) return;
  if (!transition(ctx, order, 'lost', ev.seq)) ctx.state.counters.refusedTransitions++;
  else order.terminalReason = 'lost';
}

/** Applies a RequestSent (our own dispatch, or one a runtime recorded): creates the order for a new, sets the inflight gate. */
export function applyRequestSent(ctx: StepContext, ev: RequestSentEvent): void {
  const s = ctx.state;
  if (ev.request === 'new') {
    if (s.orders.has(ev.orderId)) {
      ctx.halt(violation('order_key_unique', ev.seq, `RequestSent new for existing order key ${ev.orderId}`, { orderId: ev.orderId }));
      return;
    }
    const o = new OrderRecord(ev.orderId, ev.instrument, ev.side, ev.orderType, ev.priceUnits, ev.qtyUnits, ev.timeInForce, ev.postOnly, ev.reduceOnly, ev.clientTag, ev.seq);
    s.orders.set(ev.orderId, o);
    s.live.set(ev.orderId, o);
    if (ev.orderId >= s.nextOrderId) s.nextOrderId = ev.orderId + 1;
    return;
  }
  const order = s.orders.get(ev.orderId);
  if (order === undefined || isTerminal(order.status)) {
    ctx.halt(violation('request_for_live_order', ev.seq, `RequestSent ${ev.request} for ${order ? 'terminal' : 'unknown'} order ${ev.orderId}`, { orderId: ev.orderId, status: order?.status ?? null }));
    return;
  }
  if (order.inflight !== null) {
    ctx.halt(
      violation('one_inflight_per_key', ev.seq, `RequestSent ${ev.request} for order ${ev.orderId} while ${order.inflight} (seq ${order.inflightSeq}) is inflight`, {
        orderId: ev.orderId,
        inflight: order.inflight,
        inflightSeq: order.inflightSeq,
      }),
    );
    return;
  }
  order.inflight = ev.request;
  order.inflightSeq = ev.seq;
}
