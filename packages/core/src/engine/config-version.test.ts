/**
 * config_version carries the configuration it introduces and the engine applies it from that
 * event on; a journal with configuration changes replays to the same state and dispatches
 * under the starting configuration alone (L2).
 */
import { describe, expect, it } from 'vitest';
import type { RateBucketConfig } from '../config.ts';
import type { Event } from '../events.ts';
import type { NewIntent } from '../intents.ts';
import { encodeConfigChange } from '../config-change.ts';
import { BTC, ScriptedStrategy, baseConfig, engineWith } from '../testing/fixtures.ts';
import { createEngine } from './create-engine.ts';

const buy = (qtyUnits: number, priceUnits = 600_000): NewIntent => ({
  type: 'new',
  instrument: BTC.id,
  side: 'buy',
  priceUnits,
  qtyUnits,
});
const version = (v: string, config: string) => ({ kind: 'config_version' as const, version: v, config });
const bucket = (capacity: number, refillIntervalNs = 1_000_000n): RateBucketConfig => ({
  scope: BTC.venue,
  capacity,
  refillTokens: 1,
  refillIntervalNs,
  weights: { new: 1, replace: 1, cancel: 1 },
});

describe('config_version', () => {
  it('applies the risk limits it carries from that event on', () => {
    const strategy = new ScriptedStrategy();
    const { feed } = engineWith(baseConfig({ risk: { maxOrderQtyUnits: 10 } }), strategy);
    strategy.script.push([buy(5)], [buy(5)]);
    expect(feed.bbo(600_000, 600_010).decisions.map((d) => d.allowed)).toEqual([true]);
    feed.control(version('v2', encodeConfigChange({ risk: { maxOrderQtyUnits: 3 } })));
    const r = feed.bbo(600_000, 600_010);
    expect(r.decisions.map((d) => (d.allowed ? 'allowed' : d.reason))).toEqual(['max_order_qty']);
  });

  it('lifts a limit the new risk section leaves out', () => {
    const strategy = new ScriptedStrategy();
    const { feed } = engineWith(baseConfig({ risk: { maxOrderQtyUnits: 3 } }), strategy);
    feed.control(version('v2', encodeConfigChange({ risk: { maxOpenOrders: 5 } })));
    strategy.script.push([buy(50)]);
    expect(feed.bbo(600_000, 600_010).decisions.map((d) => d.allowed)).toEqual([true]);
  });

  it('keeps the user risk rules when it replaces the limits', () => {
    const strategy = new ScriptedStrategy();
    const rules = [{ name: 'no_buys', check: () => ({ allowed: false as const, reason: 'no_buys' }) }];
    const { feed } = engineWith(baseConfig({ risk: { rules } }), strategy);
    feed.control(version('v2', encodeConfigChange({ risk: {} })));
    strategy.script.push([buy(1)]);
    expect(feed.bbo(600_000, 600_010).decisions.map((d) => (d.allowed ? 'allowed' : d.reason))).toEqual(['no_buys']);
  });

  it('with an empty configuration only relabels the version', () => {
    const strategy = new ScriptedStrategy();
    const { engine, feed } = engineWith(baseConfig({ risk: { maxOrderQtyUnits: 3 }, configVersion: 'v1' }), strategy);
    feed.control(version('v1.1', ''));
    expect(engine.view.control.configVersion).toBe('v1.1');
    strategy.script.push([buy(5)]);
    expect(feed.bbo(600_000, 600_010).decisions.map((d) => (d.allowed ? 'allowed' : d.reason))).toEqual([
      'max_order_qty',
    ]);
  });

  it('applies new rate buckets from that event on: a larger bucket lets the waiting work go', () => {
    const strategy = new ScriptedStrategy();
    const { feed } = engineWith(
      baseConfig({ executionControl: { rateBuckets: [bucket(1, 1_000_000_000n)] } }),
      strategy,
    );
    strategy.script.push([buy(1), buy(1, 599_990), buy(1, 599_980)]);
    expect(feed.bbo(600_000, 600_010).requestsSent.map((r) => r.orderId)).toEqual([1]);
    // Carried: 0 tokens now, so the change itself sends nothing until the first refill of the new bucket.
    const change = feed.control(
      version('v2', encodeConfigChange({ rateBuckets: [{ ...bucket(5, 1_000n), refillTokens: 5 }] })),
    );
    expect(change.requestsSent).toEqual([]);
    const ob = change.obligation!;
    expect(ob.dueTsLocalNs).toBe(feed.nowNs + 1_000n);
    const later = feed.realise(ob);
    expect(later.requestsSent.map((r) => r.orderId)).toEqual([2, 3]);
  });

  it('a bucket set that leaves a scope out makes that venue unlimited', () => {
    const strategy = new ScriptedStrategy();
    const { feed } = engineWith(
      baseConfig({ executionControl: { rateBuckets: [bucket(1, 1_000_000_000n)] } }),
      strategy,
    );
    strategy.script.push([buy(1), buy(1, 599_990)]);
    feed.bbo(600_000, 600_010);
    expect(
      feed.control(version('v2', encodeConfigChange({ rateBuckets: [] }))).requestsSent.map((r) => r.orderId),
    ).toEqual([2]);
  });

  it('halts the engine on a configuration text it cannot apply, naming the field', () => {
    const { engine, feed } = engineWith(baseConfig());
    const r = feed.control(version('v2', '{"risk":{"maxOrderQtyUnits":-1}}'));
    expect(r.violation?.invariant).toBe('config_change_valid');
    expect(r.violation?.message).toMatch(/risk\.maxOrderQtyUnits/);
    expect(engine.violation).not.toBeNull();
  });

  it('the state hash tells two configurations with the same label apart', () => {
    const a = engineWith(baseConfig());
    const b = engineWith(baseConfig());
    a.feed.control(version('v2', encodeConfigChange({ risk: { maxOrderQtyUnits: 3 } })));
    b.feed.control(version('v2', encodeConfigChange({ risk: { maxOrderQtyUnits: 4 } })));
    expect(a.engine.stateHash()).not.toBe(b.engine.stateHash());
  });

  it('a journal with configuration changes replays under the starting configuration to the same hash and dispatches', () => {
    const script = () => {
      const s = new ScriptedStrategy();
      for (let i = 0; i < 8; i++) s.script.push([buy(1 + (i % 4), 600_000 - i)]);
      return s;
    };
    const config = baseConfig({
      risk: { maxOrderQtyUnits: 4 },
      executionControl: { rateBuckets: [bucket(2, 1_000n)] },
    });
    const { engine, feed } = engineWith(config, script());
    feed.bbo(600_000, 600_010, 100n);
    feed.control(
      version('v2', encodeConfigChange({ risk: { maxOrderQtyUnits: 2 }, rateBuckets: [bucket(1, 5_000n)] })),
      100n,
    );
    feed.bbo(600_000, 600_010, 100n);
    feed.bbo(600_000, 600_010, 6_000n);
    feed.control(version('v3', encodeConfigChange({ rateBuckets: [bucket(3, 500n)] })), 100n);
    feed.bbo(600_000, 600_010, 1_000n);
    feed.bbo(600_000, 600_010, 1_000n);

    const fresh = createEngine(config, script());
    const dispatched: Event[] = [];
    for (const e of feed.journal) dispatched.push(...fresh.step(e).requestsSent);
    expect(fresh.stateHash()).toBe(engine.stateHash());
    expect(dispatched).toEqual(feed.journal.filter((e) => e.kind === 'request_sent'));
    expect(dispatched.length).toBeGreaterThan(2);
  });
});
