/**
 * The adapter against a loopback Binance USD-M (test-venue.ts): requests, answers once each,
 * and the drills of issue 12 — ack lost, 503 unknown status, a fill during a user-stream
 * outage, disconnect and reconnect, listen-key expiry, rate-limit exhaustion, clock skew.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VenueAnswer } from '@chassis/venues';
import type { VenueLinkEvent } from '../../contracts.ts';
import { clientOrderIds } from '../../client-order-id.ts';
import { createBinanceUsdmAdapter, type BinanceUsdmAdapter, type BinanceUsdmAdapterOptions } from './adapter.ts';
import type { RateLimitNotice } from './rest-client.ts';
import { BinanceCredentials, LOG_REDACT_PATHS } from './signing.ts';
import { BTCUSDT, requestSent } from './test-fixtures.ts';
import { TEST_KEY, TEST_SECRET, TestVenue } from './test-venue.ts';

const SESSION = 'drill-session';
const cid = (orderId: number): string => clientOrderIds(SESSION).encode(orderId);

let venue: TestVenue;
let adapter: BinanceUsdmAdapter;
let answers: VenueAnswer[];
let links: VenueLinkEvent[];
let notices: RateLimitNotice[];
let logLines: string[];

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until)
      throw new Error(
        `timed out waiting for ${what}; answers: ${JSON.stringify(answers.map((a) => [a.kind, a.orderId, a.requestSeq]))}`,
      );
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Options pointing an adapter of this session at the test venue. */
function onTestVenue(): BinanceUsdmAdapterOptions {
  return {
    sessionId: SESSION,
    instruments: [BTCUSDT],
    restBaseUrl: venue.restUrl,
    wsBaseUrl: venue.wsUrl,
    credentials: new BinanceCredentials(TEST_KEY, TEST_SECRET),
  };
}

/** Stops the adapter and starts a new one of the same session (a process restart); its answers are collected apart. */
async function restartAdapter(): Promise<VenueAnswer[]> {
  await adapter.stop();
  adapter = createBinanceUsdmAdapter(onTestVenue());
  const after: VenueAnswer[] = [];
  adapter.onAnswer((a) => after.push(a));
  await adapter.start();
  return after;
}

const of = (orderId: number): VenueAnswer[] => answers.filter((a) => a.orderId === orderId);
const kindsOf = (orderId: number): string[] => of(orderId).map((a) => a.kind);

beforeEach(async () => {
  venue = new TestVenue();
  await venue.start();
  answers = [];
  links = [];
  notices = [];
  logLines = [];
  const log = pino({ redact: [...LOG_REDACT_PATHS] }, { write: (l: string) => logLines.push(l) });
  adapter = createBinanceUsdmAdapter({
    ...onTestVenue(),
    requestTimeoutMs: 2000,
    resolveDelaysMs: [50, 100, 200, 400],
    reconnectBackoff: { baseMs: 20, maxMs: 100 },
    log,
  });
  adapter.onAnswer((a) => answers.push(a));
  adapter.onLink((l) => links.push(l));
  adapter.onRateLimited((n) => notices.push(n));
  await adapter.start();
});

afterEach(async () => {
  await adapter.stop();
  await venue.stop();
  for (const line of logLines) {
    expect(line).not.toContain(TEST_SECRET);
    expect(line).not.toContain(TEST_KEY);
  }
});

