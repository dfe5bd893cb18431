import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startBinanceUsdmEmulator, type BinanceUsdmEmulator } from './index.ts';
import { signedClient } from './signed-client.ts';
import { recordUserStream, type StreamRecorder } from './user-stream-client.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

let emu: BinanceUsdmEmulator | undefined;
const streams: StreamRecorder[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await emu?.stop();
  emu = undefined;
});

async function started() {
  emu = await startBinanceUsdmEmulator({ speed: 'manual', start: 'manual' });
  emu.market.step(2000);
  return { e: emu, c: signedClient(emu) };
}

async function newKey(c: ReturnType<typeof signedClient>): Promise<string> {
  return ((await c.keyed('POST', '/fapi/v1/listenKey')).json as { listenKey: string }).listenKey;
}

describe('user data stream', () => {
  it('returns the active listen key again on a second POST', async () => {
    const { c } = await started();
    const first = await newKey(c);
    expect(first).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(await newKey(c)).toBe(first);
  });

  it('refuses listen-key requests without the API key (-2014) or with another one (-2015)', async () => {
    const { e } = await started();
    const none = await fetch(`${e.restBaseUrl}/fapi/v1/listenKey`, { method: 'POST' });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: -2014 });
    const other = await fetch(`${e.restBaseUrl}/fapi/v1/listenKey`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': 'not-ours' },
    });
    expect(await other.json()).toMatchObject({ code: -2015 });
  });

  it('delivers events on the 2026 /private/ws/<listenKey> route too', async () => {
    const { e, c } = await started();
    const key = await newKey(c);
    const s = await recordUserStream(`${e.userStreamBaseUrl}/private`, key);
    streams.push(s);
    await c.signed('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      price: '50000.00',
      quantity: '0.010',
    });
    await s.waitFor((ev) => ev['e'] === 'ORDER_TRADE_UPDATE');
  });

  it('closes a connection to a key that is not active with code 1008', async () => {
    const { e } = await started();
    const ws = new WebSocket(`${e.userStreamBaseUrl}/ws/${'A'.repeat(64)}`);
    const code = await new Promise<number>((resolve) => ws.once('close', resolve));
    expect(code).toBe(1008);
  });

  it('DELETE closes the stream and invalidates the key', async () => {
    const { e, c } = await started();
    const key = await newKey(c);
    const s = await recordUserStream(e.userStreamBaseUrl, key);
    const closed = new Promise<number>((resolve) => s.ws.once('close', resolve));
    expect((await c.keyed('DELETE', '/fapi/v1/listenKey')).json).toEqual({});
    expect(await closed).toBe(1000);
    expect((await c.keyed('PUT', '/fapi/v1/listenKey')).json).toMatchObject({ code: -1125 });
  });

  it('sends listenKeyExpired with the documented fields and types', async () => {
    const { e, c } = await started();
    const s = await recordUserStream(e.userStreamBaseUrl, await newKey(c));
    streams.push(s);
    e.faults.expireListenKey();
    const expired = await s.waitFor((ev) => ev['e'] === 'listenKeyExpired');
    const documented = fixture('listen-key-expired.json');
    expect(Object.keys(expired).sort()).toEqual(Object.keys(documented).sort());
    for (const k of Object.keys(documented)) expect(typeof expired[k]).toBe(typeof documented[k]);
  });

  it('stamps events with non-decreasing event times E', async () => {
    const { e, c } = await started();
    const s = await recordUserStream(e.userStreamBaseUrl, await newKey(c));
    streams.push(s);
    for (const side of ['BUY', 'SELL', 'BUY', 'SELL'])
      await c.signed('POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side, type: 'MARKET', quantity: '0.002' });
    await s.waitFor(() => s.events.filter((ev) => ev['e'] === 'ACCOUNT_UPDATE').length >= 4);
    const times = s.events.map((ev) => ev['E'] as number);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('REST order answers', () => {
  it('carry every field of the documented New Order response, of the same JSON types', async () => {
    const { c } = await started();
    const placed = (
      await c.signed('POST', '/fapi/v1/order', {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        price: '50000.00',
        quantity: '0.010',
      })
    ).json as Record<string, unknown>;
    const documented = fixture('new-order-response.json');
    for (const k of Object.keys(documented)) expect(typeof placed[k], `field ${k}`).toBe(typeof documented[k]);
  });
});
