/**
 * One pass over a journal (a session's or a backtest run's, the same format) collecting what the
 * comparison needs: our orders with their request, acknowledgement and fill times, the fills
 * (a duplicate (orderId, fillId) is not counted again, as the core never applies it), the
 * latencies signal → request and request → acknowledgement, the feed's degraded intervals
 * (feed_health events) and the span of the market data.
 *
 * Times are tsLocal (ns): the runtime's clock — wall clock in a session, simulated in a backtest.
 * "Signal" is the event whose step dispatched the request (the last event before the
 * RequestSent that is not itself a RequestSent).
 */
import type { Event } from '@chassis/core';

export interface OrderHistory {
  readonly orderId: number;
  readonly instrument: string;
  readonly side: 'buy' | 'sell';
  /** Price and quantity of the `new` request, instrument units. */
  readonly priceUnits: number;
  readonly qtyUnits: number;
  readonly clientTag: string;
  readonly signalNs: bigint;
  readonly requestNs: bigint;
  /** First venue answer to the `new` request (accepted, rejected, filled or cancelled), or null. */
  ackNs: bigint | null;
  firstFillNs: bigint | null;
  firstFillLiquidity: 'maker' | 'taker' | null;
  /** Last terminal answer (filled, cancelled, rejected, expired, lost), or null while open. */
  endNs: bigint | null;
  filledQtyUnits: number;
  replaces: number;
  cancels: number;
  status: 'open' | 'filled' | 'cancelled' | 'rejected' | 'expired' | 'lost';
}

export interface FillHistory {
  readonly orderId: number;
  readonly fillId: string;
  readonly tsLocalNs: bigint;
  readonly priceUnits: number;
  readonly qtyUnits: number;
  readonly liquidity: 'maker' | 'taker';
  readonly feeUnits: bigint;
}

export interface Interval {
  readonly instrument: string;
  readonly fromNs: bigint;
  /** null: still degraded when the journal ends. */
  readonly toNs: bigint | null;
  readonly reason: string;
}

/** A request from its RequestSent to the first venue answer to it (toNs null: never answered). */
export interface InFlight {
  readonly instrument: string;
  readonly fromNs: bigint;
  toNs: bigint | null;
}

export interface ExecutionHistory {
  readonly orders: OrderHistory[];
  readonly fills: FillHistory[];
  readonly duplicateFills: number;
  /** ns from the signal to the RequestSent, one per request. */
  readonly signalToRequestNs: bigint[];
  /** ns from a RequestSent to the first venue answer to it, one per answered request. */
  readonly requestToAckNs: bigint[];
  readonly degraded: Interval[];
  /** Every request's time in flight, in request order. */
  readonly inFlight: InFlight[];
  /** tsLocal of the first and last market event (null without market data). */
  readonly marketFromNs: bigint | null;
  readonly marketToNs: bigint | null;
}

const TERMINAL: Readonly<Record<string, OrderHistory['status']>> = {
  order_rejected: 'rejected',
  order_cancelled: 'cancelled',
  order_expired: 'expired',
  order_disposition: 'lost',
};

/** Requests of `instrument` sent before `atNs` and not answered by then. */
export function inFlightAt(h: ExecutionHistory, instrument: string, atNs: bigint): number {
  let n = 0;
  for (const f of h.inFlight)
    if (f.instrument === instrument && f.fromNs < atNs && (f.toNs === null || f.toNs > atNs)) n++;
  return n;
}

