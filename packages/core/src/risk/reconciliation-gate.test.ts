/**
 * Reconciliation gate: while the last reconciliation outcome is `mismatch`, risk denies new and
 * replace intents (reconciliation_mismatch) and execution control drops queued new/replace
 * work; cancels go on. A `matched` or `resolved` outcome lifts it.
 */
import { describe, expect, it } from 'vitest';
import type { Intent } from '../intents.ts';
import type { StepResult } from '../step-result.ts';
import { BTC, ScriptedStrategy, baseConfig, engineWith } from '../testing/fixtures.ts';

const mismatch = { kind: 'reconciliation' as const, outcome: 'mismatch' as const, detail: 'open orders differ' };
const newBuy: Intent = { type: 'new', instrument: BTC.id, side: 'buy', priceUnits: 600_000, qtyUnits: 1 };
const reasons = (r: StepResult) => r.decisions.map((d) => (d.allowed ? 'allowed' : d.reason));

/** An engine with order 1 open (accepted). */
function withOpenOrder(config = baseConfig()) {
  const strategy = new ScriptedStrategy();
  const { engine, feed } = engineWith(config, strategy);
  strategy.script.push([newBuy]);
  feed.bbo(600_000, 600_010);
  feed.accept(1);
  return { engine, feed, strategy };
}

describe('reconciliation gate', () => {
  it('denies new and replace intents with reconciliation_mismatch after a mismatch', () => {
    const { feed, strategy } = withOpenOrder();
    feed.control(mismatch);
    strategy.script.push([newBuy, { type: 'replace', orderId: 1, priceUnits: 599_990, qtyUnits: 1 }]);
    const r = feed.bbo(600_000, 600_010);
    expect(reasons(r)).toEqual(['reconciliation_mismatch', 'reconciliation_mismatch']);
    expect(r.requestsSent).toEqual([]);
  });

  it('shows the last outcome in view.control.lastReconciliation', () => {
    const { engine, feed } = withOpenOrder();
    expect(engine.view.control.lastReconciliation).toBe('');
    feed.control(mismatch);
    expect(engine.view.control.lastReconciliation).toBe('mismatch');
    feed.control({ kind: 'reconciliation', outcome: 'resolved', detail: '' });
    expect(engine.view.control.lastReconciliation).toBe('resolved');
  });

  it('still allows and sends cancels during a mismatch', () => {
    const { feed, strategy } = withOpenOrder();
    feed.control(mismatch);
    strategy.script.push([{ type: 'cancel', orderId: 1 }]);
    const r = feed.bbo(600_000, 600_010);
    expect(reasons(r)).toEqual(['allowed']);
    expect(r.requestsSent.map((q) => [q.request, q.orderId])).toEqual([['cancel', 1]]);
  });

  for (const outcome of ['matched', 'resolved'] as const) {
    it(`lifts the denial on a ${outcome} outcome`, () => {
      const { feed, strategy } = withOpenOrder();
      feed.control(mismatch);
      feed.control({ kind: 'reconciliation', outcome, detail: '' });
      strategy.script.push([newBuy]);
      expect(reasons(feed.bbo(600_000, 600_010))).toEqual(['allowed']);
    });
  }

  it('drops new work queued before the mismatch instead of sending it later', () => {
    const bucket = {
      scope: BTC.venue,
      capacity: 1,
      refillTokens: 1,
      refillIntervalNs: 1_000_000n,
      weights: { new: 1, replace: 1, cancel: 1 },
    };
    const { engine, feed, strategy } = withOpenOrder(baseConfig({ executionControl: { rateBuckets: [bucket] } }));
    strategy.script.push([newBuy]);
    const queued = feed.bbo(600_000, 600_010);
    expect(queued.requestsSent).toEqual([]);
    feed.control(mismatch);
    const ob = queued.obligation!;
    const r = feed.realise(ob);
    expect(r.requestsSent).toEqual([]);
    expect(engine.view.execution.pending()).toEqual([]);
  });
});
