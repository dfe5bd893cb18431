import { afterEach, describe, expect, it } from 'vitest';
import { startBinanceUsdmEmulator, type BinanceUsdmEmulator } from './index.ts';
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

async function connected() {
  emu = await startBinanceUsdmEmulator({ speed: 'manual', start: 'manual' });
  emu.market.step(2000);
  const c = signedClient(emu);
  const { listenKey } = (await c.keyed('POST', '/fapi/v1/listenKey')).json as { listenKey: string };
  stream = await recordUserStream(emu.userStreamBaseUrl, listenKey);
  const depth = (await c.get('/fapi/v1/depth?symbol=BTCUSDT&limit=5')).json as {
    bids: [string, string][];
    asks: [string, string][];
  };
  return { e: emu, c, s: stream, bid: depth.bids[0]![0], ask: depth.asks[0]![0] };
}

type Client = ReturnType<typeof signedClient>;
const limit = (
  c: Client,
  side: 'BUY' | 'SELL',
  price: string,
  quantity: string,
  timeInForce: string,
  extra: Record<string, string> = {},
) =>
  c.signed('POST', '/fapi/v1/order', {
    symbol: 'BTCUSDT',
    side,
    type: 'LIMIT',
    timeInForce,
    price,
    quantity,
    ...extra,
  });
const updatesOf = (s: StreamRecorder, clientId: string) =>
  s.events
    .filter((ev) => ev['e'] === 'ORDER_TRADE_UPDATE' && (ev['o'] as { c: string }).c === clientId)
    .map((ev) => ev['o'] as { x: string; X: string; p: string; q: string; z: string });
const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

