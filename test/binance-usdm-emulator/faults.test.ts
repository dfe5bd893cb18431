import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startBinanceUsdmEmulator, type BinanceUsdmEmulator, type BinanceUsdmEmulatorOptions } from './index.ts';
import { signedClient } from './signed-client.ts';
import { recordUserStream, type StreamRecorder } from './user-stream-client.ts';

let emu: BinanceUsdmEmulator | undefined;
let stream: StreamRecorder | undefined;
afterEach(async () => {
  stream?.close();
  stream = undefined;
  await emu?.stop();
  emu = undefined;
});

/** A manual-replay emulator two thousand entries in, with a listen key and a recorded user stream. */
async function connected(options: BinanceUsdmEmulatorOptions = {}) {
  emu = await startBinanceUsdmEmulator({ speed: 'manual', start: 'manual', ...options });
  emu.market.step(2000);
  const c = signedClient(emu);
  const { listenKey } = (await c.keyed('POST', '/fapi/v1/listenKey')).json as { listenKey: string };
  stream = await recordUserStream(emu.userStreamBaseUrl, listenKey);
  return { e: emu, c, s: stream, listenKey };
}

const marketBuy = (c: ReturnType<typeof signedClient>, clientId: string) =>
  c.signed('POST', '/fapi/v1/order', {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'MARKET',
    quantity: '0.002',
    newClientOrderId: clientId,
  });
const restingBuy = (c: ReturnType<typeof signedClient>, clientId: string) =>
  c.signed('POST', '/fapi/v1/order', {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    price: '50000.00',
    quantity: '0.010',
    newClientOrderId: clientId,
  });
const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));
const isOrderUpdateOf = (clientId: string) => (ev: Record<string, unknown>) =>
  ev['e'] === 'ORDER_TRADE_UPDATE' && (ev['o'] as { c: string }).c === clientId;

