/**
 * The adapter against the Binance USD-M emulator (test/binance-usdm-emulator): the venue's own
 * matching (the simulated venue on the replayed capture), account book-keeping and fault API are
 * the oracle — fills are compared with the trades the emulator booked, "nothing re-sent" with the
 * order count the emulator reports in X-MBX-ORDER-COUNT-10S.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { VenueAnswer } from '@chassis/venues';
import {
  startBinanceUsdmEmulator,
  type BinanceUsdmEmulator,
  type BinanceUsdmEmulatorOptions,
} from '../../../../../test/binance-usdm-emulator/index.ts';
import { clientOrderIds } from '../../client-order-id.ts';
import type { VenueLinkEvent } from '../../contracts.ts';
import { createBinanceUsdmAdapter, type BinanceUsdmAdapter } from './adapter.ts';
import type { RateLimitNotice } from './rest-client.ts';
import { BinanceCredentials } from './signing.ts';
import { BTCUSDT, requestSent } from './test-fixtures.ts';

const SESSION = 'emulator-drills';
const cid = (orderId: number): string => clientOrderIds(SESSION).encode(orderId);

let emu: BinanceUsdmEmulator | undefined;
let adapter: BinanceUsdmAdapter | undefined;
let answers: VenueAnswer[] = [];
let links: VenueLinkEvent[] = [];
let notices: RateLimitNotice[] = [];

afterEach(async () => {
  await adapter?.stop();
  await emu?.stop();
  adapter = emu = undefined;
});

async function connect(
  options: BinanceUsdmEmulatorOptions = {},
): Promise<{ e: BinanceUsdmEmulator; a: BinanceUsdmAdapter }> {
  emu = await startBinanceUsdmEmulator({ speed: 'manual', start: 'manual', ...options });
  emu.market.step(2000);
  answers = [];
  links = [];
  notices = [];
  adapter = createBinanceUsdmAdapter({
    sessionId: SESSION,
    instruments: [BTCUSDT],
    restBaseUrl: emu.restBaseUrl,
    wsBaseUrl: emu.userStreamBaseUrl,
    credentials: new BinanceCredentials(emu.apiKey, emu.apiSecret),
    requestTimeoutMs: 2000,
    resolveDelaysMs: [50, 100, 200, 400],
    reconnectBackoff: { baseMs: 20, maxMs: 100 },
    fillGraceMs: 200,
    auditIntervalMs: 0,
  });
  adapter.onAnswer((x) => answers.push(x));
  adapter.onLink((l) => links.push(l));
  adapter.onRateLimited((n) => notices.push(n));
  await adapter.start();
  return { e: emu, a: adapter };
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until)
      throw new Error(
        `timed out waiting for ${what}; answers: ${JSON.stringify(answers.map((a) => [a.kind, a.orderId, a.requestSeq]))}`,
      );
    await new Promise((r) => setTimeout(r, 10));
  }
}

const of = (orderId: number): VenueAnswer[] => answers.filter((x) => x.orderId === orderId);
const fillsOf = (orderId: number) =>
  answers.filter(
    (x): x is Extract<VenueAnswer, { kind: 'order_filled' }> => x.kind === 'order_filled' && x.orderId === orderId,
  );

/** Best bid and ask of the emulator's book, in price units (0.01 USDT). */
async function quotes(e: BinanceUsdmEmulator): Promise<{ bidUnits: number; askUnits: number }> {
  const depth = (await (await fetch(`${e.restBaseUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=5`)).json()) as {
    bids: [string][];
    asks: [string][];
  };
  const units = (p: string): number => Math.round(Number(p) * 100);
  return { bidUnits: units(depth.bids[0]![0]), askUnits: units(depth.asks[0]![0]) };
}

/** The emulator's booked trades of one of our orders, as the session should have seen them. */
function bookedTrades(
  e: BinanceUsdmEmulator,
  orderId: number,
): { fillId: string; qtyUnits: number; priceUnits: number; feeUnits: bigint; liquidity: string }[] {
  const venueOrderId = e.account.byClientId(cid(orderId))!.orderId;
  return e.account.trades
    .filter((t) => t.orderId === venueOrderId)
    .map((t) => ({
      fillId: String(t.id),
      qtyUnits: t.qtyUnits,
      priceUnits: t.priceUnits,
      feeUnits: t.feeUnits,
      liquidity: t.liquidity,
    }));
}

const seenFills = (orderId: number) =>
  fillsOf(orderId).map((f) => ({
    fillId: f.fillId,
    qtyUnits: f.qtyUnits,
    priceUnits: f.priceUnits,
    feeUnits: f.feeUnits,
    liquidity: f.liquidity,
  }));

