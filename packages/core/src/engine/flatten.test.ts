/**
 * Flatten: per instrument with a position, one reduce-only IOC market order for the whole
 * position (clientTag `flatten`), through every risk check and execution control. Worked
 * examples, then the laws against an oracle that only sums fills.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineConfig } from '../config.ts';
import type { Instrument } from '../instrument.ts';
import type { RequestSentEvent } from '../events.ts';
import { BTC, BTCUSD_PERP, ETH_SPOT, ScriptedStrategy, baseConfig, engineWith } from '../testing/fixtures.ts';

const flatten = { kind: 'flatten' as const, reason: 'operator' };

/** An engine whose positions come from filled strategy orders: [instrument, signed qty] each. */
function withPositions(positions: readonly (readonly [Instrument, number])[], config: Partial<EngineConfig> = {}) {
  const strategy = new ScriptedStrategy();
  const { engine, feed } = engineWith(
    baseConfig({
      instruments: [BTC, ETH_SPOT, BTCUSD_PERP],
      initialBalances: { USDT: 10n ** 12n, ETH: 10n ** 9n, BTC: 10n ** 9n },
      ...config,
    }),
    strategy,
  );
  let orderId = 0;
  for (const [inst, qty] of positions) {
    strategy.script.push([
      {
        type: 'new',
        instrument: inst.id,
        side: qty > 0 ? 'buy' : 'sell',
        priceUnits: 300_000,
        qtyUnits: Math.abs(qty),
      },
    ]);
    feed.bbo(600_000, 600_010);
    orderId++;
    feed.exec({
      kind: 'order_filled',
      orderId,
      fillId: `f${orderId}`,
      priceUnits: 300_000,
      qtyUnits: Math.abs(qty),
      liquidity: 'taker',
      feeUnits: 0n,
      final: true,
    });
  }
  return { engine, feed, strategy };
}

const shape = (r: RequestSentEvent) => [
  r.request,
  r.instrument,
  r.side,
  r.orderType,
  r.priceUnits,
  r.qtyUnits,
  r.timeInForce,
  r.reduceOnly,
  r.clientTag,
];

describe('flatten', () => {
  it('sends one reduce-only IOC market order per instrument with a position, for the whole position, tagged flatten', () => {
    const { feed } = withPositions([
      [BTC, 5],
      [ETH_SPOT, -3],
    ]);
    const r = feed.control(flatten);
    expect(r.requestsSent.map(shape)).toEqual([
      ['new', BTC.id, 'sell', 'market', 0, 5, 'IOC', true, 'flatten'],
      ['new', ETH_SPOT.id, 'buy', 'market', 0, 3, 'IOC', true, 'flatten'],
    ]);
    expect(r.operatorDecisions.every((d) => d.allowed)).toBe(true);
  });

  it('sends nothing for a flat book of positions', () => {
    const { feed } = withPositions([
      [BTC, 2],
      [BTC, -2],
    ]);
    const r = feed.control(flatten);
    expect(r.requestsSent).toEqual([]);
    expect(r.operatorDecisions).toEqual([]);
  });

  it('a flatten order filled in full leaves the position flat', () => {
    const { engine, feed } = withPositions([[BTC, 4]]);
    const sent = feed.control(flatten).requestsSent[0]!;
    feed.exec({
      kind: 'order_filled',
      orderId: sent.orderId,
      fillId: 'flat',
      priceUnits: 600_000,
      qtyUnits: sent.qtyUnits,
      liquidity: 'taker',
      feeUnits: 0n,
      final: true,
    });
    expect(engine.view.execution.position(BTC.id).qtyUnits).toBe(0);
  });

  it('is allowed while the kill switch is engaged, after the kill switch cancels', () => {
    const { feed } = withPositions([[BTC, 4]]);
    feed.control({ kind: 'kill_switch', engaged: true, reason: 'operator' });
    const r = feed.control(flatten);
    expect(r.requestsSent.map(shape)).toEqual([['new', BTC.id, 'sell', 'market', 0, 4, 'IOC', true, 'flatten']]);
  });

  it('is sent while the kill switch is engaged even when the rate limit makes it wait in the queue', () => {
    // One token, spent on the order that built the position: the flatten order waits for the refill.
    const bucket = {
      scope: BTC.venue,
      capacity: 1,
      refillTokens: 1,
      refillIntervalNs: 1_000_000n,
      weights: { new: 1, replace: 1, cancel: 1 },
    };
    const { feed } = withPositions([[BTC, 4]], { executionControl: { rateBuckets: [bucket] } });
    feed.control({ kind: 'kill_switch', engaged: true, reason: 'operator' });
    const r = feed.control(flatten);
    expect(r.requestsSent).toEqual([]);
    const ob = r.obligation!;
    const later = feed.realise(ob);
    expect(later.requestsSent.map(shape)).toEqual([['new', BTC.id, 'sell', 'market', 0, 4, 'IOC', true, 'flatten']]);
  });

  it('is withdrawn from the queue when the kill switch is engaged after it: flatten again to close', () => {
    const bucket = {
      scope: BTC.venue,
      capacity: 1,
      refillTokens: 1,
      refillIntervalNs: 1_000_000n,
      weights: { new: 1, replace: 1, cancel: 1 },
    };
    const { engine, feed } = withPositions([[BTC, 4]], { executionControl: { rateBuckets: [bucket] } });
    feed.control(flatten);
    expect(engine.view.execution.pending().map((p) => p.clientTag)).toEqual(['flatten']);
    feed.control({ kind: 'kill_switch', engaged: true, reason: 'operator' });
    expect(engine.view.execution.pending()).toEqual([]);
  });

  it('runs while the strategy is paused or halted: those stop the strategy, not the operator', () => {
    const { feed } = withPositions([[BTC, 4]]);
    feed.control({ kind: 'strategy_paused', paused: true, reason: 'operator' });
    feed.control({ kind: 'strategy_halted', reason: 'test' });
    expect(feed.control(flatten).requestsSent.map((q) => q.clientTag)).toEqual(['flatten']);
  });

  it('is denied while the last reconciliation is a mismatch', () => {
    const { feed } = withPositions([[BTC, 4]]);
    feed.control({ kind: 'reconciliation', outcome: 'mismatch', detail: 'position differs' });
    const r = feed.control(flatten);
    expect(r.requestsSent).toEqual([]);
    expect(r.operatorDecisions.map((d) => (d.allowed ? 'allowed' : d.reason))).toEqual(['reconciliation_mismatch']);
  });

  it('goes through every risk check: a position above max order qty is denied', () => {
    const { feed } = withPositions(
      [
        [BTC, 2],
        [BTC, 2],
      ],
      { risk: { maxOrderQtyUnits: 3 } },
    );
    const r = feed.control(flatten);
    expect(r.operatorDecisions.map((d) => (d.allowed ? 'allowed' : d.reason))).toEqual(['max_order_qty']);
  });

  it('is denied when open reduce-only orders already cover part of the position', () => {
    const { feed, strategy } = withPositions([[BTC, 4]]);
    strategy.script.push([
      { type: 'new', instrument: BTC.id, side: 'sell', priceUnits: 600_100, qtyUnits: 1, reduceOnly: true },
    ]);
    feed.bbo(600_000, 600_010);
    expect(feed.control(flatten).operatorDecisions.map((d) => (d.allowed ? 'allowed' : d.reason))).toEqual([
      'reduce_only',
    ]);
  });

  it('records a denied flatten order as intent_denied when the audit trail is on', () => {
    const { feed } = withPositions(
      [
        [BTC, 2],
        [BTC, 2],
      ],
      { risk: { maxOrderQtyUnits: 3 }, recordIntentDenials: true },
    );
    expect(feed.control(flatten).controlEvents).toMatchObject([
      { kind: 'intent_denied', reason: 'max_order_qty', intentType: 'new', instrument: BTC.id },
    ]);
  });
});

