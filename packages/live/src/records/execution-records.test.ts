import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine, type Event, type EventDraft, type Intent } from '@chassis/core';
import { ExecutionRecords, readFillRecords, readOrderRecords } from './execution-records.ts';
import { BTC, baseConfig } from '../../../core/src/testing/fixtures.ts';

/** Buys 2 lots at 60000.0 on the first BBO, nothing after. */
function oneBuy(): { onEvent(): readonly Intent[] } {
  let done = false;
  return {
    onEvent: () =>
      done ? [] : ((done = true), [{ type: 'new', instrument: BTC.id, side: 'buy', priceUnits: 600_000, qtyUnits: 2 }]),
  };
}

/** Plays the session loop: numbers, steps and records each event and the requests it dispatches. */
function session(dir: string): { engine: Engine; push(d: EventDraft): void; records: ExecutionRecords } {
  const engine = createEngine(baseConfig(), oneBuy());
  const records = new ExecutionRecords(dir, { fresh: true });
  let seq = 0;
  const push = (d: EventDraft) => {
    const e = { ...d, seq: ++seq } as Event;
    const r = engine.step(e);
    records.record(e, engine.view);
    for (const req of r.requestsSent) {
      seq = req.seq;
      records.record(req, engine.view);
    }
  };
  return { engine, push, records };
}

const t = 1_764_633_600_000_000_000n;

/** The BBO on which oneBuy() sends its order (seq 1; the order's RequestSent is seq 2). */
const firstBbo: EventDraft = {
  kind: 'bbo',
  tsEventNs: t,
  tsLocalNs: t,
  instrument: BTC.id,
  updateId: 1n,
  bidPriceUnits: 599_990,
  bidQtyUnits: 5,
  askPriceUnits: 600_010,
  askQtyUnits: 5,
};

describe('execution records', () => {
  it('write one order line per change with the order as the engine sees it, and one fill line per fill applied with the position after it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'records-'));
    const s = session(dir);
    s.push(firstBbo);
    s.push({
      kind: 'order_accepted',
      tsEventNs: t + 1n,
      tsLocalNs: t + 2n,
      orderId: 1,
      requestSeq: 2,
      venueOrderId: 'v1',
    });
    s.push({
      kind: 'order_filled',
      tsEventNs: t + 3n,
      tsLocalNs: t + 4n,
      orderId: 1,
      requestSeq: -1,
      fillId: 'f1',
      priceUnits: 600_000,
      qtyUnits: 1,
      liquidity: 'maker',
      feeUnits: 12_000n,
      final: false,
    });
    s.records.close();
    const orders = readOrderRecords(dir);
    expect(orders.map((o) => [o.seq, o.event, o.status, o.filledQtyUnits])).toEqual([
      [2, 'request_sent', 'submitted', 0],
      [3, 'order_accepted', 'accepted', 0],
      [4, 'order_filled', 'partially_filled', 1],
    ]);
    expect(orders[0]).toMatchObject({
      request: 'new',
      orderId: 1,
      side: 'buy',
      priceUnits: 600_000,
      qtyUnits: 2,
      tsLocalNs: t.toString(),
    });
    expect(readFillRecords(dir)).toEqual([
      {
        seq: 4,
        tsLocalNs: (t + 4n).toString(),
        tsEventNs: (t + 3n).toString(),
        orderId: 1,
        fillId: 'f1',
        instrument: BTC.id,
        side: 'buy',
        priceUnits: 600_000,
        qtyUnits: 1,
        liquidity: 'maker',
        feeUnits: '12000',
        feeCurrency: 'USDT',
        final: false,
        positionQtyUnits: 1,
        realizedPnlUnits: '0',
      },
    ]);
  });

  it('write a fill whose order id and fill id were already recorded only once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'records-'));
    const s = session(dir);
    s.push(firstBbo);
    const fill = {
      kind: 'order_filled',
      tsEventNs: t + 3n,
      tsLocalNs: t + 4n,
      orderId: 1,
      requestSeq: 2,
      fillId: 'f1',
      priceUnits: 600_000,
      qtyUnits: 1,
      liquidity: 'maker',
      feeUnits: 12_000n,
      final: false,
    } as const;
    s.push(fill);
    s.push({ ...fill, requestSeq: -1, tsLocalNs: t + 5n });
    s.records.close();
    expect(readFillRecords(dir).map((f) => f.seq)).toEqual([3]);
  });
});
