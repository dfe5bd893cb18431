/**
 * Property tests over random market + execution event streams and random (seeded) strategies:
 * invariants hold; a journal replayed gives the same hash and the same dispatches; hashing a
 * prefix and continuing equals processing in one go; two runs give identical StepResults.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineConfig } from '../config.ts';
import type { Engine } from '../engine.ts';
import type { Event, EventDraft } from '../events.ts';
import type { Intent } from '../intents.ts';
import type { StepResult } from '../step-result.ts';
import type { Strategy } from '../strategy.ts';
import type { StateView } from '../state/view.ts';
import { createEngine } from './create-engine.ts';
import { encodeConfigChange } from '../config-change.ts';
import { BTC, BTCUSD_PERP, ETH_SPOT, baseConfig, inflightRequestSeq } from '../testing/fixtures.ts';

/** mulberry32: a tiny seeded PRNG, so the random strategy is deterministic given its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class RandomStrategy implements Strategy {
  private readonly rnd: () => number;
  /** Failures still to throw: they come alone or three in a row, so most streams reach a halt. */
  private failing = 0;
  constructor(seed: number) {
    this.rnd = prng(seed);
  }
  onEvent(view: StateView): readonly Intent[] {
    const r = this.rnd;
    if (this.failing === 0 && r() < 0.12) this.failing = r() < 0.1 ? 3 : 1;
    if (this.failing > 0) {
      this.failing--;
      throw new Error('random failure');
    }
    const out: Intent[] = [];
    const n = Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      const u = r();
      const inst = u < 0.5 ? BTC : u < 0.75 ? ETH_SPOT : BTCUSD_PERP;
      const book = view.market.book(inst.id);
      const mid = book && book.mid() > 0 ? Math.round(book.mid()) : 600000;
      const open = view.execution.openOrders();
      const pending = view.execution.pending();
      const keys = [...open.map((o) => o.orderId), ...pending.map((p) => p.orderId), 1 + Math.floor(r() * 20)];
      const key = keys[Math.floor(r() * keys.length)]!;
      const k = r();
      if (k < 0.5) {
        out.push({
          type: 'new',
          instrument: inst.id,
          side: r() < 0.5 ? 'buy' : 'sell',
          priceUnits: mid + Math.floor(r() * 20) - 10,
          qtyUnits: 1 + Math.floor(r() * 5),
          reduceOnly: r() < 0.1,
          clientTag: `t${Math.floor(r() * 1000)}`,
        });
      } else if (k < 0.75) out.push({ type: 'replace', orderId: key, priceUnits: mid + Math.floor(r() * 20) - 10, qtyUnits: 1 + Math.floor(r() * 5) });
      else out.push({ type: 'cancel', orderId: key });
    }
    return out;
  }
}

type Op =
  | { op: 'bbo'; inst: number; bid: number; spread: number; dt: number }
  | { op: 'delta'; inst: number; snapshot: boolean; levels: [number, number, number][]; dt: number }
  | { op: 'trade'; inst: number; px: number; qty: number; dt: number }
  | { op: 'answer'; pick: number; what: number; qty: number; dt: number; echo: boolean }
  | { op: 'control'; what: number; dt: number };

const dt = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50_000_000 }), fc.integer({ min: 0, max: 400_000_000 }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('bbo' as const), inst: fc.nat(2), bid: fc.integer({ min: -20, max: 20 }), spread: fc.integer({ min: 1, max: 5 }), dt }),
  fc.record({
    op: fc.constant('delta' as const),
    inst: fc.nat(2),
    snapshot: fc.boolean(),
    levels: fc.array(fc.tuple(fc.nat(1), fc.integer({ min: -30, max: 30 }), fc.nat(20)), { maxLength: 12 }),
    dt,
  }),
  fc.record({ op: fc.constant('trade' as const), inst: fc.nat(2), px: fc.integer({ min: -10, max: 10 }), qty: fc.integer({ min: 1, max: 9 }), dt }),
  fc.record({ op: fc.constant('answer' as const), pick: fc.nat(50), what: fc.nat(9), qty: fc.integer({ min: 1, max: 6 }), dt, echo: fc.boolean() }),
  fc.record({ op: fc.constant('control' as const), what: fc.nat(11), dt }),
);

