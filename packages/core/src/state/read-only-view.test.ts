import { describe, expect, it } from 'vitest';
import type { Event } from '../events.ts';
import type { Intent } from '../intents.ts';
import type { Strategy } from '../strategy.ts';
import type { StateView } from './view.ts';
import { BTC, baseConfig, engineWith } from '../testing/fixtures.ts';

/** Quotes once, then on every trigger reads everything the view offers; `vandal` also tries to write to all of it. */
class Quoter implements Strategy {
  attempts = 0;
  refused = 0;
  private quoted = false;
  constructor(private readonly vandal: boolean) {}

  onEvent(view: StateView): readonly Intent[] {
    if (this.vandal) this.vandalise(view);
    if (this.quoted) return [];
    this.quoted = true;
    return [
      { type: 'new', instrument: BTC.id, side: 'buy', priceUnits: 100, qtyUnits: 2 },
      { type: 'new', instrument: BTC.id, side: 'sell', priceUnits: 105, qtyUnits: 2 },
    ];
  }

  private try(write: () => void): void {
    this.attempts++;
    try {
      write();
    } catch {
      this.refused++;
    }
  }

  private vandalise(view: StateView): void {
    const any = (x: unknown) => x as Record<string, unknown> & { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const book = any(view.market.book(BTC.id));
    this.try(() => book.bids.set(1, 999));
    this.try(() => (book.bboBidPrice = 1));
    this.try(() => (book.instrument = 'x'));
    const trade = view.market.lastTrade(BTC.id);
    if (trade) this.try(() => (any(trade).priceUnits = 1));
    for (const o of view.execution.openOrders()) {
      this.try(() => (any(o).priceUnits = 1));
      this.try(() => (any(o).status = 'filled'));
      this.try(() => (any(o).inflight = null));
    }
    for (const p of view.execution.pending()) this.try(() => (any(p).qtyUnits = 999));
    const pos = any(view.execution.position(BTC.id));
    this.try(() => (pos.qtyUnits = 42));
    this.try(() => (pos.realizedPnlUnits = 10n ** 9n));
    this.try(() => (any(view.instrument(BTC.id)).tickUnits = 7));
    this.try(() => (any(view.instruments).length = 0));
    this.try(() => (any(view.control).killSwitch = true));
  }
}

function run(vandal: boolean): { hashes: string[]; strategy: Quoter; view: StateView } {
  const strategy = new Quoter(vandal);
  const { engine, feed } = engineWith(baseConfig({ triggers: { kinds: ['bbo', 'trade', 'order_filled', 'order_accepted'] } }), strategy);
  const hashes: string[] = [];
  const step = (f: () => unknown) => {
    f();
    hashes.push(engine.stateHash());
  };
  step(() => feed.push({ kind: 'book_delta', instrument: BTC.id, updateId: 1n, isSnapshot: true, offset: 0, count: 2, sides: [0, 1], prices: [100, 105], sizes: [5, 5] } as never));
  step(() => feed.bbo(100, 105));
  step(() => feed.accept(1));
  step(() => feed.push({ kind: 'trade', instrument: BTC.id, tradeId: 't1', priceUnits: 100, qtyUnits: 1, aggressor: 'sell' } as never));
  step(() => feed.exec({ kind: 'order_filled', orderId: 1, fillId: 'f1', priceUnits: 100, qtyUnits: 1, liquidity: 'maker', feeUnits: 2n, final: false }));
  step(() => feed.bbo(99, 104));
  return { hashes, strategy, view: engine.view as StateView & { _?: Event } };
}

describe('the strategy view is read-only at run time', () => {
  it('a strategy that writes to every book, order, position, queue entry, trade and instrument it gets changes no engine state', () => {
    const calm = run(false);
    const vandal = run(true);
    expect(vandal.strategy.attempts).toBeGreaterThan(30);
    expect(vandal.strategy.refused).toBe(vandal.strategy.attempts);
    expect(vandal.hashes).toEqual(calm.hashes);
    const p = vandal.view.execution.position(BTC.id);
    expect([p.qtyUnits, p.realizedPnlUnits]).toEqual([1, 0n]);
    expect(vandal.view.market.book(BTC.id)!.bidPrice(0)).toBe(100);
    expect(vandal.view.instrument(BTC.id)!.tickUnits).toBe(BTC.tickUnits);
  });
});