describe('flatten laws', () => {
  const fills = fc.array(
    fc.tuple(
      fc.nat(2),
      fc.integer({ min: -9, max: 9 }).filter((q) => q !== 0),
    ),
    { maxLength: 12 },
  );
  const INSTS = [BTC, ETH_SPOT, BTCUSD_PERP];

  it('the flatten order of each instrument is the opposite of the plain sum of its fills, and filling it leaves |position| = 0', () => {
    fc.assert(
      fc.property(fills, (fs) => {
        const { engine, feed } = withPositions(fs.map(([i, q]) => [INSTS[i]!, q] as const));
        // Oracle: the signed fill quantities summed per instrument, nothing else.
        const sum = new Map<string, number>();
        for (const [i, q] of fs) sum.set(INSTS[i]!.id, (sum.get(INSTS[i]!.id) ?? 0) + q);
        const expected = INSTS.filter((inst) => (sum.get(inst.id) ?? 0) !== 0).map((inst) => {
          const q = sum.get(inst.id)!;
          return [inst.id, q > 0 ? 'sell' : 'buy', Math.abs(q)];
        });
        const sent = feed.control(flatten).requestsSent;
        expect(sent.map((r) => [r.instrument, r.side, r.qtyUnits])).toEqual(expected);
        for (const r of sent) {
          const before = Math.abs(engine.view.execution.position(r.instrument).qtyUnits);
          feed.exec({
            kind: 'order_filled',
            orderId: r.orderId,
            fillId: 'x',
            priceUnits: 300_000,
            qtyUnits: r.qtyUnits,
            liquidity: 'taker',
            feeUnits: 0n,
            final: true,
          });
          const after = Math.abs(engine.view.execution.position(r.instrument).qtyUnits);
          expect(after).toBeLessThan(before);
          expect(after).toBe(0);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('any partial fill of a flatten order never increases |position|', () => {
    fc.assert(
      fc.property(fills, fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }), (fs, parts) => {
        const { engine, feed } = withPositions(fs.map(([i, q]) => [INSTS[i]!, q] as const));
        for (const r of feed.control(flatten).requestsSent) {
          let left = r.qtyUnits;
          for (const [k, p] of parts.entries()) {
            const q = Math.min(p, left);
            if (q === 0) break;
            left -= q;
            const before = Math.abs(engine.view.execution.position(r.instrument).qtyUnits);
            feed.exec(
              {
                kind: 'order_filled',
                orderId: r.orderId,
                fillId: `p${k}`,
                priceUnits: 300_000,
                qtyUnits: q,
                liquidity: 'taker',
                feeUnits: 0n,
                final: left === 0,
              },
              false,
            );
            expect(Math.abs(engine.view.execution.position(r.instrument).qtyUnits)).toBeLessThanOrEqual(before);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