describe('Binance USD-M adapter', () => {
  it('starts with the venue rate limits as one execution-control bucket and reports the connection', () => {
    expect(adapter.rateBuckets()).toEqual([
      {
        scope: 'binance-usdm',
        capacity: 60,
        refillTokens: 19,
        refillIntervalNs: 1_000_000_000n,
        weights: { new: 1, replace: 1, cancel: 1 },
      },
    ]);
    expect(links).toEqual([{ type: 'connected', reason: 'start' }]);
    expect(venue.listenKeysCreated).toBe(1);
  });

  it('without credentials given, reads them from the environment and refuses without them', () => {
    const saved = { key: process.env.CHASSIS_BINANCE_API_KEY, secret: process.env.CHASSIS_BINANCE_API_SECRET };
    delete process.env.CHASSIS_BINANCE_API_KEY;
    delete process.env.CHASSIS_BINANCE_API_SECRET;
    try {
      expect(() => createBinanceUsdmAdapter({ sessionId: SESSION, instruments: [BTCUSDT] })).toThrow(
        expect.objectContaining({ code: 'E_CREDENTIALS_MISSING' }),
      );
    } finally {
      if (saved.key !== undefined) process.env.CHASSIS_BINANCE_API_KEY = saved.key;
      if (saved.secret !== undefined) process.env.CHASSIS_BINANCE_API_SECRET = saved.secret;
    }
  });

  it('refuses to start when a configured instrument disagrees with exchangeInfo', async () => {
    const wrong = createBinanceUsdmAdapter({
      sessionId: SESSION,
      instruments: [{ ...BTCUSDT, tickUnits: 1 }],
      restBaseUrl: venue.restUrl,
      wsBaseUrl: venue.wsUrl,
      credentials: new BinanceCredentials(TEST_KEY, TEST_SECRET),
    });
    await expect(wrong.start()).rejects.toMatchObject({
      code: 'E_INSTRUMENT_MISMATCH',
      message: expect.stringContaining('tickSize is 0.10'),
    });
  });

  it('a new order is accepted once (REST answer and stream) with the seq of its RequestSent', async () => {
    adapter.submit(requestSent({ seq: 5, request: 'new', orderId: 1 }));
    await waitFor('accepted', () => of(1).length > 0);
    await new Promise((r) => setTimeout(r, 100));
    expect(of(1)).toEqual([
      {
        kind: 'order_accepted',
        venueOrderId: '1000',
        orderId: 1,
        requestSeq: 5,
        tsEventNs: expect.any(BigInt),
        tsLocalNs: 0n,
      },
    ]);
    expect(venue.orders.get(cid(1))).toMatchObject({
      price: '60000',
      origQty: '0.01',
      timeInForce: 'GTC',
      side: 'BUY',
    });
    expect(adapter.headroom().find((h) => h.limiter === 'ORDERS_10S')).toEqual({
      limiter: 'ORDERS_10S',
      header: 'X-MBX-ORDER-COUNT-10S',
      limit: 300,
      used: 1,
      headroom: 299,
    });
  });

  it('fills reach the session once each with trade id, maker/taker and fee; modify and cancel answer their requests', async () => {
    adapter.submit(requestSent({ seq: 5, request: 'new', orderId: 1 }));
    await waitFor('accepted', () => of(1).length === 1);
    const t = venue.fill(cid(1), '0.004', { commission: '0.048' });
    await waitFor('fill', () => of(1).length === 2);
    expect(of(1)[1]).toEqual({
      kind: 'order_filled',
      fillId: String(t.id),
      priceUnits: 6_000_000,
      qtyUnits: 4,
      liquidity: 'maker',
      feeUnits: 4_800n,
      final: false,
      orderId: 1,
      requestSeq: -1,
      tsEventNs: expect.any(BigInt),
      tsLocalNs: 0n,
    });
    adapter.submit(requestSent({ seq: 9, request: 'replace', orderId: 1, priceUnits: 5_999_990, qtyUnits: 12 }));
    await waitFor('replaced', () => kindsOf(1).includes('order_replaced'));
    adapter.submit(requestSent({ seq: 12, request: 'cancel', orderId: 1 }));
    await waitFor('cancelled', () => kindsOf(1).includes('order_cancelled'));
    await new Promise((r) => setTimeout(r, 100));
    expect(of(1).map((a) => [a.kind, a.requestSeq])).toEqual([
      ['order_accepted', 5],
      ['order_filled', -1],
      ['order_replaced', 9],
      ['order_cancelled', 12],
    ]);
    expect(venue.orders.get(cid(1))).toMatchObject({ price: '59999.9', origQty: '0.012', status: 'CANCELED' });
  });

  it("a post-only order that would cross is rejected with the venue's code and message", async () => {
    adapter.submit(requestSent({ seq: 5, request: 'new', orderId: 2, postOnly: true, priceUnits: 100 }));
    await waitFor('rejected', () => of(2).length > 0);
    expect(of(2)).toEqual([
      {
        kind: 'order_rejected',
        reason: expect.stringMatching(/^-5022 Due to the order could not be executed as maker/),
        orderId: 2,
        requestSeq: 5,
        tsEventNs: expect.any(BigInt),
        tsLocalNs: 0n,
      },
    ]);
    expect(
      venue.received.find((r) => r.method === 'POST' && r.path === '/fapi/v1/order')!.params.get('timeInForce'),
    ).toBe('GTX');
  });

  it('a cancel of an order the venue no longer has is cancel_replace_rejected with -2011', async () => {
    adapter.submit(requestSent({ seq: 5, request: 'new', orderId: 1 }));
    await waitFor('accepted', () => of(1).length === 1);
    venue.orders.get(cid(1))!.status = 'EXPIRED';
    adapter.submit(requestSent({ seq: 7, request: 'cancel', orderId: 1 }));
    await waitFor('cancel refused', () => of(1).length === 2);
    expect(of(1)[1]).toMatchObject({
      kind: 'cancel_replace_rejected',
      request: 'cancel',
      reason: '-2011 Unknown order sent.',
      requestSeq: 7,
    });
  });
});

