/**
 * Dispatch (SPEC.md §4 steps 6–7): a queue pass selects the largest sendable prefix; each
 * selected command becomes a RequestSent numbered after the current event and is applied at
 * once; a scope blocked by its rate bucket yields a Control Scheduling Obligation.
 */
import type { RequestSentEvent } from '../events.ts';
import type { ControlSchedulingObligation } from '../step-result.ts';
import type { ExecutionControl } from '../execution/execution-control.ts';
import type { PendingCommand } from '../execution/dominance.ts';
import { KIND_INDEX } from '../state/engine-state.ts';
import { applyRequestSent } from './order-reducer.ts';
import type { StepContext } from './step-context.ts';

/** Turns a selected command into the RequestSent the runtime must append next, and applies it. */
export function dispatchCommand(ctx: StepContext, cmd: PendingCommand): RequestSentEvent {
  const s = ctx.state;
  const ev: RequestSentEvent = Object.freeze({
    seq: s.lastSeq + 1,
    kind: 'request_sent',
    tsEventNs: s.nowNs,
    tsLocalNs: s.nowNs,
    request: cmd.request,
    orderId: cmd.orderId,
    instrument: cmd.instrument,
    side: cmd.side,
    orderType: cmd.orderType,
    priceUnits: cmd.request === 'cancel' ? 0 : cmd.priceUnits,
    qtyUnits: cmd.request === 'cancel' ? 0 : cmd.qtyUnits,
    timeInForce: cmd.timeInForce,
    postOnly: cmd.postOnly,
    reduceOnly: cmd.reduceOnly,
    clientTag: cmd.clientTag,
  });
  s.lastSeq = ev.seq;
  s.eventCounts[KIND_INDEX.request_sent]!++;
  s.counters.dispatched++;
  applyRequestSent(ctx, ev);
  return ev;
}

/**
 * The obligation of a pass that left scopes blocked: the earliest due (ties by scope), unless
 * that same due time is already outstanding for its scope; a later-due scope is re-derived
 * when the earlier one fires. Records it as outstanding.
 */
export function obligationAfterPass(ctx: StepContext, control: ExecutionControl, derivedAtSeq: number): ControlSchedulingObligation | null {
  const s = ctx.state;
  let obligation: ControlSchedulingObligation | null = null;
  for (const b of control.blocked) {
    const outstanding = s.obligations.get(b.scope);
    if (outstanding !== undefined && outstanding.dueTsLocalNs === b.dueTsLocalNs) continue;
    if (obligation === null || b.dueTsLocalNs < obligation.dueTsLocalNs || (b.dueTsLocalNs === obligation.dueTsLocalNs && b.scope < obligation.scope)) {
      obligation = { dueTsLocalNs: b.dueTsLocalNs, reason: 'rate_limit', scope: b.scope, derivedAtSeq };
    }
  }
  if (obligation === null) return null;
  s.obligations.set(obligation.scope, { dueTsLocalNs: obligation.dueTsLocalNs, derivedAtSeq });
  return Object.freeze(obligation);
}
