// @ts-nocheck
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../events.ts';
import { BTC, ScriptedStrategy, baseConfig, engineWith } from '../testing/fixtures.ts';
import { ExactSum } from './trade-tape.ts';

type Trade = EventDraft & { kind: 'trade' };

function trade(price: number, qty: number, aggressor: 'buy' | 'sell' | 'unknown', id: string, t: bigint): Trade {
  return { kind: 'trade', instrument: BTC.id, tradeId: id, priceUnits: price, qtyUnits: qty, aggressor, tsEventNs: t, tsLocalNs: t };
}

/** State hash after feeding the trades, then one more unaltered trade (so the altered one is no longer the last). */
function hashAfter(trades: Trade[]): string {
  const { engine, feed } = engineWith(baseConfig());
  for (const t of trades) feed.push(t);
  feed.push(trade(610_000, 1, 'buy', 'last', 10_000n));
  return engine.stateHash();
}

describe('state hash coverage', () => {
  const base = [trade(610_001, 3, 'sell', 'a', 1_000n), trade(610_002, 4, 'buy', 'b', 2_000n)];

  it('changes when an earlier trade had another price, even after a later trade replaced it as the last trade', () => {
    expect(hashAfter([{ ...base[0]!, priceUnits: 610_011 }, base[1]!])).not.toBe(hashAfter(base));
  });

  it('changes when an earlier trade had another quantity or aggressor', () => {
    expect(hashAfter([{ ...base[0]!, qtyUnits: 2 }, base[1]!])).not.toBe(hashAfter(base));
    expect(hashAfter([{ ...base[0]!, aggressor: 'buy' }, base[1]!])).not.toBe(hashAfter(base));
  });

  it('covers the last trade itself', () => {
    const a = engineWith(baseConfig());
    const b = engineWith(baseConfig());
    a.feed.push(base[0]!);
    b.feed.push({ ...base[0]!, tradeId: 'other' });
    expect(a.engine.stateHash()).not.toBe(b.engine.stateHash());
  });

  it('is the same for the same trades fed to two engines', () => {
    expect(hashAfter(base)).toBe(hashAfter(base));
  });
});

/** Three orders: one cancelled (with `reason`), one filled, one left live. Hashes after every event when `hashEveryStep`. */
function ordersRun(reason: string, hashEveryStep: boolean): string {
  const strategy = new ScriptedStrategy();
  const { engine, feed } = engineWith(baseConfig(), strategy);
  const step = (r: unknown): void => {
    if (hashEveryStep) engine.stateHash();
    void r;
  };
  strategy.script.push([
    { type: 'new', instrument: BTC.id, side: 'buy', priceUnits: 600_000, qtyUnits: 1 },
    { type: 'new', instrument: BTC.id, side: 'sell', priceUnits: 600_010, qtyUnits: 1 },
    { type: 'new', instrument: BTC.id, side: 'buy', priceUnits: 599_990, qtyUnits: 1 },
  ]);
  step(feed.bbo(600_000, 600_010));
  for (const id of [1, 2, 3]) step(feed.accept(id));
  step(feed.exec({ kind: 'order_cancelled', orderId: 1, reason }));
  step(feed.exec({ kind: 'order_filled', orderId: 2, fillId: 'f', priceUnits: 600_010, qtyUnits: 1, liquidity: 'maker', feeUnits: 0n, final: true }, false));
  step(feed.bbo(600_001, 600_011));
  return engine.stateHash();
}

describe('state hash of orders', () => {
  it('does not depend on when earlier hashes were taken (terminal orders folded lazily)', () => {
    expect(ordersRun('requested', true)).toBe(ordersRun('requested', false));
  });

  it('still covers every field of an order after it became terminal', () => {
    expect(ordersRun('requested', false)).not.toBe(ordersRun('expired', false));
    expect(ordersRun('requested', true)).not.toBe(ordersRun('expired', true));
  });
});

describe('ExactSum', () => {
  it('equals the bigint sum of any safe non-negative integers and products', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 0, max: 2 ** 40 }))), (terms) => {
        const s = new ExactSum();
        let ref = 0n;
        for (const [a, b] of terms) {
          s.addProduct(a, b);
          s.add(b);
          ref += BigInt(a) * BigInt(b) + BigInt(b);
        }
        expect(s.value()).toBe(ref);
      }),
    );
  });
});
