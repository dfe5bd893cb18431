/**
 * Echoes of our own dispatches. A step returns RequestSent events already numbered and applied;
 * a runtime that appends them to its journal may hand them back (replay does, reading the
 * journal). Exactly those may be skipped, once each, in order: the next event with seq ≤
 * lastSeq must be the next dispatched request, the same object or a copy equal in every field.
 * Anything else with an old seq is a sequence violation, not an echo.
 */
import type { Event, RequestSentEvent } from '../events.ts';

const NONE: readonly RequestSentEvent[] = Object.freeze([]);

function sameRequest(a: RequestSentEvent, b: RequestSentEvent): boolean {
  return (
    a.seq === b.seq &&
    a.tsLocalNs === b.tsLocalNs &&
    a.tsEventNs === b.tsEventNs &&
    a.request === b.request &&
    a.orderId === b.orderId &&
    a.instrument === b.instrument &&
    a.side === b.side &&
    a.orderType === b.orderType &&
    a.priceUnits === b.priceUnits &&
    a.qtyUnits === b.qtyUnits &&
    a.timeInForce === b.timeInForce &&
    a.postOnly === b.postOnly &&
    a.reduceOnly === b.reduceOnly &&
    a.clientTag === b.clientTag
  );
}

export class DispatchEcho {
  private dispatched: readonly RequestSentEvent[] = NONE;
  private next = 0;

  /** The requests the last step dispatched: the only events that may come back as echoes. */
  expect(requests: readonly RequestSentEvent[]): void {
    this.dispatched = requests;
    this.next = 0;
  }

  /** True (and consumed) if `event` is the next echo of our own dispatch. */
  take(event: Event): boolean {
    if (this.next >= this.dispatched.length || event.kind !== 'request_sent') return false;
    const want = this.dispatched[this.next]!;
    if (want !== event && !sameRequest(want, event)) return false;
    this.next++;
    return true;
  }

  /** A new event entered the stream: echoes of earlier dispatches are no longer expected. */
  close(): void {
    if (this.dispatched !== NONE) this.expect(NONE);
  }
}
