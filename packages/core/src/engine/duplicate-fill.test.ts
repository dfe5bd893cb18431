/**
 * Duplicate fills: an order_filled repeating an (orderId, fillId) already applied is recorded
 * (it is in the stream), counted (`duplicateFills`) and never applied. Worked examples, then the
 * law against an oracle that sums each distinct fill once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Intent } from '../intents.ts';
import { BTC, ScriptedStrategy, baseConfig, engineWith } from '../testing/fixtures.ts';

const fill = (orderId: number, fillId: string, qtyUnits: number, final = false) => ({
  kind: 'order_filled' as const,
  orderId,
  fillId,
  priceUnits: 600_000,
  qtyUnits,
  liquidity: 'maker' as const,
  feeUnits: BigInt(qtyUnits * 12),
  final,
});

/** An engine with `n` buy orders of 10 units each, sent and accepted. */
function withOrders(n: number) {
  const strategy = new ScriptedStrategy();
  const { engine, feed } = engineWith(baseConfig({ initialBalances: { USDT: 10n ** 12n } }), strategy);
  const intents: Intent[] = Array.from({ length: n }, (_, i) => ({
    type: 'new',
    instrument: BTC.id,
    side: 'buy',
    priceUnits: 600_000 - i,
    qtyUnits: 10,
  }));
  strategy.script.push(intents);
  feed.bbo(600_000, 600_010);
  for (let id = 1; id <= n; id++) feed.accept(id);
  return { engine, feed };
}

describe('duplicate fills', () => {
  it('a fill repeated with the same order id and fill id is counted and changes neither position nor balance', () => {
    const { engine, feed } = withOrders(1);
    feed.exec(fill(1, 'a', 3), false);
    const position = engine.view.execution.position(BTC.id).qtyUnits;
    const balance = engine.view.execution.balance('USDT');
    const r = feed.exec(fill(1, 'a', 3), false);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['duplicate_fill']);
    expect(engine.view.execution.position(BTC.id).qtyUnits).toBe(position);
    expect(engine.view.execution.balance('USDT')).toBe(balance);
    expect(engine.view.execution.order(1)!.filledQtyUnits).toBe(3);
    expect(engine.view.execution.counters().duplicateFills).toBe(1);
  });

  it('the same fill id on another order is another fill and is applied', () => {
    const { engine, feed } = withOrders(2);
    feed.exec(fill(1, 'a', 3), false);
    feed.exec(fill(2, 'a', 4), false);
    expect(engine.view.execution.position(BTC.id).qtyUnits).toBe(7);
    expect(engine.view.execution.counters().duplicateFills).toBe(0);
  });

  it("a repeat of an order's final fill is counted as a duplicate, not as a late event", () => {
    const { engine, feed } = withOrders(1);
    feed.exec(fill(1, 'last', 10, true), false);
    feed.exec(fill(1, 'last', 10, true), false);
    const c = engine.view.execution.counters();
    expect([c.duplicateFills, c.lateEvents]).toEqual([1, 0]);
    expect(engine.view.execution.position(BTC.id).qtyUnits).toBe(10);
  });

  it('the state hash counts the duplicate: the same stream without it hashes differently', () => {
    const a = withOrders(1);
    const b = withOrders(1);
    a.feed.exec(fill(1, 'a', 3), false);
    b.feed.exec(fill(1, 'a', 3), false);
    a.feed.exec(fill(1, 'a', 3), false);
    b.feed.bbo(600_000, 600_010);
    expect(a.engine.stateHash()).not.toBe(b.engine.stateHash());
  });
});

describe('law: a duplicated fill never changes position or balances', () => {
  it('position, fees and balance equal the sums over distinct fills; the counter equals the repeats', () => {
    const draws = fc.array(
      fc.record({
        order: fc.integer({ min: 1, max: 3 }),
        id: fc.integer({ min: 0, max: 5 }),
        qty: fc.integer({ min: 1, max: 3 }),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(draws, (fs) => {
        const { engine, feed } = withOrders(3);
        // Oracle: a Map of the first occurrence of each (order, fill id), capped at each order's 10 units
        // (a fill past a filled order is a late event, not applied either).
        const seen = new Map<string, number>();
        const filled = new Map<number, number>();
        let repeats = 0;
        for (const f of fs) {
          const key = `${f.order}/f${f.id}`;
          const done = (filled.get(f.order) ?? 0) >= 10;
          if (seen.has(key)) repeats++;
          else if (!done) {
            seen.set(key, f.qty);
            filled.set(f.order, (filled.get(f.order) ?? 0) + f.qty);
          }
          feed.exec(fill(f.order, `f${f.id}`, f.qty), false);
        }
        const qty = [...seen.values()].reduce((a, b) => a + b, 0);
        const p = engine.view.execution.position(BTC.id);
        expect(p.qtyUnits).toBe(qty);
        expect(p.feesUnits).toBe(BigInt(qty * 12));
        expect(engine.view.execution.balance('USDT')).toBe(10n ** 12n - BigInt(qty * 12));
        expect(engine.view.execution.counters().duplicateFills).toBe(repeats);
      }),
      { numRuns: 200 },
    );
  });
});
