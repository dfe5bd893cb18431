import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RateBucketConfig } from '../config.ts';
import type { PendingCommand } from '../execution/dominance.ts';
import { RateBucket } from '../execution/rate-bucket.ts';
import type { EventDraft, TradeEvent } from '../events.ts';
import { BTC, ETH_SPOT, baseConfig, engineWith } from '../testing/fixtures.ts';
import { EVENT_KINDS, EngineState, InstrumentState, OrderRecord } from './engine-state.ts';
import { hashEngineState } from './state-encoding.ts';

/**
 * The state hash is what replay compares (SPEC.md L2): a field it skips can diverge between
 * live and replay unnoticed, and a field it hashes in a history-dependent order reports a
 * divergence that is not there. So: every hashed field changes the hash, and the order in which
 * unordered maps were filled does not.
 */

const bucketConfig = (scope: string): RateBucketConfig => ({
  scope,
  capacity: 5,
  refillTokens: 1,
  refillIntervalNs: 10_000n,
  weights: { new: 1, replace: 1, cancel: 1 },
});

function order(id: number): OrderRecord {
  return new OrderRecord(id, BTC.id, 'buy', 'limit', 600_000, 3, 'GTC', false, false, 'tag', 7);
}

function command(orderId: number, admission: number): PendingCommand {
  return {
    orderId,
    request: 'new',
    instrument: BTC.id,
    side: 'buy',
    orderType: 'limit',
    priceUnits: 600_000,
    qtyUnits: 2,
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    clientTag: 'c',
    admission,
    origin: 'strategy',
  };
}

function trade(): TradeEvent {
  return {
    kind: 'trade',
    seq: 4,
    tsEventNs: 1n,
    tsLocalNs: 1n,
    instrument: BTC.id,
    tradeId: 't1',
    priceUnits: 600_001,
    qtyUnits: 2,
    aggressor: 'buy',
  };
}

/** A state with something in every part the hash covers: two instruments, orders, queue, balances, buckets, obligations. */
function richState(): EngineState {
  const s = new EngineState('v1');
  for (const inst of [BTC, ETH_SPOT]) s.instruments.set(inst.id, new InstrumentState(inst));
  s.nowNs = 5_000n;
  s.lastSeq = 9;
  const live = order(2);
  s.orders.set(2, live);
  s.live.set(2, live);
  s.queue.set(3, command(3, 0));
  s.balances.set('USDT', 1_000n);
  s.balances.set('BTC', 2n);
  const bucket = new RateBucket(bucketConfig('binance-usdm'));
  bucket.refill(1_000n);
  bucket.tryTake(2);
  s.buckets.set('binance-usdm', bucket);
  s.obligations.set('binance-usdm', { dueTsLocalNs: 6_000n, derivedAtSeq: 8 });
  return s;
}

function hashWith(change: (s: EngineState) => void): string {
  const s = richState();
  change(s);
  return hashEngineState(s);
}

const btc = (s: EngineState): InstrumentState => s.instruments.get(BTC.id)!;
const unchanged = hashWith(() => {});

