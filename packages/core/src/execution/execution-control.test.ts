import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../events.ts';
import type { NewIntent } from '../intents.ts';
import { BTC, ScriptedStrategy, baseConfig, engineWith } from '../testing/fixtures.ts';

const SECOND = 1_000_000_000n;
const bucket = {
  scope: 'binance-usdm',
  capacity: 3,
  refillTokens: 1,
  refillIntervalNs: SECOND,
  weights: { new: 1, replace: 1, cancel: 1 },
};

function bid(priceUnits: number, clientTag = ''): NewIntent {
  return { type: 'new', instrument: BTC.id, side: 'buy', priceUnits, qtyUnits: 1, clientTag };
}

describe('rate limit: a burst beyond the bucket', () => {
  function burst() {
    const strategy = new ScriptedStrategy();
    const { engine, feed } = engineWith(baseConfig({ executionControl: { rateBuckets: [bucket] } }), strategy);
    strategy.script.push([bid(600000, 'a'), bid(599999, 'b'), bid(599998, 'c'), bid(599997, 'd'), bid(599996, 'e')]);
    const first = feed.bbo(600000, 600001);
    return { engine, feed, first, strategy };
  }

  it('dispatches the prefix that fits and derives an obligation due exactly when one token is back', () => {
    const { first, feed } = burst();
    expect(first.decisions.every((d) => d.allowed)).toBe(true);
    expect(first.requestsSent.map((r) => r.clientTag)).toEqual(['a', 'b', 'c']);
    expect(first.requestsSent.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(first.obligation).toEqual({ dueTsLocalNs: feed.nowNs + SECOND, reason: 'rate_limit', scope: 'binance-usdm', derivedAtSeq: 0 });
  });

  it('does not dispatch the rest on market events before the due time, nor re-derive the same obligation', () => {
    const { feed, engine } = burst();
    const r = feed.bbo(600000, 600001, SECOND - 1n);
    expect(r.requestsSent).toEqual([]);
    expect(r.obligation).toBeNull();
    expect(engine.view.execution.pending().map((p) => p.orderId)).toEqual([4, 5]);
  });

  it('dispatches the next request only when the control-time event at the due time is processed', () => {
    const { feed, first, engine } = burst();
    const due = first.obligation!.dueTsLocalNs;
    const r = feed.push({ kind: 'control_time', dueTsLocalNs: due, reason: 'rate_limit', scope: 'binance-usdm', obligationSeq: 0, tsEventNs: due, tsLocalNs: due }, due - feed.nowNs);
    expect(r.requestsSent.map((x) => x.clientTag)).toEqual(['d']);
    expect(r.requestsSent[0]!.tsLocalNs).toBe(due);
    // one more token is due one interval later: a fresh obligation supersedes the realised one
    expect(r.obligation).toEqual({ dueTsLocalNs: due + SECOND, reason: 'rate_limit', scope: 'binance-usdm', derivedAtSeq: first.requestsSent.length + 1 });
    expect(engine.view.execution.pending().map((p) => p.clientTag)).toEqual(['e']);
    const r2 = feed.push({ kind: 'control_time', dueTsLocalNs: due + SECOND, reason: 'rate_limit', scope: 'binance-usdm', obligationSeq: r.obligation!.derivedAtSeq, tsEventNs: due + SECOND, tsLocalNs: due + SECOND }, SECOND);
    expect(r2.requestsSent.map((x) => x.clientTag)).toEqual(['e']);
    expect(r2.obligation).toBeNull();
    expect(engine.view.execution.pending()).toEqual([]);
  });

  it('dispatches the rest at the first event at or after the due time, one that triggers the strategy or not, and after a dispatch waits for the next due time again', () => {
    // Base config triggers on bbo only: a trade or book delta takes the step that decides nothing, a bbo the one that asks the strategy.
    const trade = (t: bigint): EventDraft => ({ kind: 'trade', instrument: BTC.id, tradeId: `x${t}`, priceUnits: 600000, qtyUnits: 1, aggressor: 'buy', tsEventNs: t, tsLocalNs: t });
    const delta = (t: bigint): EventDraft => ({ kind: 'book_delta', instrument: BTC.id, updateId: 1n, isSnapshot: false, offset: 0, count: 1, sides: [0], prices: [599000], sizes: [1], tsEventNs: t, tsLocalNs: t });
    const bbo = (t: bigint): EventDraft => ({ kind: 'bbo', instrument: BTC.id, updateId: -1n, bidPriceUnits: 600000, bidQtyUnits: 10, askPriceUnits: 600001, askQtyUnits: 10, tsEventNs: t, tsLocalNs: t });
    for (const at of [trade, delta, bbo]) {
      const { feed, first } = burst();
      const due = first.obligation!.dueTsLocalNs;
      feed.nowNs = due - 1n;
      expect(feed.push(at(due - 1n)).requestsSent).toEqual([]);
      feed.nowNs = due;
      expect(feed.push(at(due)).requestsSent.map((r) => r.clientTag)).toEqual(['d']);
      // The next token is one interval later: nothing before it, 'e' at it.
      expect(feed.push(at(due)).requestsSent).toEqual([]);
      feed.nowNs = due + SECOND - 1n;
      expect(feed.push(at(due + SECOND - 1n)).requestsSent).toEqual([]);
      feed.nowNs = due + SECOND;
      expect(feed.push(at(due + SECOND)).requestsSent.map((r) => r.clientTag)).toEqual(['e']);
    }
  });

  it('cancels go before replaces before news, then admission order', () => {
    const strategy = new ScriptedStrategy();
    const { engine, feed } = engineWith(baseConfig({ executionControl: { rateBuckets: [{ ...bucket, capacity: 4 }] } }), strategy);
    strategy.script.push([bid(600000, 'o1'), bid(599999, 'o2')]);
    feed.bbo(600000, 600001); // 2 tokens left
    feed.accept(1);
    feed.accept(2);
    // drain: 2 news take the last 2 tokens
    strategy.script.push([bid(599990, 'n3'), bid(599991, 'n4')]);
    feed.bbo(600000, 600001);
    strategy.script.push([bid(599980, 'n5'), { type: 'replace', orderId: 2, priceUnits: 599900, qtyUnits: 1 }, { type: 'cancel', orderId: 1 }]);
    const blocked = feed.bbo(600000, 600001);
    expect(blocked.requestsSent).toEqual([]);
    expect(engine.view.execution.pending().map((p) => `${p.request}:${p.orderId}`)).toEqual(['new:5', 'replace:2', 'cancel:1']);
    const due = blocked.obligation!.dueTsLocalNs;
    const sent: string[] = [];
    for (let i = 0, t = due; i < 3; i++, t += SECOND) {
      const r = feed.push({ kind: 'control_time', dueTsLocalNs: t, reason: 'rate_limit', scope: 'binance-usdm', obligationSeq: 0, tsEventNs: t, tsLocalNs: t }, t - feed.nowNs);
      sent.push(...r.requestsSent.map((x) => `${x.request}:${x.orderId}`));
    }
    expect(sent).toEqual(['cancel:1', 'replace:2', 'new:5']);
  });

  it('an instrument without a rate bucket on its venue is not limited', () => {
    const strategy = new ScriptedStrategy();
    const { feed } = engineWith(baseConfig({ executionControl: { rateBuckets: [{ ...bucket, scope: 'okx' }] } }), strategy);
    strategy.script.push([bid(1), bid(2), bid(3), bid(4), bid(5)]);
    expect(feed.bbo(600000, 600001).requestsSent).toHaveLength(5);
  });
});

describe('inflight gate', () => {
  it('a replace while the new is inflight waits for the new’s acknowledgement', () => {
    const strategy = new ScriptedStrategy();
    const { engine, feed } = engineWith(baseConfig(), strategy);
    strategy.script.push([bid(600000)]);
    const sent = feed.bbo(600000, 600001).requestsSent;
    expect(sent.map((r) => r.request)).toEqual(['new']);
    strategy.script.push([{ type: 'replace', orderId: 1, priceUnits: 599990, qtyUnits: 1 }]);
    const r = feed.bbo(600000, 600001);
    expect(r.decisions).toEqual([{ allowed: true, intent: { type: 'replace', orderId: 1, priceUnits: 599990, qtyUnits: 1 }, orderId: 1 }]);
    expect(r.requestsSent).toEqual([]);
    expect(engine.view.execution.pending().map((p) => p.request)).toEqual(['replace']);
    const ack = feed.accept(1);
    expect(ack.requestsSent.map((x) => [x.request, x.orderId, x.priceUnits])).toEqual([['replace', 1, 599990]]);
    expect(engine.view.execution.order(1)!.inflight).toBe('replace');
  });

  it('a cancel supersedes the pending replace; only the cancel is sent after the ack', () => {
    const strategy = new ScriptedStrategy();
    const { engine, feed } = engineWith(baseConfig(), strategy);
    strategy.script.push([bid(600000)]);
    feed.bbo(600000, 600001);
    strategy.script.push([{ type: 'replace', orderId: 1, priceUnits: 599990, qtyUnits: 1 }]);
    feed.bbo(600000, 600001);
    strategy.script.push([{ type: 'cancel', orderId: 1 }]);
    feed.bbo(600000, 600001);
    expect(engine.view.execution.pending().map((p) => p.request)).toEqual(['cancel']);
    const ack = feed.accept(1);
    expect(ack.requestsSent.map((x) => x.request)).toEqual(['cancel']);
  });

  it('a fill that answers no request does not open the gate; the outcome of the inflight request does', () => {
    const strategy = new ScriptedStrategy();
    const { engine, feed } = engineWith(baseConfig(), strategy);
    strategy.script.push([{ ...bid(600000), qtyUnits: 5 }]);
    feed.bbo(600000, 600001);
    feed.accept(1);
    strategy.script.push([{ type: 'replace', orderId: 1, priceUnits: 599000, qtyUnits: 5 }]);
    expect(feed.bbo(600000, 600001).requestsSent.map((r) => r.request)).toEqual(['replace']);
    strategy.script.push([{ type: 'cancel', orderId: 1 }]);
    feed.bbo(600000, 600001);
    const fill = feed.exec({ kind: 'order_filled', orderId: 1, fillId: 'x', priceUnits: 600000, qtyUnits: 1, liquidity: 'maker', feeUnits: 0n, final: false }, false);
    expect(fill.requestsSent).toEqual([]);
    const replaced = feed.exec({ kind: 'order_replaced', orderId: 1, priceUnits: 599000, qtyUnits: 5 });
    expect(replaced.requestsSent.map((r) => r.request)).toEqual(['cancel']);
    expect(engine.view.execution.order(1)!.status).toBe('partially_filled');
  });

  it('a NEW cancelled before it was sent is never sent at all', () => {
    const strategy = new ScriptedStrategy();
    const { engine, feed } = engineWith(baseConfig({ executionControl: { rateBuckets: [{ ...bucket, capacity: 1 }] } }), strategy);
    strategy.script.push([bid(600000), bid(599999)]);
    feed.bbo(600000, 600001);
    strategy.script.push([{ type: 'replace', orderId: 2, priceUnits: 599000, qtyUnits: 3 }]);
    feed.bbo(600000, 600001);
    expect(engine.view.execution.pending()).toMatchObject([{ orderId: 2, request: 'new', priceUnits: 599000, qtyUnits: 3 }]);
    strategy.script.push([{ type: 'cancel', orderId: 2 }]);
    feed.bbo(600000, 600001);
    expect(engine.view.execution.pending()).toEqual([]);
    const later = feed.bbo(600000, 600001, 10n * SECOND);
    expect(later.requestsSent).toEqual([]);
    expect(engine.view.execution.order(2)).toBeUndefined();
  });
});

describe('kill switch', () => {
  it('withdraws queued news and replaces, keeps queued cancels, and denies new intents but allows cancels', () => {
    const strategy = new ScriptedStrategy();
    const { engine, feed } = engineWith(baseConfig({ executionControl: { rateBuckets: [{ ...bucket, capacity: 1 }] } }), strategy);
    strategy.script.push([bid(600000), bid(599999)]);
    feed.bbo(600000, 600001);
    feed.accept(1);
    strategy.script.push([{ type: 'cancel', orderId: 1 }]);
    feed.bbo(600000, 600001);
    expect(engine.view.execution.pending().map((p) => `${p.request}:${p.orderId}`)).toEqual(['new:2', 'cancel:1']);
    feed.push({ kind: 'kill_switch', engaged: true, reason: 'operator', tsEventNs: feed.nowNs, tsLocalNs: feed.nowNs });
    expect(engine.view.execution.pending().map((p) => `${p.request}:${p.orderId}`)).toEqual(['cancel:1']);
    strategy.script.push([bid(599000), { type: 'cancel', orderId: 1 }]);
    const r = feed.bbo(600000, 600001);
    expect(r.decisions.map((d) => (d.allowed ? 'allowed' : d.reason))).toEqual(['kill_switch', 'allowed']);
  });
});
