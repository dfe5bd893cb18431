import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderTracker, type ExecutionDraft, type OrderSnapshot, type TradeObservation } from './order-tracker.ts';
import { BTCUSDT, requestSent } from './test-fixtures.ts';

const CID = 'chabcdef01-7';

function setup(): { tracker: OrderTracker; out: ExecutionDraft[] } {
  const out: ExecutionDraft[] = [];
  const tracker = new OrderTracker((d) => out.push(d));
  tracker.begin(requestSent({ seq: 11, request: 'new', orderId: 7, qtyUnits: 10 }), CID, BTCUSDT);
  return { tracker, out };
}

const snap = (p: Partial<OrderSnapshot>): OrderSnapshot => ({
  clientOrderId: CID,
  venueOrderId: '555',
  status: 'NEW',
  priceUnits: 6_000_000,
  qtyUnits: 10,
  executedQtyUnits: 0,
  tsMs: 1000,
  ...p,
});
const trade = (tradeId: string, qtyUnits: number, p: Partial<TradeObservation> = {}): TradeObservation => ({
  clientOrderId: CID,
  venueOrderId: '555',
  tradeId,
  priceUnits: 6_000_000,
  qtyUnits,
  liquidity: 'maker',
  feeUnits: 12n,
  tsMs: 2000,
  ...p,
});
const kinds = (out: ExecutionDraft[]): string[] => out.map((d) => d.kind);

describe('order tracker: each venue answer reaches the session once', () => {
  it('the venue NEW answers the new request: one order_accepted carrying its RequestSent seq', () => {
    const { tracker, out } = setup();
    tracker.observeOrder(snap({}));
    expect(out).toEqual([
      {
        kind: 'order_accepted',
        venueOrderId: '555',
        orderId: 7,
        requestSeq: 11,
        tsEventNs: 1_000_000_000n,
        tsLocalNs: 0n,
      },
    ]);
  });

  it('the REST answer and the stream NEW of the same order give one order_accepted', () => {
    const { tracker, out } = setup();
    tracker.observeOrder(snap({}));
    tracker.observeOrder(snap({ tsMs: 1001 }));
    expect(kinds(out)).toEqual(['order_accepted']);
  });

  it('fills pass on trade id, maker/taker and fee; the one completing the order is final and answers no request', () => {
    const { tracker, out } = setup();
    tracker.observeOrder(snap({}));
    tracker.observeTrade(trade('t1', 4));
    tracker.observeTrade(trade('t2', 6, { liquidity: 'taker', feeUnits: 30n }));
    expect(out.slice(1)).toEqual([
      {
        kind: 'order_filled',
        fillId: 't1',
        priceUnits: 6_000_000,
        qtyUnits: 4,
        liquidity: 'maker',
        feeUnits: 12n,
        final: false,
        orderId: 7,
        requestSeq: -1,
        tsEventNs: 2_000_000_000n,
        tsLocalNs: 0n,
      },
      {
        kind: 'order_filled',
        fillId: 't2',
        priceUnits: 6_000_000,
        qtyUnits: 6,
        liquidity: 'taker',
        feeUnits: 30n,
        final: true,
        orderId: 7,
        requestSeq: -1,
        tsEventNs: 2_000_000_000n,
        tsLocalNs: 0n,
      },
    ]);
  });

  it('a trade seen on the stream and again in userTrades is passed on once and counted as a duplicate', () => {
    const { tracker, out } = setup();
    tracker.observeTrade(trade('t1', 4));
    tracker.observeTrade(trade('t1', 4));
    expect(kinds(out)).toEqual(['order_accepted', 'order_filled']);
    expect(tracker.duplicateFills).toBe(1);
  });

  it('a cancel reported before a fill it counted waits for that fill, then answers the cancel request', () => {
    const { tracker, out } = setup();
    tracker.observeOrder(snap({}));
    tracker.begin(requestSent({ seq: 20, request: 'cancel', orderId: 7 }), CID, BTCUSDT);
    tracker.observeOrder(snap({ status: 'CANCELED', executedQtyUnits: 3 }));
    expect(kinds(out)).toEqual(['order_accepted']);
    expect(tracker.missingFillUnits(CID)).toBe(3);
    tracker.observeTrade(trade('t1', 3));
    expect(out.slice(1).map((d) => [d.kind, d.requestSeq])).toEqual([
      ['order_filled', -1],
      ['order_cancelled', 20],
    ]);
    expect(out[2]).toMatchObject({ reason: 'requested' });
  });

  it('a modify answered by REST and echoed as AMENDMENT on the stream gives one order_replaced for the replace request', () => {
    const { tracker, out } = setup();
    tracker.observeOrder(snap({}));
    tracker.begin(
      requestSent({ seq: 30, request: 'replace', orderId: 7, priceUnits: 6_000_100, qtyUnits: 12 }),
      CID,
      BTCUSDT,
    );
    tracker.observeOrder(snap({ priceUnits: 6_000_000 })); // a stale view: not the amendment
    tracker.observeOrder(snap({ priceUnits: 6_000_100, qtyUnits: 12 }));
    tracker.observeOrder(snap({ priceUnits: 6_000_100, qtyUnits: 12 }));
    expect(out.slice(1)).toEqual([
      {
        kind: 'order_replaced',
        priceUnits: 6_000_100,
        qtyUnits: 12,
        orderId: 7,
        requestSeq: 30,
        tsEventNs: 1_000_000_000n,
        tsLocalNs: 0n,
      },
    ]);
  });

  it("a refused modify is cancel_replace_rejected with the venue's reason", () => {
    const { tracker, out } = setup();
    tracker.observeOrder(snap({}));
    tracker.begin(requestSent({ seq: 30, request: 'replace', orderId: 7 }), CID, BTCUSDT);
    tracker.refuse(CID, '-5027 No need to modify the order.', 3000);
    expect(out[1]).toEqual({
      kind: 'cancel_replace_rejected',
      request: 'replace',
      reason: '-5027 No need to modify the order.',
      orderId: 7,
      requestSeq: 30,
      tsEventNs: 3_000_000_000n,
      tsLocalNs: 0n,
    });
  });

  it("a refused new is order_rejected with the venue's reason and nothing follows it", () => {
    const { tracker, out } = setup();
    tracker.refuse(
      CID,
      '-5022 Due to the order could not be executed as maker, the Post Only order will be rejected.',
      3000,
    );
    tracker.observeOrder(snap({}));
    expect(out).toEqual([
      {
        kind: 'order_rejected',
        reason: '-5022 Due to the order could not be executed as maker, the Post Only order will be rejected.',
        orderId: 7,
        requestSeq: 11,
        tsEventNs: 3_000_000_000n,
        tsLocalNs: 0n,
      },
    ]);
  });

  it('an IOC remainder the venue expires is order_expired after its fill', () => {
    const { tracker, out } = setup();
    tracker.observeOrder(snap({}));
    tracker.observeTrade(trade('t1', 4));
    tracker.observeOrder(snap({ status: 'EXPIRED', executedQtyUnits: 4, reason: 'ioc' }));
    expect(kinds(out)).toEqual(['order_accepted', 'order_filled', 'order_expired']);
  });

  it('orders that are not ours (the documented TEST client id) produce nothing', () => {
    const { tracker, out } = setup();
    tracker.observeOrder(snap({ clientOrderId: 'TEST' }));
    tracker.observeTrade(trade('t9', 1, { clientOrderId: 'TEST' }));
    expect(out).toEqual([]);
  });
});

