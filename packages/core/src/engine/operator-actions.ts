/**
 * Operator actions as intents (SPEC.md §5 control surface: "kill switch … cancels open orders",
 * "flatten"). The control reducer only notes that an action was asked for; when the step
 * decides, these intents are made from the state at that point (after the whole wakeup batch
 * is derived) and go through risk and execution control like the strategy's, with origin
 * 'operator'. So every cancel and flatten order is a RequestSent, rate limited and ordered as
 * usual, and a runtime learns its fate from the venue like any other request.
 *
 * - kill switch engaged: a cancel for every live order the core sent (ascending order id),
 *   except those whose cancel is already queued or inflight.
 * - flatten: per instrument with a non-zero position (configuration order), one reduce-only IOC
 *   market order for the whole position, clientTag `flatten`.
 */
import type { CancelIntent, Intent, NewIntent } from '../intents.ts';
import type { EngineState } from '../state/engine-state.ts';

export const FLATTEN_CLIENT_TAG = 'flatten';

/** The intents of the operator actions asked for since the last decision (clearing the requests); empty when none. */
export function takeOperatorIntents(s: EngineState): Intent[] {
  const out: Intent[] = [];
  if (s.cancelAllRequested) out.push(...cancelAll(s));
  if (s.flattenRequested) out.push(...flattenAll(s));
  s.cancelAllRequested = false;
  s.flattenRequested = false;
  return out;
}

function cancelAll(s: EngineState): CancelIntent[] {
  const ids: number[] = [];
  for (const o of s.live.values()) {
    if (o.inflight === 'cancel' || s.queue.get(o.orderId)?.request === 'cancel') continue;
    ids.push(o.orderId);
  }
  return ids.sort((a, b) => a - b).map((orderId) => ({ type: 'cancel', orderId }));
}

function flattenAll(s: EngineState): NewIntent[] {
  const out: NewIntent[] = [];
  for (const inst of s.instruments.values()) {
    const qty = inst.position.qtyUnits;
    if (qty === 0) continue;
    out.push({
      type: 'new',
      instrument: inst.instrument.id,
      side: qty > 0 ? 'sell' : 'buy',
      orderType: 'market',
      priceUnits: 0,
      qtyUnits: Math.abs(qty),
      timeInForce: 'IOC',
      reduceOnly: true,
      clientTag: FLATTEN_CLIENT_TAG,
    });
  }
  return out;
}
