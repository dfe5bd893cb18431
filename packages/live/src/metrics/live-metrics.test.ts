// The session metrics driven the way the session runtime drives them: every event of a real run
// (a real Binance USD-M capture, the simulated venue's answers, a real core engine) appended,
// stepped and observed in stream order. Positions and PnL are checked against the reference
// ledger of test/reference (exact rationals from the venue's published formulas, no production
// accounting code); counts against the stream itself; latencies against the delays injected.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import {
  createEngine,
  type Engine,
  type Event,
  type EventDraft,
  type Instrument,
  type RequestKind,
} from '@chassis/core';
import { liveLatencyBucketsSeconds, metricCatalog } from '@chassis/monitoring';
import { hftbacktestDir } from '../../../../examples/data/index.ts';
import { readCaptureMarket } from '../../../../test/reference/capture-market.ts';
import { engineConfig, isExecutionEvent } from '../../../../test/reference/production-run.ts';
import { ReferenceLedger } from '../../../../test/reference/reference-ledger.ts';
import { runCase, startingBalances } from '../../../../test/reference/run-case.ts';
import { scriptedStrategy } from '../../../../test/reference/scripted-strategy.ts';
import type { Rational } from '../../../../test/reference/rational.ts';
import { BTC, ScriptedStrategy, baseConfig, engineWith } from '../../../core/src/testing/fixtures.ts';
import type { RateLimitHeadroom } from '../venues/binance-usdm/adapter.ts';
import { createLiveMetrics, type LiveMetrics } from './live-metrics.ts';

const SEED = 7;
const labels = { component: 'paper', sessionId: 'paper-usdm-1', strategy: 'scripted', venue: 'binance-usdm' } as const;