const config: EngineConfig = baseConfig({
  instruments: [BTC, ETH_SPOT, BTCUSD_PERP],
  triggers: { kinds: ['bbo', 'order_accepted', 'order_filled', 'control_time'], everyN: [{ kind: 'trade', n: 3 }] },
  risk: { maxPositionQtyUnits: 40, maxOpenOrders: 12, priceBandPpm: 100 },
  executionControl: {
    rateBuckets: [
      { scope: 'binance-usdm', capacity: 3, refillTokens: 1, refillIntervalNs: 250_000_000n, weights: { new: 1, replace: 1, cancel: 1 } },
      { scope: 'binance', capacity: 4, refillTokens: 2, refillIntervalNs: 500_000_000n, weights: { new: 2, replace: 2, cancel: 1 } },
    ],
  },
  recordIntentDenials: true,
  initialBalances: { USDT: 1_000_000_000n },
});

/** Configuration changes the random streams apply: tighter, looser, and other rate buckets. */
const NEW_CONFIG = [
  encodeConfigChange({ risk: { maxPositionQtyUnits: 10, maxOpenOrders: 4, priceBandPpm: 50 } }),
  encodeConfigChange({ risk: { maxOrderQtyUnits: 3 }, rateBuckets: [{ scope: 'binance-usdm', capacity: 1, refillTokens: 1, refillIntervalNs: 100_000_000n, weights: { new: 1, replace: 1, cancel: 1 } }] }),
  encodeConfigChange({ rateBuckets: [] }),
];

const BASE = [600000, 300000, 600000];
const INSTS = [BTC, ETH_SPOT, BTCUSD_PERP];

interface Run {
  journal: Event[];
  results: StepResult[];
  hash: string;
  engine: Engine;
}

