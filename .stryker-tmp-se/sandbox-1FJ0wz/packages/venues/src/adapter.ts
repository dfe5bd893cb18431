/**
 * The Venue Adapter: the boundary between a runtime and a venue (SPEC.md §5). Everything above
 * it — core, strategy, risk, execution control, journal — is shared by backtest and live.
 *
 * A venue receives dispatched requests (the `RequestSent` events the core decided to send) and
 * answers with execution events. Answers leave the adapter as drafts (no `seq`): only the
 * runtime appends events to the stream and assigns positions. Venue-side refusals (reject,
 * unknown order, post-only would cross) are answers, never exceptions.
 *
 * Two ways answers reach the runtime, one per kind of clock:
 * - live (`PushVenueAdapter`): the venue pushes answers as they arrive over the wire; the
 *   runtime stamps `tsLocalNs` with its wall clock on receipt.
 * - backtest (`ClockedVenueAdapter`, implemented by the simulated venue): the runtime owns the
 *   simulated clock and pulls answers when its timeline reaches their local arrival time; the
 *   venue has already stamped `tsLocalNs` from its latency model.
 */
// @ts-nocheck

import type { EventDraft, ExecutionEvent, RequestSentEvent } from '@chassis/core';

/** An execution event as the venue produces it, before the stream assigns `seq`. */
export type VenueAnswer = EventDraft<ExecutionEvent>;

export interface VenueAdapter {
  /** Hands one dispatched request to the venue. Must not throw for venue-side refusals. */
  submit(request: RequestSentEvent): void;
  /** Opens the venue session (connections, authentication). Idempotent. */
  start(): void | Promise<void>;
  /** Closes the session; no answers are produced afterwards. Idempotent. */
  stop(): void | Promise<void>;
}

/** Live venues: answers are pushed to the sink in arrival order. */
export interface PushVenueAdapter extends VenueAdapter {
  onAnswer(sink: (answer: VenueAnswer) => void): void;
}

/** Backtest venues: the runtime pulls answers in local-arrival order when its clock reaches them. */
export interface ClockedVenueAdapter extends VenueAdapter {
  /** Earliest local arrival time (ns) of an answer not yet popped, or -1n. */
  nextAnswerNs(): bigint;
  /** Removes and returns that answer (ties: production order). Throws if there is none. */
  popAnswer(): VenueAnswer;
}
