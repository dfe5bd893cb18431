import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startBinanceUsdmEmulator, type BinanceUsdmEmulator } from './index.ts';
import { signedClient } from './signed-client.ts';
import { recordUserStream } from './user-stream-client.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

let emu: BinanceUsdmEmulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

/** An emulator whose replay moves only when the test steps it. */
async function manualEmulator(): Promise<BinanceUsdmEmulator> {
  emu = await startBinanceUsdmEmulator({ speed: 'manual', start: 'manual' });
  return emu;
}

async function bestQuotes(c: ReturnType<typeof signedClient>): Promise<{ bid: string; ask: string }> {
  const depth = (await c.get('/fapi/v1/depth?symbol=BTCUSDT&limit=5')).json as {
    bids: [string, string][];
    asks: [string, string][];
  };
  return { bid: depth.bids[0]![0], ask: depth.asks[0]![0] };
}

describe('Binance USD-M emulator: public endpoints', () => {
  it('answers GET /fapi/v1/time with the server clock', async () => {
    emu = await startBinanceUsdmEmulator({ speed: 'manual', start: 'manual', nowMs: () => 1_723_161_256_000 });
    const c = signedClient(emu);
    expect((await c.get('/fapi/v1/time')).json).toEqual({ serverTime: 1_723_161_256_000 });
  });

  it('publishes the real rate limits and the BTCUSDT filters in exchangeInfo', async () => {
    const c = signedClient(await manualEmulator());
    const info = (await c.get('/fapi/v1/exchangeInfo')).json as {
      rateLimits: object[];
      symbols: { symbol: string; filters: { filterType: string }[] }[];
    };
    expect(info.rateLimits).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDER', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDER', interval: 'SECOND', intervalNum: 10, limit: 300 },
    ]);
    const filters = Object.fromEntries(info.symbols[0]!.filters.map((f) => [f.filterType, f]));
    expect(filters['PRICE_FILTER']).toMatchObject({ tickSize: '0.10' });
    expect(filters['LOT_SIZE']).toMatchObject({ stepSize: '0.001', minQty: '0.001' });
    expect(filters['MIN_NOTIONAL']).toMatchObject({ notional: '100' });
  });
});