describe('Binance USD-M adapter on the emulator', () => {
  it('a market order: accepted, then each fill the emulator booked exactly once with its price, fee and liquidity, the last final', async () => {
    const { e, a } = await connect();
    expect(a.rateBuckets()).toEqual([
      {
        scope: 'binance-usdm',
        capacity: 60,
        refillTokens: 19,
        refillIntervalNs: 1_000_000_000n,
        weights: { new: 1, replace: 1, cancel: 1 },
      },
    ]);
    a.submit(
      requestSent({
        seq: 3,
        request: 'new',
        orderId: 1,
        orderType: 'market',
        priceUnits: 0,
        qtyUnits: 2,
        timeInForce: 'IOC',
      }),
    );
    await waitFor('filled', () => fillsOf(1).some((f) => f.final));
    await new Promise((r) => setTimeout(r, 300));
    expect(of(1)[0]).toMatchObject({ kind: 'order_accepted', requestSeq: 3 });
    expect(seenFills(1)).toEqual(bookedTrades(e, 1));
    expect(fillsOf(1).reduce((s, f) => s + f.qtyUnits, 0)).toBe(2);
    expect(fillsOf(1).at(-1)!.final).toBe(true);
    expect(
      of(1)
        .map((x) => x.kind)
        .filter((k) => k !== 'order_filled'),
    ).toEqual(['order_accepted']);
    const state = await a.fetchAccountState();
    expect(state.positions).toEqual([{ instrument: BTCUSDT.id, qtyUnits: 2 }]);
    expect(a.account.positions()).toEqual([{ instrument: BTCUSDT.id, qtyUnits: 2 }]);
    const fills = await a.recentFills(0n, BTCUSDT.id);
    expect(fills.map((f) => [f.orderId, f.fillId])).toEqual(bookedTrades(e, 1).map((t) => [1, t.fillId]));
  });

  it('cancel-all cancels every open order of the instrument; each cancellation reaches the session once', async () => {
    const { e, a } = await connect();
    const { bidUnits } = await quotes(e);
    const price = bidUnits - (bidUnits % 10) - 50_000;
    a.submit(requestSent({ seq: 3, request: 'new', orderId: 31, priceUnits: price, qtyUnits: 2 }));
    a.submit(requestSent({ seq: 4, request: 'new', orderId: 32, priceUnits: price - 10, qtyUnits: 2 }));
    await waitFor('both accepted', () => of(31).length === 1 && of(32).length === 1);
    await a.cancelAll(BTCUSDT.id);
    await waitFor('both cancelled', () => of(31).length === 2 && of(32).length === 2);
    await new Promise((r) => setTimeout(r, 200));
    expect([...of(31), ...of(32)].map((x) => x.kind)).toEqual([
      'order_accepted',
      'order_cancelled',
      'order_accepted',
      'order_cancelled',
    ]);
    expect((await a.fetchAccountState()).openOrders).toEqual([]);
  });

  it('a resting limit is modified (PUT) and cancelled, each answer carrying the seq of its request', async () => {
    const { e, a } = await connect();
    const { bidUnits } = await quotes(e);
    const price = bidUnits - (bidUnits % 10) - 50_000; // 500 USDT under the bid, on the 0.10 tick
    a.submit(requestSent({ seq: 3, request: 'new', orderId: 2, priceUnits: price, qtyUnits: 5 }));
    await waitFor('accepted', () => of(2).length === 1);
    a.submit(requestSent({ seq: 6, request: 'replace', orderId: 2, priceUnits: price - 100, qtyUnits: 4 }));
    await waitFor('replaced', () => of(2).length === 2);
    a.submit(requestSent({ seq: 9, request: 'cancel', orderId: 2 }));
    await waitFor('cancelled', () => of(2).length === 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(of(2).map((x) => [x.kind, x.requestSeq])).toEqual([
      ['order_accepted', 3],
      ['order_replaced', 6],
      ['order_cancelled', 9],
    ]);
    expect(of(2)[1]).toMatchObject({ priceUnits: price - 100, qtyUnits: 4 });
    expect(e.account.byClientId(cid(2))).toMatchObject({ status: 'CANCELED', priceUnits: price - 100, qtyUnits: 4 });
  });

  it('a post-only order that would take is rejected with -5022', async () => {
    const { e, a } = await connect();
    const { askUnits } = await quotes(e);
    a.submit(
      requestSent({ seq: 3, request: 'new', orderId: 3, priceUnits: askUnits + 1000, qtyUnits: 2, postOnly: true }),
    );
    await waitFor('rejected', () => of(3).length === 1);
    expect(of(3)[0]).toMatchObject({ kind: 'order_rejected', reason: expect.stringMatching(/^-5022 /), requestSeq: 3 });
  });
});

describe('drills on the emulator', () => {
  it('ack lost: the emulator places the order and drops the answer; the query resolves it, the emulator counts one order', async () => {
    const { e, a } = await connect();
    const { bidUnits } = await quotes(e);
    const price = bidUnits - (bidUnits % 10) - 50_000;
    e.faults.pauseUserStream(3000); // the stream must not answer it either
    e.faults.dropNextOrderAnswer();
    a.submit(requestSent({ seq: 3, request: 'new', orderId: 4, priceUnits: price, qtyUnits: 2 }));
    await waitFor('accepted by query', () => of(4).length === 1);
    expect(of(4)[0]).toMatchObject({
      kind: 'order_accepted',
      requestSeq: 3,
      venueOrderId: String(e.account.byClientId(cid(4))!.orderId),
    });
    expect(a.stats).toMatchObject({ ordersSent: 1, uncertain: 1, resolvedByQuery: 1 });
    // The emulator's own order count: this second order is its second POST, so the first was not sent again.
    a.submit(requestSent({ seq: 4, request: 'new', orderId: 5, priceUnits: price, qtyUnits: 2 }));
    await waitFor('second accepted', () => of(5).length === 1);
    expect(a.headroom().find((h) => h.limiter === 'ORDERS_10S')).toMatchObject({ used: 2 });
    expect(e.account.orders.size).toBe(2);
  });

  it('503 unknown status without acting: no answer is invented and nothing is sent again; the order stays in flight', async () => {
    const { e, a } = await connect();
    const { bidUnits } = await quotes(e);
    e.faults.unknownStatusNextOrder({ acted: false });
    a.submit(
      requestSent({ seq: 3, request: 'new', orderId: 6, priceUnits: bidUnits - (bidUnits % 10) - 50_000, qtyUnits: 2 }),
    );
    await waitFor('queries done', () => a.stats.uncertain === 1);
    await new Promise((r) => setTimeout(r, 1200));
    expect(of(6)).toEqual([]);
    expect(e.account.orders.size).toBe(0);
    expect(a.stats.ordersSent).toBe(1);
  });

  it('503 unknown status after acting on a cancel: the query finds it cancelled and answers the cancel', async () => {
    const { e, a } = await connect();
    const { bidUnits } = await quotes(e);
    a.submit(
      requestSent({ seq: 3, request: 'new', orderId: 7, priceUnits: bidUnits - (bidUnits % 10) - 50_000, qtyUnits: 2 }),
    );
    await waitFor('accepted', () => of(7).length === 1);
    e.faults.pauseUserStream(3000);
    e.faults.unknownStatusNextOrder();
    a.submit(requestSent({ seq: 5, request: 'cancel', orderId: 7 }));
    await waitFor('cancelled by query', () => of(7).length === 2);
    expect(of(7)[1]).toMatchObject({ kind: 'order_cancelled', requestSeq: 5 });
    expect(a.stats.cancelsSent).toBe(1);
  });

  it('503 unknown status on a modify the emulator applied: the query shows the new price and quantity, order_replaced answers it', async () => {
    const { e, a } = await connect();
    const { bidUnits } = await quotes(e);
    const price = bidUnits - (bidUnits % 10) - 50_000;
    a.submit(requestSent({ seq: 3, request: 'new', orderId: 15, priceUnits: price, qtyUnits: 2 }));
    await waitFor('accepted', () => of(15).length === 1);
    e.faults.pauseUserStream(3000);
    e.faults.unknownStatusNextOrder();
    a.submit(requestSent({ seq: 7, request: 'replace', orderId: 15, priceUnits: price - 20, qtyUnits: 3 }));
    await waitFor('replaced by query', () => of(15).length === 2);
    expect(of(15)[1]).toMatchObject({ kind: 'order_replaced', priceUnits: price - 20, qtyUnits: 3, requestSeq: 7 });
    expect(a.stats.replacesSent).toBe(1);
  });

  it('503 unknown status on a modify the emulator did not apply: the query shows the old price, the replace is rejected as not applied', async () => {
    const { e, a } = await connect();
    const { bidUnits } = await quotes(e);
    const price = bidUnits - (bidUnits % 10) - 50_000;
    a.submit(requestSent({ seq: 3, request: 'new', orderId: 16, priceUnits: price, qtyUnits: 2 }));
    await waitFor('accepted', () => of(16).length === 1);
    e.faults.unknownStatusNextOrder({ acted: false });
    a.submit(requestSent({ seq: 7, request: 'replace', orderId: 16, priceUnits: price - 20, qtyUnits: 3 }));
    await waitFor('replace answered by query', () => of(16).length === 2);
    expect(of(16)[1]).toMatchObject({
      kind: 'cancel_replace_rejected',
      request: 'replace',
      requestSeq: 7,
      reason: expect.stringContaining('not applied'),
    });
    expect(e.account.byClientId(cid(16))).toMatchObject({ priceUnits: price, qtyUnits: 2 });
  });

  it('a fill during a user-stream outage is found once after the reconnect, as the emulator booked it', async () => {
    const { e, a } = await connect();
    const { askUnits } = await quotes(e);
    a.submit(requestSent({ seq: 3, request: 'new', orderId: 8, side: 'sell', priceUnits: askUnits, qtyUnits: 2 }));
    await waitFor('accepted', () => of(8).length === 1);
    e.faults.pauseUserStream(60_000);
    const venueOrder = e.account.byClientId(cid(8))!;
    while (venueOrder.status !== 'FILLED' && e.market.step(200) > 0);
    expect(venueOrder.status).toBe('FILLED');
    expect(fillsOf(8)).toEqual([]);
    e.faults.closeWebSockets({ abrupt: true });
    await waitFor('reconnected', () => links.some((l) => l.type === 'reconnected'));
    expect(seenFills(8)).toEqual(bookedTrades(e, 8));
    expect(fillsOf(8).at(-1)!.final).toBe(true);
    e.faults.closeWebSockets();
    await waitFor('second reconnect', () => links.filter((l) => l.type === 'reconnected').length === 2);
    expect(seenFills(8)).toEqual(bookedTrades(e, 8));
    expect(links.map((l) => l.type)).toEqual([
      'connected',
      'disconnected',
      'reconnected',
      'disconnected',
      'reconnected',
    ]);
  });

  it('listenKeyExpired: a new listen key, stream-rotated, and the next order is answered on the new stream', async () => {
    const { e, a } = await connect();
    e.faults.expireListenKey();
    await waitFor('rotated', () => links.some((l) => l.type === 'stream-rotated'));
    a.submit(
      requestSent({
        seq: 3,
        request: 'new',
        orderId: 9,
        orderType: 'market',
        priceUnits: 0,
        qtyUnits: 2,
        timeInForce: 'IOC',
      }),
    );
    await waitFor('filled', () => fillsOf(9).some((f) => f.final) || of(9).some((x) => x.kind === 'order_rejected'));
    expect(of(9).filter((x) => x.kind === 'order_rejected')).toEqual([]);
    expect(seenFills(9)).toEqual(bookedTrades(e, 9));
  });

  it('weight exhausted: the cancel meets a 429, waits out Retry-After and then cancels; the ban (418) never comes', async () => {
    const { e, a } = await connect({ rateLimits: { minuteMs: 1500 } });
    const { bidUnits } = await quotes(e);
    a.submit(
      requestSent({
        seq: 3,
        request: 'new',
        orderId: 10,
        priceUnits: bidUnits - (bidUnits % 10) - 50_000,
        qtyUnits: 2,
      }),
    );
    await waitFor('accepted', () => of(10).length === 1);
    e.faults.exhaustWeight();
    a.submit(requestSent({ seq: 5, request: 'cancel', orderId: 10 }));
    await waitFor('429 reported', () => notices.length > 0);
    expect(notices[0]).toMatchObject({ status: 429, path: '/fapi/v1/order' });
    expect(a.headroom().find((h) => h.limiter === 'REQUEST_WEIGHT_1M')).toMatchObject({ headroom: 0 });
    await waitFor('cancelled after the back-off', () => of(10).length === 2, 5000);
    expect(of(10)[1]).toMatchObject({ kind: 'order_cancelled', requestSeq: 5 });
    expect(notices.every((n) => n.status === 429)).toBe(true);
  });

  it('order count exhausted (3 per 10 s): the fourth new is rejected with -1015 and the headroom is 0', async () => {
    const { e, a } = await connect({ rateLimits: { ordersPer10s: 3 } });
    expect(a.rateBuckets()[0]).toMatchObject({ capacity: 1, refillTokens: 1, refillIntervalNs: 5_000_000_000n });
    const { bidUnits } = await quotes(e);
    for (let i = 0; i < 4; i++)
      a.submit(
        requestSent({
          seq: 10 + i,
          request: 'new',
          orderId: 20 + i,
          priceUnits: bidUnits - (bidUnits % 10) - 50_000,
          qtyUnits: 2,
        }),
      );
    await waitFor('four answers', () => [20, 21, 22, 23].every((id) => of(id).length === 1));
    const rejected = answers.filter((x) => x.kind === 'order_rejected');
    expect(rejected).toEqual([
      expect.objectContaining({ reason: expect.stringContaining('-1015'), requestSeq: rejected[0]!.requestSeq }),
    ]);
    expect(a.headroom().find((h) => h.limiter === 'ORDERS_10S')).toMatchObject({ limit: 3, headroom: 0 });
  });
});
