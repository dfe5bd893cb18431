/**
 * Test support: the smallest session loop that drives a paper venue the way the live session
 * does, on a manual clock: market events appended at their tsLocalNs (the venue told first), the
 * core stepped, its requests submitted, venue answers appended when the scheduler delivers them
 * (stamped with the clock), obligations realised as Control-Time Events by timers. Session start
 * and end as the backtest timeline writes them, so the two streams can be compared event by event.
 */
import type { ControlSchedulingObligation, Engine, Event, EventDraft, MarketEvent } from '@chassis/core';
import type { TimerHandle } from '../contracts.ts';
import type { ManualScheduler } from './manual-scheduler.ts';
import type { PaperVenue } from './paper-venue.ts';

export interface PaperDriveOptions {
  readonly engine: Engine;
  readonly venue: PaperVenue;
  readonly scheduler: ManualScheduler;
  /** Market events in the order they are received (tsLocalNs non-decreasing). */
  readonly market: readonly MarketEvent[];
  /** After the last market event, keep delivering what is due up to this long after it (ns). */
  readonly endGraceNs: bigint;
  readonly sessionId: string;
  /** Before the session ends, deliver every answer still on its way (no obligation is realised any more). */
  readonly deliverEverything?: boolean;
}

/** Bound on the timers run while delivering everything (a strategy answering its answers could go on). */
const MAX_DELIVERIES = 10_000;

export function drivePaper(o: PaperDriveOptions): Event[] {
  const { engine, venue, scheduler } = o;
  const events: Event[] = [];
  const obligations = new Map<string, TimerHandle>();
  let seq = 0;
  let lastLocalNs = 0n;

  const append = (draft: EventDraft): void => {
    const event = draft as Event;
    (event as { seq: number }).seq = ++seq;
    events.push(event);
    lastLocalNs = event.tsLocalNs;
    const result = engine.step(event);
    if (result.violation)
      throw new Error(
        `invariant violation at seq ${event.seq}: ${JSON.stringify(result.violation, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
      );
    for (const r of result.requestsSent) {
      seq = r.seq;
      events.push(r);
      venue.submit(r);
    }
    if (result.obligation) oblige(result.obligation);
    for (const c of result.controlEvents) append(c);
  };

  /** The newest obligation per scope supersedes the previous one; realised at its due time if work is still pending. */
  let draining = false;
  const oblige = (ob: ControlSchedulingObligation): void => {
    if (draining) return;
    obligations.get(ob.scope)?.cancel();
    const handle: TimerHandle = scheduler.at(ob.dueTsLocalNs, () => {
      venue.advance(scheduler.nowNs()); // venue answers due now come first (and may supersede this obligation)
      if (obligations.get(ob.scope) !== handle) return;
      obligations.delete(ob.scope);
      if (engine.view.execution.pending().length === 0) return;
      const ts = ob.dueTsLocalNs > lastLocalNs ? ob.dueTsLocalNs : lastLocalNs;
      append({
        kind: 'control_time',
        tsEventNs: ts,
        tsLocalNs: ts,
        dueTsLocalNs: ob.dueTsLocalNs,
        reason: ob.reason,
        scope: ob.scope,
        obligationSeq: ob.derivedAtSeq,
      });
    });
    obligations.set(ob.scope, handle);
  };

  venue.onAnswer((answer) => append({ ...answer, tsLocalNs: scheduler.nowNs() }));
  venue.start();
  const first = o.market[0];
  if (first === undefined) return events;
  append({
    kind: 'session',
    tsEventNs: first.tsLocalNs,
    tsLocalNs: first.tsLocalNs,
    state: 'start',
    sessionId: o.sessionId,
  });
  for (const m of o.market) {
    scheduler.advanceTo(m.tsLocalNs);
    venue.onMarket(m);
    append(m);
  }
  scheduler.advanceTo(o.market[o.market.length - 1]!.tsLocalNs + o.endGraceNs, true);
  if (o.deliverEverything === true) {
    draining = true;
    for (const handle of obligations.values()) handle.cancel();
    obligations.clear();
    for (let n = 0, due = scheduler.nextDueNs(); due !== null && n < MAX_DELIVERIES; n++, due = scheduler.nextDueNs())
      scheduler.advanceTo(due, true);
  }
  append({ kind: 'session', tsEventNs: lastLocalNs, tsLocalNs: lastLocalNs, state: 'end', sessionId: o.sessionId });
  venue.stop();
  return events;
}
