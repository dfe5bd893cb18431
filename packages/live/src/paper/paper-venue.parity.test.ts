/**
 * The paper venue against the backtest timeline (the spec of its merge rules): on the same
 * market events and the same strategy, a paper session driven by a manual clock appends the
 * same events — fills with their prices, quantities and fees, every answer at the same local
 * time, Control-Time Events — and ends in the same state, as a backtest whose exchange clock puts
 * every market event at its receipt (offset beyond any feed latency). Generated markets from the
 * backtest's clock oracle: ties of market data, requests, answers and obligations, rate-limited
 * bursts, seeded latency jitter.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { balanceDecimals, createEngine, formatDecimalUnits, type Engine, type Event } from '@chassis/core';
import { conservativeQueue, jitteredLatency } from '@chassis/venues';
import {
  clockScenario,
  engineConfig,
  END_GRACE_NS,
  eventText,
  feedOrder,
  INSTRUMENT,
  probeStrategy,
  runScenario,
  type ClockScenario,
} from '../../../backtesting/src/clock-scenario.ts';
import { clientOrderIds } from '../client-order-id.ts';
import { ManualScheduler } from './manual-scheduler.ts';
import { drivePaper } from './paper-drive.ts';
import { createPaperVenue, type PaperVenue } from './paper-venue.ts';

/** Recorder clock minus venue clock the backtest is told: beyond the scenarios' data offsets + feed latencies (≤ 3.04 s), so every market event acts on the venue at its receipt. */
const RECEIPT_OFFSET_NS = 10_000_000_000n;

interface PaperRun {
  readonly events: Event[];
  readonly stateHash: string;
  readonly engine: Engine;
  readonly venue: PaperVenue;
}

async function paperRun(s: ClockScenario, deliverEverything = false): Promise<PaperRun> {
  const market = await feedOrder(s);
  const scheduler = new ManualScheduler(market[0]?.tsLocalNs ?? 0n);
  const venue = createPaperVenue({
    venue: INSTRUMENT.venue,
    sessionId: 'clock',
    instruments: [INSTRUMENT],
    simulation: {
      queueModel: conservativeQueue(),
      latency: jitteredLatency(s.entryNs, s.responseNs, s.jitterNs),
      seed: s.seed,
    },
    clock: scheduler,
    scheduler,
    rateBuckets: engineConfig().executionControl.rateBuckets,
    // The engine's starting balance, as the decimal text a configuration states it in.
    initialBalances: {
      USDT: formatDecimalUnits(engineConfig().initialBalances!['USDT']!, balanceDecimals([INSTRUMENT]).get('USDT')!),
    },
  });
  const engine = createEngine(engineConfig(), probeStrategy());
  const events = drivePaper({
    engine,
    venue,
    scheduler,
    market,
    endGraceNs: END_GRACE_NS,
    sessionId: 'clock',
    deliverEverything,
  });
  return { events, stateHash: engine.stateHash(), engine, venue };
}

/**
 * The scenario with every market message received at its own time, at least 1 ms after the
 * previous one (a multiple of every time grid, so ties with requests, answers and obligations
 * stay frequent), and the backtest told the receipt offset. Market events of one receipt time
 * are the one case real time cannot reproduce (paper-venue.ts): the backtest's venue sees them
 * all before the core sees the first.
 */
function receivedOneByOne(s: ClockScenario): ClockScenario {
  return {
    ...s,
    steps: s.steps.map((st) => ({ ...st, gapNs: st.gapNs + 1_000_000, feedLatencyNs: 0 })),
    offsetNs: RECEIPT_OFFSET_NS,
  };
}

/** The backtest's execution events carry exchange time − offset (the venue's clock); the paper venue's venue clock is the local one. */
function onLocalClock(e: Event): Event {
  return e.kind.startsWith('order_') || e.kind === 'cancel_replace_rejected'
    ? { ...e, tsEventNs: e.tsEventNs + RECEIPT_OFFSET_NS }
    : e;
}

describe('the paper venue against the backtest timeline', () => {
  it('appends the same events in the same order at the same local times, and ends in the same state', async () => {
    let fills = 0;
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(clockScenario, async (generated) => {
        const s = receivedOneByOne(generated);
        const backtest = await runScenario(s);
        expect(backtest.outcome.exchangeTimeClamps.toWindow).toBe(0);
        const paper = await paperRun(s);
        expect(paper.events.map(eventText)).toEqual(backtest.events.map(onLocalClock).map(eventText));
        expect(paper.stateHash).toBe(backtest.finalStateHash);
        fills += paper.events.filter((e) => e.kind === 'order_filled').length;
        compared += paper.events.length;
      }),
      { numRuns: 60 },
    );
    expect(fills).toBeGreaterThan(60);
    expect(compared).toBeGreaterThan(60 * 50);
  }, 120_000);

  it("answers account queries from its own books, which agree with the engine's positions, balances, fills and order states", async () => {
    await fc.assert(
      fc.asyncProperty(clockScenario, async (generated) => {
        // Every answer delivered: the engine has heard all the venue did.
        const { engine, venue, events } = await paperRun(receivedOneByOne(generated), true);
        const account = await venue.fetchAccountState();
        const id = INSTRUMENT.id;
        expect(account.positions).toEqual([{ instrument: id, qtyUnits: engine.view.execution.position(id).qtyUnits }]);
        const usdt = engine.view.execution.balance('USDT');
        expect(account.balances).toEqual([
          { asset: 'USDT', amount: formatDecimalUnits(usdt, engine.view.execution.balanceDecimals('USDT')) },
        ]);
        const fills = events.filter((e) => e.kind === 'order_filled');
        expect(
          (await venue.recentFills(0n, id)).map((f) => [f.orderId, f.fillId, f.priceUnits, f.qtyUnits, f.feeUnits]),
        ).toEqual(fills.map((f) => [f.orderId, f.fillId, f.priceUnits, f.qtyUnits, f.feeUnits]));
        const open = engine.view.execution
          .openOrders(id)
          .filter((o) => o.status === 'accepted' || o.status === 'partially_filled');
        expect(account.openOrders.map((o) => o.orderId).sort()).toEqual(open.map((o) => o.orderId).sort());
        for (const o of open) expect((await venue.queryOrder(o.orderId))?.filledQtyUnits).toBe(o.filledQtyUnits);
        for (const o of account.openOrders) expect(clientOrderIds('clock').decode(o.clientOrderId)).toBe(o.orderId);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
