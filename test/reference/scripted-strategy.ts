/**
 * A scripted strategy that exercises every order type and request the venue supports: GTC
 * post-only quotes at and behind the touch, IOC and FOK limits through the touch (some too
 * large to fill), market orders, replaces (price moves, size up and down) and cancels. Its
 * choices come from a seeded generator (configuration, never Math.random), so a seed is a run.
 * Inventory is kept within `maxInventoryLots` by choosing the reducing side when at the limit.
 */
import type { Intent, OrderSide, StateView, Strategy } from '@chassis/core';
import { SeededRandom } from '@chassis/venues';

export interface ScriptedParams {
  readonly seed: number;
  /** Act on one in this many triggering events. */
  readonly everyEvents?: number;
  readonly maxInventoryLots?: number;
}

export function scriptedStrategy(p: ScriptedParams): Strategy {
  const rng = new SeededRandom(p.seed);
  /** Uniform in [0, 1). */
  const random = () => rng.nextUint32() / 4294967296;
  const every = p.everyEvents ?? 25;
  const maxInv = p.maxInventoryLots ?? 6;
  let n = 0;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  return {
    onEvent(view: StateView): Intent[] {
      if (++n % every !== 0) return [];
      const inst = view.instruments[0]!;
      const book = view.market.book(inst.id);
      if (book === undefined || !(book.bidPrice() > 0) || !(book.askPrice() > 0)) return [];
      const tick = inst.tickUnits;
      const lot = inst.lotUnits;
      const inv = view.execution.position(inst.id).qtyUnits / lot;
      const side: OrderSide = inv >= maxInv ? 'sell' : inv <= -maxInv ? 'buy' : pick(['buy', 'sell'] as const);
      const touch = side === 'buy' ? book.bidPrice() : book.askPrice();
      const far = side === 'buy' ? book.askPrice() : book.bidPrice();
      const away = (ticks: number) => touch + (side === 'buy' ? -ticks : ticks) * tick;
      const through = (ticks: number) => far + (side === 'buy' ? ticks : -ticks) * tick;
      const lots = 1 + Math.floor(random() * 3);
      const open = view.execution.openOrders(inst.id).filter((o) => o.inflight === null && o.status !== 'submitted');
      const action = pick([
        'post',
        'post',
        'gtc',
        'ioc',
        'fok',
        'fok_big',
        'market',
        'replace',
        'replace',
        'cancel',
      ] as const);
      const base = {
        type: 'new',
        instrument: inst.id,
        side,
        qtyUnits: lots * lot,
        clientTag: `scripted-${action}`,
      } as const;
      switch (action) {
        case 'post':
          return [{ ...base, priceUnits: away(Math.floor(random() * 3)), postOnly: true }];
        case 'gtc':
          return [{ ...base, priceUnits: away(Math.floor(random() * 2)) }];
        case 'ioc':
          return [{ ...base, priceUnits: through(Math.floor(random() * 3)), timeInForce: 'IOC' }];
        case 'fok':
          return [{ ...base, priceUnits: through(1), timeInForce: 'FOK' }];
        case 'fok_big':
          return [{ ...base, qtyUnits: 1_000_000 * lot, priceUnits: far, timeInForce: 'FOK' }];
        case 'market':
          return [{ ...base, orderType: 'market', priceUnits: 0, timeInForce: 'IOC' }];
        case 'replace': {
          if (open.length === 0) return [];
          const o = pick(open);
          const moved = o.priceUnits + (o.side === 'buy' ? -1 : 1) * tick * (Math.floor(random() * 3) - 1);
          const qty = Math.max(o.filledQtyUnits + lot, o.qtyUnits + (Math.floor(random() * 3) - 1) * lot);
          return [{ type: 'replace', orderId: o.orderId, priceUnits: moved, qtyUnits: qty }];
        }
        case 'cancel':
          return open.length === 0 ? [] : [{ type: 'cancel', orderId: pick(open).orderId }];
      }
    },
  };
}