describe('the state hash changes when any hashed field changes', () => {
  const changes: Record<string, (s: EngineState) => void> = {
    'session active': (s) => (s.sessionActive = true),
    'session id': (s) => (s.sessionId = 's2'),
    'config version': (s) => (s.configVersion = 'v2'),
    'applied configuration': (s) => (s.configText = '{"risk":{}}'),
    'kill switch': (s) => (s.killSwitch = true),
    'strategy halted': (s) => (s.strategyHalted = true),
    'halt requested': (s) => (s.haltRequested = true),
    'strategy paused': (s) => (s.strategyPaused = true),
    'consecutive strategy failures': (s) => (s.consecutiveFailures = 1),
    'last reconciliation': (s) => (s.lastReconciliation = 'matched'),
    'last seq': (s) => (s.lastSeq = 10),
    'local time': (s) => (s.nowNs = 5_001n),
    'a degraded venue-wide feed': (s) => s.otherFeedsDegraded.set('binance-usdm', true),
    'a restored venue-wide feed': (s) => s.otherFeedsDegraded.set('binance-usdm', false),
    'an instrument feed degraded': (s) => (btc(s).feedDegraded = true),
    'the last trade': (s) => (btc(s).lastTrade = trade()),
    'the trade count of the tape': (s) => (btc(s).tape.count = 1),
    'the buy volume of the tape': (s) => btc(s).tape.buyQtyUnits.add(1),
    'the sell volume of the tape': (s) => btc(s).tape.sellQtyUnits.add(1),
    'the unknown-aggressor volume of the tape': (s) => btc(s).tape.unknownQtyUnits.add(1),
    'the high word of the traded notional': (s) => btc(s).tape.notionalUnits.add(2 ** 32),
    'the bigint remainder of the traded notional': (s) => (btc(s).tape.notionalUnits.big = 1n),
    'position qty': (s) => (btc(s).position.qtyUnits = 1),
    'position cost': (s) => (btc(s).position.costUnits = 1n),
    'realized PnL': (s) => (btc(s).position.realizedPnlUnits = 1n),
    'fees paid': (s) => (btc(s).position.feesUnits = 1n),
    'fill count': (s) => (btc(s).position.fillCount = 1),
    'a retired order': (s) => {
      const o = order(1);
      o.status = 'filled';
      s.orders.set(1, o);
      s.retired.push(o);
    },
    'the number of orders ever (a terminal order already folded)': (s) => s.orders.set(1, order(1)),
    'a queued command': (s) => s.queue.set(4, command(4, 1)),
    'a balance': (s) => s.balances.set('USDT', 1_001n),
    'a new currency': (s) => s.balances.set('ETH', 0n),
    'the tokens of a bucket': (s) => s.buckets.get('binance-usdm')!.tryTake(1),
    'the refill anchor of a bucket': (s) => {
      const b = new RateBucket(bucketConfig('binance-usdm'));
      b.refill(1_500n); // same tokens at 5 000 ns (no refill yet), another interval start
      b.tryTake(2);
      s.buckets.set('binance-usdm', b);
    },
    'an obligation due time': (s) => s.obligations.set('binance-usdm', { dueTsLocalNs: 6_001n, derivedAtSeq: 8 }),
    'an obligation derivation seq': (s) => s.obligations.set('binance-usdm', { dueTsLocalNs: 6_000n, derivedAtSeq: 9 }),
    'an obligation scope': (s) => {
      s.obligations.delete('binance-usdm');
      s.obligations.set('okx', { dueTsLocalNs: 6_000n, derivedAtSeq: 8 });
    },
    'next order id': (s) => (s.nextOrderId = 2),
    'next admission number': (s) => (s.nextAdmission = 1),
    'queue dirty flag': (s) => (s.queueDirty = true),
    'wake time': (s) => (s.wakeNs = 6_000n),
    'fill history digest': (s) => s.fillDigest.byte(1),
  };
  for (const name of [
    'admitted',
    'denied',
    'superseded',
    'annihilated',
    'discarded',
    'dispatched',
    'droppedInvalid',
    'rateLimitedPasses',
    'lateEvents',
    'unknownOrderEvents',
    'refusedTransitions',
    'duplicateFills',
  ] as const) {
    changes[`the ${name} counter`] = (s) => s.counters[name]++;
  }
  EVENT_KINDS.forEach((kind, i) => {
    changes[`the count of ${kind} events`] = (s) => s.eventCounts[i]!++;
  });

  for (const [what, change] of Object.entries(changes)) {
    it(`changes with ${what}`, () => {
      expect(hashWith(change)).not.toBe(unchanged);
    });
  }

  it('tells each field of the last trade apart', () => {
    const withTrade = (t: Partial<TradeEvent>) => hashWith((s) => (btc(s).lastTrade = { ...trade(), ...t }));
    const base = withTrade({});
    for (const t of [
      { seq: 5 },
      { tradeId: 't2' },
      { priceUnits: 600_002 },
      { qtyUnits: 3 },
      { aggressor: 'sell' as const },
    ])
      expect(withTrade(t)).not.toBe(base);
  });

  it('tells each field of an order apart, live or retired', () => {
    const fields: ((o: OrderRecord) => void)[] = [
      (o) => (o.priceUnits = 600_001),
      (o) => (o.qtyUnits = 4),
      (o) => (o.filledQtyUnits = 1),
      (o) => (o.status = 'accepted'),
      (o) => (o.inflight = null),
      (o) => (o.inflightSeq = 8),
      (o) => (o.venueOrderId = 'v2'),
      (o) => (o.terminalReason = 'x'),
    ];
    const variants: ((id: number) => OrderRecord)[] = [
      (id) => new OrderRecord(id, ETH_SPOT.id, 'buy', 'limit', 600_000, 3, 'GTC', false, false, 'tag', 7),
      (id) => new OrderRecord(id, BTC.id, 'sell', 'limit', 600_000, 3, 'GTC', false, false, 'tag', 7),
      (id) => new OrderRecord(id, BTC.id, 'buy', 'market', 600_000, 3, 'GTC', false, false, 'tag', 7),
      (id) => new OrderRecord(id, BTC.id, 'buy', 'limit', 600_000, 3, 'IOC', false, false, 'tag', 7),
      (id) => new OrderRecord(id, BTC.id, 'buy', 'limit', 600_000, 3, 'GTC', true, false, 'tag', 7),
      (id) => new OrderRecord(id, BTC.id, 'buy', 'limit', 600_000, 3, 'GTC', false, true, 'tag', 7),
      (id) => new OrderRecord(id, BTC.id, 'buy', 'limit', 600_000, 3, 'GTC', false, false, 'tag2', 7),
      (id) => new OrderRecord(id + 10, BTC.id, 'buy', 'limit', 600_000, 3, 'GTC', false, false, 'tag', 7),
    ];
    const put = (s: EngineState, o: OrderRecord, retired: boolean) => {
      s.orders.delete(2);
      s.live.delete(2);
      s.orders.set(o.orderId, o);
      if (retired) s.retired.push(o);
      else s.live.set(o.orderId, o);
    };
    for (const retired of [false, true]) {
      const base = hashWith((s) => put(s, order(2), retired));
      for (const f of fields) {
        const o = order(2);
        f(o);
        expect(hashWith((s) => put(s, o, retired))).not.toBe(base);
      }
      for (const v of variants) expect(hashWith((s) => put(s, v(2), retired))).not.toBe(base);
    }
  });

  it('tells each field of a queued command apart', () => {
    const withCommand = (c: Partial<PendingCommand>) => hashWith((s) => s.queue.set(3, { ...command(3, 0), ...c }));
    const base = withCommand({});
    const variants: Partial<PendingCommand>[] = [
      { orderId: 5 },
      { request: 'cancel' },
      { instrument: ETH_SPOT.id },
      { side: 'sell' },
      { orderType: 'market' },
      { priceUnits: 1 },
      { qtyUnits: 1 },
      { timeInForce: 'IOC' },
      { postOnly: true },
      { reduceOnly: true },
      { clientTag: 'd' },
      { admission: 1 },
      { origin: 'operator' as const },
    ];
    for (const v of variants) expect(withCommand(v)).not.toBe(base);
  });
});

