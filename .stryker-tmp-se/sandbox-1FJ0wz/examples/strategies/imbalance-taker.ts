/**
 * Example taker: trades the order-book imbalance with IOC limit orders at the touch.
 * When imbalance over `depth` levels exceeds +threshold it buys at the best ask; below
 * -threshold it sells at the best bid; at most once per `cooldownMs` of local time and
 * within an inventory limit. Unfilled IOC remainders are cancelled by the venue.
 *
 * Parameters: `threshold` (default 0.6, in [0,1]), `depth` (levels, default 5), `qty` (lots,
 * default 1), `maxInventoryLots` (default 5), `cooldownMs` (default 250), `instrument`.
 */
// @ts-nocheck

import type { Intent, Strategy, StrategyModule } from '@chassis/core';
import { rejectUnknownParams } from './strategy-params.ts';

export interface ImbalanceTakerParams {
  threshold?: number;
  depth?: number;
  qty?: number;
  maxInventoryLots?: number;
  cooldownMs?: number;
  instrument?: string;
}

const strategy: StrategyModule<ImbalanceTakerParams> = {
  name: 'imbalance-taker',
  create(params: ImbalanceTakerParams): Strategy {
    rejectUnknownParams(params, ['threshold', 'depth', 'qty', 'maxInventoryLots', 'cooldownMs', 'instrument']);
    const threshold = params.threshold ?? 0.6;
    const depth = params.depth ?? 5;
    const qtyLots = params.qty ?? 1;
    const maxInv = params.maxInventoryLots ?? 5;
    const cooldownNs = BigInt(Math.round((params.cooldownMs ?? 250) * 1e6));
    if (!(threshold > 0 && threshold < 1)) throw new Error(`param threshold must be in (0, 1), got ${threshold}`);
    let nextAllowedNs = 0n;
    return {
      onEvent(view) {
        const now = view.control.nowNs;
        if (now < nextAllowedNs) return;
        const inst = params.instrument ? view.instrument(params.instrument) : view.instruments[0];
        if (!inst) return;
        const book = view.market.book(inst.id);
        if (!book || book.bidLevels === 0 || book.askLevels === 0) return;
        const imb = book.imbalance(depth);
        const invLots = view.execution.position(inst.id).qtyUnits / inst.lotUnits;
        const qtyUnits = qtyLots * inst.lotUnits;
        const out: Intent[] = [];
        if (imb > threshold && invLots + qtyLots <= maxInv) {
          out.push({ type: 'new', instrument: inst.id, side: 'buy', priceUnits: book.askPrice(), qtyUnits, timeInForce: 'IOC', clientTag: 'imb' });
        } else if (imb < -threshold && -invLots + qtyLots <= maxInv) {
          out.push({ type: 'new', instrument: inst.id, side: 'sell', priceUnits: book.bidPrice(), qtyUnits, timeInForce: 'IOC', clientTag: 'imb' });
        }
        if (out.length) nextAllowedNs = now + cooldownNs;
        return out;
      },
    };
  },
};

export default strategy;
