/**
 * The ccxt adapter (binanceusdm) against the Binance USD-M emulator: every request answered once
 * with the requestSeq it answers, fills once each, uncertain outcomes resolved by query and never
 * re-sent. Expected values come from the venue's own records (raw signed requests written from
 * Binance's documentation) and Binance's fee formula, not from the adapter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { VenueAnswer } from '@chassis/venues';
import {
  INSTRUMENT,
  bestQuotesUnits,
  ccxtAdapterOn,
  eventually,
  requestSent,
  signedClient,
  steppedEmulator,
} from './emulator-harness.ts';
import type { AdapterUnderTest, BinanceUsdmEmulator } from './emulator-harness.ts';

let emulator: BinanceUsdmEmulator | undefined;
let under: AdapterUnderTest | undefined;
afterEach(async () => {
  await under?.adapter.stop();
  await emulator?.stop();
  under = undefined;
  emulator = undefined;
});

async function start(): Promise<{ emulator: BinanceUsdmEmulator; under: AdapterUnderTest }> {
  emulator = await steppedEmulator();
  under = await ccxtAdapterOn(emulator);
  return { emulator, under };
}

const kinds = (answers: readonly VenueAnswer[], orderId: number): string[] =>
  answers.filter((a) => a.orderId === orderId).map((a) => a.kind);

/** The venue's open orders as Binance lists them (raw signed GET /fapi/v1/openOrders). */
async function venueOpenOrders(
  e: BinanceUsdmEmulator,
): Promise<{ clientOrderId: string; price: string; origQty: string }[]> {
  return (await signedClient(e).signed('GET', '/fapi/v1/openOrders', { symbol: 'BTCUSDT' })).json as {
    clientOrderId: string;
    price: string;
    origQty: string;
  }[];
}

