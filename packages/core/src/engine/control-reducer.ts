/**
 * Control State reducer (SPEC.md §3): session, kill switch, strategy
 * halt and pause, feed health, reconciliation outcome, and control-time events (which retire
 * the obligation they realise). Events that can change what the queue may send mark it dirty.
 * The kill switch (engaged) and flatten also ask for operator intents, which the step makes
 * from the state it has when it decides (operator-actions.ts). Configuration versions have
 * their own reducer (config-change-reducer.ts).
 */
import type { ControlEvent } from '../events.ts';
import type { EngineState } from '../state/engine-state.ts';
import type { ExecutionControl } from '../execution/execution-control.ts';

export type ControlReducerEvent = Exclude<ControlEvent, { kind: 'order_disposition' | 'config_version' }>;

export function applyControl(s: EngineState, control: ExecutionControl, event: ControlReducerEvent): void {
  switch (event.kind) {
    case 'session':
      s.sessionActive = event.state === 'start';
      s.sessionId = event.sessionId;
      break;
    case 'kill_switch':
      s.killSwitch = event.engaged;
      if (event.engaged) {
        control.withdrawNonCancels();
        s.cancelAllRequested = true;
      }
      s.queueDirty = true;
      break;
    case 'flatten':
      s.flattenRequested = true;
      break;
    case 'strategy_paused':
      // Only the strategy stops: orders, the queue and operator actions carry on.
      s.strategyPaused = event.paused;
      break;
    case 'strategy_halted':
      s.strategyHalted = true;
      s.haltRequested = false;
      s.queueDirty = true;
      break;
    case 'feed_health': {
      const inst = s.instruments.get(event.instrument);
      if (inst !== undefined) inst.feedDegraded = event.state === 'degraded';
      else s.otherFeedsDegraded.set(event.instrument, event.state === 'degraded');
      s.queueDirty = true;
      break;
    }
    case 'reconciliation':
      s.lastReconciliation = event.outcome;
      break;
    case 'control_time': {
      const outstanding = s.obligations.get(event.scope);
      if (outstanding !== undefined && outstanding.derivedAtSeq === event.obligationSeq) s.obligations.delete(event.scope);
      s.queueDirty = true;
      break;
    }
  }
}
