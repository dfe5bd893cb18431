/**
 * Kill switch engaged: new intents denied, queued new/replace work withdrawn, and a cancel for
 * every open order the core sent, each admitted to execution control as an operator intent so
 * that it leaves as a RequestSent under the usual gates.
 */
import { describe, expect, it } from 'vitest';
import type { RateBucketConfig } from '../config.ts';
import type { NewIntent } from '../intents.ts';
import { BTC, ScriptedStrategy, baseConfig, engineWith } from '../testing/fixtures.ts';

const kill = { kind: 'kill_switch' as const, engaged: true, reason: 'operator' };
const buy = (priceUnits: number): NewIntent => ({
  type: 'new',
  instrument: BTC.id,
  side: 'buy',
  priceUnits,
  qtyUnits: 1,
});

/** An engine with three orders sent on the first bbo; `accepted` of them acknowledged. */
function withOrders(accepted: number[], config = baseConfig()) {
  const strategy = new ScriptedStrategy();
  const { engine, feed } = engineWith(config, strategy);
  strategy.script.push([buy(600_000), buy(599_990), buy(599_980)]);
  feed.bbo(600_000, 600_010);
  for (const id of accepted) feed.accept(id);
  return { engine, feed, strategy };
}

describe('kill switch engaged', () => {
  it('sends a cancel for every open order, lowest order id first', () => {
    const { feed } = withOrders([1, 2, 3]);
    const r = feed.control(kill);
    expect(r.requestsSent.map((q) => [q.request, q.orderId])).toEqual([
      ['cancel', 1],
      ['cancel', 2],
      ['cancel', 3],
    ]);
  });

  it('reports each cancel as an allowed operator decision, apart from the strategy decisions', () => {
    const { feed } = withOrders([1, 2, 3]);
    const r = feed.control(kill);
    expect(r.decisions).toEqual([]);
    expect(r.operatorDecisions.map((d) => [d.intent, d.allowed])).toEqual([
      [{ type: 'cancel', orderId: 1 }, true],
      [{ type: 'cancel', orderId: 2 }, true],
      [{ type: 'cancel', orderId: 3 }, true],
    ]);
  });

  it('holds the cancel of an order whose new is still unacknowledged until the venue answers it', () => {
    const { feed } = withOrders([1]);
    expect(feed.control(kill).requestsSent.map((q) => q.orderId)).toEqual([1]);
    expect(feed.accept(2).requestsSent.map((q) => [q.request, q.orderId])).toEqual([['cancel', 2]]);
  });

  it('drops the held cancel of an order the venue rejects meanwhile: nothing is sent for it', () => {
    const { engine, feed } = withOrders([1, 2]);
    feed.control(kill);
    const r = feed.exec({ kind: 'order_rejected', orderId: 3, reason: 'post_only' });
    expect(r.requestsSent).toEqual([]);
    expect(engine.view.execution.pending()).toEqual([]);
  });

  it('sends no second cancel for an order whose cancel is already inflight', () => {
    const { feed, strategy } = withOrders([1, 2, 3]);
    strategy.script.push([{ type: 'cancel', orderId: 2 }]);
    expect(feed.bbo(600_000, 600_010).requestsSent.map((q) => [q.request, q.orderId])).toEqual([['cancel', 2]]);
    expect(feed.control(kill).requestsSent.map((q) => [q.request, q.orderId])).toEqual([
      ['cancel', 1],
      ['cancel', 3],
    ]);
  });

  it('withdraws a queued replace and cancels that order instead', () => {
    const bucket: RateBucketConfig = {
      scope: BTC.venue,
      capacity: 3,
      refillTokens: 1,
      refillIntervalNs: 1_000_000n,
      weights: { new: 1, replace: 1, cancel: 1 },
    };
    const { engine, feed, strategy } = withOrders(
      [1, 2, 3],
      baseConfig({ executionControl: { rateBuckets: [bucket] } }),
    );
    strategy.script.push([{ type: 'replace', orderId: 1, priceUnits: 599_970, qtyUnits: 1 }]);
    feed.bbo(600_000, 600_010); // the bucket is empty: the replace waits in the queue
    expect(engine.view.execution.pending().map((p) => p.request)).toEqual(['replace']);
    feed.control(kill);
    expect(engine.view.execution.pending().map((p) => [p.request, p.orderId])).toEqual([
      ['cancel', 1],
      ['cancel', 2],
      ['cancel', 3],
    ]);
  });

  it('rate-limits its cancels like any request: the rest leave on the control-time event', () => {
    const bucket: RateBucketConfig = {
      scope: BTC.venue,
      capacity: 5,
      refillTokens: 2,
      refillIntervalNs: 1_000_000n,
      weights: { new: 1, replace: 1, cancel: 1 },
    };
    const { feed } = withOrders([1, 2, 3], baseConfig({ executionControl: { rateBuckets: [bucket] } }));
    const r = feed.control(kill);
    expect(r.requestsSent.map((q) => q.orderId)).toEqual([1, 2]);
    const ob = r.obligation!;
    const later = feed.realise(ob);
    expect(later.requestsSent.map((q) => [q.request, q.orderId])).toEqual([['cancel', 3]]);
  });

  it('sends nothing when no order is open', () => {
    const { feed } = engineWith(baseConfig());
    feed.bbo(600_000, 600_010);
    const r = feed.control(kill);
    expect(r.requestsSent).toEqual([]);
    expect(r.operatorDecisions).toEqual([]);
  });

  it('does nothing more when cleared: kill_switch engaged false sends no cancel', () => {
    const { feed } = withOrders([1, 2, 3]);
    expect(feed.control({ ...kill, engaged: false }).requestsSent).toEqual([]);
  });

  it('denies the strategy every new intent afterwards, a reduce-only one included', () => {
    const { feed, strategy } = withOrders([1, 2, 3]);
    feed.control(kill);
    strategy.script.push([buy(600_000), { ...buy(600_000), side: 'sell', reduceOnly: true }]);
    const r = feed.bbo(600_000, 600_010);
    expect(r.decisions.map((d) => (d.allowed ? 'allowed' : d.reason))).toEqual(['kill_switch', 'kill_switch']);
    expect(r.requestsSent).toEqual([]);
  });
});
