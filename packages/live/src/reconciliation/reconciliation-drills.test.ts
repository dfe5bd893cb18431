/**
 * Reconciliation drills (issue 12): a real engine and the ccxt adapter on the Binance USD-M
 * emulator, wired the way the session wires them (dispatched requests to the adapter, its answers
 * back into the engine, reconciliation events appended to the stream).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventDraft, ReconciliationEvent } from '@chassis/core';
import {
  INSTRUMENT,
  bestQuotesUnits,
  ccxtAdapterOn,
  eventually,
  signedClient,
  steppedEmulator,
  wallClock,
} from '../venues/ccxt/emulator-harness.ts';
import type { AdapterUnderTest, BinanceUsdmEmulator } from '../venues/ccxt/emulator-harness.ts';
import { FedEngine } from './account-fixtures.ts';
import { Reconciler } from './reconciler.ts';
import type { UnknownOrderPolicy } from './report.ts';

/** The emulator's starting wallet, 10 000 USDT, in the engine's USDT units (10^-5: price 0.01 × qty 0.001). */
const START_USDT_UNITS = 1_000_000_000n;

let emulator: BinanceUsdmEmulator | undefined;
const adapters: AdapterUnderTest[] = [];
afterEach(async () => {
  for (const u of adapters.splice(0)) await u.adapter.stop();
  await emulator?.stop();
  emulator = undefined;
});

interface Session {
  readonly fed: FedEngine;
  readonly appended: EventDraft<ReconciliationEvent>[];
  /** Runs after each reconciliation event is in the engine. */
  afterAppend: (draft: EventDraft<ReconciliationEvent>) => void;
  connect(): Promise<AdapterUnderTest>;
  reconciler(policy: UnknownOrderPolicy, adapter: AdapterUnderTest): Reconciler;
}

function session(e: BinanceUsdmEmulator): Session {
  const fed = new FedEngine([INSTRUMENT], { USDT: START_USDT_UNITS });
  const appended: EventDraft<ReconciliationEvent>[] = [];
  let reportNumber = 1;
  const s: Session = {
    fed,
    appended,
    afterAppend: () => {},
    async connect() {
      const u = await ccxtAdapterOn(e, { sessionId: 'drill-session' });
      adapters.push(u);
      fed.dispatch = (request) => u.adapter.submit(request);
      u.adapter.onAnswer((answer) => fed.push(answer));
      return u;
    },
    reconciler(policy, u) {
      return new Reconciler({
        adapter: u.adapter,
        view: () => fed.view,
        append: (draft) => {
          appended.push(draft);
          fed.push(draft);
          s.afterAppend(draft);
          return Promise.resolve();
        },
        writeReport: (report) => Promise.resolve(`reconciliation-${report.n}.json`),
        clock: wallClock,
        policy,
        firstReportNumber: reportNumber++,
        settleMs: 200,
      });
    },
  };
  return s;
}

/** A resting buy 500 USDT under the bid, placed by the strategy and acknowledged by the venue. */
async function restingBuy(e: BinanceUsdmEmulator, s: Session): Promise<void> {
  const { bid, ask } = await bestQuotesUnits(e);
  s.fed.intents(INSTRUMENT.id, Math.round((bid + ask) / 2), [
    { type: 'new', instrument: INSTRUMENT.id, side: 'buy', priceUnits: bid - 50_000, qtyUnits: 2 },
  ]);
  await eventually(() => s.fed.view.execution.order(1)?.status === 'accepted', 'the acknowledgement of order 1');
}

/** An order someone placed on the account outside the session (raw signed request, as the web UI would). */
async function orderBehindOurBack(e: BinanceUsdmEmulator, params: Record<string, string>): Promise<void> {
  const placed = await signedClient(e).signed('POST', '/fapi/v1/order', {
    symbol: 'BTCUSDT',
    newClientOrderId: 'web_manual_1',
    ...params,
  });
  expect(placed.status).toBe(200);
}

async function venueOpenClientIds(e: BinanceUsdmEmulator): Promise<string[]> {
  return (
    (await signedClient(e).signed('GET', '/fapi/v1/openOrders', { symbol: 'BTCUSDT' })).json as {
      clientOrderId: string;
    }[]
  ).map((o) => o.clientOrderId);
}

