/**
 * Example market maker: quotes one bid and one ask around the microprice, skewed against
 * inventory, and requotes with `replace` when the best bid/offer changes enough to move a
 * quote. Cancels a side when inventory reaches its limit or the spread blows out.
 *
 * Parameters (units in the names' sense):
 * - `spreadTicks` (default 2): half-spread from the skewed microprice, in ticks;
 * - `qty` (default 1): quote size in lots (1 lot = the instrument's lot size, 0.001 BTC on
 *   Binance USD-M BTCUSDT);
 * - `skewTicksPerLot` (default 0.5): fair price shifts by this many ticks per lot of inventory;
 * - `maxInventoryLots` (default 5): no quote that would grow |inventory| beyond this;
 * - `requoteTicks` (default 1): replace a quote only when its target moved at least this far;
 * - `maxSpreadTicks` (default 50): above this market spread both quotes are cancelled;
 * - `instrument` (default: the run's first instrument).
 */
// @ts-nocheck

import type { Intent, OrderView, PendingView, StateView, Strategy, StrategyModule } from '@chassis/core';
import { rejectUnknownParams } from './strategy-params.ts';

export interface MarketMakerParams {
  spreadTicks?: number;
  qty?: number;
  skewTicksPerLot?: number;
  maxInventoryLots?: number;
  requoteTicks?: number;
  maxSpreadTicks?: number;
  instrument?: string;
}

type Side = 'buy' | 'sell';

function positive(name: string, v: unknown, dflt: number): number {
  const x = v === undefined ? dflt : v;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new Error(`param ${name} must be a non-negative number, got ${JSON.stringify(v)}`);
  return x;
}

const strategy: StrategyModule<MarketMakerParams> = {
  name: 'market-maker',
  create(params: MarketMakerParams): Strategy {
    rejectUnknownParams(params, ['spreadTicks', 'qty', 'skewTicksPerLot', 'maxInventoryLots', 'requoteTicks', 'maxSpreadTicks', 'instrument']);
    const spreadTicks = positive('spreadTicks', params.spreadTicks, 2);
    const qtyLots = Math.max(1, Math.round(positive('qty', params.qty, 1)));
    const skew = positive('skewTicksPerLot', params.skewTicksPerLot, 0.5);
    const maxInv = positive('maxInventoryLots', params.maxInventoryLots, 5);
    const requoteTicks = positive('requoteTicks', params.requoteTicks, 1);
    const maxSpreadTicks = positive('maxSpreadTicks', params.maxSpreadTicks, 50);
    let lastBid = NaN;
    let lastAsk = NaN;
    // After a rejection (e.g. a post-only quote that would cross the venue's book, which the
    // faster bookTicker stream can move ahead of our depth book), quote again only on the next
    // best bid/offer change: re-sending the same price at once would be rejected again.
    let backoff = false;

    const quote = (view: StateView, instrument: string, side: Side, target: number, allowed: boolean, tick: number, qtyUnits: number, out: Intent[]): void => {
      const live: OrderView | undefined = view.execution.openOrders(instrument).find((o) => o.side === side && o.clientTag === 'mm');
      const queued: PendingView | undefined = view.execution.pending(instrument).find((p) => p.side === side && p.request !== 'cancel');
      const current = queued ?? live;
      if (!allowed) {
        if (live && live.inflight === null) out.push({ type: 'cancel', orderId: live.orderId });
        else if (queued) out.push({ type: 'cancel', orderId: queued.orderId });
        return;
      }
      if (!current) {
        out.push({ type: 'new', instrument, side, priceUnits: target, qtyUnits, postOnly: true, clientTag: 'mm' });
        return;
      }
      if (live && live.inflight !== null && !queued) return; // wait for the venue's answer
      if (Math.abs(current.priceUnits - target) >= requoteTicks * tick) out.push({ type: 'replace', orderId: current.orderId, priceUnits: target, qtyUnits });
    };

    return {
      onEvent(view, event) {
        if (event.kind === 'order_rejected' || event.kind === 'cancel_replace_rejected') {
          backoff = true;
          return;
        }
        const inst = params.instrument ? view.instrument(params.instrument) : view.instruments[0];
        if (!inst) return;
        const book = view.market.book(inst.id);
        if (!book) return;
        const bid = book.bidPrice();
        const ask = book.askPrice();
        if (!(bid > 0 && ask > bid)) return;
        const isMarket = event.kind === 'bbo' || event.kind === 'book_delta' || event.kind === 'trade';
        if (isMarket && bid === lastBid && ask === lastAsk) return; // requote only on a BBO change
        if (backoff && !isMarket) return;
        backoff = false;
        lastBid = bid;
        lastAsk = ask;
        const tick = inst.tickUnits;
        const inventoryLots = view.execution.position(inst.id).qtyUnits / inst.lotUnits;
        const fair = book.microprice() - skew * inventoryLots * tick;
        const wide = ask - bid > maxSpreadTicks * tick;
        // Post-only quotes must not cross: clamp inside the current best prices.
        const bidPx = Math.min(Math.floor((fair - spreadTicks * tick) / tick) * tick, ask - tick);
        const askPx = Math.max(Math.ceil((fair + spreadTicks * tick) / tick) * tick, bid + tick);
        const out: Intent[] = [];
        const qtyUnits = qtyLots * inst.lotUnits;
        quote(view, inst.id, 'buy', bidPx, !wide && inventoryLots + qtyLots <= maxInv, tick, qtyUnits, out);
        quote(view, inst.id, 'sell', askPx, !wide && -inventoryLots + qtyLots <= maxInv, tick, qtyUnits, out);
        return out;
      },
    };
  },
};

export default strategy;
