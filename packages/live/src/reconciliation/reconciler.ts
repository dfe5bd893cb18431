/**
 * Reconciliation as the session runs it (at start, after recovery, on reconnect, periodically and
 * on demand): read the venue's account, compare it with the engine's derived state, act on venue
 * orders the engine does not manage according to the policy, and tell the journal the outcome.
 *
 * Flow of one `reconcile(trigger)`:
 * 1. first look: fetch the account state and compare (compare-account.ts). Clean → step 5.
 * 2. confirming look after `settleMs`: answers in flight at the first look (a fill the venue
 *    made and the engine had not yet processed) would otherwise be findings. Differences seen
 *    only by the first look are reported as transient. Clean → step 5.
 * 3. `mismatch` control event appended at once: risk denies new intents from that event on.
 * 4. policy on unmanaged venue orders (foreign, or ours by client id but not open in the engine):
 *    `adopt` keeps them (later looks skip them while they stay open), `cancel` cancels them
 *    through `adapter.cancelForeign`. If anything was done, a third look: clean → `resolved`.
 *    Other differences (positions, missing orders, fields) stay `mismatch`: the reconciler never
 *    invents a fill or an order to make numbers agree; only execution events from the venue or an
 *    operator can repair them, and a later reconciliation then reports `resolved`.
 * 5. a clean look appends `matched`, or `resolved` when the previous outcome was a mismatch.
 * Then the report is written. Calls are serialised: a second reconcile waits for the first.
 */
import type { EventDraft, ReconciliationEvent } from '@chassis/core';
import type { LiveClock, LiveVenueAdapter, VenueAccountState } from '../contracts.ts';
import type { CompareOptions, Comparison, DerivedAccountView } from './compare-account.ts';
import { compareAccount } from './compare-account.ts';
import { differenceKey, unmanagedVenueOrder } from './differences.ts';
import type { Difference } from './differences.ts';
import type {
  PolicyAction,
  ReconciliationOutcome,
  ReconciliationReport,
  ReconciliationTrigger,
  UnknownOrderPolicy,
} from './report.ts';
import { eventDetail, policyAction, reported } from './report.ts';

export interface ReconcilerOptions {
  readonly adapter: Pick<LiveVenueAdapter, 'venue' | 'fetchAccountState' | 'cancelForeign'>;
  /** The engine's current derived state (`() => engine.view`), read after each fetch. */
  readonly view: () => DerivedAccountView;
  /** Appends a reconciliation control event to the stream (journal first, then the core); resolves once durable. */
  readonly append: (draft: EventDraft<ReconciliationEvent>) => Promise<void>;
  /**
   * Writes the report; resolves with its path. The session passes the records' writer
   * (`writeReconciliationReport(sessionDir, report)`, which numbers it one past the highest on
   * disk: start this reconciler at that number, `firstReportNumber`).
   */
  readonly writeReport: (report: ReconciliationReport) => Promise<string>;
  readonly clock: LiveClock;
  readonly policy: UnknownOrderPolicy;
  /** Number of the first report this reconciler writes (after recovery: one past the last on disk). */
  readonly firstReportNumber: number;
  /** Outcome of the last reconciliation in the journal, when resuming a session. */
  readonly previousOutcome?: ReconciliationOutcome;
  /** Foreign orders adopted by an earlier run of this session (the last report's list). */
  readonly adoptedVenueOrderIds?: readonly string[];
  /** Wait before the confirming look, ms (default 250). */
  readonly settleMs?: number;
  readonly balanceTolerance?: CompareOptions['balanceTolerance'];
  readonly extraAssets?: CompareOptions['extraAssets'];
  /** Waits `ms` (tests pass an immediate one). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ReconciliationResult {
  readonly n: number;
  readonly outcome: ReconciliationOutcome;
  readonly reportPath: string;
  readonly report: ReconciliationReport;
}

interface Look {
  readonly state: VenueAccountState;
  readonly comparison: Comparison;
}

const DEFAULT_SETTLE_MS = 250;

export class Reconciler {
  private nextN: number;
  private previousOutcome: ReconciliationOutcome | '';
  private readonly adopted: Set<string>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ReconcilerOptions) {
    this.nextN = options.firstReportNumber;
    this.previousOutcome = options.previousOutcome ?? '';
    this.adopted = new Set(options.adoptedVenueOrderIds ?? []);
  }

  /** Outcome of the last reconciliation ('' before the first). */
  get lastOutcome(): ReconciliationOutcome | '' {
    return this.previousOutcome;
  }

