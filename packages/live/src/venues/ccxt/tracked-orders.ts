/**
 * What the ccxt adapter remembers of the orders it placed: venue order id, quantity and the
 * fills it has answered, the request in flight, and whether it has answered the order's end.
 * This is the adapter's bookkeeping for answering once each, not state of the session (the
 * engine derives that from the answers).
 */
import type { OrderSide, RequestKind } from '@chassis/core';

export interface TrackedOrder {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly instrument: string;
  readonly side: OrderSide;
  venueOrderId: string | null;
  /** Order quantity (the last acknowledged replace's), qty units. */
  qtyUnits: number;
  /** Sum of the fills answered so far, qty units. */
  filledUnits: number;
  inflight: { readonly request: RequestKind; readonly requestSeq: number } | null;
  /** Its end (fill, cancel, expiry, reject) has been answered. */
  terminal: boolean;
}

export class TrackedOrders {
  private readonly byOrderId = new Map<number, TrackedOrder>();
  private readonly byVenueId = new Map<string, TrackedOrder>();

  add(fields: Pick<TrackedOrder, 'orderId' | 'clientOrderId' | 'instrument' | 'side' | 'qtyUnits'>): TrackedOrder {
    const order: TrackedOrder = { ...fields, venueOrderId: null, filledUnits: 0, inflight: null, terminal: false };
    this.byOrderId.set(order.orderId, order);
    return order;
  }

  get(orderId: number): TrackedOrder | undefined {
    return this.byOrderId.get(orderId);
  }

  byVenueOrderId(venueOrderId: string): TrackedOrder | undefined {
    return this.byVenueId.get(venueOrderId);
  }

  setVenueOrderId(order: TrackedOrder, venueOrderId: string): void {
    order.venueOrderId = venueOrderId;
    this.byVenueId.set(venueOrderId, order);
  }

  /** Acknowledged orders of an instrument whose end has not been answered. */
  live(instrument: string): TrackedOrder[] {
    return [...this.byOrderId.values()].filter(
      (o) => o.instrument === instrument && o.venueOrderId !== null && !o.terminal,
    );
  }
}
