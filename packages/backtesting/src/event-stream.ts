/**
 * The backtest's side of the event stream (SPEC.md §5): assigns seq (gap-free from 1) to every
 * event it appends, steps the engine with it, appends the step's RequestSent events as the core
 * numbered them and hands them to the venue, records the step's obligation, writes state-hash
 * checkpoints, then appends and steps the core's control-event drafts. Stops at the first
 * invariant violation (L9): nothing is appended after it.
 */
import type { Engine, Event, EventDraft, InvariantViolation, RequestSentEvent } from '@chassis/core';
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
    if (result.violation) {
      this.violation = result.violation;
      return;
    }
    const sent = result.requestsSent;
    for (let i = 0; i < sent.length; i++) {
      const r = sent[i]!;
      this.seq = r.seq;
      sink.append(r);
      this.venue.submit(r);
    }
    if (result.obligation) this.obligations.record(result.obligation);
    sink.stepped?.(event, result, this.engine);
    if (this.seq >= this.nextCheckpoint) {
      this.lastCheckpoint = this.seq;
      sink.checkpoint?.(this.seq, this.engine.stateHash());
      while (this.nextCheckpoint <= this.seq) this.nextCheckpoint += this.checkpointInterval;
    }
    const ctl = result.controlEvents;
    for (let i = 0; i < ctl.length; i++) this.append(ctl[i]!);
  }
}