describe('faults', () => {
  it('dropNextOrderAnswer: the order is placed but its HTTP connection is destroyed without an answer', async () => {
    const { e, c, s } = await connected();
    e.faults.dropNextOrderAnswer();
    await expect(restingBuy(c, 'lost-ack')).rejects.toThrow();
    expect(e.account.byClientId('lost-ack')?.status).toBe('NEW');
    await s.waitFor(isOrderUpdateOf('lost-ack'));
    const queried = await c.signed('GET', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: 'lost-ack' });
    expect(queried.json).toMatchObject({ status: 'NEW', clientOrderId: 'lost-ack' });
    expect((await restingBuy(c, 'next-one')).status).toBe(200);
  });

  it('unknownStatusNextOrder: answers 503 "Unknown error…" after acting on the order', async () => {
    const { e, c } = await connected();
    e.faults.unknownStatusNextOrder();
    const answer = await restingBuy(c, 'unknown-acted');
    expect(answer.status).toBe(503);
    expect(answer.json).toEqual({ code: -1000, msg: 'Unknown error, please check your request or try again later.' });
    expect(
      (await c.signed('GET', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: 'unknown-acted' })).json,
    ).toMatchObject({ status: 'NEW' });
  });

  it('unknownStatusNextOrder({ acted: false }): answers 503 and the venue does not know the order', async () => {
    const { e, c, s } = await connected();
    e.faults.unknownStatusNextOrder({ acted: false });
    expect((await restingBuy(c, 'unknown-not-acted')).status).toBe(503);
    const queried = await c.signed('GET', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      origClientOrderId: 'unknown-not-acted',
    });
    expect(queried.status).toBe(400);
    expect(queried.json).toMatchObject({ code: -2013 });
    await settle();
    expect(s.events.filter(isOrderUpdateOf('unknown-not-acted'))).toEqual([]);
  });

  it('pauseUserStream: events during the pause are never delivered; the fill is found by querying', async () => {
    const { e, c, s } = await connected();
    const pauseMs = 3_000;
    const pausedAt = Date.now();
    e.faults.pauseUserStream(pauseMs);
    expect((await marketBuy(c, 'during-outage')).status).toBe(200);
    expect(Date.now() - pausedAt).toBeLessThan(pauseMs); // the fill happened inside the pause
    await settle(pauseMs - (Date.now() - pausedAt) + 100);
    expect(s.events).toEqual([]);
    const trades = (await c.signed('GET', '/fapi/v1/userTrades', { symbol: 'BTCUSDT' })).json as { orderId: number }[];
    expect(trades.length).toBeGreaterThan(0);
    expect(trades.every((t) => t.orderId === e.account.byClientId('during-outage')!.orderId)).toBe(true);
    await marketBuy(c, 'after-outage');
    await s.waitFor((ev) => isOrderUpdateOf('after-outage')(ev) && (ev['o'] as { X: string }).X === 'FILLED');
    expect(s.events.filter(isOrderUpdateOf('during-outage'))).toEqual([]);
  });

  it('pauseUserStream: a resting order filled by the replay during the pause streams nothing; the query and userTrades show the fill', async () => {
    const { e, c, s } = await connected();
    const depth = (await c.get('/fapi/v1/depth?symbol=BTCUSDT&limit=5')).json as { asks: [string, string][] };
    await c.signed('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'LIMIT',
      timeInForce: 'GTC',
      price: depth.asks[0]![0],
      quantity: '0.002',
      newClientOrderId: 'rests',
    });
    await s.waitFor(isOrderUpdateOf('rests'));
    e.faults.pauseUserStream(60_000);
    const order = e.account.byClientId('rests')!;
    while (order.status !== 'FILLED' && e.market.step(200) > 0);
    await settle();
    expect(s.events.filter(isOrderUpdateOf('rests')).map((ev) => (ev['o'] as { x: string }).x)).toEqual(['NEW']);
    expect(
      (await c.signed('GET', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: 'rests' })).json,
    ).toMatchObject({ status: 'FILLED', executedQty: '0.002' });
    const trades = (await c.signed('GET', '/fapi/v1/userTrades', { symbol: 'BTCUSDT', orderId: String(order.orderId) }))
      .json as { qty: string; maker: boolean }[];
    expect(trades.length).toBeGreaterThan(0);
    expect(trades.every((t) => t.maker)).toBe(true);
  });

  it('expireListenKey: pushes listenKeyExpired naming the key, then nothing; the key is gone and a new one can be made', async () => {
    const { e, c, s, listenKey } = await connected();
    e.faults.expireListenKey();
    const expired = await s.waitFor((ev) => ev['e'] === 'listenKeyExpired');
    expect(expired).toMatchObject({ e: 'listenKeyExpired', listenKey });
    expect(typeof expired['E']).toBe('string');
    await marketBuy(c, 'after-expiry');
    await settle();
    expect(s.events).toHaveLength(1);
    const keepAlive = await c.keyed('PUT', '/fapi/v1/listenKey');
    expect(keepAlive.json).toEqual({ code: -1125, msg: 'This listenKey does not exist.' });
    const fresh = (await c.keyed('POST', '/fapi/v1/listenKey')).json as { listenKey: string };
    expect(fresh.listenKey).not.toBe(listenKey);
  });

  it('a listen key expires by itself after its validity unless kept alive', async () => {
    const validityMs = 2_000;
    const { c, s } = await connected({ listenKeyValidityMs: validityMs });
    const keptAliveAt = Date.now();
    expect((await c.keyed('PUT', '/fapi/v1/listenKey')).status).toBe(200);
    await settle(validityMs / 2);
    expect((await c.keyed('PUT', '/fapi/v1/listenKey')).status).toBe(200);
    await settle(validityMs - (Date.now() - keptAliveAt) + 100);
    expect(s.events).toEqual([]); // past the first validity, but kept alive
    await s.waitFor((ev) => ev['e'] === 'listenKeyExpired', 5_000);
  });

  it('closeWebSockets: closes the user stream and the market-data connections', async () => {
    const { e, s } = await connected();
    const market = new WebSocket(`${e.wsBaseUrl}/public/ws/btcusdt@depth@0ms`);
    await new Promise((r) => market.once('open', r));
    const closes = [
      new Promise<number>((r) => s.ws.once('close', r)),
      new Promise<number>((r) => market.once('close', r)),
    ];
    e.faults.closeWebSockets();
    expect(await Promise.all(closes)).toEqual([1001, 1001]);
    expect(e.userStream.openConnections()).toBe(0);
  });

  it('after closeWebSockets a client reconnects with the same listen key and receives the later events', async () => {
    const { e, c, s, listenKey } = await connected();
    const closed = new Promise((r) => s.ws.once('close', r));
    e.faults.closeWebSockets();
    await closed;
    const again = await recordUserStream(e.userStreamBaseUrl, listenKey);
    await marketBuy(c, 'after-reconnect');
    await again.waitFor(isOrderUpdateOf('after-reconnect'));
    again.close();
  });

  it('closeWebSockets({ abrupt: true }): drops the connections without a close frame', async () => {
    const { e, s } = await connected();
    const closed = new Promise<number>((r) => s.ws.once('close', r));
    e.faults.closeWebSockets({ abrupt: true });
    expect(await closed).toBe(1006);
  });

  it('exhaustWeight: the next weighted request is refused 429, and 418 follows for a client that keeps going', async () => {
    const { e, c } = await connected();
    e.faults.exhaustWeight();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await c.get('/fapi/v1/time')).status);
    expect(statuses).toEqual([429, 429, 429, 418]);
  });
});
