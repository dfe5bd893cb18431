import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventDraft, ReconciliationEvent } from '@chassis/core';
import type { VenueAccountState, VenueOrderState } from '../contracts.ts';
import { BTCUSDT, FedEngine } from './account-fixtures.ts';
import { Reconciler } from './reconciler.ts';
import type { ReconcilerOptions } from './reconciler.ts';
import type { ReconciliationReport } from './report.ts';
import { reconciliationReportNumbers, writeReconciliationReport } from '../records/session-reports.ts';

const manual: VenueOrderState = {
  orderId: null,
  clientOrderId: 'web_1',
  venueOrderId: '777',
  instrument: BTCUSDT.id,
  side: 'sell',
  priceUnits: 610_000,
  qtyUnits: 1,
  filledQtyUnits: 0,
  status: 'open',
};

/** A venue account the test edits between looks; cancelForeign removes the order like the venue would. */
class AccountVenue {
  readonly venue = 'test-venue';
  openOrders: VenueOrderState[] = [];
  positionQtyUnits = 0;
  looks = 0;
  cancelled: string[] = [];
  failCancel = false;
  /** Runs before each look is answered (a venue changing between looks). */
  beforeLook: (look: number) => void = () => {};

  fetchAccountState(): Promise<VenueAccountState> {
    this.beforeLook(++this.looks);
    const positions = this.positionQtyUnits === 0 ? [] : [{ instrument: BTCUSDT.id, qtyUnits: this.positionQtyUnits }];
    return Promise.resolve({
      openOrders: [...this.openOrders],
      positions,
      balances: [{ asset: 'USDT', amount: '1000' }],
      asOfNs: BigInt(this.looks),
    });
  }

  cancelForeign(order: VenueOrderState): Promise<void> {
    if (this.failCancel) return Promise.reject(new Error('E_VENUE_REJECT: -2011 Unknown order sent'));
    this.cancelled.push(order.venueOrderId);
    this.openOrders = this.openOrders.filter((o) => o.venueOrderId !== order.venueOrderId);
    return Promise.resolve();
  }
}

interface Harness {
  readonly venue: AccountVenue;
  readonly fed: FedEngine;
  readonly appended: EventDraft<ReconciliationEvent>[];
  readonly reports: ReconciliationReport[];
  readonly reconciler: Reconciler;
}

function harness(overrides: Partial<ReconcilerOptions> = {}): Harness {
  const venue = new AccountVenue();
  const fed = new FedEngine([BTCUSDT], { USDT: 10_000_000n });
  const appended: EventDraft<ReconciliationEvent>[] = [];
  const reports: ReconciliationReport[] = [];
  let now = 0n;
  const reconciler = new Reconciler({
    adapter: venue,
    view: () => fed.view,
    append: (draft) => {
      appended.push(draft);
      fed.push(draft);
      return Promise.resolve();
    },
    writeReport: (report) => {
      reports.push(report);
      return Promise.resolve(`reconciliation-${report.n}.json`);
    },
    clock: { nowNs: () => (now += 1000n) },
    policy: 'cancel',
    firstReportNumber: 1,
    sleep: () => Promise.resolve(),
    ...overrides,
  });
  return { venue, fed, appended, reports, reconciler };
}

const outcomes = (h: Harness): string[] => h.appended.map((e) => e.outcome);

