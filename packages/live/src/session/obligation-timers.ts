/**
 * Control Scheduling Obligations in real time (SPEC.md §4): the newest obligation per scope is
 * kept on one timer; a newer one for the same scope cancels and replaces it. When a timer fires
 * the session is asked to realise the obligation (append the Control-Time Event), which it does
 * only while allowed work is still pending.
 */
import type { ControlSchedulingObligation } from '@chassis/core';
import type { Scheduler, TimerHandle } from '../contracts.ts';

export class ObligationTimers {
  private readonly byScope = new Map<string, { obligation: ControlSchedulingObligation; timer: TimerHandle }>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly realise: (obligation: ControlSchedulingObligation) => void,
  ) {}

  /** Keeps `obligation` as its scope's newest, on a timer at its due local time. */
  record(obligation: ControlSchedulingObligation): void {
    this.byScope.get(obligation.scope)?.timer.cancel();
    const timer = this.scheduler.at(obligation.dueTsLocalNs, () => {
      const current = this.byScope.get(obligation.scope);
      if (current?.obligation !== obligation) return;
      this.byScope.delete(obligation.scope);
      this.realise(obligation);
    });
    this.byScope.set(obligation.scope, { obligation, timer });
  }

  get outstanding(): number {
    return this.byScope.size;
  }

  cancelAll(): void {
    for (const { timer } of this.byScope.values()) timer.cancel();
    this.byScope.clear();
  }
}