describe('ccxt adapter against the Binance USD-M emulator', () => {
  it('places, modifies, queries by client id and cancels an order, each answer carrying the seq of its request', async () => {
    const { emulator: e, under: u } = await start();
    const { bid } = await bestQuotesUnits(e);
    const placed = requestSent({ request: 'new', orderId: 1, priceUnits: bid - 50_000, qtyUnits: 5 });
    u.adapter.submit(placed);
    await eventually(() => u.answers.length === 1, 'the acknowledgement');
    expect(u.answers[0]).toMatchObject({ kind: 'order_accepted', orderId: 1, requestSeq: placed.seq });

    const modified = requestSent({ request: 'replace', orderId: 1, priceUnits: bid - 60_000, qtyUnits: 6 });
    u.adapter.submit(modified);
    await eventually(() => u.answers.length === 2, 'the modify answer');
    expect(u.answers[1]).toMatchObject({
      kind: 'order_replaced',
      orderId: 1,
      requestSeq: modified.seq,
      priceUnits: bid - 60_000,
      qtyUnits: 6,
    });
    expect(await u.adapter.queryOrder(1, INSTRUMENT.id)).toMatchObject({
      orderId: 1,
      priceUnits: bid - 60_000,
      qtyUnits: 6,
      filledQtyUnits: 0,
      status: 'open',
    });
    const listed = await venueOpenOrders(e);
    expect(listed.map((o) => [o.clientOrderId, o.origQty])).toEqual([[u.adapter.ids.encode(1), '0.006']]);

    const cancel = requestSent({ request: 'cancel', orderId: 1 });
    u.adapter.submit(cancel);
    await eventually(() => u.answers.length === 3, 'the cancel answer');
    expect(u.answers[2]).toMatchObject({
      kind: 'order_cancelled',
      orderId: 1,
      requestSeq: cancel.seq,
      reason: 'requested',
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(kinds(u.answers, 1)).toEqual(['order_accepted', 'order_replaced', 'order_cancelled']);
    expect(await venueOpenOrders(e)).toEqual([]);
  });

  it('answers a market order with its acknowledgement, then one final fill whose fee is Binance taker notional × 0.05 % in settlement units', async () => {
    const { under: u } = await start();
    u.adapter.submit(requestSent({ request: 'new', orderId: 2, orderType: 'market', timeInForce: 'IOC', qtyUnits: 3 }));
    await eventually(() => u.answers.some((a) => a.kind === 'order_filled'), 'the fill');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(kinds(u.answers, 2)).toEqual(['order_accepted', 'order_filled']);
    const fill = u.answers[1]!;
    if (fill.kind !== 'order_filled') throw new Error('not a fill');
    expect(fill).toMatchObject({ qtyUnits: 3, liquidity: 'taker', final: true });
    // Settlement units are 10^-(2+3) USDT = price units × qty units; fee = ceil(notional × 500 / 10^6).
    const notional = BigInt(fill.priceUnits) * BigInt(fill.qtyUnits);
    expect(fill.feeUnits).toBe((notional * 500n + 999_999n) / 1_000_000n);
    const account = await u.adapter.fetchAccountState();
    expect(account.positions).toEqual([{ instrument: INSTRUMENT.id, qtyUnits: 3 }]);
  });

  it('answers a venue refusal (notional under the 100 USDT minimum, -4164) as order_rejected', async () => {
    const { emulator: e, under: u } = await start();
    const { bid } = await bestQuotesUnits(e);
    const tooSmall = requestSent({ request: 'new', orderId: 3, priceUnits: bid - 50_000, qtyUnits: 1 });
    u.adapter.submit(tooSmall);
    await eventually(() => u.answers.length === 1, 'the refusal');
    expect(u.answers[0]).toMatchObject({ kind: 'order_rejected', orderId: 3, requestSeq: tooSmall.seq });
    expect((u.answers[0] as { reason: string }).reason).toContain('-4164');
  });

  it('resolves a new order whose answer was lost after the venue acted by querying its client id, and never sends it again', async () => {
    const { emulator: e, under: u } = await start();
    const { bid } = await bestQuotesUnits(e);
    e.faults.dropNextOrderAnswer();
    const placed = requestSent({ request: 'new', orderId: 4, priceUnits: bid - 50_000, qtyUnits: 2 });
    u.adapter.submit(placed);
    await eventually(() => u.answers.length === 1, 'the acknowledgement found by query', 10_000);
    expect(u.answers[0]).toMatchObject({ kind: 'order_accepted', orderId: 4, requestSeq: placed.seq });
    expect((await venueOpenOrders(e)).map((o) => o.clientOrderId)).toEqual([u.adapter.ids.encode(4)]);
    expect(u.logs.some((l) => l.startsWith('new order outcome uncertain'))).toBe(true);
  });

  it('leaves a new order in flight, unanswered, when the venue answered 503 without acting and does not know it', async () => {
    const { emulator: e, under: u } = await start();
    const { bid } = await bestQuotesUnits(e);
    e.faults.unknownStatusNextOrder({ acted: false });
    u.adapter.submit(requestSent({ request: 'new', orderId: 5, priceUnits: bid - 50_000, qtyUnits: 2 }));
    // 5 queries, 50 ms doubling: done after ~1.55 s.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(u.answers).toEqual([]);
    expect(await venueOpenOrders(e)).toEqual([]);
  });

  it('resolves a new order answered 503 "unknown status" after the venue acted by query: accepted once, one order on the venue', async () => {
    const { emulator: e, under: u } = await start();
    const { bid } = await bestQuotesUnits(e);
    e.faults.unknownStatusNextOrder();
    const placed = requestSent({ request: 'new', orderId: 7, priceUnits: bid - 50_000, qtyUnits: 2 });
    u.adapter.submit(placed);
    await eventually(() => u.answers.length === 1, 'the acknowledgement found by query', 10_000);
    expect(u.answers[0]).toMatchObject({ kind: 'order_accepted', orderId: 7, requestSeq: placed.seq });
    expect((await venueOpenOrders(e)).map((o) => o.clientOrderId)).toEqual([u.adapter.ids.encode(7)]);
  });

  it('resolves a cancel whose answer was lost after the venue acted by query, answering order_cancelled once', async () => {
    const { emulator: e, under: u } = await start();
    const { bid } = await bestQuotesUnits(e);
    u.adapter.submit(requestSent({ request: 'new', orderId: 8, priceUnits: bid - 50_000, qtyUnits: 2 }));
    await eventually(() => u.answers.length === 1, 'the acknowledgement');
    e.faults.dropNextOrderAnswer();
    const cancel = requestSent({ request: 'cancel', orderId: 8 });
    u.adapter.submit(cancel);
    await eventually(() => u.answers.length === 2, 'the cancel found by query', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(u.answers.map((a) => [a.kind, a.requestSeq])).toEqual([
      ['order_accepted', u.answers[0]!.requestSeq],
      ['order_cancelled', cancel.seq],
    ]);
    expect(await venueOpenOrders(e)).toEqual([]);
  });

  it('answers the fills a cancelled order had before its cancel answer, so no fill reaches the engine after the order ended', async () => {
    // The replay fills whole orders at once, so the partial fill is staged: the venue's cancel
    // answer says 0.002 of 0.005 were filled, and its trade list holds that fill.
    emulator = await steppedEmulator();
    under = await ccxtAdapterOn(emulator, { pollIntervalMs: 60_000 }); // no poll runs during the test
    const u = under;
    const { bid } = await bestQuotesUnits(emulator);
    u.adapter.submit(requestSent({ request: 'new', orderId: 9, priceUnits: bid - 50_000, qtyUnits: 5 }));
    await eventually(() => u.answers.length === 1, 'the acknowledgement');
    const venueOrderId = (u.answers[0] as { venueOrderId: string }).venueOrderId;
    const exchange = u.adapter.exchange as unknown as Record<string, unknown>;
    const cancelOrder = exchange['cancelOrder'] as (id: string, symbol: string) => Promise<Record<string, unknown>>;
    exchange['cancelOrder'] = async (id: string, symbol: string) => ({
      ...(await cancelOrder.call(u.adapter.exchange, id, symbol)),
      filled: 0.002,
    });
    const partialFill = {
      id: 'T1',
      order: venueOrderId,
      price: (bid - 50_000) / 100,
      amount: 0.002,
      takerOrMaker: 'maker',
      fee: { cost: 0.0246, currency: 'USDT' },
      timestamp: Date.now(),
    };
    exchange['fetchMyTrades'] = () => Promise.resolve([partialFill]);
    const cancel = requestSent({ request: 'cancel', orderId: 9 });
    u.adapter.submit(cancel);
    await eventually(() => u.answers.some((a) => a.kind === 'order_cancelled'), 'the cancel answer');
    expect(u.answers.map((a) => [a.kind, a.requestSeq])).toEqual([
      ['order_accepted', u.answers[0]!.requestSeq],
      ['order_filled', -1],
      ['order_cancelled', cancel.seq],
    ]);
    expect(u.answers[1]).toMatchObject({ fillId: 'T1', qtyUnits: 2, final: false });
  });

  it('fetches the account as reconciliation needs it: open orders decoded to core order ids, the wallet balance, venue time', async () => {
    const { emulator: e, under: u } = await start();
    const { bid } = await bestQuotesUnits(e);
    u.adapter.submit(requestSent({ request: 'new', orderId: 6, priceUnits: bid - 50_000, qtyUnits: 2 }));
    await eventually(() => u.answers.length === 1, 'the acknowledgement');
    const account = await u.adapter.fetchAccountState();
    expect(account.openOrders).toMatchObject([
      { orderId: 6, clientOrderId: u.adapter.ids.encode(6), priceUnits: bid - 50_000, qtyUnits: 2, status: 'open' },
    ]);
    expect(account.balances).toEqual([{ asset: 'USDT', amount: '10000.00000000' }]);
    expect(account.positions).toEqual([]);
    expect(Math.abs(Number(account.asOfNs / 1_000_000n) - Date.now())).toBeLessThan(5_000);
  });
});
