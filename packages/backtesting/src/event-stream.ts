/**
 * The backtest's side of the event stream (SPEC.md §5): assigns seq (gap-free from 1) to every
 * event it appends, steps the engine with it, appends the step's RequestSent events as the core
 * numbered them and hands them to the venue, records the step's obligation, writes state-hash
 * checkpoints, then appends and steps the core's control-event drafts. Stops at the first
 * invariant violation (L9): nothing is appended after it.
 *
 * Market events come through `appendMarket`, the same steps through the sink's market-only
 * methods when it has them (TimelineSink.market / marketStepped): a property access there meets
 * only the three market event shapes and stays an inline cache, where one shared by every event
 * kind goes megamorphic (a stub-cache lookup per access, per market event).
 */
import type { Engine, Event, EventDraft, InvariantViolation, MarketEvent, RequestSentEvent, StepResult } from '@chassis/core';
import type { TimelineSink } from './timeline.ts';
import type { ObligationBook } from './obligation-book.ts';

export class BacktestEventStream {
  /** seq of the last appended event. */
  seq = 0;
  /** tsLocalNs of the last appended event (the engine's current local time). */
  lastLocalNs = 0n;
  violation: InvariantViolation | null = null;
  private nextCheckpoint: number;
  private lastCheckpoint = 0;

  constructor(
    private readonly engine: Engine,
    private readonly venue: { submit(request: RequestSentEvent): void },
    private readonly sink: TimelineSink,
    private readonly obligations: ObligationBook,
    private readonly checkpointInterval: number,
  ) {
    this.nextCheckpoint = checkpointInterval;
  }

  /** Numbers the draft (next seq) and steps it. */
  append(draft: EventDraft): void {
    (draft as unknown as { seq: number }).seq = ++this.seq;
    this.step(draft as Event);
  }

  /** A market event: numbered and stepped as `append` does, through the sink's market methods. */
  appendMarket(e: MarketEvent): void {
    (e as { seq: number }).seq = ++this.seq;
    if (this.violation) return;
    const sink = this.sink;
    if (sink.market) sink.market(e);
    else sink.append(e);
    this.lastLocalNs = e.tsLocalNs;
    const result = this.engine.step(e);
    if (!this.requested(result)) return;
    if (sink.marketStepped) sink.marketStepped(e, result, this.engine);
    else sink.stepped?.(e, result, this.engine);
    this.checkpointAndControl(result);
  }

  /** A final checkpoint when events were appended since the last one (unless halted). */
  close(): void {
    if (!this.violation && this.seq > this.lastCheckpoint) this.sink.checkpoint?.(this.seq, this.engine.stateHash());
  }

  private step(event: Event): void {
    if (this.violation) return;
    const sink = this.sink;
    sink.append(event);
    this.lastLocalNs = event.tsLocalNs;
    const result = this.engine.step(event);
    if (!this.requested(result)) return;
    sink.stepped?.(event, result, this.engine);
    this.checkpointAndControl(result);
  }

  /** After a step: halts on its violation (false), else appends its requests, hands them to the venue and records its obligation. */
  private requested(result: StepResult): boolean {
    if (result.violation) {
      this.violation = result.violation;
      return false;
    }
    const sink = this.sink;
    const sent = result.requestsSent;
    for (let i = 0; i < sent.length; i++) {
      const r = sent[i]!;
      this.seq = r.seq;
      sink.append(r);
      this.venue.submit(r);
    }
    if (result.obligation) this.obligations.record(result.obligation);
    return true;
  }

  /** After the sink saw the step: the checkpoint when one is due, then the step's control events. */
  private checkpointAndControl(result: StepResult): void {
    if (this.seq >= this.nextCheckpoint) {
      this.lastCheckpoint = this.seq;
      this.sink.checkpoint?.(this.seq, this.engine.stateHash());
      while (this.nextCheckpoint <= this.seq) this.nextCheckpoint += this.checkpointInterval;
    }
    const ctl = result.controlEvents;
    for (let i = 0; i < ctl.length; i++) this.append(ctl[i]!);
  }
}