describe('the state hash does not depend on how maps were filled', () => {
  it('is the same whatever order currencies were first seen in', () => {
    const a = hashWith((s) => {
      s.balances.clear();
      for (const c of ['USDT', 'BTC', 'ETH']) s.balances.set(c, 1n);
    });
    const b = hashWith((s) => {
      s.balances.clear();
      for (const c of ['ETH', 'USDT', 'BTC']) s.balances.set(c, 1n);
    });
    expect(a).toBe(b);
  });

  it('is the same for any insertion order of currencies, venue-wide feeds, buckets and obligations', () => {
    const scopes = ['okx', 'binance', 'bybit', 'deribit', 'kraken', 'coinbase'];
    const fill = (order: string[]) =>
      hashWith((s) => {
        s.balances.clear();
        s.buckets.clear();
        s.obligations.clear();
        for (const id of order) {
          s.balances.set(id.toUpperCase(), BigInt(id.length));
          s.otherFeedsDegraded.set(id, id.length % 2 === 0);
          const b = new RateBucket(bucketConfig(id));
          b.refill(1_000n);
          b.tryTake(id.length % 5);
          s.buckets.set(id, b);
          s.obligations.set(id, { dueTsLocalNs: BigInt(id.length), derivedAtSeq: id.length });
        }
      });
    const sorted = fill([...scopes].sort());
    fc.assert(
      fc.property(fc.shuffledSubarray(scopes, { minLength: scopes.length }), (order) => {
        expect(fill(order)).toBe(sorted);
      }),
    );
  });

  it('is the same whatever order venue-wide feeds were first degraded in', () => {
    const fill = (ids: string[]) =>
      hashWith((s) => {
        for (const id of ids) s.otherFeedsDegraded.set(id, id !== 'b');
      });
    expect(fill(['c', 'a', 'b'])).toBe(fill(['a', 'b', 'c']));
  });

  it('is the same whatever order rate buckets and obligations were created in', () => {
    const fill = (scopes: string[]) =>
      hashWith((s) => {
        s.buckets.clear();
        s.obligations.clear();
        for (const scope of scopes) {
          const b = new RateBucket(bucketConfig(scope));
          b.refill(1_000n);
          b.tryTake(scope.length);
          s.buckets.set(scope, b);
          s.obligations.set(scope, { dueTsLocalNs: BigInt(scope.length) * 1_000n, derivedAtSeq: scope.length });
        }
      });
    expect(fill(['okx', 'binance', 'bybit-linear'])).toBe(fill(['bybit-linear', 'okx', 'binance']));
  });

  it('is the same whatever order live orders were inserted in', () => {
    const fill = (ids: number[]) =>
      hashWith((s) => {
        for (const id of ids) {
          const o = order(id);
          o.priceUnits = 600_000 + id;
          s.orders.set(id, o);
          s.live.set(id, o);
        }
      });
    expect(fill([7, 4, 5])).toBe(fill([4, 5, 7]));
  });

  it('is the same for a bucket brought to the current time and one left lazy', () => {
    const later = (s: EngineState) => (s.nowNs = 25_000n); // two refill intervals after the anchor
    const lazy = hashWith(later);
    const refilled = hashWith((s) => {
      later(s);
      s.buckets.get('binance-usdm')!.refill(s.nowNs);
    });
    expect(refilled).toBe(lazy);
  });

  it('depends on the queue order, which is the admission order and so the dispatch order', () => {
    const fill = (ids: number[]) =>
      hashWith((s) => {
        s.queue.clear();
        for (const id of ids) s.queue.set(id, command(id, 0));
      });
    expect(fill([3, 4])).not.toBe(fill([4, 3]));
  });
});

