/**
 * Outstanding Control Scheduling Obligations of a backtest (SPEC.md §4): the newest per scope
 * supersedes the previous one; the timeline realises the earliest due as a Control-Time Event.
 * Scopes are kept in first-seen order (a Map), so ties in due time go to the older scope.
 */
import type { ControlSchedulingObligation } from '@chassis/core';

const NONE = -1n;

export class ObligationBook {
  private readonly byScope = new Map<string, ControlSchedulingObligation>();
  /** Obligations ever derived. */
  derived = 0;
  /** Change counter: while unchanged, earliestDueNs() is too (the timeline asks only when it changed). */
  revision = 0;
  /** earliestDueNs() while the book is unchanged (null: recompute); the timeline asks after every event. */
  private earliestCache: bigint | null = null;

  constructor() {
    // Stored twice, so V8 tracks them as mutable fields from the start: a field never written after
    // its initialiser is tracked as constant, code that reads it (the timeline's market run) is
    // specialised on its value and thrown away when the first obligation changes it.
    this.derived = -1;
    this.derived = 0;
    this.revision = -1;
    this.revision = 0;
  }

  get size(): number {
    return this.byScope.size;
  }

  record(obligation: ControlSchedulingObligation): void {
    this.byScope.set(obligation.scope, obligation);
    this.derived++;
    this.revision++;
    this.earliestCache = null;
  }

  /** Due time (ns, local clock) of the earliest outstanding obligation, or -1n. */
  earliestDueNs(): bigint {
    if (this.earliestCache !== null) return this.earliestCache;
    let due = NONE;
    for (const ob of this.byScope.values()) if (due === NONE || ob.dueTsLocalNs < due) due = ob.dueTsLocalNs;
    this.earliestCache = due;
    return due;
  }

  /** Removes and returns the earliest outstanding obligation (first-seen scope on ties). */
  takeEarliest(): ControlSchedulingObligation {
    let first: ControlSchedulingObligation | undefined;
    for (const ob of this.byScope.values()) if (first === undefined || ob.dueTsLocalNs < first.dueTsLocalNs) first = ob;
    this.byScope.delete(first!.scope);
    this.revision++;
    this.earliestCache = null;
    return first!;
  }
}
