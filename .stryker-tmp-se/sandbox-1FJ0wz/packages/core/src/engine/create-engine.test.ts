// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { ChassisError } from '../errors.ts';
import { BTC, ScriptedStrategy, baseConfig, engineWith } from '../testing/fixtures.ts';
import { EMPTY_STEP_RESULT, createEngine } from './create-engine.ts';

describe('engine step', () => {
  it('a market event that triggers nothing returns the shared frozen empty result', () => {
    const { feed } = engineWith(baseConfig());
    const r = feed.push({ kind: 'book_delta', instrument: BTC.id, updateId: 1n, isSnapshot: true, offset: 0, count: 2, sides: [0, 1], prices: [100, 101], sizes: [5, 6], tsEventNs: 0n, tsLocalNs: feed.nowNs });
    expect(r).toBe(EMPTY_STEP_RESULT);
    expect(Object.isFrozen(r)).toBe(true);
    expect(feed.engine.view.market.book(BTC.id)!.mid()).toBe(100.5);
  });

  it('a seq gap halts the engine with a diagnostic naming the invariant, and every later step returns it', () => {
    const { engine } = engineWith(baseConfig());
    engine.step({ seq: 0, kind: 'session', state: 'start', sessionId: 's', tsEventNs: 0n, tsLocalNs: 10n });
    const r = engine.step({ seq: 2, kind: 'session', state: 'end', sessionId: 's', tsEventNs: 0n, tsLocalNs: 10n });
    expect(r.violation).toMatchObject({ invariant: 'seq_contiguous', seq: 2, state: { lastSeq: 0, seq: 2 } });
    expect(engine.violation).toBe(r.violation);
    expect(engine.step({ seq: 1, kind: 'session', state: 'end', sessionId: 's', tsEventNs: 0n, tsLocalNs: 10n })).toBe(r);
  });

  it('tsLocal going backwards halts the engine', () => {
    const { engine } = engineWith(baseConfig());
    engine.step({ seq: 0, kind: 'session', state: 'start', sessionId: 's', tsEventNs: 0n, tsLocalNs: 10n });
    expect(engine.step({ seq: 1, kind: 'session', state: 'end', sessionId: 's', tsEventNs: 0n, tsLocalNs: 9n }).violation?.invariant).toBe('ts_local_non_decreasing');
  });

  it('a throwing strategy produces no intents; after N consecutive failures the core asks for strategy_halted, then stops calling it', () => {
    const strategy = new ScriptedStrategy();
    const { engine, feed } = engineWith(baseConfig({ maxConsecutiveStrategyFailures: 2 }), strategy);
    strategy.script.push(new Error('a'), [], new Error('b'), new Error('c'));
    expect(feed.bbo(1, 2).diagnostics.map((d) => d.code)).toEqual(['strategy_error']);
    expect(feed.bbo(1, 2)).toBe(EMPTY_STEP_RESULT); // success resets the count
    expect(feed.bbo(1, 2).controlEvents).toEqual([]);
    const r = feed.bbo(1, 2);
    expect(r.intents).toEqual([]);
    expect(r.controlEvents).toMatchObject([{ kind: 'strategy_halted', reason: '2 consecutive strategy failures' }]);
    feed.push(r.controlEvents[0]!);
    expect(engine.view.control.strategyHalted).toBe(true);
    const calls = strategy.calls;
    feed.bbo(1, 2);
    expect(strategy.calls).toBe(calls);
  });

  it('every N-th event of a kind triggers the strategy, and instrument filters restrict market triggers', () => {
    const strategy = new ScriptedStrategy();
    const { feed } = engineWith(baseConfig({ triggers: { kinds: ['bbo'], instruments: ['other:X'], everyN: [{ kind: 'bbo', n: 3 }] } }), strategy);
    for (let i = 0; i < 7; i++) feed.bbo(1, 2);
    expect(strategy.calls).toBe(2);
  });

  it('denied intents are recorded as intent_denied drafts when the config asks for an audit trail', () => {
    const strategy = new ScriptedStrategy();
    const { feed } = engineWith(baseConfig({ recordIntentDenials: true }), strategy);
    strategy.script.push([{ type: 'cancel', orderId: 42 }]);
    expect(feed.bbo(1, 2).controlEvents).toMatchObject([{ kind: 'intent_denied', reason: 'unknown_order', intentType: 'cancel', orderId: 42 }]);
  });

  it('positions and balances follow fills exactly, with realised PnL on reduction and flip', () => {
    const strategy = new ScriptedStrategy();
    const { engine, feed } = engineWith(baseConfig({ initialBalances: { USDT: 1000n } }), strategy);
    strategy.script.push([
      { type: 'new', instrument: BTC.id, side: 'buy', priceUnits: 100, qtyUnits: 3 },
      { type: 'new', instrument: BTC.id, side: 'sell', priceUnits: 110, qtyUnits: 5 },
    ]);
    feed.bbo(100, 101);
    feed.exec({ kind: 'order_filled', orderId: 1, fillId: 'a', priceUnits: 100, qtyUnits: 3, liquidity: 'taker', feeUnits: 7n, final: true });
    feed.exec({ kind: 'order_filled', orderId: 2, fillId: 'b', priceUnits: 110, qtyUnits: 5, liquidity: 'maker', feeUnits: -2n, final: true });
    const p = engine.view.execution.position(BTC.id);
    expect([p.qtyUnits, p.costUnits, p.realizedPnlUnits, p.feesUnits, p.avgPrice]).toEqual([-2, -220n, 30n, 5n, 110]);
    expect(engine.view.execution.balance('USDT')).toBe(1000n + 30n - 5n);
  });

  it('rejects an invalid configuration naming the field', () => {
    const bad = baseConfig({ executionControl: { rateBuckets: [{ scope: 'x', capacity: 1, refillTokens: 1, refillIntervalNs: 1n, weights: { new: 2, replace: 1, cancel: 1 } }] } });
    expect(() => createEngine(bad, new ScriptedStrategy())).toThrow(ChassisError);
    expect(() => createEngine(bad, new ScriptedStrategy())).toThrow(/rateBuckets\[0\]\.weights\.new/);
  });
});