export function executionHistory(stream: Iterable<Event>): ExecutionHistory {
  const orders = new Map<number, OrderHistory>();
  const fills: FillHistory[] = [];
  const fillKeys = new Set<string>();
  const requestNs = new Map<number, InFlight>();
  const inFlight: InFlight[] = [];
  const signalToRequestNs: bigint[] = [];
  const requestToAckNs: bigint[] = [];
  const degraded: Interval[] = [];
  const open = new Map<string, { fromNs: bigint; reason: string }>();
  let duplicateFills = 0;
  let signalNs = 0n;
  let marketFromNs: bigint | null = null;
  let marketToNs: bigint | null = null;
  for (const e of stream) {
    if (e.kind !== 'request_sent') signalNs = e.tsLocalNs;
    if (e.kind === 'book_delta' || e.kind === 'trade' || e.kind === 'bbo') {
      marketFromNs ??= e.tsLocalNs;
      marketToNs = e.tsLocalNs;
      continue;
    }
    if (e.kind === 'feed_health') {
      if (e.state === 'degraded' && !open.has(e.instrument))
        open.set(e.instrument, { fromNs: e.tsLocalNs, reason: e.reason });
      const was = open.get(e.instrument);
      if (e.state === 'restored' && was) {
        degraded.push({ instrument: e.instrument, fromNs: was.fromNs, toNs: e.tsLocalNs, reason: was.reason });
        open.delete(e.instrument);
      }
      continue;
    }
    if (e.kind === 'request_sent') {
      const flight = { instrument: e.instrument, fromNs: e.tsLocalNs, toNs: null };
      requestNs.set(e.seq, flight);
      inFlight.push(flight);
      signalToRequestNs.push(e.tsLocalNs - signalNs);
      if (e.request === 'new') {
        orders.set(e.orderId, {
          orderId: e.orderId,
          instrument: e.instrument,
          side: e.side,
          priceUnits: e.priceUnits,
          qtyUnits: e.qtyUnits,
          clientTag: e.clientTag,
          signalNs,
          requestNs: e.tsLocalNs,
          ackNs: null,
          firstFillNs: null,
          firstFillLiquidity: null,
          endNs: null,
          filledQtyUnits: 0,
          replaces: 0,
          cancels: 0,
          status: 'open',
        });
      } else {
        const o = orders.get(e.orderId);
        if (o) o[e.request === 'replace' ? 'replaces' : 'cancels']++;
      }
      continue;
    }
    if (!('orderId' in e)) continue;
    const o = orders.get(e.orderId);
    if ('requestSeq' in e && e.requestSeq >= 0) {
      const sent = requestNs.get(e.requestSeq);
      if (sent !== undefined) {
        sent.toNs = e.tsLocalNs;
        requestToAckNs.push(e.tsLocalNs - sent.fromNs);
        requestNs.delete(e.requestSeq);
        if (o && o.ackNs === null) o.ackNs = e.tsLocalNs;
      }
    }
    if (!o) continue;
    if (e.kind === 'order_filled') {
      const key = `${e.orderId}\u0000${e.fillId}`;
      if (fillKeys.has(key)) {
        duplicateFills++;
        continue;
      }
      fillKeys.add(key);
      fills.push({
        orderId: e.orderId,
        fillId: e.fillId,
        tsLocalNs: e.tsLocalNs,
        priceUnits: e.priceUnits,
        qtyUnits: e.qtyUnits,
        liquidity: e.liquidity,
        feeUnits: e.feeUnits,
      });
      o.filledQtyUnits += e.qtyUnits;
      if (o.firstFillNs === null) {
        o.firstFillNs = e.tsLocalNs;
        o.firstFillLiquidity = e.liquidity;
      }
      if (e.final) {
        o.status = 'filled';
        o.endNs = e.tsLocalNs;
      }
    } else if (TERMINAL[e.kind] && o.status === 'open') {
      o.status = TERMINAL[e.kind]!;
      o.endNs = e.tsLocalNs;
    }
  }
  for (const [instrument, was] of open)
    degraded.push({ instrument, fromNs: was.fromNs, toNs: null, reason: was.reason });
  return {
    orders: [...orders.values()],
    fills,
    duplicateFills,
    signalToRequestNs,
    requestToAckNs,
    degraded,
    inFlight,
    marketFromNs,
    marketToNs,
  };
}