describe('order entry', () => {
  it('rejects a GTX order that would take liquidity with -5022 and neither records nor streams it', async () => {
    const { e, c, s, ask } = await connected();
    const answer = await limit(c, 'BUY', ask, '0.002', 'GTX', { newClientOrderId: 'gtx-cross' });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: -5022 });
    await settle();
    expect(updatesOf(s, 'gtx-cross')).toEqual([]);
    expect(e.account.byClientId('gtx-cross')).toBeUndefined();
  });

  it('rests a GTX order below the ask', async () => {
    const { c, bid } = await connected();
    expect((await limit(c, 'BUY', bid, '0.002', 'GTX')).json).toMatchObject({ status: 'NEW', timeInForce: 'GTX' });
  });

  it('rejects a FOK order larger than the liquidity up to its price with -5021', async () => {
    const { c, ask } = await connected();
    const answer = await limit(c, 'BUY', ask, '999.000', 'FOK');
    expect(answer.json).toMatchObject({ code: -5021 });
  });

  it('expires the unfilled remainder of an IOC order (x = EXPIRED after its TRADE)', async () => {
    const { c, s, ask } = await connected();
    const answer = await limit(c, 'BUY', ask, '500.000', 'IOC', {
      newClientOrderId: 'ioc',
      newOrderRespType: 'RESULT',
    });
    expect(answer.json).toMatchObject({ status: 'EXPIRED' });
    await s.waitFor((ev) => ev['e'] === 'ORDER_TRADE_UPDATE' && (ev['o'] as { x: string }).x === 'EXPIRED');
    const xs = updatesOf(s, 'ioc').map((u) => u.x);
    expect(xs[0]).toBe('NEW');
    expect(xs.at(-1)).toBe('EXPIRED');
    expect(xs.slice(1, -1).every((x) => x === 'TRADE')).toBe(true);
  });

  it('answers ACK with the order as accepted and RESULT with its final state', async () => {
    const { c } = await connected();
    const ack = await c.signed('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.002',
    });
    expect(ack.json).toMatchObject({ status: 'NEW', executedQty: '0.000' });
    const result = await c.signed('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.002',
      newOrderRespType: 'RESULT',
    });
    expect(result.json).toMatchObject({ status: 'FILLED', executedQty: '0.002' });
  });

  it('modifies a resting order with PUT (x = AMENDMENT, new price and quantity)', async () => {
    const { c, s } = await connected();
    await limit(c, 'BUY', '50000.00', '0.010', 'GTC', { newClientOrderId: 'mod' });
    const answer = await c.signed('PUT', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      origClientOrderId: 'mod',
      price: '50100.00',
      quantity: '0.004',
    });
    expect(answer.json).toMatchObject({ status: 'NEW', price: '50100.00', origQty: '0.004' });
    await s.waitFor((ev) => ev['e'] === 'ORDER_TRADE_UPDATE' && (ev['o'] as { x: string }).x === 'AMENDMENT');
    expect(updatesOf(s, 'mod').map((u) => [u.x, u.p, u.q])).toEqual([
      ['NEW', '50000.00', '0.010'],
      ['AMENDMENT', '50100.00', '0.004'],
    ]);
  });

  it('refuses a modify that changes nothing (-5027) and one of an unknown order (-2013)', async () => {
    const { c } = await connected();
    await limit(c, 'BUY', '50000.00', '0.010', 'GTC', { newClientOrderId: 'same' });
    expect(
      (
        await c.signed('PUT', '/fapi/v1/order', {
          symbol: 'BTCUSDT',
          side: 'BUY',
          origClientOrderId: 'same',
          price: '50000.00',
          quantity: '0.010',
        })
      ).json,
    ).toMatchObject({ code: -5027 });
    expect(
      (
        await c.signed('PUT', '/fapi/v1/order', {
          symbol: 'BTCUSDT',
          side: 'BUY',
          origClientOrderId: 'nobody',
          price: '50000.00',
          quantity: '0.010',
        })
      ).json,
    ).toMatchObject({ code: -2013 });
  });

  it('cancels by client order id, then answers -2011 for a second cancel of it', async () => {
    const { c, s } = await connected();
    await limit(c, 'BUY', '50000.00', '0.010', 'GTC', { newClientOrderId: 'cxl' });
    expect(
      (await c.signed('DELETE', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: 'cxl' })).json,
    ).toMatchObject({ status: 'CANCELED' });
    expect((await c.signed('DELETE', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: 'cxl' })).json).toEqual({
      code: -2011,
      msg: 'Unknown order sent.',
    });
    await s.waitFor((ev) => ev['e'] === 'ORDER_TRADE_UPDATE' && (ev['o'] as { x: string }).x === 'CANCELED');
  });

  it('answers GET openOrder only while the order is open', async () => {
    const { c } = await connected();
    await limit(c, 'BUY', '50000.00', '0.010', 'GTC', { newClientOrderId: 'open-one' });
    expect(
      (await c.signed('GET', '/fapi/v1/openOrder', { symbol: 'BTCUSDT', origClientOrderId: 'open-one' })).json,
    ).toMatchObject({ status: 'NEW', clientOrderId: 'open-one' });
    await c.signed('DELETE', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: 'open-one' });
    expect(
      (await c.signed('GET', '/fapi/v1/openOrder', { symbol: 'BTCUSDT', origClientOrderId: 'open-one' })).json,
    ).toMatchObject({ code: -2013 });
  });

  it('cancels every open order with DELETE allOpenOrders and lists none after', async () => {
    const { c } = await connected();
    await limit(c, 'BUY', '50000.00', '0.010', 'GTC');
    await limit(c, 'BUY', '50000.10', '0.010', 'GTC');
    expect(((await c.signed('GET', '/fapi/v1/openOrders', { symbol: 'BTCUSDT' })).json as unknown[]).length).toBe(2);
    expect((await c.signed('DELETE', '/fapi/v1/allOpenOrders', { symbol: 'BTCUSDT' })).json).toEqual({
      code: 200,
      msg: 'The operation of cancel all open order is done.',
    });
    expect((await c.signed('GET', '/fapi/v1/openOrders', { symbol: 'BTCUSDT' })).json).toEqual([]);
  });

  it('refuses a client order id already used by an open order (-4116) and accepts it again once that order is closed', async () => {
    const { c } = await connected();
    await limit(c, 'BUY', '50000.00', '0.010', 'GTC', { newClientOrderId: 'dup' });
    expect((await limit(c, 'BUY', '50000.00', '0.010', 'GTC', { newClientOrderId: 'dup' })).json).toMatchObject({
      code: -4116,
    });
    await c.signed('DELETE', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: 'dup' });
    expect((await limit(c, 'BUY', '50000.00', '0.010', 'GTC', { newClientOrderId: 'dup' })).status).toBe(200);
  });

  it('refuses a reduce-only order that would not reduce the position (-2022)', async () => {
    const { c } = await connected();
    expect(
      (
        await c.signed('POST', '/fapi/v1/order', {
          symbol: 'BTCUSDT',
          side: 'SELL',
          type: 'MARKET',
          quantity: '0.002',
          reduceOnly: 'true',
        })
      ).json,
    ).toMatchObject({ code: -2022 });
    await c.signed('POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.002' });
    expect(
      (
        await c.signed('POST', '/fapi/v1/order', {
          symbol: 'BTCUSDT',
          side: 'SELL',
          type: 'MARKET',
          quantity: '0.002',
          reduceOnly: 'true',
          newOrderRespType: 'RESULT',
        })
      ).json,
    ).toMatchObject({ status: 'FILLED', reduceOnly: true });
  });

  it.each([
    ['a price off the 0.10 tick', { price: '50000.05' }, -4014],
    ['a quantity finer than the 0.001 step', { quantity: '0.0015' }, -1111],
    ['a notional below 100 USDT', { quantity: '0.001', price: '50000.00' }, -4164],
    ['an unknown symbol', { symbol: 'ETHUSDT' }, -1121],
    ['an unknown time in force', { timeInForce: 'DAY' }, -1115],
    ['a missing quantity', { quantity: undefined }, -1102],
  ])('refuses %s with %s', async (_, change, code) => {
    const { c } = await connected();
    const params: Record<string, string> = {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      price: '50000.00',
      quantity: '0.010',
    };
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete params[k];
      else params[k] = v;
    }
    const answer = await c.signed('POST', '/fapi/v1/order', params);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code });
  });

  it('refuses a request whose timestamp is older than recvWindow by the emulator clock (-1021)', async () => {
    emu = await startBinanceUsdmEmulator({ speed: 'manual', start: 'manual' });
    const late = signedClient({ ...emu, nowMs: () => Date.now() - 6_000 });
    expect((await late.signed('GET', '/fapi/v2/balance')).json).toEqual({
      code: -1021,
      msg: 'Timestamp for this request is outside of the recvWindow.',
    });
  });
});