describe('Binance USD-M emulator: an order by raw signed HTTP', () => {
  it('rests a LIMIT GTC order, fills it against the replayed trades and streams NEW then TRADE … FILLED', async () => {
    const e = await manualEmulator();
    const c = signedClient(e);
    e.market.step(2000);
    const { listenKey } = (await c.keyed('POST', '/fapi/v1/listenKey')).json as { listenKey: string };
    const stream = await recordUserStream(e.userStreamBaseUrl, listenKey);
    const { ask } = await bestQuotes(c);
    const placed = await c.signed('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'LIMIT',
      timeInForce: 'GTC',
      price: ask,
      quantity: '0.002',
      newClientOrderId: 'rest-then-fill',
    });
    expect(placed.status).toBe(200);
    expect(placed.json).toMatchObject({
      status: 'NEW',
      clientOrderId: 'rest-then-fill',
      price: ask,
      origQty: '0.002',
      executedQty: '0.000',
    });
    const orderId = (placed.json as { orderId: number }).orderId;
    // Step the replay until the venue fills the order (or the capture ends).
    while (e.account.orders.get(orderId)!.status !== 'FILLED' && e.market.step(200) > 0);
    await stream.waitFor((ev) => ev['e'] === 'ORDER_TRADE_UPDATE' && (ev['o'] as { X: string }).X === 'FILLED');
    const updates = stream.events
      .filter((ev) => ev['e'] === 'ORDER_TRADE_UPDATE')
      .map((ev) => ev['o'] as Record<string, unknown>);
    expect(updates[0]).toMatchObject({
      x: 'NEW',
      X: 'NEW',
      i: orderId,
      c: 'rest-then-fill',
      S: 'SELL',
      o: 'LIMIT',
      f: 'GTC',
      p: ask,
      q: '0.002',
      z: '0.000',
    });
    const trades = updates.slice(1);
    expect(trades.every((u) => u['x'] === 'TRADE' && u['L'] === ask && u['m'] === true)).toBe(true);
    expect(trades.at(-1)).toMatchObject({ X: 'FILLED', z: '0.002' });
    expect(trades.slice(0, -1).every((u) => u['X'] === 'PARTIALLY_FILLED')).toBe(true);
    const queried = await c.signed('GET', '/fapi/v1/order', { symbol: 'BTCUSDT', orderId: String(orderId) });
    expect(queried.json).toMatchObject({ status: 'FILLED', executedQty: '0.002', avgPrice: `${ask}000` });
    stream.close();
  });

  it('streams ORDER_TRADE_UPDATE with every field of the documented example, of the same JSON types', async () => {
    const e = await manualEmulator();
    const c = signedClient(e);
    e.market.step(2000);
    const { listenKey } = (await c.keyed('POST', '/fapi/v1/listenKey')).json as { listenKey: string };
    const stream = await recordUserStream(e.userStreamBaseUrl, listenKey);
    await c.signed('POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.002' });
    const trade = await stream.waitFor(
      (ev) => ev['e'] === 'ORDER_TRADE_UPDATE' && (ev['o'] as { x: string }).x === 'TRADE',
    );
    const documented = fixture('order-trade-update.json');
    // AP and cr are "only pushed with TRAILING_STOP_MARKET order".
    const expectedKeys = Object.keys(documented['o'] as object).filter((k) => k !== 'AP' && k !== 'cr');
    const o = trade['o'] as Record<string, unknown>;
    for (const k of expectedKeys)
      expect(typeof o[k], `field o.${k}`).toBe(typeof (documented['o'] as Record<string, unknown>)[k]);
    for (const k of ['e', 'E', 'T']) expect(typeof trade[k]).toBe(typeof documented[k]);
    const account = await stream.waitFor((ev) => ev['e'] === 'ACCOUNT_UPDATE');
    const documentedAccount = fixture('account-update.json');
    const a = account['a'] as { m: string; B: Record<string, unknown>[]; P: Record<string, unknown>[] };
    const da = documentedAccount['a'] as { B: Record<string, unknown>[]; P: Record<string, unknown>[] };
    expect(a.m).toBe('ORDER');
    expect(Object.keys(a.B[0]!).sort()).toEqual(Object.keys(da.B[0]!).sort());
    expect(Object.keys(a.P[0]!).sort()).toEqual(Object.keys(da.P[0]!).sort());
    expect(a.P[0]).toMatchObject({ s: 'BTCUSDT', pa: '0.002', ps: 'BOTH' });
    stream.close();
  });
});

describe('Binance USD-M emulator in real time', () => {
  it('fills a resting order as maker while the replay plays on its own clock', async () => {
    emu = await startBinanceUsdmEmulator({ speed: 10 });
    const c = signedClient(emu);
    const { listenKey } = (await c.keyed('POST', '/fapi/v1/listenKey')).json as { listenKey: string };
    const stream = await recordUserStream(emu.userStreamBaseUrl, listenKey);
    // Post-only on both sides of the touch: whichever way the market goes, one of them is traded
    // through before the capture ends (it ends 140 USD below where it starts).
    const { bid, ask } = await bestQuotes(c);
    const placed = await Promise.all([
      c.signed('POST', '/fapi/v1/order', {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTX',
        price: bid,
        quantity: '0.002',
      }),
      c.signed('POST', '/fapi/v1/order', {
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'LIMIT',
        timeInForce: 'GTX',
        price: ask,
        quantity: '0.002',
      }),
    ]);
    expect(placed.some((p) => p.status === 200)).toBe(true);
    const filled = await stream.waitFor(
      (ev) => ev['e'] === 'ORDER_TRADE_UPDATE' && (ev['o'] as { X: string }).X === 'FILLED',
      30_000,
    );
    expect(filled['o']).toMatchObject({ x: 'TRADE', m: true, z: '0.002' });
    stream.close();
  }, 90_000);
});
