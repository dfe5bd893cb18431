/**
 * The live-tick-to-request bench's strategy: one order request per best-bid/offer event, so every
 * market message the session decides on ends in a signed request to the venue. It keeps a single
 * post-only buy resting far below the touch (`offsetTicks` under the bid, never filled by the
 * replay): placed when none is open, replaced (Binance's modify) on every bbo otherwise, one tick
 * lower every other time so the venue never refuses it as a no-op. While a request is queued or
 * in flight it does nothing, so open orders stay at one and no request waits in the core.
 */
import type { Intent, StateView, Strategy, StrategyModule } from '@chassis/core';

interface Params {
  /** Distance below the best bid, in price ticks. */
  readonly offsetTicks?: number;
  /** Order size, in size units (BTCUSDT: 0.001 BTC; Binance's minimum notional is 100 USDT). */
  readonly qtyUnits?: number;
}

function create(p: Params): Strategy {
  const offsetTicks = p.offsetTicks ?? 2000;
  const qtyUnits = p.qtyUnits ?? 3;
  let replaces = 0;
  return {
    onEvent(view: StateView, e): Intent[] {
      if (e.kind !== 'bbo' || view.execution.pending().length > 0) return [];
      const priceUnits = e.bidPriceUnits - offsetTicks;
      const open = view.execution.openOrders(e.instrument)[0];
      if (open === undefined) return [{ type: 'new', instrument: e.instrument, side: 'buy', priceUnits, qtyUnits, postOnly: true }];
      if (open.inflight !== null) return [];
      return [{ type: 'replace', orderId: open.orderId, priceUnits: priceUnits - (replaces++ % 2), qtyUnits }];
    },
  };
}

const bboRequester: StrategyModule<Params> = { name: 'bbo-requester', create };
export default bboRequester;
