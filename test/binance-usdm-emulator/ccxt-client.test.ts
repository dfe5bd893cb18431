import ccxt from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { startBinanceUsdmEmulator, type BinanceUsdmEmulator } from './index.ts';

let emu: BinanceUsdmEmulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

/** ccxt's binanceusdm with every fapi URL pointed at the emulator (no sapi currency lookup). */
function ccxtAt(e: BinanceUsdmEmulator): InstanceType<typeof ccxt.binanceusdm> {
  const ex = new ccxt.binanceusdm({
    apiKey: e.apiKey,
    secret: e.apiSecret,
    has: { fetchCurrencies: false },
    options: { fetchMarkets: ['linear'], fetchCurrencies: false },
  });
  const api = ex.urls['api'] as Record<string, unknown>;
  for (const [k, v] of Object.entries(api))
    if (typeof v === 'string' && v.startsWith('https://fapi.binance.com'))
      api[k] = v.replace('https://fapi.binance.com', e.restBaseUrl);
  return ex;
}

describe('ccxt binanceusdm against the emulator', () => {
  it('loads the market, places, queries, lists and cancels an order, trades, and reads balance and position', async () => {
    emu = await startBinanceUsdmEmulator({ speed: 'manual', start: 'manual' });
    emu.market.step(2000);
    const ex = ccxtAt(emu);
    expect(Object.keys(await ex.loadMarkets())).toEqual(['BTC/USDT:USDT']);
    expect(ex.market('BTC/USDT:USDT').precision).toMatchObject({ price: 0.1, amount: 0.001 });
    const order = await ex.createOrder('BTC/USDT:USDT', 'limit', 'buy', 0.01, 50000, { clientOrderId: 'ccxt-1' });
    expect(order).toMatchObject({ status: 'open', clientOrderId: 'ccxt-1', price: 50000, amount: 0.01 });
    const id = String(order.id);
    expect((await ex.fetchOrder(id, 'BTC/USDT:USDT')).status).toBe('open');
    expect((await ex.fetchOpenOrders('BTC/USDT:USDT')).map((o) => o.id)).toEqual([id]);
    expect((await ex.cancelOrder(id, 'BTC/USDT:USDT')).status).toBe('canceled');
    expect((await ex.createOrder('BTC/USDT:USDT', 'market', 'buy', 0.002)).status).toBe('closed');
    const trades = await ex.fetchMyTrades('BTC/USDT:USDT');
    expect(trades.reduce((s, t) => s + (t.amount ?? 0), 0)).toBeCloseTo(0.002, 9);
    expect(trades.every((t) => t.fee?.currency === 'USDT' && (t.fee.cost ?? 0) > 0)).toBe(true);
    const balance = await ex.fetchBalance();
    expect(balance['USDT']).toBeDefined();
    const positions = await ex.fetchPositions(['BTC/USDT:USDT']);
    expect(positions.map((p) => [p.contracts, p.side])).toEqual([[0.002, 'long']]);
  });
});