describe('drills', () => {
  it('ack lost: the venue acts but the answer is lost (stream silent too); the query resolves it and nothing is sent again', async () => {
    venue.faults.loseAnswers = 1;
    venue.faults.streamOutage = true;
    adapter.submit(requestSent({ seq: 5, request: 'new', orderId: 3 }));
    await waitFor('accepted by query', () => of(3).length > 0);
    venue.faults.streamOutage = false;
    expect(of(3)).toEqual([
      {
        kind: 'order_accepted',
        venueOrderId: '1000',
        orderId: 3,
        requestSeq: 5,
        tsEventNs: expect.any(BigInt),
        tsLocalNs: 0n,
      },
    ]);
    expect(venue.count('POST')).toBe(1);
    expect(
      venue.received.filter((r) => r.method === 'GET' && r.path === '/fapi/v1/order').length,
    ).toBeGreaterThanOrEqual(1);
    expect(adapter.stats).toMatchObject({ uncertain: 1, resolvedByQuery: 1 });
  });

  it('503 unknown status on a cancel: the query finds it cancelled and answers the cancel request; one DELETE', async () => {
    adapter.submit(requestSent({ seq: 5, request: 'new', orderId: 4 }));
    await waitFor('accepted', () => of(4).length === 1);
    venue.faults.unknownStatus = 1;
    venue.faults.streamOutage = true;
    adapter.submit(requestSent({ seq: 8, request: 'cancel', orderId: 4 }));
    await waitFor('cancelled by query', () => of(4).length === 2);
    venue.faults.streamOutage = false;
    expect(of(4)[1]).toMatchObject({ kind: 'order_cancelled', reason: 'requested', requestSeq: 8 });
    expect(venue.count('DELETE')).toBe(1);
  });

  it('a fill during a user-stream outage is found once after the reconnect, before the reconnect is reported', async () => {
    adapter.submit(requestSent({ seq: 5, request: 'new', orderId: 6 }));
    await waitFor('accepted', () => of(6).length === 1);
    venue.faults.streamOutage = true;
    // Both fills happen while the stream delivers nothing and before the connection drops: made
    // after the drop, a reconnect quicker than the test's next line would race the fill.
    const t1 = venue.fill(cid(6), '0.004');
    const t2 = venue.fill(cid(6), '0.006', { taker: true });
    venue.dropStream();
    await waitFor('disconnected', () => links.some((l) => l.type === 'disconnected'));
    venue.faults.streamOutage = false;
    let fillsAtReconnect = -1;
    adapter.onLink((l) => {
      if (l.type === 'reconnected') fillsAtReconnect = of(6).filter((a) => a.kind === 'order_filled').length;
    });
    await waitFor('reconnected', () => links.some((l) => l.type === 'reconnected'));
    const fills = of(6).filter((a) => a.kind === 'order_filled');
    expect(fills.map((f) => [f.fillId, f.qtyUnits, f.liquidity, f.final])).toEqual([
      [String(t1.id), 4, 'maker', false],
      [String(t2.id), 6, 'taker', true],
    ]);
    expect(fillsAtReconnect).toBe(2);
    expect(links.map((l) => l.type)).toEqual(['connected', 'disconnected', 'reconnected']);
  });

  it('a partial fill during an outage of an order that stays open is found once after the reconnect', async () => {
    adapter.submit(requestSent({ seq: 5, request: 'new', orderId: 14 }));
    await waitFor('accepted', () => of(14).length === 1);
    venue.faults.streamOutage = true;
    // The fill happens while the stream delivers nothing, before the drop (a fill made after it
    // raced a quick reconnect: the repair could run first and the fill was then never delivered).
    const t = venue.fill(cid(14), '0.003');
    venue.dropStream();
    await waitFor('disconnected', () => links.some((l) => l.type === 'disconnected'));
    venue.faults.streamOutage = false;
    await waitFor('reconnected', () => links.some((l) => l.type === 'reconnected'));
    expect(of(14).map((a) => [a.kind, a.kind === 'order_filled' ? a.fillId : ''])).toEqual([
      ['order_accepted', ''],
      ['order_filled', String(t.id)],
    ]);
  });

  it('disconnect and reconnect with nothing missed passes nothing on twice', async () => {
    adapter.submit(requestSent({ seq: 5, request: 'new', orderId: 7 }));
    await waitFor('accepted', () => of(7).length === 1);
    venue.fill(cid(7), '0.004');
    await waitFor('fill', () => of(7).length === 2);
    adapter.dropUserStream('drill');
    await waitFor('reconnected', () => links.some((l) => l.type === 'reconnected'));
    expect(kindsOf(7)).toEqual(['order_accepted', 'order_filled']);
    expect(venue.listenKeysCreated).toBe(2);
  });

  it('listenKeyExpired: a new listen key and connection (stream-rotated); later events arrive on it', async () => {
    adapter.submit(requestSent({ seq: 5, request: 'new', orderId: 8 }));
    await waitFor('accepted', () => of(8).length === 1);
    venue.expireListenKey();
    await waitFor('rotated', () => links.some((l) => l.type === 'stream-rotated'));
    expect(venue.listenKey).toBe('lk-2');
    venue.fill(cid(8), '0.01');
    await waitFor('fill on the new stream', () => of(8).length === 2);
    expect(of(8)[1]).toMatchObject({ kind: 'order_filled', final: true });
    expect(links.at(-1)).toEqual({ type: 'stream-rotated', reason: 'listenKeyExpired' });
  });

  it('the listen key is kept alive, and a keep-alive the venue refuses (-1125) rotates the stream', async () => {
    await adapter.stop();
    links = [];
    adapter = createBinanceUsdmAdapter({
      ...onTestVenue(),
      keepAliveMs: 100,
      reconnectBackoff: { baseMs: 20, maxMs: 100 },
    });
    adapter.onLink((l) => links.push(l));
    await adapter.start();
    await waitFor('keep-alives', () => venue.keepAlives >= 2);
    venue.forgetListenKey();
    await waitFor('rotated', () => links.some((l) => l.type === 'stream-rotated'));
    expect(links.at(-1)).toEqual({ type: 'stream-rotated', reason: 'keep-alive refused: listen key does not exist' });
  });

  it('rate-limit exhaustion: a 429 refuses the order, the back-off keeps news at home, a cancel waits and then goes out; headroom is reported', async () => {
    adapter.submit(requestSent({ seq: 5, request: 'new', orderId: 9 }));
    await waitFor('accepted', () => of(9).length === 1);
    venue.faults.rateLimit = 1;
    venue.faults.retryAfterSeconds = 1;
    adapter.submit(requestSent({ seq: 6, request: 'new', orderId: 10 }));
    await waitFor('rejected', () => of(10).length === 1);
    expect(of(10)[0]).toMatchObject({
      kind: 'order_rejected',
      reason: expect.stringContaining('rate_limited: HTTP 429 -1003'),
      requestSeq: 6,
    });
    expect(notices).toEqual([expect.objectContaining({ status: 429, retryAfterMs: 1000, path: '/fapi/v1/order' })]);
    expect(adapter.headroom().find((h) => h.limiter === 'REQUEST_WEIGHT_1M')).toMatchObject({
      used: 2400,
      headroom: 0,
    });
    const postsBefore = venue.count('POST');
    adapter.submit(requestSent({ seq: 7, request: 'new', orderId: 11 }));
    await waitFor('refused at home', () => of(11).length === 1);
    expect(of(11)[0]).toMatchObject({
      kind: 'order_rejected',
      reason: expect.stringContaining('backing off'),
      requestSeq: 7,
    });
    expect(venue.count('POST')).toBe(postsBefore);
    const sentAt = Date.now();
    adapter.submit(requestSent({ seq: 8, request: 'cancel', orderId: 9 }));
    await waitFor('cancel after back-off', () => of(9).length === 2, 4000);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(700);
    expect(of(9)[1]).toMatchObject({ kind: 'order_cancelled', requestSeq: 8 });
  });

  it('a clock off by a minute: -1021, re-sync from /fapi/v1/time, the request goes through once', async () => {
    adapter.rest.offsetMs = -60_000;
    adapter.submit(requestSent({ seq: 5, request: 'new', orderId: 12 }));
    await waitFor('accepted', () => of(12).length === 1);
    expect(Math.abs(adapter.rest.offsetMs)).toBeLessThan(1000);
    expect(venue.orders.size).toBe(1);
  });

  it('a restarted adapter of the same session passes on the fills of orders its predecessor placed', async () => {
    adapter.submit(requestSent({ seq: 5, request: 'new', orderId: 15 }));
    await waitFor('accepted', () => of(15).length === 1);
    const after = await restartAdapter();
    const t = venue.fill(cid(15), '0.01');
    await waitFor('fill on the new adapter', () => after.length === 1);
    expect(after).toEqual([
      expect.objectContaining({
        kind: 'order_filled',
        orderId: 15,
        fillId: String(t.id),
        qtyUnits: 10,
        final: true,
        requestSeq: -1,
      }),
    ]);
  });

  it('a restarted adapter cancels an order its predecessor placed and saw partly filled: the cancel is answered, the fill not lost', async () => {
    adapter.submit(requestSent({ seq: 5, request: 'new', orderId: 16 }));
    await waitFor('accepted', () => of(16).length === 1);
    const t = venue.fill(cid(16), '0.003');
    await waitFor('fill', () => of(16).length === 2);
    const after = await restartAdapter();
    adapter.submit(requestSent({ seq: 40, request: 'cancel', orderId: 16, priceUnits: 0, qtyUnits: 0 }));
    await waitFor('cancel answered', () => after.some((a) => a.kind === 'order_cancelled'), 3000);
    // The predecessor's fill may come again (the core counts a repeated fill id once); it is never final here.
    expect(after.filter((a) => a.kind === 'order_filled')).toEqual(
      after.filter((a) => a.kind === 'order_filled' && a.fillId === String(t.id) && !a.final),
    );
    expect(after.at(-1)).toMatchObject({ kind: 'order_cancelled', requestSeq: 40 });
  });

  it('account state: open orders of ours decoded to order ids, positions and balances', async () => {
    adapter.submit(requestSent({ seq: 5, request: 'new', orderId: 13 }));
    await waitFor('accepted', () => of(13).length === 1);
    const state = await adapter.fetchAccountState();
    expect(state.openOrders).toEqual([
      {
        orderId: 13,
        clientOrderId: cid(13),
        venueOrderId: '1000',
        instrument: BTCUSDT.id,
        side: 'buy',
        priceUnits: 6_000_000,
        qtyUnits: 10,
        filledQtyUnits: 0,
        status: 'open',
      },
    ]);
    expect(state.positions).toEqual([{ instrument: BTCUSDT.id, qtyUnits: 0 }]);
    expect(state.balances).toEqual([{ asset: 'USDT', amount: '1000.00000000' }]);
    expect(await adapter.queryOrder(99, BTCUSDT.id)).toBeNull();
    const t = venue.fill(cid(13), '0.002');
    const fills = await adapter.recentFills(0n, BTCUSDT.id);
    expect(fills).toEqual([expect.objectContaining({ orderId: 13, fillId: String(t.id), qtyUnits: 2 })]);
  });
});
