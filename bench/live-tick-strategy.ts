/**
 * The live-tick-to-request bench's strategy: one order request per best-bid/offer event, so every
 * market message the session decides on ends in a signed request to the venue. It keeps `orders`
 * post-only buys resting far below the touch (never filled by the replay), each `spacingUnits`
 * apart: on a bbo it places the next one while fewer are open, otherwise it replaces (Binance's
 * modify) the first one with no request in flight, to its price under the new bid — one venue
 * tick lower when the bid did not move, so the venue never refuses it as a no-op (-5027). With
 * every order awaiting an answer (or anything queued in the core) it does nothing: open orders
 * stay at `orders` and no request waits in the core. Several orders let requests overlap the
 * venue's round trips, so most bbo events end in a request.
 */
import type { Intent, StateView, Strategy, StrategyModule } from '@chassis/core';

interface Params {
  /** Orders kept open. */
  readonly orders?: number;
  /** Distance of the first order below the best bid, in price units (BTCUSDT: 2000 = 20 USDT). */
  readonly offsetUnits?: number;
  /** Distance between consecutive orders, in price units. */
  readonly spacingUnits?: number;
  /** The venue's price tick in price units (BTCUSDT: 0.10 USDT = 10 units of 0.01). */
  readonly tickUnits?: number;
  /** Order size, in size units (BTCUSDT: 0.001 BTC; Binance's minimum notional is 100 USDT). */
  readonly qtyUnits?: number;
}

function create(p: Params): Strategy {
  const orders = p.orders ?? 8;
  const offsetUnits = p.offsetUnits ?? 2000;
  const spacingUnits = p.spacingUnits ?? 100;
  const tickUnits = p.tickUnits ?? 10;
  const qtyUnits = p.qtyUnits ?? 3;
  return {
    onEvent(view: StateView, e): Intent[] {
      if (e.kind !== 'bbo' || view.execution.pending().length > 0) return [];
      const open = view.execution.openOrders(e.instrument);
      const priceOf = (slot: number): number => e.bidPriceUnits - offsetUnits - slot * spacingUnits;
      if (open.length < orders) return [{ type: 'new', instrument: e.instrument, side: 'buy', priceUnits: priceOf(open.length), qtyUnits, postOnly: true }];
      const slot = open.findIndex((o) => o.inflight === null);
      if (slot < 0) return [];
      const o = open[slot]!;
      const priceUnits = priceOf(slot);
      return [{ type: 'replace', orderId: o.orderId, priceUnits: o.priceUnits === priceUnits ? priceUnits - tickUnits : priceUnits, qtyUnits }];
    },
  };
}

const bboRequester: StrategyModule<Params> = { name: 'bbo-requester', create };
export default bboRequester;
