import { afterEach, describe, expect, it } from 'vitest';
import { startBinanceUsdmEmulator, type BinanceUsdmEmulator, type BinanceUsdmEmulatorOptions } from './index.ts';
import { signedClient, type ClientAnswer } from './signed-client.ts';

let emu: BinanceUsdmEmulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

const used = (a: ClientAnswer): number => Number(a.headers.get('x-mbx-used-weight-1m'));
const orderCounts = (a: ClientAnswer): [string | null, string | null] => [
  a.headers.get('x-mbx-order-count-10s'),
  a.headers.get('x-mbx-order-count-1m'),
];

async function start(rateLimits?: BinanceUsdmEmulatorOptions['rateLimits']) {
  emu = await startBinanceUsdmEmulator({
    speed: 'manual',
    start: 'manual',
    ...(rateLimits !== undefined ? { rateLimits } : {}),
  });
  emu.market.step(2000);
  return signedClient(emu);
}

describe('rate-limit headers and refusals (USDⓈ-M LIMITS)', () => {
  it('counts each endpoint’s documented weight in X-MBX-USED-WEIGHT-1M and orders in X-MBX-ORDER-COUNT-10S/1M', async () => {
    const c = await start();
    expect(used(await c.get('/fapi/v1/time'))).toBe(1);
    expect(used(await c.get('/fapi/v1/exchangeInfo'))).toBe(2);
    expect(used(await c.signed('GET', '/fapi/v1/openOrders', { symbol: 'BTCUSDT' }))).toBe(3);
    expect(used(await c.signed('GET', '/fapi/v1/openOrders'))).toBe(43);
    expect(used(await c.signed('GET', '/fapi/v1/userTrades', { symbol: 'BTCUSDT' }))).toBe(48);
    expect(used(await c.signed('GET', '/fapi/v2/account'))).toBe(53);
    expect(used(await c.get('/fapi/v1/depth?symbol=BTCUSDT&limit=100'))).toBe(58);
    const placed = await c.signed('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      price: '50000.00',
      quantity: '0.010',
      newClientOrderId: 'w1',
    });
    expect(placed.status).toBe(200);
    expect(used(placed)).toBe(58);
    expect(orderCounts(placed)).toEqual(['1', '1']);
    const modified = await c.signed('PUT', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      origClientOrderId: 'w1',
      price: '50000.10',
      quantity: '0.010',
    });
    expect(modified.status).toBe(200);
    expect(used(modified)).toBe(59);
    expect(orderCounts(modified)).toEqual(['2', '2']);
    const cancelled = await c.signed('DELETE', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: 'w1' });
    expect(used(cancelled)).toBe(60);
    expect(orderCounts(cancelled)).toEqual([null, null]);
  });

  it('answers 429 with Retry-After when the weight limit is passed, then 418 to a client that keeps going', async () => {
    const c = await start({ weightPerMinute: 5 });
    for (let i = 1; i <= 5; i++) expect((await c.get('/fapi/v1/time')).status).toBe(200);
    const refusals: ClientAnswer[] = [];
    for (let i = 0; i < 4; i++) refusals.push(await c.get('/fapi/v1/time'));
    expect(refusals.map((r) => r.status)).toEqual([429, 429, 429, 418]);
    expect(refusals[0]!.json).toMatchObject({ code: -1003 });
    const retryAfter = Number(refusals[0]!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(Number(refusals[3]!.headers.get('retry-after'))).toBe(120);
  });

  it('answers 429 -1015 when more orders than the 10-second limit are sent', async () => {
    const c = await start({ ordersPer10s: 2 });
    const order = (id: string) =>
      c.signed('POST', '/fapi/v1/order', {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        price: '50000.00',
        quantity: '0.010',
        newClientOrderId: id,
      });
    expect((await order('a')).status).toBe(200);
    expect((await order('b')).status).toBe(200);
    const third = await order('c');
    expect(third.status).toBe(429);
    expect(third.json).toEqual({ code: -1015, msg: 'Too many new orders; current limit is 2 orders per TEN_SECONDS.' });
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(emu!.account.byClientId('c')).toBeUndefined();
  });

  it('starts a new weight window after the window length', async () => {
    const c = await start({ weightPerMinute: 2, minuteMs: 300 });
    await c.get('/fapi/v1/time');
    await c.get('/fapi/v1/time');
    expect((await c.get('/fapi/v1/time')).status).toBe(429);
    await new Promise((r) => setTimeout(r, 350));
    const fresh = await c.get('/fapi/v1/time');
    expect(fresh.status).toBe(200);
    expect(used(fresh)).toBe(1);
  });
});
