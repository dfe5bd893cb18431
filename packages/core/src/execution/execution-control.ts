/**
 * Execution Control: decides only WHEN and IN WHAT ORDER allowed work is sent (SPEC.md L7).
 *
 * Admission applies dominance per order key. A queue pass, in order:
 *  1. validity — drop pending work no longer valid against state: replace/cancel of a terminal
 *     order; new/replace while the kill switch is engaged (except an operator's reduce-only new:
 *     flatten, see risk-engine.ts), the last reconciliation is a mismatch, or the instrument's
 *     feed is degraded (pending cancels always stay valid);
 *  2. inflight gate — a key with an outstanding request waits for that request's outcome event;
 *  3. rate limit — the token bucket of the instrument's venue (no bucket = unlimited);
 *  4. ordering — cancel, then replace, then new; ties by admission number;
 *  5. dispatch the largest prefix that fits, per scope: the first command a scope's bucket
 *     cannot pay for blocks that scope's later commands (so order within a venue holds), while
 *     other venues continue.
 * A blocked scope yields an obligation due when its bucket can pay the first blocked command.
 */
import type { RequestKind } from '../events.ts';
import type { EngineState } from '../state/engine-state.ts';
import { dominate, type DominanceOutcome, type PendingCommand } from './dominance.ts';
import { isTerminal } from './order-lifecycle.ts';
import type { RateBucket } from './rate-bucket.ts';

const RANK: Readonly<Record<RequestKind, number>> = { cancel: 0, replace: 1, new: 2 };
/** No wake-up time. A constant: a `-1n` literal is a negation evaluated anew, which allocates a BigInt (24 bytes) each pass. */
const NO_WAKE = -1n;

function byRankThenAdmission(a: PendingCommand, b: PendingCommand): number {
  return RANK[a.request] - RANK[b.request] || a.admission - b.admission;
}

/**
 * Sorts `cmds` in place by byRankThenAdmission. An insertion sort: a pass sorts a handful of
 * commands (two in the full backtest), and Array.prototype.sort allocated about 850 bytes per
 * call for two. Stable like it, and admission numbers are unique, so the order is the same.
 */
function sortByRankThenAdmission(cmds: PendingCommand[]): void {
  for (let i = 1; i < cmds.length; i++) {
    const cmd = cmds[i]!;
    let j = i - 1;
    while (j >= 0 && byRankThenAdmission(cmds[j]!, cmd) > 0) {
      cmds[j + 1] = cmds[j]!;
      j--;
    }
    cmds[j + 1] = cmd;
  }
}

/**
 * Empties a reused array but keeps its backing store: `a.length = 0` swaps in a fresh empty
 * store, so the next push allocated a new one (17 slots, 152 bytes) in every pass; pop shrinks
 * a store only when it is far larger than the length left.
 */
function clear(a: unknown[]): void {
  while (a.length !== 0) a.pop();
}

export interface BlockedScope {
  scope: string;
  dueTsLocalNs: bigint;
}

export class ExecutionControl {
  /** Commands selected by the last pass, in dispatch order (reused between passes). */
  readonly selected: PendingCommand[] = [];
  /** Scopes blocked by their rate bucket in the last pass, with the due time (reused). */
  readonly blocked: BlockedScope[] = [];
  private readonly eligible: PendingCommand[] = [];
  private readonly blockedBuckets: RateBucket[] = [];

  constructor(private readonly state: EngineState) {}

  /** Admits an allowed command for its key under dominance. */
  admit(cmd: PendingCommand): DominanceOutcome {
    const s = this.state;
    const queued = s.queue.get(cmd.orderId) ?? null;
    const { effective, outcome } = dominate(queued, cmd);
    if (effective === null) s.queue.delete(cmd.orderId);
    else s.queue.set(cmd.orderId, effective);
    const c = s.counters;
    if (outcome === 'entered') c.admitted++;
    else if (outcome === 'incoming_discarded') c.discarded++;
    else if (outcome === 'new_and_cancel_annihilated') c.annihilated++;
    else c.superseded++;
    s.queueDirty = true;
    return outcome;
  }

  /** Removes queued new/replace work (kill switch): queued cancels stay, they withdraw exposure. */
  withdrawNonCancels(): void {
    const s = this.state;
    for (const [key, cmd] of s.queue) {
      if (cmd.request !== 'cancel') {
        s.queue.delete(key);
        s.counters.droppedInvalid++;
      }
    }
  }

  /** Empties `selected` once its commands are dispatched (keeping the array's storage for the next pass). */
  clearSelected(): void {
    clear(this.selected);
  }

  /** Runs one queue pass at `nowNs`; fills `selected` (and removes them from the queue) and `blocked`. */
  pass(nowNs: bigint): void {
    const s = this.state;
    const selected = this.selected;
    const eligible = this.eligible;
    const blocked = this.blocked;
    // Most passes find these empty (decide clears `selected` after dispatch).
    clear(selected);
    clear(eligible);
    clear(blocked);
    s.queueDirty = false;
    s.wakeNs = NO_WAKE;

    // values(), not entries(): the [key, cmd] pair of an entries iteration is an allocation per
    // queued command; the key is the command's orderId.
    for (const cmd of s.queue.values()) {
      if (!this.isValid(cmd)) {
        s.queue.delete(cmd.orderId);
        s.counters.droppedInvalid++;
        continue;
      }
      const order = s.orders.get(cmd.orderId);
      if (order !== undefined && order.inflight !== null) continue;
      eligible.push(cmd);
    }
    if (eligible.length === 0) return;
    if (eligible.length > 1) sortByRankThenAdmission(eligible);

    const blockedBuckets = this.blockedBuckets;
    clear(blockedBuckets);
    for (let i = 0; i < eligible.length; i++) {
      const cmd = eligible[i]!;
      const bucket = s.instruments.get(cmd.instrument)!.bucket;
      if (bucket !== null) {
        if (blockedBuckets.includes(bucket)) continue;
        bucket.refill(nowNs);
        const w = bucket.weight(cmd.request);
        if (!bucket.tryTake(w)) {
          blockedBuckets.push(bucket);
          const due = bucket.dueNs(w);
          blocked.push({ scope: bucket.config.scope, dueTsLocalNs: due });
          if (s.wakeNs < 0n || due < s.wakeNs) s.wakeNs = due;
          continue;
        }
      }
      selected.push(cmd);
      s.queue.delete(cmd.orderId);
    }
    clear(eligible);
    if (blocked.length > 0) s.counters.rateLimitedPasses++;
  }

  private isValid(cmd: PendingCommand): boolean {
    const s = this.state;
    if (cmd.request !== 'new') {
      const order = s.orders.get(cmd.orderId);
      if (order === undefined || isTerminal(order.status)) return false;
      if (cmd.request === 'cancel') return true;
    }
    const killExempt = cmd.request === 'new' && cmd.origin === 'operator' && cmd.reduceOnly;
    if (s.killSwitch && !killExempt) return false;
    return s.lastReconciliation !== 'mismatch' && !s.instruments.get(cmd.instrument)!.feedDegraded;
  }
}