/** Plays the runtime over the ops: numbers events, appends dispatches and control drafts, realises obligations as control-time events. */
function run(ops: readonly Op[], seed: number): Run {
  const engine = createEngine(config, new RandomStrategy(seed));
  const journal: Event[] = [];
  const results: StepResult[] = [];
  const obligations = new Map<string, { due: bigint; seq: number }>();
  let now = 1_000_000_000n;
  const step = (draft: EventDraft): void => {
    const event = { ...draft, seq: journal.length } as Event;
    journal.push(event);
    const r = engine.step(event);
    results.push(r);
    for (const e of r.requestsSent) journal.push(e);
    if (r.obligation) obligations.set(r.obligation.scope, { due: r.obligation.dueTsLocalNs, seq: r.obligation.derivedAtSeq });
    for (const d of r.controlEvents) step({ ...d, tsLocalNs: now, tsEventNs: now } as EventDraft);
  };
  for (const o of ops) {
    const next = now + BigInt(o.dt);
    // realise due obligations first, in due order (the timeline puts them at their due time)
    for (;;) {
      let first: [string, { due: bigint; seq: number }] | null = null;
      for (const e of obligations) if (e[1].due <= next && (!first || e[1].due < first[1].due)) first = e;
      if (!first) break;
      obligations.delete(first[0]);
      now = first[1].due > now ? first[1].due : now;
      step({ kind: 'control_time', dueTsLocalNs: first[1].due, reason: 'rate_limit', scope: first[0], obligationSeq: first[1].seq, tsEventNs: now, tsLocalNs: now });
    }
    now = next;
    const h = { tsEventNs: now, tsLocalNs: now };
    switch (o.op) {
      case 'bbo': {
        const b = BASE[o.inst]! + o.bid;
        step({ ...h, kind: 'bbo', instrument: INSTS[o.inst]!.id, updateId: -1n, bidPriceUnits: b, bidQtyUnits: 5, askPriceUnits: b + o.spread, askQtyUnits: 7 });
        break;
      }
      case 'delta': {
        const sides = o.levels.map((l) => l[0]);
        const prices = o.levels.map((l) => BASE[o.inst]! + l[1]);
        const sizes = o.levels.map((l) => l[2]);
        step({ ...h, kind: 'book_delta', instrument: INSTS[o.inst]!.id, updateId: BigInt(journal.length), isSnapshot: o.snapshot, offset: 0, count: sides.length, sides, prices, sizes });
        break;
      }
      case 'trade':
        step({ ...h, kind: 'trade', instrument: INSTS[o.inst]!.id, tradeId: `x${journal.length}`, priceUnits: BASE[o.inst]! + o.px, qtyUnits: o.qty, aggressor: 'buy' });
        break;
      case 'answer': {
        const ids = [...new Set(journal.filter((e) => e.kind === 'request_sent').map((e) => (e as { orderId: number }).orderId))];
        if (ids.length === 0) break;
        const orderId = ids[o.pick % ids.length]!;
        const order = engine.view.execution.order(orderId);
        const requestSeq = o.echo ? inflightRequestSeq(engine, journal, orderId) : -1;
        const e = { ...h, orderId, requestSeq };
        const kinds: EventDraft[] = [
          { ...e, kind: 'order_accepted', venueOrderId: `v${orderId}` },
          { ...e, kind: 'order_rejected', reason: 'r' },
          { ...e, kind: 'order_filled', fillId: `f${journal.length}`, priceUnits: order?.priceUnits ?? 1, qtyUnits: o.qty, liquidity: 'maker', feeUnits: BigInt(o.qty * 3), final: false },
          { ...e, kind: 'order_filled', fillId: `g${journal.length}`, priceUnits: order?.priceUnits ?? 1, qtyUnits: o.qty, liquidity: 'taker', feeUnits: BigInt(o.qty * 5), final: true },
          { ...e, kind: 'order_cancelled', reason: 'requested' },
          { ...e, kind: 'order_replaced', priceUnits: order?.priceUnits ?? 1, qtyUnits: 6 },
          { ...e, kind: 'cancel_replace_rejected', request: 'replace', reason: 'r' },
          { ...e, kind: 'order_expired' },
          { ...h, kind: 'order_disposition', orderId, disposition: 'lost', reason: 'timeout' },
        ];
        // A venue reporting an earlier fill again (same order id and fill id).
        const earlier = journal.filter((e) => e.kind === 'order_filled');
        if (earlier.length > 0) kinds.push({ ...earlier[o.pick % earlier.length]!, ...h, seq: undefined } as unknown as EventDraft);
        step(kinds[o.what % kinds.length]!);
        break;
      }
      case 'control': {
        const drafts: EventDraft[] = [
          { ...h, kind: 'kill_switch', engaged: true, reason: 'op' },
          { ...h, kind: 'kill_switch', engaged: false, reason: 'op' },
          { ...h, kind: 'feed_health', instrument: BTC.id, state: 'degraded', reason: 'gap' },
          { ...h, kind: 'feed_health', instrument: BTC.id, state: 'restored', reason: 'ok' },
          { ...h, kind: 'session', state: 'start', sessionId: 's' },
          { ...h, kind: 'strategy_paused', paused: true, reason: 'op' },
          { ...h, kind: 'strategy_paused', paused: false, reason: 'op' },
          { ...h, kind: 'flatten', reason: 'op' },
          { ...h, kind: 'reconciliation', outcome: 'mismatch', detail: 'd' },
          { ...h, kind: 'reconciliation', outcome: o.what % 2 === 0 ? 'matched' : 'resolved', detail: '' },
          { ...h, kind: 'config_version', version: `v${journal.length}`, config: NEW_CONFIG[journal.length % NEW_CONFIG.length]! },
          { ...h, kind: 'config_version', version: `v${journal.length}`, config: '' },
        ];
        step(drafts[o.what]!);
        break;
      }
    }
  }
  return { journal, results, hash: engine.stateHash(), engine };
}

/** Replays a journal into a fresh engine (request_sent echoes are skipped by the core). */
function replay(journal: readonly Event[], seed: number, splitAt = -1): { hash: string; prefixHash: string; dispatched: Event[] } {
  const engine = createEngine(config, new RandomStrategy(seed));
  const dispatched: Event[] = [];
  let prefixHash = '';
  journal.forEach((e, i) => {
    if (i === splitAt) prefixHash = engine.stateHash();
    const r = engine.step(e);
    expect(r.violation).toBeNull();
    dispatched.push(...r.requestsSent);
  });
  return { hash: engine.stateHash(), prefixHash, dispatched };
}

const streams = fc.tuple(fc.array(opArb, { minLength: 1, maxLength: 200, size: 'large' }), fc.integer());

