import { describe, expect, it } from 'vitest';
import type { BboEvent, BookDeltaEvent, Event, TradeEvent } from '../events.ts';
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

  it('market events that trigger nothing, or a strategy that returns nothing, allocate nothing: 300,000 steps without a garbage collection', async () => {
    const engine = createEngine(baseConfig({ triggers: { kinds: ['bbo'] } }), { onEvent: () => undefined });
    // Mutable events renumbered in place (one tsLocal throughout), so the loop itself allocates nothing.
    const rows = 8;
    const cols = { sides: new Uint8Array(2 * rows), prices: new Float64Array(2 * rows), sizes: new Float64Array(2 * rows) };
    for (let i = 0; i < rows; i++) {
      cols.prices[i] = 1000 - i;
      cols.sides[rows + i] = 1;
      cols.prices[rows + i] = 1001 + i;
      cols.sizes[i] = cols.sizes[rows + i] = 1 + i;
    }
    const head = { seq: 0, tsEventNs: 1n, tsLocalNs: 1n };
    const delta = (offset: number, count: number, isSnapshot: boolean): BookDeltaEvent => ({ ...head, kind: 'book_delta', instrument: BTC.id, updateId: 7n, isSnapshot, offset, count, ...cols });
    const bbo: BboEvent = { ...head, kind: 'bbo', instrument: BTC.id, updateId: 7n, bidPriceUnits: 1000, bidQtyUnits: 3, askPriceUnits: 1001, askQtyUnits: 4 };
    const trade: TradeEvent = { ...head, kind: 'trade', instrument: BTC.id, tradeId: 't', priceUnits: 1000, qtyUnits: 2, aggressor: 'sell' };
    const events: Event[] = [delta(0, 2 * rows, true), delta(2, 3, false), bbo, delta(rows + 1, 4, false), trade];
    let seq = 0;
    const run = (steps: number): void => {
      for (let i = 0; i < steps; i++) {
        const ev = events[i === 0 && seq === 0 ? 0 : 1 + (i % 4)]! as { seq: number };
        ev.seq = seq++;
        engine.step(ev as Event);
      }
    };
    run(50_000); // optimised code and grown ladders first
    const gcStarts: number[] = [];
    const observer = new PerformanceObserver((list) => gcStarts.push(...list.getEntries().map((e) => e.startTime)));
    observer.observe({ entryTypes: ['gc'] });
    const t0 = performance.now();
    run(300_000);
    const t1 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
    expect(engine.violation).toBeNull();
    expect(engine.view.market.book(BTC.id)!.bidQty(0)).toBe(3);
    expect(gcStarts.filter((t) => t >= t0 && t <= t1)).toEqual([]);
  });

  it('a seq gap halts the engine with a diagnostic naming the invariant, and every later step returns it', () => {
    const { engine } = engineWith(baseConfig());
    engine.step({ seq: 0, kind: 'session', state: 'start', sessionId: 's', tsEventNs: 0n, tsLocalNs: 10n });
    const r = engine.step({ seq: 2, kind: 'session', state: 'end', sessionId: 's', tsEventNs: 0n, tsLocalNs: 10n });
    expect(r.violation).toMatchObject({ invariant: 'seq_contiguous', seq: 2, state: { lastSeq: 0, seq: 2 } });
    expect(engine.violation).toBe(r.violation);
    expect(engine.step({ seq: 1, kind: 'session', state: 'end', sessionId: 's', tsEventNs: 0n, tsLocalNs: 10n })).toBe(r);
  });

  it('a halted engine applies nothing more: a later contiguous market event leaves the book and the state hash as they were (L9)', () => {
    const { engine } = engineWith(baseConfig());
    const book = (seq: number, price: number): BookDeltaEvent => ({ seq, kind: 'book_delta', instrument: BTC.id, updateId: BigInt(seq), isSnapshot: true, offset: 0, count: 2, sides: [0, 1], prices: [price, price + 1], sizes: [5, 6], tsEventNs: 0n, tsLocalNs: 10n });
    engine.step(book(0, 100));
    const halted = engine.step(book(2, 200)); // seq gap
    expect(halted.violation?.invariant).toBe('seq_contiguous');
    const hash = engine.stateHash();
    // seq 1 would follow the last accepted event: only the halt keeps it out.
    expect(engine.step(book(1, 300))).toBe(halted);
    expect(engine.view.market.book(BTC.id)!.mid()).toBe(100.5);
    expect(engine.stateHash()).toBe(hash);
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

describe('echoes of our own dispatches', () => {
  /** An engine that has just dispatched one new order (RequestSent seq 1) on the bbo at seq 0. */
  function dispatchedOne() {
    const strategy = new ScriptedStrategy();
    const { engine, feed } = engineWith(baseConfig(), strategy);
    strategy.script.push([{ type: 'new', instrument: BTC.id, side: 'buy', priceUnits: 100, qtyUnits: 1 }]);
    const sent = feed.bbo(100, 101).requestsSent[0]!;
    return { engine, feed, sent };
  }

  it('skips the request it just dispatched when the runtime hands it back, as the same object or an equal copy', () => {
    const { engine, sent } = dispatchedOne();
    expect(engine.step(sent)).toBe(EMPTY_STEP_RESULT);
    const again = dispatchedOne();
    expect(again.engine.step({ ...again.sent })).toBe(EMPTY_STEP_RESULT);
    expect(again.engine.violation).toBeNull();
  });

  it('halts on a request_sent with an old seq that it did not dispatch', () => {
    const { engine, sent } = dispatchedOne();
    const forged = { ...sent, priceUnits: 99 };
    expect(engine.step(forged).violation?.invariant).toBe('seq_contiguous');
  });

  it('halts when the same echo comes back twice', () => {
    const { engine, sent } = dispatchedOne();
    engine.step(sent);
    expect(engine.step(sent).violation?.invariant).toBe('seq_contiguous');
  });

  it('halts on a late echo once a newer event has entered the stream', () => {
    const { engine, feed, sent } = dispatchedOne();
    feed.bbo(100, 101);
    expect(engine.step(sent).violation?.invariant).toBe('seq_contiguous');
  });
});