/**
 * The law behind all of the above, checked against a plain model of one order's history: the
 * venue accepted it, filled it in some trades and maybe cancelled the rest. Whatever order the
 * REST answer, the stream messages (in their own order), repeated queries and userTrades replays
 * arrive in, the session sees: accepted first and once; every trade exactly once; the
 * filled-or-cancelled end once and last; `final` on the fill completing the order only.
 */
describe('order tracker law', () => {
  const history = fc.record({
    fills: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 6 }),
    cancelled: fc.boolean(),
    extra: fc.integer({ min: 1, max: 4 }),
  });

  it('any interleaving and repetition of the same facts gives the same answers once each', () => {
    fc.assert(
      fc.property(history, fc.infiniteStream(fc.nat()), ({ fills, cancelled, extra }, picks) => {
        const total = fills.reduce((a, b) => a + b, 0);
        const qty = cancelled || total === 0 ? total + extra : total;
        const out: ExecutionDraft[] = [];
        const tracker = new OrderTracker((d) => out.push(d));
        tracker.begin(requestSent({ seq: 1, request: 'new', orderId: 7, qtyUnits: qty }), CID, BTCUSDT);
        if (cancelled) tracker.begin(requestSent({ seq: 2, request: 'cancel', orderId: 7 }), CID, BTCUSDT);
        const s = (status: OrderSnapshot['status'], executed: number): OrderSnapshot =>
          snap({ status, executedQtyUnits: executed, qtyUnits: qty });
        // The stream, in venue order.
        let cum = 0;
        const stream: (() => void)[] = [() => tracker.observeOrder(s('NEW', 0))];
        fills.forEach((q, i) => {
          cum += q;
          stream.push(() => tracker.observeTrade(trade(`t${i}`, q)));
        });
        if (cancelled) stream.push(() => tracker.observeOrder(s('CANCELED', total)));
        // Out-of-band copies: REST answer, queries of the final state, userTrades replays.
        const extras: (() => void)[] = [
          () => tracker.observeOrder(s('NEW', 0)),
          () => tracker.observeOrder(s(cancelled ? 'CANCELED' : total === qty ? 'FILLED' : 'NEW', total)),
        ];
        fills.forEach((q, i) => extras.push(() => tracker.observeTrade(trade(`t${i}`, q))));
        const it = picks[Symbol.iterator]();
        let si = 0;
        const pending = [...extras];
        while (si < stream.length || pending.length > 0) {
          const n = it.next().value as number;
          if (pending.length > 0 && (si >= stream.length || n % 2 === 0)) pending.splice(n % pending.length, 1)[0]!();
          else stream[si++]!();
        }
        const k = kinds(out);
        expect(k[0]).toBe('order_accepted');
        expect(k.filter((x) => x === 'order_accepted')).toHaveLength(1);
        const filled = out.filter((d) => d.kind === 'order_filled');
        expect(filled.map((d) => d.fillId).sort()).toEqual(fills.map((_, i) => `t${i}`).sort());
        expect(filled.reduce((a, d) => a + d.qtyUnits, 0)).toBe(total);
        expect(filled.filter((d) => d.final).length).toBe(!cancelled && total === qty && total > 0 ? 1 : 0);
        if (cancelled) {
          expect(k.at(-1)).toBe('order_cancelled');
          expect(k.filter((x) => x === 'order_cancelled')).toHaveLength(1);
          expect(out.at(-1)!.requestSeq).toBe(2);
        } else if (total === qty && total > 0) expect(out.at(-1)).toMatchObject({ kind: 'order_filled', final: true });
        expect(cum).toBe(total);
      }),
      { numRuns: 300 },
    );
  });
});