describe('Reconciler', () => {
  it('appends one matched event and writes report 1 when venue and engine agree', async () => {
    const h = harness();
    const result = await h.reconciler.reconcile('start');
    expect(result).toMatchObject({ n: 1, outcome: 'matched', reportPath: 'reconciliation-1.json' });
    expect(outcomes(h)).toEqual(['matched']);
    expect(h.reports[0]).toMatchObject({
      findings: [],
      actions: [],
      afterActions: null,
      trigger: 'start',
      venue: 'test-venue',
    });
    expect(h.fed.view.control.eventCount('reconciliation')).toBe(1);
  });

  it('under the cancel policy cancels a foreign order after appending mismatch, then appends resolved', async () => {
    const h = harness();
    h.venue.openOrders = [manual];
    const result = await h.reconciler.reconcile('reconnect');
    expect(outcomes(h)).toEqual(['mismatch', 'resolved']);
    expect(result.outcome).toBe('resolved');
    expect(h.venue.cancelled).toEqual(['777']);
    expect(h.reports[0]!.findings.map((f) => f.key)).toEqual(['venue_order_foreign:777']);
    expect(h.reports[0]!.actions).toEqual([
      { action: 'cancelled', venueOrderId: '777', clientOrderId: 'web_1', instrument: BTCUSDT.id },
    ]);
    expect(h.reports[0]!.afterActions).toEqual([]);
  });

  it('under the adopt policy keeps the foreign order, resolves, and later reconciliations match while it stays open', async () => {
    const h = harness({ policy: 'adopt' });
    h.venue.openOrders = [manual];
    await h.reconciler.reconcile('start');
    const second = await h.reconciler.reconcile('periodic');
    expect(outcomes(h)).toEqual(['mismatch', 'resolved', 'matched']);
    expect(h.venue.cancelled).toEqual([]);
    expect(second.report.adoptedVenueOrderIds).toEqual(['777']);
  });

  it('forgets an adopted order once the venue no longer lists it', async () => {
    const h = harness({ policy: 'adopt' });
    h.venue.openOrders = [manual];
    await h.reconciler.reconcile('start');
    h.venue.openOrders = [];
    expect((await h.reconciler.reconcile('periodic')).report.adoptedVenueOrderIds).toEqual([]);
  });

  it('reports a difference only the first look saw as transient and appends matched', async () => {
    const h = harness();
    h.venue.beforeLook = (look) => {
      h.venue.positionQtyUnits = look === 1 ? 2 : 0;
    };
    const result = await h.reconciler.reconcile('periodic');
    expect(outcomes(h)).toEqual(['matched']);
    expect(result.report.transient.map((d) => d.key)).toEqual([`position_differs:${BTCUSDT.id}`]);
  });

  it('leaves a position difference a mismatch (no fill invented), and resolves it once the engine has the fill', async () => {
    const h = harness();
    h.fed.intents(BTCUSDT.id, 600_000, [
      { type: 'new', instrument: BTCUSDT.id, side: 'buy', priceUnits: 600_001, qtyUnits: 2, timeInForce: 'IOC' },
    ]);
    h.fed.answer({ kind: 'order_accepted', orderId: 1, venueOrderId: '1' });
    h.venue.positionQtyUnits = 2;
    const first = await h.reconciler.reconcile('reconnect');
    expect(first.outcome).toBe('mismatch');
    expect(outcomes(h)).toEqual(['mismatch']);
    expect(h.fed.view.execution.position(BTCUSDT.id).qtyUnits).toBe(0);
    expect(h.fed.view.control.eventCount('order_filled')).toBe(0);
    // The adapter's gap recovery delivers the venue's fill; the next reconciliation resolves.
    h.fed.answer({
      kind: 'order_filled',
      orderId: 1,
      fillId: 't1',
      priceUnits: 600_001,
      qtyUnits: 2,
      liquidity: 'taker',
      feeUnits: 0n,
      final: true,
    });
    const second = await h.reconciler.reconcile('on_demand');
    expect(second.outcome).toBe('resolved');
    expect(outcomes(h)).toEqual(['mismatch', 'resolved']);
  });

  it('records a failed cancel and stays mismatched', async () => {
    const h = harness();
    h.venue.openOrders = [manual];
    h.venue.failCancel = true;
    const result = await h.reconciler.reconcile('start');
    expect(result.outcome).toBe('mismatch');
    expect(outcomes(h)).toEqual(['mismatch']);
    expect(result.report.actions[0]).toMatchObject({
      action: 'cancel_failed',
      error: 'E_VENUE_REJECT: -2011 Unknown order sent',
    });
  });

  it('runs concurrent reconciliations one after the other with consecutive report numbers', async () => {
    const h = harness({ firstReportNumber: 7 });
    const [a, b] = await Promise.all([h.reconciler.reconcile('periodic'), h.reconciler.reconcile('on_demand')]);
    expect([a.n, b.n]).toEqual([7, 8]);
    expect(h.venue.looks).toBe(2);
  });

  it('appends nothing but reconciliation events', async () => {
    const h = harness();
    h.venue.openOrders = [manual];
    h.venue.positionQtyUnits = 1;
    await h.reconciler.reconcile('start');
    expect(new Set(h.appended.map((e) => e.kind))).toEqual(new Set(['reconciliation']));
  });
});

describe('reconciliation report files', () => {
  it('writes reconciliation-{n}.json through the session records, numbered as the reconciler numbers it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chassis-reconcile-'));
    const h = harness({
      writeReport: (report) => Promise.resolve(writeReconciliationReport(dir, report)),
      firstReportNumber: 1,
    });
    const first = await h.reconciler.reconcile('start');
    const second = await h.reconciler.reconcile('on_demand');
    expect([first.reportPath, second.reportPath]).toEqual([
      join(dir, 'reconciliation-1.json'),
      join(dir, 'reconciliation-2.json'),
    ]);
    expect(JSON.parse(await readFile(second.reportPath, 'utf8'))).toMatchObject({
      format: 'chassis-reconciliation-v1',
      n: 2,
      outcome: 'matched',
      trigger: 'on_demand',
    });
    expect(reconciliationReportNumbers(dir)).toEqual([1, 2]);
  });
});