describe('reconciliation drills against the Binance USD-M emulator', () => {
  it('after a disconnect and reconnect with nothing to repair, reconciliation appends matched', async () => {
    emulator = await steppedEmulator();
    const s = session(emulator);
    const first = await s.connect();
    await restingBuy(emulator, s);
    await first.adapter.stop(); // the link drops ...
    const second = await s.connect(); // ... and a new one comes up
    const result = await s.reconciler('cancel', second).reconcile('reconnect');
    expect(result.outcome).toBe('matched');
    expect(result.report.findings).toEqual([]);
    expect(s.appended.map((e) => e.outcome)).toEqual(['matched']);
  });

  it('finds an order placed behind our back, appends mismatch, cancels it under the cancel policy and appends resolved', async () => {
    emulator = await steppedEmulator();
    const s = session(emulator);
    const u = await s.connect();
    await restingBuy(emulator, s);
    const { bid } = await bestQuotesUnits(emulator);
    await orderBehindOurBack(emulator, {
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      price: (bid / 100 - 600).toFixed(2),
      quantity: '0.002',
    });
    const result = await s.reconciler('cancel', u).reconcile('on_demand');
    expect(result.report.findings.map((f) => f.difference.kind)).toEqual(['venue_order_foreign']);
    expect(s.appended.map((e) => e.outcome)).toEqual(['mismatch', 'resolved']);
    expect(await venueOpenClientIds(emulator)).toEqual([u.adapter.ids.encode(1)]);
    expect(s.fed.view.execution.order(1)?.status).toBe('accepted');
  });

  it('under the adopt policy keeps the foreign order on the venue, resolves, and matches afterwards', async () => {
    emulator = await steppedEmulator();
    const s = session(emulator);
    const u = await s.connect();
    const { bid } = await bestQuotesUnits(emulator);
    await orderBehindOurBack(emulator, {
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      price: (bid / 100 - 600).toFixed(2),
      quantity: '0.002',
    });
    const reconciler = s.reconciler('adopt', u);
    await reconciler.reconcile('start');
    await reconciler.reconcile('periodic');
    expect(s.appended.map((e) => e.outcome)).toEqual(['mismatch', 'resolved', 'matched']);
    expect(await venueOpenClientIds(emulator)).toEqual(['web_manual_1']);
  });

  it('leaves a position taken behind our back a mismatch: no fill is invented, the engine position stays 0', async () => {
    emulator = await steppedEmulator();
    const s = session(emulator);
    const u = await s.connect();
    await orderBehindOurBack(emulator, { side: 'BUY', type: 'MARKET', quantity: '0.002' });
    const result = await s.reconciler('cancel', u).reconcile('start');
    expect(result.outcome).toBe('mismatch');
    expect(result.report.findings.map((f) => f.difference.kind)).toEqual(['position_differs', 'balance_differs']);
    expect(s.appended.map((e) => e.outcome)).toEqual(['mismatch']);
    expect(s.fed.view.execution.position(INSTRUMENT.id).qtyUnits).toBe(0);
    expect(s.fed.view.control.eventCount('order_filled')).toBe(0);
  });

  it('blocks new intents while a mismatch stands (risk reconciliation_mismatch): nothing is dispatched', async () => {
    emulator = await steppedEmulator();
    const s = session(emulator);
    const u = await s.connect();
    await orderBehindOurBack(emulator, { side: 'BUY', type: 'MARKET', quantity: '0.002' });
    await s.reconciler('cancel', u).reconcile('start');
    const { bid, ask } = await bestQuotesUnits(emulator);
    s.fed.intents(INSTRUMENT.id, Math.round((bid + ask) / 2), [
      { type: 'new', instrument: INSTRUMENT.id, side: 'buy', priceUnits: bid - 50_000, qtyUnits: 2 },
    ]);
    expect(s.fed.lastResult?.decisions).toMatchObject([{ allowed: false, reason: 'reconciliation_mismatch' }]);
    expect(s.fed.lastResult?.requestsSent).toEqual([]);
  });

  it('denies intents between mismatch and resolved, and allows them again once resolved', async () => {
    emulator = await steppedEmulator();
    const s = session(emulator);
    const u = await s.connect();
    const { bid, ask } = await bestQuotesUnits(emulator);
    await orderBehindOurBack(emulator, {
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      price: (bid / 100 - 600).toFixed(2),
      quantity: '0.002',
    });
    const mid = Math.round((bid + ask) / 2);
    const buy = { type: 'new', instrument: INSTRUMENT.id, side: 'buy', priceUnits: bid - 50_000, qtyUnits: 2 } as const;
    const verdicts: string[] = [];
    s.afterAppend = (draft) => {
      s.fed.intents(INSTRUMENT.id, mid, [buy]);
      const decision = s.fed.lastResult!.decisions[0]!;
      verdicts.push(`${draft.outcome}: ${decision.allowed ? 'allowed' : decision.reason}`);
    };
    await s.reconciler('cancel', u).reconcile('on_demand');
    expect(verdicts).toEqual(['mismatch: reconciliation_mismatch', 'resolved: allowed']);
  });
});
