/**
 * Uncertain outcomes (issue 12 "Uncertain outcomes"): a request that got no venue answer within
 * `timeouts.requestAnswerMs` is resolved by asking the venue for the order by its client order
 * id — never by sending it again. What the venue says becomes the answer the request was
 * missing; a venue that does not know the order (or does not answer the query within
 * `timeouts.queryAnswerMs`) ends it with an `order_disposition lost` control event.
 *
 * This module is the pure part: the answer drafts the venue's record of the order implies for
 * the request that timed out. tsLocalNs is stamped by the session when it appends them.
 */
import type { EventDraft, ExecutionEvent, OrderDispositionEvent, OrderView, RequestSentEvent } from '@chassis/core';
import type { VenueOrderState } from '../contracts.ts';

type Answer = EventDraft<ExecutionEvent> | EventDraft<OrderDispositionEvent>;

const QUERIED = 'resolved by query after the answer timed out';

export function lostDisposition(
  request: RequestSentEvent,
  reason: string,
  nowNs: bigint,
): EventDraft<OrderDispositionEvent> {
  return {
    kind: 'order_disposition',
    tsEventNs: nowNs,
    tsLocalNs: nowNs,
    orderId: request.orderId,
    disposition: 'lost',
    reason,
  };
}

/**
 * The answers that the venue's state of the order gives the request (`order`: the engine's view
 * of it now). Fills are not invented here: a quantity the venue reports filled arrives as the
 * account's trades (the adapter's recentFills), each once.
 */
export function answersFromVenue(
  request: RequestSentEvent,
  venue: VenueOrderState | null,
  order: OrderView | undefined,
  nowNs: bigint,
): Answer[] {
  if (venue === null)
    return [
      lostDisposition(
        request,
        `the venue does not know order ${request.orderId} (${request.request} request at seq ${request.seq}); nothing re-sent`,
        nowNs,
      ),
    ];
  const head = { tsEventNs: nowNs, tsLocalNs: nowNs, orderId: request.orderId, requestSeq: request.seq };
  const closed = venue.status === 'cancelled' || venue.status === 'expired';
  switch (request.request) {
    case 'new':
      if (venue.status === 'rejected')
        return [{ ...head, kind: 'order_rejected', reason: `venue status rejected (${QUERIED})` }];
      if (closed && venue.filledQtyUnits === 0)
        return [{ ...head, kind: 'order_cancelled', reason: `${venue.status} (${QUERIED})` }];
      return [{ ...head, kind: 'order_accepted', venueOrderId: venue.venueOrderId }];
    case 'replace':
      if (venue.priceUnits === request.priceUnits && venue.qtyUnits === request.qtyUnits)
        return [{ ...head, kind: 'order_replaced', priceUnits: venue.priceUnits, qtyUnits: venue.qtyUnits }];
      return [
        {
          ...head,
          kind: 'cancel_replace_rejected',
          request: 'replace',
          reason: `venue has price ${venue.priceUnits} qty ${venue.qtyUnits} (${QUERIED})`,
        },
      ];
    case 'cancel':
      if (closed) return [{ ...head, kind: 'order_cancelled', reason: `requested (${QUERIED})` }];
      // Still working at the venue (or filled): the cancel did not take effect.
      if (order !== undefined)
        return [
          {
            ...head,
            kind: 'cancel_replace_rejected',
            request: 'cancel',
            reason: `venue status ${venue.status} (${QUERIED})`,
          },
        ];
      return [];
  }
}
