/**
 * The readable record of one reconciliation, written as `reconciliation-{n}.json` in the session
 * directory: what was compared, what differed, what the policy did about it, and the outcome the
 * journal received. Plain JSON (times as decimal ns strings), one object per file.
 */
import type { ReconciliationEvent } from '@chassis/core';
import type { VenueOrderState } from '../contracts.ts';
import type { Difference } from './differences.ts';
import { describeDifference, differenceKey } from './differences.ts';

export type ReconciliationOutcome = ReconciliationEvent['outcome'];
export type ReconciliationTrigger = 'start' | 'recovery' | 'reconnect' | 'periodic' | 'on_demand';
/** What to do with venue orders the engine does not manage: keep them and report (`adopt`) or cancel them (`cancel`). */
export type UnknownOrderPolicy = 'adopt' | 'cancel';

export interface ReportedDifference {
  readonly key: string;
  readonly description: string;
  readonly difference: Difference;
}

export interface PolicyAction {
  readonly action: 'adopted' | 'cancelled' | 'cancel_failed';
  readonly venueOrderId: string;
  readonly clientOrderId: string;
  readonly instrument: string;
  /** Why a cancel failed (the adapter's error message). */
  readonly error?: string;
}

export interface ReconciliationReport {
  readonly format: 'chassis-reconciliation-v1';
  readonly n: number;
  readonly venue: string;
  readonly trigger: ReconciliationTrigger;
  readonly policy: UnknownOrderPolicy;
  /** Wall clock (ns) when it started and ended. */
  readonly startedAtNs: string;
  readonly finishedAtNs: string;
  /** Venue time (ns) of the account state the findings come from. */
  readonly venueAsOfNs: string;
  readonly outcome: ReconciliationOutcome;
  /** The outcome of the reconciliation before this one ('' if none). */
  readonly previousOutcome: ReconciliationOutcome | '';
  /** Differences of the first look that the confirming look no longer saw (answers in flight at the time). */
  readonly transient: readonly ReportedDifference[];
  /** Differences the confirming look found: what the outcome is about. */
  readonly findings: readonly ReportedDifference[];
  readonly actions: readonly PolicyAction[];
  /** Differences left after the policy's actions (null when nothing was done). */
  readonly afterActions: readonly ReportedDifference[] | null;
  /** Foreign orders adopted so far and still open on the venue. */
  readonly adoptedVenueOrderIds: readonly string[];
  readonly outOfScope: { readonly orders: number; readonly positions: number };
  /** The reconciliation control events appended to the journal, in order. */
  readonly events: readonly { readonly outcome: ReconciliationOutcome; readonly detail: string }[];
}

export function reported(differences: readonly Difference[]): ReportedDifference[] {
  return differences.map((difference) => ({
    key: differenceKey(difference),
    description: describeDifference(difference),
    difference,
  }));
}

export function policyAction(action: PolicyAction['action'], order: VenueOrderState, error?: string): PolicyAction {
  const base = {
    action,
    venueOrderId: order.venueOrderId,
    clientOrderId: order.clientOrderId,
    instrument: order.instrument,
  };
  return error === undefined ? base : { ...base, error };
}

/** The journal's short account of a reconciliation: the report number, counts by kind, what was done. */
export function eventDetail(
  n: number,
  findings: readonly Difference[],
  actions: readonly PolicyAction[],
  remaining: number | null,
): string {
  if (findings.length === 0) return `reconciliation-${n}: no differences`;
  const byKind = new Map<string, number>();
  for (const d of findings) byKind.set(d.kind, (byKind.get(d.kind) ?? 0) + 1);
  const kinds = [...byKind].map(([k, c]) => `${k} ${c}`).join(', ');
  const done = actions.length === 0 ? '' : `; ${actions.map((a) => `${a.action} ${a.venueOrderId}`).join(', ')}`;
  const left = remaining === null ? '' : `; ${remaining} left`;
  return `reconciliation-${n}: ${findings.length} difference(s) (${kinds})${done}${left}`;
}