/** Exposition text → `name{labels}` → value. */
async function scrape(registry: Registry): Promise<Map<string, number>> {
  const samples = new Map<string, number>();
  for (const line of (await registry.metrics()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

const num = (r: Rational): number => Number(r.num) / Number(r.den);

/** A manual wall clock: the session's LiveClock, set by the test before each observation. */
class ManualClock {
  ns = 0n;
  nowNs(): bigint {
    return this.ns;
  }
}

/** Dispatch delay the test injects for the RequestSent at `seq`: 5 … 41 µs, varying. */
const dispatchDelayNs = (seq: number): bigint => 5_000n + BigInt((seq * 7919) % 37) * 1_000n;

interface Driven {
  instrument: Instrument;
  stream: readonly Event[];
  engine: Engine;
  metrics: LiveMetrics;
  registry: Registry;
  clock: ManualClock;
  s: Map<string, number>;
}

/**
 * Runs production on the capture (the stream a session would have journaled), then plays the
 * session's loop on a fresh engine: step each event, observe it; a RequestSent was applied by
 * the step that dispatched it and is observed when appended, at its tsLocal + a dispatch delay.
 */
async function drive(): Promise<Driven> {
  const market = await readCaptureMarket(`${hftbacktestDir}/usdm_btcusdt_20240808.gz`, { maxRecords: 6_000 });
  const instrument = market.instrument;
  const run = await runCase(instrument, market.events, scriptedStrategy({ seed: SEED, everyEvents: 20 }));
  const stream = run.run.stream;
  const engine = createEngine(
    engineConfig(instrument, startingBalances(instrument).production),
    scriptedStrategy({ seed: SEED, everyEvents: 20 }),
  );
  const registry = new Registry();
  const clock = new ManualClock();
  const metrics = createLiveMetrics(registry, labels, clock);
  const dispatched: number[] = [];
  for (const e of stream) {
    if (e.kind === 'request_sent') {
      clock.ns = e.tsLocalNs + dispatchDelayNs(e.seq);
    } else {
      const result = engine.step(e);
      dispatched.push(...result.requestsSent.map((r) => r.seq));
      clock.ns = e.tsLocalNs;
    }
    metrics.observe(e, engine.view);
  }
  // The replay dispatched exactly the journaled requests: the metrics saw the run's own state.
  expect(dispatched).toEqual(stream.filter((e) => e.kind === 'request_sent').map((e) => e.seq));
  return { instrument, stream, engine, metrics, registry, clock, s: await scrape(registry) };
}

let d: Driven;
beforeAll(async () => {
  d = await drive();
}, 120_000);

const series = (name: string, extra = ''): string =>
  `${name}{component="paper",run_id="paper-usdm-1",strategy="scripted",venue="binance-usdm"${extra}}`;
const inst = (extra = ''): string => `,instrument="BTCUSDT"${extra}`;

describe('the live session metrics on a real run', () => {
  it('count the requests sent by type, as the stream has them', () => {
    for (const type of ['new', 'replace', 'cancel'] as const) {
      const expected = d.stream.filter((e) => e.kind === 'request_sent' && e.request === type).length;
      expect(d.s.get(series('chassis_live_orders_total', inst(`,type="${type}"`))), type).toBe(expected);
    }
    expect(d.s.get(series('chassis_live_orders_total', inst(',type="new"')))).toBeGreaterThan(20);
  });

  it('count fills and rejects as the stream has them', () => {
    const fills = d.stream.filter((e) => e.kind === 'order_filled').length;
    expect(fills).toBeGreaterThan(5);
    expect(d.s.get(series('chassis_live_fills_total', inst()))).toBe(fills);
    expect(d.s.get(series('chassis_live_rejects_total', inst(',type="new"')))).toBe(
      d.stream.filter((e) => e.kind === 'order_rejected').length,
    );
    for (const type of ['replace', 'cancel'] as const) {
      const expected = d.stream.filter((e) => e.kind === 'cancel_replace_rejected' && e.request === type).length;
      expect(d.s.get(series('chassis_live_rejects_total', inst(`,type="${type}"`))), type).toBe(expected);
    }
  });

  it('report the position and the PnL the reference ledger computes from the venue formulas', () => {
    const ledger = new ReferenceLedger([d.instrument], startingBalances(d.instrument).reference);
    for (const e of d.stream) {
      if (e.kind === 'request_sent') ledger.onRequestSent(e);
      else if (isExecutionEvent(e)) ledger.onExecution(e);
    }
    const p = ledger.positions.get(d.instrument.id)!;
    const qty = p.qtyUnits / 10 ** d.instrument.sizeDecimals;
    expect(d.s.get(series('chassis_live_position', inst()))).toBeCloseTo(qty, 9);
    expect(qty).not.toBe(0); // an open position, so the unrealised check below is not trivially 0
    // Production keeps the cost basis in whole settlement units (10^-4 USDT here) and removes a
    // partially closed share with a truncating division: each close may differ from the exact
    // rational by less than one unit (core contract-value.ts), so realised PnL agrees within one
    // unit per fill and the open basis within the ledger's own error bound.
    const unit = 10 ** -(d.instrument.priceDecimals + d.instrument.sizeDecimals);
    const fills = d.stream.filter((e) => e.kind === 'order_filled').length;
    const realized = d.s.get(series('chassis_live_pnl', inst(',kind="realized"')))!;
    expect(Math.abs(realized - (num(p.realisedPnl) - num(p.fees)))).toBeLessThanOrEqual(fills * unit);
    expect(Math.abs(num(p.realisedPnl))).toBeGreaterThan(100 * fills * unit);
    const midUnits = d.engine.view.market.book(d.instrument.id)!.mid();
    const unrealized =
      p.qtyUnits === 0
        ? 0
        : (midUnits / 10 ** d.instrument.priceDecimals) * qty * d.instrument.multiplier - num(p.entryValue);
    const reported = d.s.get(series('chassis_live_pnl', inst(',kind="unrealized"')))!;
    expect(Math.abs(reported - unrealized)).toBeLessThanOrEqual((num(p.costErrorUnits) + 1e-9) * unit);
  });

  it('observe signal→request once per request, at the injected dispatch delay', () => {
    const requests = d.stream.filter((e) => e.kind === 'request_sent');
    const delaysS = requests.map((e) => Number(dispatchDelayNs(e.seq)) / 1e9);
    const name = 'chassis_live_signal_to_request_seconds';
    expect(d.s.get(series(`${name}_count`))).toBe(requests.length);
    expect(d.s.get(series(`${name}_sum`))).toBeCloseTo(
      delaysS.reduce((a, b) => a + b, 0),
      12,
    );
    for (const le of liveLatencyBucketsSeconds) {
      expect(d.s.get(series(`${name}_bucket`, `,le="${le}"`)), `le=${le}`).toBe(delaysS.filter((x) => x <= le).length);
    }
  });

  it('observe request→ack once per answered request: the venue round trip (1 ms entry + 1 ms response) minus the dispatch delay', () => {
    const requests = new Map(d.stream.filter((e) => e.kind === 'request_sent').map((e) => [e.seq, e]));
    const answered = new Set(
      d.stream
        .filter(isExecutionEvent)
        .map((e) => e.requestSeq)
        .filter((s) => s >= 0),
    );
    for (const type of ['new', 'replace', 'cancel'] as const) {
      const mine = [...answered].filter((seq) => requests.get(seq)!.request === type);
      const name = 'chassis_live_request_to_ack_seconds';
      expect(d.s.get(series(`${name}_count`, `,type="${type}"`)), type).toBe(mine.length);
      const expectedSum = mine.reduce((sum, seq) => sum + (2_000_000 - Number(dispatchDelayNs(seq))) / 1e9, 0);
      expect(d.s.get(series(`${name}_sum`, `,type="${type}"`)), type).toBeCloseTo(expectedSum, 9);
    }
    expect(answered.size).toBeGreaterThan(20);
  });

  it('report the reconciliation outcome, feed health, pause and kill switch from the control events the session appends', async () => {
    const seq0 = d.engine.view.control.lastSeq;
    const t = d.engine.view.control.nowNs;
    const control: EventDraft[] = [
      {
        kind: 'reconciliation',
        outcome: 'mismatch',
        detail: 'venue has an order the session does not know',
        tsEventNs: t,
        tsLocalNs: t,
      },
      {
        kind: 'feed_health',
        instrument: d.instrument.id,
        state: 'degraded',
        reason: 'sequence gap',
        tsEventNs: t,
        tsLocalNs: t,
      },
      { kind: 'strategy_paused', paused: true, reason: 'operator', tsEventNs: t, tsLocalNs: t },
      { kind: 'kill_switch', engaged: true, reason: 'operator', tsEventNs: t, tsLocalNs: t },
    ];
    const before = await scrape(d.registry);
    expect(before.get(series('chassis_live_reconciliation_state', ',state="pending"'))).toBe(1);
    expect(before.get(series('chassis_live_feed_degraded', inst()))).toBe(0);
    expect(before.get(series('chassis_live_kill_switch_engaged'))).toBe(0);
    expect(before.get(series('chassis_live_strategy_paused'))).toBe(0);
    let seq = seq0;
    for (const draft of control) {
      const e = { ...draft, seq: ++seq } as Event;
      const result = d.engine.step(e);
      d.metrics.observe(e, d.engine.view);
      for (const r of result.requestsSent) {
        d.metrics.observe(r, d.engine.view);
        seq = r.seq;
      }
    }
    const after = await scrape(d.registry);
    expect(after.get(series('chassis_live_reconciliation_state', ',state="mismatch"'))).toBe(1);
    expect(after.get(series('chassis_live_reconciliation_state', ',state="pending"'))).toBe(0);
    expect(after.get(series('chassis_live_feed_degraded', inst()))).toBe(1);
    expect(after.get(series('chassis_live_kill_switch_engaged'))).toBe(1);
    expect(after.get(series('chassis_live_strategy_paused'))).toBe(1);
  });
});

describe('fills counted by the live session metrics', () => {
  it('count a fill reported again (same order and fill id, e.g. after a reconnect) once, as the core applies it once', async () => {
    const strategy = new ScriptedStrategy();
    const { engine, feed } = engineWith(baseConfig(), strategy);
    const registry = new Registry();
    const m = createLiveMetrics(registry, labels, new ManualClock());
    const observeNew = (from: number) => {
      for (const e of feed.journal.slice(from)) m.observe(e, engine.view);
    };
    strategy.script.push([{ type: 'new', instrument: BTC.id, side: 'buy', priceUnits: 600_000, qtyUnits: 4 }]);
    let seen = feed.journal.length;
    feed.bbo(600_000, 600_001);
    observeNew(seen);
    const fill = (fillId: string, qty: number) =>
      ({
        kind: 'order_filled',
        orderId: 1,
        fillId,
        priceUnits: 600_000,
        qtyUnits: qty,
        liquidity: 'maker',
        feeUnits: 1n,
        final: false,
      }) as const;
    for (const draft of [fill('a', 1), fill('a', 1), fill('b', 1), fill('a', 1)]) {
      seen = feed.journal.length;
      feed.exec(draft, false);
      observeNew(seen);
    }
    expect(engine.view.execution.counters().duplicateFills).toBe(2);
    const s = await scrape(registry);
    expect(s.get(series('chassis_live_fills_total', ',instrument="BTCUSDT"'))).toBe(2);
    expect(s.get(series('chassis_live_position', ',instrument="BTCUSDT"'))).toBe(0.002);
  });
});

describe('the live session metrics inputs besides events', () => {
  it('register exactly the catalog metrics delegated to @chassis/live', () => {
    const registry = new Registry();
    createLiveMetrics(registry, labels, new ManualClock());
    const registered = registry
      .getMetricsAsArray()
      .map((m) => m.name)
      .sort();
    expect(registered).toEqual(
      metricCatalog
        .filter((s) => s.registeredBy === 'live')
        .map((s) => s.name)
        .sort(),
    );
  });

  it('export rate-limit headroom per bucket as 1 − used/limit, clamped to 0..1', async () => {
    const registry = new Registry();
    const m = createLiveMetrics(registry, labels, new ManualClock());
    m.rateLimit('REQUEST_WEIGHT_1M', 600, 2400);
    m.rateLimit('ORDERS_10S', 300, 300);
    m.rateLimit('ORDERS_1M', 1300, 1200);
    const s = await scrape(registry);
    expect(s.get(series('chassis_live_rate_limit_headroom_ratio', ',bucket="REQUEST_WEIGHT_1M"'))).toBe(0.75);
    expect(s.get(series('chassis_live_rate_limit_headroom_ratio', ',bucket="ORDERS_10S"'))).toBe(0);
    expect(s.get(series('chassis_live_rate_limit_headroom_ratio', ',bucket="ORDERS_1M"'))).toBe(0);
  });

  it("read the adapter's rate-limit use at every scrape", async () => {
    const registry = new Registry();
    const m = createLiveMetrics(registry, labels, new ManualClock());
    let used = 240;
    // Typed as the Binance adapter's headroom(): the session passes it as it is.
    const headroom = (): RateLimitHeadroom[] => [
      { limiter: 'REQUEST_WEIGHT_1M', header: 'X-MBX-USED-WEIGHT-1M', used, limit: 2400, headroom: 2400 - used },
      { limiter: 'ORDERS_10S', header: 'X-MBX-ORDER-COUNT-10S', used: 30, limit: 300, headroom: 270 },
    ];
    m.rateLimitsFrom(headroom);
    const first = await scrape(registry);
    expect(first.get(series('chassis_live_rate_limit_headroom_ratio', ',bucket="REQUEST_WEIGHT_1M"'))).toBeCloseTo(
      0.9,
      12,
    );
    expect(first.get(series('chassis_live_rate_limit_headroom_ratio', ',bucket="ORDERS_10S"'))).toBeCloseTo(0.9, 12);
    used = 2400;
    const second = await scrape(registry);
    expect(second.get(series('chassis_live_rate_limit_headroom_ratio', ',bucket="REQUEST_WEIGHT_1M"'))).toBe(0);
  });

  it('count control API refusals by reason', async () => {
    const registry = new Registry();
    const m = createLiveMetrics(registry, labels, new ManualClock());
    for (const r of ['wrong_token', 'missing_token', 'wrong_token']) m.controlRefused(r);
    const s = await scrape(registry);
    expect(s.get(series('chassis_live_control_refusals_total', ',reason="wrong_token"'))).toBe(2);
    expect(s.get(series('chassis_live_control_refusals_total', ',reason="missing_token"'))).toBe(1);
  });
});

/** One step of a synthetic session: a request sent, a venue answer naming an earlier request, or an order declared lost. */
type Op =
  | { op: 'send'; request: RequestKind; orderId: number; delayUs: number }
  | { op: 'answer'; pick: number; afterUs: number }
  | { op: 'lose'; orderId: number };

describe('request → acknowledgement accounting', () => {
  it('observes the first answer to each request exactly once, never a later one, nor one after the order was declared lost (against a plain scan of the ops)', async () => {
    const market = await readCaptureMarket(`${hftbacktestDir}/usdm_btcusdt_20240808.gz`, { maxRecords: 10 });
    const view = createEngine(engineConfig(market.instrument, {}), { onEvent: () => [] }).view;
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        op: fc.constant('send' as const),
        request: fc.constantFrom<RequestKind>('new', 'replace', 'cancel'),
        orderId: fc.integer({ min: 1, max: 4 }),
        delayUs: fc.integer({ min: 1, max: 900 }),
      }),
      fc.record({ op: fc.constant('answer' as const), pick: fc.nat(), afterUs: fc.integer({ min: 1, max: 5_000 }) }),
      fc.record({ op: fc.constant('lose' as const), orderId: fc.integer({ min: 1, max: 4 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 60 }), async (ops) => {
        const registry = new Registry();
        const clock = new ManualClock();
        const metrics = createLiveMetrics(registry, labels, clock);
        const sent: Array<{ seq: number; request: RequestKind; orderId: number; observedNs: bigint }> = [];
        const expected = { new: [] as number[], replace: [] as number[], cancel: [] as number[] };
        const done = new Set<number>();
        let seq = 0;
        let nowNs = 1_000_000_000n;
        const header = () => ({ seq: ++seq, tsEventNs: nowNs, tsLocalNs: nowNs });
        for (const op of ops) {
          nowNs += 1_000n;
          if (op.op === 'send') {
            const e = {
              ...header(),
              kind: 'request_sent',
              request: op.request,
              orderId: op.orderId,
              instrument: market.instrument.id,
              side: 'buy',
              orderType: 'limit',
              priceUnits: 1,
              qtyUnits: 1,
              timeInForce: 'GTC',
              postOnly: false,
              reduceOnly: false,
              clientTag: '',
            } as const;
            clock.ns = nowNs + BigInt(op.delayUs) * 1_000n;
            metrics.observe(e, view);
            sent.push({ seq: e.seq, request: op.request, orderId: op.orderId, observedNs: clock.ns });
          } else if (op.op === 'answer' && sent.length > 0) {
            const req = sent[op.pick % sent.length]!;
            nowNs = (req.observedNs > nowNs ? req.observedNs : nowNs) + BigInt(op.afterUs) * 1_000n;
            metrics.observe(
              { ...header(), kind: 'order_accepted', orderId: req.orderId, requestSeq: req.seq, venueOrderId: 'v' },
              view,
            );
            if (!done.has(req.seq)) expected[req.request].push(Number(nowNs - req.observedNs) / 1e9);
            done.add(req.seq);
          } else if (op.op === 'lose') {
            metrics.observe(
              { ...header(), kind: 'order_disposition', orderId: op.orderId, disposition: 'lost', reason: 'timeout' },
              view,
            );
            for (const r of sent) if (r.orderId === op.orderId) done.add(r.seq);
          }
        }
        const s = await scrape(registry);
        for (const type of ['new', 'replace', 'cancel'] as const) {
          expect(s.get(series('chassis_live_request_to_ack_seconds_count', `,type="${type}"`))).toBe(
            expected[type].length,
          );
          expect(s.get(series('chassis_live_request_to_ack_seconds_sum', `,type="${type}"`))).toBeCloseTo(
            expected[type].reduce((a, b) => a + b, 0),
            9,
          );
        }
      }),
      { numRuns: 200 },
    );
  });
});
