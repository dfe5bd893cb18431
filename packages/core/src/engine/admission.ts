/**
 * Admission (SPEC.md §4 steps 4–5): each intent goes through the Risk Engine (allowed or
 * denied, an error inside risk is denied, L6); an allowed intent becomes a PendingCommand —
 * a `new` gets its order key here — and enters the queue under dominance. Strategy and
 * operator intents (operator-actions.ts) take this same path; only their `origin` differs.
 */
import type { EventDraft, IntentDeniedEvent } from '../events.ts';
import type { Intent, IntentOrigin } from '../intents.ts';
import type { RiskDecision } from '../step-result.ts';
import type { RiskVerdict } from '../config.ts';
import type { EngineState } from '../state/engine-state.ts';
import type { ExecutionControl } from '../execution/execution-control.ts';
import type { PendingCommand } from '../execution/dominance.ts';
import type { RiskEngine } from '../risk/risk-engine.ts';

export function admitIntent(s: EngineState, risk: RiskEngine, control: ExecutionControl, intent: Intent, origin: IntentOrigin): RiskDecision {
  let verdict: RiskVerdict;
  try {
    verdict = risk.check(intent, origin);
  } catch (err) {
    // An error inside the risk engine itself is undecidable ⇒ denied (L6).
    verdict = { allowed: false, reason: `risk_error:${err instanceof Error ? err.message : String(err)}` };
  }
  if (!verdict.allowed) {
    s.counters.denied++;
    return { allowed: false, intent, reason: verdict.reason };
  }
  const cmd = commandFor(s, intent, origin);
  control.admit(cmd);
  return { allowed: true, intent, orderId: cmd.orderId };
}

/** The queue entry for an allowed intent; a replace or cancel inherits the order's fixed fields. */
function commandFor(s: EngineState, intent: Intent, origin: IntentOrigin): PendingCommand {
  if (intent.type === 'new') {
    return {
      orderId: s.nextOrderId++,
      request: 'new',
      instrument: intent.instrument,
      side: intent.side,
      orderType: intent.orderType ?? 'limit',
      priceUnits: intent.priceUnits,
      qtyUnits: intent.qtyUnits,
      timeInForce: intent.timeInForce ?? 'GTC',
      postOnly: intent.postOnly === true,
      reduceOnly: intent.reduceOnly === true,
      clientTag: intent.clientTag ?? '',
      admission: s.nextAdmission++,
      origin,
    };
  }
  const base = s.orders.get(intent.orderId) ?? s.queue.get(intent.orderId)!;
  return {
    orderId: intent.orderId,
    request: intent.type,
    instrument: base.instrument,
    side: base.side,
    orderType: base.orderType,
    priceUnits: intent.type === 'replace' ? intent.priceUnits : 0,
    qtyUnits: intent.type === 'replace' ? intent.qtyUnits : 0,
    timeInForce: base.timeInForce,
    postOnly: base.postOnly,
    reduceOnly: base.reduceOnly,
    clientTag: base.clientTag,
    admission: s.nextAdmission++,
    origin,
  };
}

/** The audit record of a denial (recorded when the configuration asks for it). */
export function denialDraft(s: EngineState, intent: Intent, reason: string, tsLocalNs: bigint): EventDraft<IntentDeniedEvent> {
  return {
    kind: 'intent_denied',
    tsEventNs: tsLocalNs,
    tsLocalNs,
    reason,
    intentType: intent.type,
    instrument: intent.type === 'new' ? intent.instrument : (s.orders.get(intent.orderId)?.instrument ?? s.queue.get(intent.orderId)?.instrument ?? ''),
    orderId: intent.type === 'new' ? -1 : intent.orderId,
  };
}