  reconcile(trigger: ReconciliationTrigger): Promise<ReconciliationResult> {
    const run = this.queue.then(() => this.run(trigger));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(trigger: ReconciliationTrigger): Promise<ReconciliationResult> {
    const { clock, policy } = this.options;
    const n = this.nextN++;
    const startedAtNs = clock.nowNs();
    const first = await this.look();
    let findingsLook = first;
    if (first.comparison.differences.length > 0) {
      await (this.options.sleep ?? sleep)(this.options.settleMs ?? DEFAULT_SETTLE_MS);
      findingsLook = await this.look();
    }
    const findings = findingsLook.comparison.differences;
    const events: { outcome: ReconciliationOutcome; detail: string }[] = [];
    const emit = async (outcome: ReconciliationOutcome, detail: string): Promise<void> => {
      await this.options.append({
        kind: 'reconciliation',
        outcome,
        detail,
        tsEventNs: findingsLook.state.asOfNs,
        tsLocalNs: clock.nowNs(),
      });
      events.push({ outcome, detail });
    };
    const previousOutcome = this.previousOutcome;
    let actions: PolicyAction[] = [];
    let afterActions: Look | null = null;
    let outcome: ReconciliationOutcome;
    if (findings.length === 0) {
      outcome = previousOutcome === 'mismatch' ? 'resolved' : 'matched';
      await emit(outcome, eventDetail(n, findings, actions, null));
    } else {
      await emit('mismatch', eventDetail(n, findings, actions, null));
      actions = await this.applyPolicy(findings);
      if (actions.length > 0) afterActions = await this.look();
      const remaining = afterActions?.comparison.differences.length ?? findings.length;
      outcome = remaining === 0 ? 'resolved' : 'mismatch';
      if (outcome === 'resolved') await emit('resolved', eventDetail(n, findings, actions, 0));
    }
    this.previousOutcome = outcome;
    const finalState = (afterActions ?? findingsLook).state;
    this.forgetClosedAdoptions(finalState);
    const report: ReconciliationReport = {
      format: 'chassis-reconciliation-v1',
      n,
      venue: this.options.adapter.venue,
      trigger,
      policy,
      startedAtNs: String(startedAtNs),
      finishedAtNs: String(clock.nowNs()),
      venueAsOfNs: String(findingsLook.state.asOfNs),
      outcome,
      previousOutcome,
      transient: reported(onlyIn(first.comparison.differences, findings)),
      findings: reported(findings),
      actions,
      afterActions: afterActions === null ? null : reported(afterActions.comparison.differences),
      adoptedVenueOrderIds: [...this.adopted].sort(),
      outOfScope: findingsLook.comparison.outOfScope,
      events,
    };
    const reportPath = await this.options.writeReport(report);
    return { n, outcome, reportPath, report };
  }

  private async look(): Promise<Look> {
    const state = await this.options.adapter.fetchAccountState();
    const comparison = compareAccount(state, this.options.view(), {
      adoptedVenueOrderIds: this.adopted,
      balanceTolerance: this.options.balanceTolerance,
      extraAssets: this.options.extraAssets,
    });
    return { state, comparison };
  }

  private async applyPolicy(findings: readonly Difference[]): Promise<PolicyAction[]> {
    const actions: PolicyAction[] = [];
    for (const d of findings) {
      const order = unmanagedVenueOrder(d);
      if (order === null) continue;
      if (this.options.policy === 'adopt') {
        this.adopted.add(order.venueOrderId);
        actions.push(policyAction('adopted', order));
        continue;
      }
      try {
        await this.options.adapter.cancelForeign(order);
        actions.push(policyAction('cancelled', order));
      } catch (err) {
        actions.push(policyAction('cancel_failed', order, err instanceof Error ? err.message : String(err)));
      }
    }
    return actions;
  }

  /** An adopted order no longer open on the venue is forgotten: a new order reusing its id would be a new finding. */
  private forgetClosedAdoptions(state: VenueAccountState): void {
    const open = new Set(state.openOrders.map((o) => o.venueOrderId));
    for (const id of this.adopted) if (!open.has(id)) this.adopted.delete(id);
  }
}

function onlyIn(first: readonly Difference[], confirmed: readonly Difference[]): Difference[] {
  const keys = new Set(confirmed.map(differenceKey));
  return first.filter((d) => !keys.has(differenceKey(d)));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
