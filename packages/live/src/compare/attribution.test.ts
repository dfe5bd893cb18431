import { describe, expect, it } from 'vitest';
import { attributeDifferences } from './attribution.ts';
import { executionHistory, type ExecutionHistory, type OrderHistory } from './execution-history.ts';
import { pairOrders } from './order-pairs.ts';

const I = 'binance-usdm:BTCUSDT';
const MS = 1_000_000n;

function order(id: number, requestMs: bigint, o: Partial<OrderHistory> = {}): OrderHistory {
  return {
    orderId: id,
    instrument: I,
    side: 'buy',
    priceUnits: 600_000,
    qtyUnits: 1,
    clientTag: 'mm',
    signalNs: requestMs * MS,
    requestNs: requestMs * MS,
    ackNs: (requestMs + 1n) * MS,
    firstFillNs: null,
    firstFillLiquidity: null,
    endNs: null,
    filledQtyUnits: 0,
    replaces: 0,
    cancels: 0,
    status: 'open',
    ...o,
  };
}

const quiet: ExecutionHistory = executionHistory([]);

describe('attribution of differences', () => {
  it('puts an order whose life overlaps a degraded feed interval under data_gap, whatever else differs', () => {
    const s = [
      order(1, 100n, {
        filledQtyUnits: 1,
        firstFillNs: 102n * MS,
        firstFillLiquidity: 'maker',
        status: 'filled',
        endNs: 102n * MS,
      }),
    ];
    const b = [order(1, 100n, { ackNs: 150n * MS })];
    const gaps = [{ instrument: I, fromNs: 101n * MS, toNs: 120n * MS, reason: 'sequence gap' }];
    const [d] = attributeDifferences(
      pairOrders(s, b, 1000n * MS),
      { session: quiet, backtest: quiet },
      { gaps },
      1000n * MS,
    );
    expect(d).toMatchObject({ kind: 'fill_outcome', attribution: 'data_gap' });
    expect(d!.why).toContain('sequence gap');
  });

  it('puts a fill that came before the other side was acknowledged under latency, with both delays in the reason', () => {
    const s = [order(1, 100n, { ackNs: 150n * MS })];
    const b = [
      order(1, 100n, {
        filledQtyUnits: 1,
        firstFillNs: 102n * MS,
        firstFillLiquidity: 'taker',
        status: 'filled',
        endNs: 102n * MS,
      }),
    ];
    const [d] = attributeDifferences(
      pairOrders(s, b, 1000n * MS),
      { session: quiet, backtest: quiet },
      { gaps: [] },
      1000n * MS,
    );
    expect(d).toMatchObject({
      attribution: 'latency',
      why: 'backtest order filled 2.000 ms after its request; the session order was acknowledged only after 50.000 ms',
    });
  });

  it('puts a maker fill with both orders acknowledged in time under queue position', () => {
    const s = [
      order(1, 100n, {
        ackNs: 101n * MS,
        filledQtyUnits: 1,
        firstFillNs: 300n * MS,
        firstFillLiquidity: 'maker',
        status: 'filled',
        endNs: 300n * MS,
      }),
    ];
    const b = [order(1, 100n, { ackNs: 101n * MS })];
    const [d] = attributeDifferences(
      pairOrders(s, b, 1000n * MS),
      { session: quiet, backtest: quiet },
      { gaps: [] },
      1000n * MS,
    );
    expect(d).toMatchObject({ attribution: 'queue_position' });
  });

  it('puts an order on one side only after an earlier difference under earlier_difference, and the first one under unexplained', () => {
    const s = [order(1, 100n), order(2, 200n, { priceUnits: 600_001 })];
    const diffs = attributeDifferences(
      pairOrders(s, [], 1000n * MS),
      { session: quiet, backtest: quiet },
      { gaps: [] },
      1000n * MS,
    );
    expect(diffs.map((d) => [d.kind, d.attribution])).toEqual([
      ['only_in_session', 'unexplained'],
      ['only_in_session', 'earlier_difference'],
    ]);
  });

  it('pairs orders of the same intent within the window only, repeats in order', () => {
    const s = [order(1, 100n), order(2, 5000n)];
    const b = [order(7, 110n), order(8, 130n)];
    const pairs = pairOrders(s, b, 1000n * MS);
    expect(pairs.map((p) => [p.session?.orderId ?? null, p.backtest?.orderId ?? null])).toEqual([
      [1, 7],
      [2, null],
      [null, 8],
    ]);
  });
});

describe('execution history', () => {
  const t = (ms: bigint) => ms * MS;
  it('closes a degraded interval at the restored event and leaves one open at the end', () => {
    const h = executionHistory([
      {
        kind: 'feed_health',
        seq: 1,
        tsEventNs: t(1n),
        tsLocalNs: t(1n),
        instrument: I,
        state: 'degraded',
        reason: 'gap',
      },
      {
        kind: 'feed_health',
        seq: 2,
        tsEventNs: t(5n),
        tsLocalNs: t(5n),
        instrument: I,
        state: 'restored',
        reason: 'synced',
      },
      {
        kind: 'feed_health',
        seq: 3,
        tsEventNs: t(9n),
        tsLocalNs: t(9n),
        instrument: I,
        state: 'degraded',
        reason: 'silent',
      },
    ]);
    expect(h.degraded).toEqual([
      { instrument: I, fromNs: t(1n), toNs: t(5n), reason: 'gap' },
      { instrument: I, fromNs: t(9n), toNs: null, reason: 'silent' },
    ]);
  });

  it('counts a repeated fill (same order id and fill id) once', () => {
    const h = executionHistory([
      {
        kind: 'request_sent',
        seq: 1,
        tsEventNs: t(1n),
        tsLocalNs: t(1n),
        request: 'new',
        orderId: 1,
        instrument: I,
        side: 'buy',
        orderType: 'limit',
        priceUnits: 600_000,
        qtyUnits: 2,
        timeInForce: 'GTC',
        postOnly: false,
        reduceOnly: false,
        clientTag: '',
      },
      {
        kind: 'order_filled',
        seq: 2,
        tsEventNs: t(3n),
        tsLocalNs: t(3n),
        orderId: 1,
        requestSeq: 1,
        fillId: 'a',
        priceUnits: 600_000,
        qtyUnits: 1,
        liquidity: 'maker',
        feeUnits: 1n,
        final: false,
      },
      {
        kind: 'order_filled',
        seq: 3,
        tsEventNs: t(4n),
        tsLocalNs: t(4n),
        orderId: 1,
        requestSeq: -1,
        fillId: 'a',
        priceUnits: 600_000,
        qtyUnits: 1,
        liquidity: 'maker',
        feeUnits: 1n,
        final: false,
      },
    ]);
    expect(h.fills).toHaveLength(1);
    expect(h.duplicateFills).toBe(1);
    expect(h.orders[0]).toMatchObject({ filledQtyUnits: 1, ackNs: t(3n), status: 'open' });
    expect(h.requestToAckNs).toEqual([2n * MS]);
  });
});