describe('engine properties over random streams and strategies', () => {
  it('invariants hold: no violation, one inflight per key, one pending per key, terminal orders are not open', () => {
    const seen = { dispatched: 0, fills: 0, obligations: 0, denied: 0, halts: 0, late: 0 };
    fc.assert(
      fc.property(streams, ([ops, seed]) => {
        const r = run(ops, seed);
        expect(r.results.find((x) => x.violation)?.violation ?? null).toBeNull();
        for (const x of r.results) {
          seen.dispatched += x.requestsSent.length;
          seen.obligations += x.obligation ? 1 : 0;
          seen.denied += x.decisions.filter((d) => !d.allowed).length;
          seen.halts += x.controlEvents.filter((d) => d.kind === 'strategy_halted').length;
          seen.late += x.diagnostics.filter((d) => d.code === 'late_event').length;
        }
        seen.fills += r.journal.filter((e) => e.kind === 'order_filled').length;
        const v = r.engine.view.execution;
        const pendingKeys = v.pending().map((p) => p.orderId);
        expect(new Set(pendingKeys).size).toBe(pendingKeys.length);
        for (const o of v.openOrders()) expect(['submitted', 'accepted', 'partially_filled']).toContain(o.status);
        // seq strictly +1 across the whole journal, tsLocal non-decreasing
        r.journal.forEach((e, i) => {
          expect(e.seq).toBe(i);
          if (i > 0) expect(e.tsLocalNs >= r.journal[i - 1]!.tsLocalNs).toBe(true);
        });
      }),
      { numRuns: 150 },
    );
    // the streams really exercise the machinery, not just market data
    for (const [k, v] of Object.entries(seen)) expect(v, k).toBeGreaterThan(0);
  });

  it('after a kill switch no new or replace request leaves but the operator flatten orders; after a reconciliation mismatch none at all', () => {
    const seen = { killedCancels: 0, flattens: 0, duplicates: 0 };
    fc.assert(
      fc.property(streams, ([ops, seed]) => {
        const r = run(ops, seed);
        // Oracle: the kill switch and reconciliation flags replayed from the journal's own control events.
        let killed = false;
        let mismatch = false;
        for (const e of r.journal) {
          if (e.kind === 'kill_switch') killed = e.engaged;
          else if (e.kind === 'reconciliation') mismatch = e.outcome === 'mismatch';
          else if (e.kind === 'request_sent') {
            if (e.clientTag === 'flatten') seen.flattens++;
            if (e.request === 'cancel') {
              if (killed) seen.killedCancels++;
              continue;
            }
            expect(mismatch, `seq ${e.seq}`).toBe(false);
            if (killed) expect([e.request, e.reduceOnly, e.clientTag, e.orderType, e.timeInForce], `seq ${e.seq}`).toEqual(['new', true, 'flatten', 'market', 'IOC']);
          }
        }
        seen.duplicates += r.engine.view.execution.counters().duplicateFills;
      }),
      { numRuns: 150 },
    );
    for (const [k, v] of Object.entries(seen)) expect(v, k).toBeGreaterThan(0);
  });

  it('two runs of the same stream give identical StepResults and state hashes', () => {
    fc.assert(
      fc.property(streams, ([ops, seed]) => {
        const a = run(ops, seed);
        const b = run(ops, seed);
        expect(b.results).toEqual(a.results);
        expect(b.hash).toBe(a.hash);
      }),
      { numRuns: 60 },
    );
  });

  it('replaying the journal in one go, or a prefix then hash then the rest, gives the live hash and the same dispatches', () => {
    fc.assert(
      fc.property(streams, fc.nat(), ([ops, seed], splitPick) => {
        const live = run(ops, seed);
        if (live.journal.length === 0) return;
        const oneGo = replay(live.journal, seed);
        expect(oneGo.hash).toBe(live.hash);
        expect(oneGo.dispatched).toEqual(live.journal.filter((e) => e.kind === 'request_sent'));
        const split = splitPick % live.journal.length;
        const twoPart = replay(live.journal, seed, split);
        expect(twoPart.hash).toBe(oneGo.hash);
        // and the prefix hash equals a fresh engine that only saw the prefix
        expect(replay(live.journal.slice(0, split), seed).hash).toBe(twoPart.prefixHash);
      }),
      { numRuns: 60 },
    );
  });

  it('the state hash changes when state changes and is 16 hex chars', () => {
    const a = run([{ op: 'bbo', inst: 0, bid: 0, spread: 1, dt: 1 }], 1);
    const b = run([{ op: 'bbo', inst: 0, bid: 1, spread: 1, dt: 1 }], 1);
    expect(a.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(a.hash).not.toBe(b.hash);
  });
});
