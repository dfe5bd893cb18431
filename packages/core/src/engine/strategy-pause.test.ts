/**
 * strategy_paused: an operator pause stops strategy evaluation and nothing else; resuming
 * restores it. Worked examples, then the law "paused ⇒ zero strategy evaluations" against a
 * plain replay of the pause flag.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BTC, ScriptedStrategy, baseConfig, engineWith } from '../testing/fixtures.ts';

const pause = (paused: boolean) => ({
  kind: 'strategy_paused' as const,
  paused,
  reason: paused ? 'operator' : 'resume',
});

describe('strategy_paused', () => {
  it('a paused strategy is not evaluated on its trigger events', () => {
    const strategy = new ScriptedStrategy();
    const { feed } = engineWith(baseConfig(), strategy);
    feed.control(pause(true));
    feed.bbo(600_000, 600_010);
    feed.bbo(600_001, 600_011);
    expect(strategy.calls).toBe(0);
  });

  it('a resumed strategy is evaluated again on the next trigger', () => {
    const strategy = new ScriptedStrategy();
    const { feed } = engineWith(baseConfig(), strategy);
    feed.control(pause(true));
    feed.bbo(600_000, 600_010);
    feed.control(pause(false));
    feed.bbo(600_000, 600_010);
    expect(strategy.calls).toBe(1);
  });

  it('the view reports the pause: view.control.strategyPaused follows the last strategy_paused event', () => {
    const { engine, feed } = engineWith(baseConfig());
    expect(engine.view.control.strategyPaused).toBe(false);
    feed.control(pause(true));
    expect(engine.view.control.strategyPaused).toBe(true);
    feed.control(pause(false));
    expect(engine.view.control.strategyPaused).toBe(false);
  });

  it('pausing leaves open orders open and sends no cancel', () => {
    const strategy = new ScriptedStrategy();
    const { engine, feed } = engineWith(baseConfig(), strategy);
    strategy.script.push([{ type: 'new', instrument: BTC.id, side: 'buy', priceUnits: 600_000, qtyUnits: 1 }]);
    feed.bbo(600_000, 600_010);
    feed.accept(1);
    const r = feed.control(pause(true));
    expect(r.requestsSent).toEqual([]);
    expect(engine.view.execution.openOrders().map((o) => [o.orderId, o.status])).toEqual([[1, 'accepted']]);
  });

  it('work queued before the pause is still dispatched while paused, when the rate limit lets it go', () => {
    const strategy = new ScriptedStrategy();
    const bucket = {
      scope: BTC.venue,
      capacity: 1,
      refillTokens: 1,
      refillIntervalNs: 1_000n,
      weights: { new: 1, replace: 1, cancel: 1 },
    };
    const { engine, feed } = engineWith(baseConfig({ executionControl: { rateBuckets: [bucket] } }), strategy);
    strategy.script.push([
      { type: 'new', instrument: BTC.id, side: 'buy', priceUnits: 600_000, qtyUnits: 1 },
      { type: 'new', instrument: BTC.id, side: 'buy', priceUnits: 599_990, qtyUnits: 1 },
    ]);
    const first = feed.bbo(600_000, 600_010);
    expect(first.requestsSent.map((r) => r.orderId)).toEqual([1]);
    feed.control(pause(true));
    const due = first.obligation!;
    const r = feed.realise(due);
    expect(r.requestsSent.map((q) => [q.request, q.orderId])).toEqual([['new', 2]]);
    expect(engine.view.control.strategyPaused).toBe(true);
  });

  it('the state hash tells a paused engine from a running one', () => {
    const a = engineWith(baseConfig());
    const b = engineWith(baseConfig());
    a.feed.control(pause(false));
    b.feed.control(pause(true));
    expect(a.engine.stateHash()).not.toBe(b.engine.stateHash());
  });
});

describe('law: a paused strategy is never evaluated', () => {
  it('the strategy runs exactly on the triggers that arrive while the last strategy_paused said running', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('bbo' as const), fc.boolean()), { maxLength: 60 }), (ops) => {
        const strategy = new ScriptedStrategy();
        const { feed } = engineWith(baseConfig(), strategy);
        // Oracle: a plain flag replayed over the same operations.
        let paused = false;
        let expected = 0;
        for (const op of ops) {
          if (op === 'bbo') {
            if (!paused) expected++;
            feed.bbo(600_000, 600_010, 1n);
          } else {
            paused = op;
            feed.control(pause(op), 1n);
          }
        }
        expect(strategy.calls).toBe(expected);
      }),
    );
  });
});