describe('the state hash covers the book', () => {
  function hashAfter(drafts: EventDraft[]): string {
    const { engine, feed } = engineWith(baseConfig());
    for (const d of drafts) feed.push(d);
    return engine.stateHash();
  }
  const delta = (sides: number[], prices: number[], sizes: number[], updateId = 1n): EventDraft => ({
    kind: 'book_delta',
    instrument: BTC.id,
    updateId,
    isSnapshot: false,
    offset: 0,
    count: sides.length,
    sides,
    prices,
    sizes,
    tsEventNs: 0n,
    tsLocalNs: 0n,
  });
  const bbo = (bid: number, bidQty: number, ask: number, askQty: number, updateId = 1n): EventDraft => ({
    kind: 'bbo',
    instrument: BTC.id,
    updateId,
    bidPriceUnits: bid,
    bidQtyUnits: bidQty,
    askPriceUnits: ask,
    askQtyUnits: askQty,
    tsEventNs: 0n,
    tsLocalNs: 0n,
  });

  it('changes with a level price, a level size, the side of a level and the venue update id', () => {
    const base = hashAfter([delta([0, 1], [100, 101], [5, 6])]);
    expect(hashAfter([delta([0, 1], [99, 101], [5, 6])])).not.toBe(base);
    expect(hashAfter([delta([0, 1], [100, 101], [5, 7])])).not.toBe(base);
    expect(hashAfter([delta([0, 0], [100, 99], [5, 6])])).not.toBe(hashAfter([delta([0, 1], [100, 99], [5, 6])]));
    expect(hashAfter([delta([0, 1], [100, 101], [5, 6], 2n)])).not.toBe(base);
  });

  it('changes with each field of the best bid/offer', () => {
    const base = hashAfter([bbo(100, 5, 101, 6)]);
    for (const other of [
      bbo(99, 5, 101, 6),
      bbo(100, 4, 101, 6),
      bbo(100, 5, 102, 6),
      bbo(100, 5, 101, 7),
      bbo(100, 5, 101, 6, 2n),
    ]) {
      expect(hashAfter([other])).not.toBe(base);
    }
  });
});
