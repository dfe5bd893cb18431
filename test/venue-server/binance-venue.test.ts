/**
 * The venue server speaks Binance as Binance does: combined streams byte-identical to the
 * capture on the right route, nothing on the wrong or legacy route, REST depth equal to an
 * independent rebuild of the capture at the moment asked, weights and 429s, ping frames.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { captureLines, ReferenceBinanceBook, topLevels } from './capture-rebuild.ts';
import { CAPTURES, startVenueServer, type VenueServer } from './index.ts';
import { connect, sleep, waitFor, type TestClient } from './test-client.ts';

/** Index of the first element that differs (or of the first extra one), -1 if equal (keeps failures readable). */
function firstDifference(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

const servers: VenueServer[] = [];
const clients: TestClient[] = [];

async function venue(options: Parameters<typeof startVenueServer>[0]): Promise<VenueServer> {
  const s = await startVenueServer(options);
  servers.push(s);
  return s;
}

async function client(url: string, options?: { autoPong?: boolean }): Promise<TestClient> {
  const c = await connect(url, options);
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const usdmLines = captureLines(CAPTURES.usdmBtcusdt.path);
const usdmSnapshot = usdmLines.find(([, json]) => json.startsWith('{"lastUpdateId"'))![1];
const usdmStream = usdmLines.map(([, json]) => json).filter((json) => json.startsWith('{"stream"'));

describe('Binance USD-M routes', () => {
  it('serves depth and bookTicker on /public/stream byte-identical to the capture, in capture order', async () => {
    const v = await venue({ venue: 'binance-usdm', speed: 'manual' });
    const c = await client(`${v.wsBaseUrl}/public/stream?streams=btcusdt@depth@0ms/btcusdt@bookTicker`);
    v.step(2000);
    const expected = v.servedFrames('data').map((f) => f.text);
    await waitFor('every frame but the trades', () => c.frames.length === expected.length);
    expect(c.frames.length).toBeGreaterThan(1000);
    expect(firstDifference(c.frames, expected)).toBe(-1);
    const start = usdmStream.indexOf(c.frames[0]!);
    expect(start).toBeGreaterThan(0);
    const fromCapture = usdmStream.slice(start).filter((t) => !t.startsWith('{"stream":"btcusdt@trade"')).slice(0, c.frames.length);
    expect(firstDifference(c.frames, fromCapture)).toBe(-1);
  });

  it('delivers nothing for a /public stream asked on /market, and delivers it on /public', async () => {
    const v = await venue({ venue: 'binance-usdm', speed: 'manual' });
    const wrong = await client(`${v.wsBaseUrl}/market/stream?streams=btcusdt@trade`);
    const right = await client(`${v.wsBaseUrl}/public/stream?streams=btcusdt@trade`);
    v.step(500);
    await waitFor('trades on /public', () => right.frames.length > 0);
    await sleep(50);
    expect(wrong.frames).toEqual([]);
    expect(right.frames.every((f) => f.startsWith('{"stream":"btcusdt@trade","data":{"e":"trade"'))).toBe(true);
  });

  it('accepts a connection on the legacy /stream and /ws paths and then sends nothing, not even a SUBSCRIBE reply', async () => {
    const v = await venue({ venue: 'binance-usdm', speed: 'manual' });
    const legacy = await client(`${v.wsBaseUrl}/stream?streams=btcusdt@depth@0ms/btcusdt@bookTicker`);
    const legacyWs = await client(`${v.wsBaseUrl}/ws`);
    legacyWs.send('{"method":"SUBSCRIBE","params":["btcusdt@depth@0ms"],"id":1}');
    v.step(1000);
    await sleep(100);
    expect(legacy.frames).toEqual([]);
    expect(legacyWs.frames).toEqual([]);
    expect(legacy.ws.readyState).toBe(legacy.ws.OPEN);
  });

  it('sends raw payloads without the envelope on /public/ws and answers SUBSCRIBE with {"result":null,"id":..}', async () => {
    const v = await venue({ venue: 'binance-usdm', speed: 'manual' });
    const c = await client(`${v.wsBaseUrl}/public/ws`);
    c.send('{"method":"SUBSCRIBE","params":["btcusdt@bookTicker"],"id":7}');
    await waitFor('the SUBSCRIBE reply', () => c.frames.length === 1);
    expect(c.frames[0]).toBe('{"result":null,"id":7}');
    v.step(300);
    await waitFor('bookTickers', () => c.frames.length > 1);
    const first = v.servedFrames('data')[0]!.text;
    expect(first.startsWith('{"e":"bookTicker"')).toBe(true);
    expect(usdmStream).toContain(`{"stream":"btcusdt@bookTicker","data":${first}}`);
  });
});

describe('Binance REST depth', () => {
  it('equals, at any moment, the capture snapshot plus every diff served so far, rebuilt independently (top 1000, lastUpdateId = last served u)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 1, maxLength: 5 }), async (steps) => {
        const v = await venue({ venue: 'binance-usdm', speed: 'manual', maxEntries: 20_000 });
        const c = await client(`${v.wsBaseUrl}/public/stream?streams=btcusdt@depth@0ms`);
        const reference = new ReferenceBinanceBook(usdmSnapshot, true);
        let applied = 0;
        for (const n of steps) {
          v.step(n);
          const sent = v.servedFrames('data').length;
          await waitFor('served depth frames', () => c.frames.length === sent);
          const lastIndex = c.frames.length === 0 ? -1 : usdmStream.indexOf(c.frames[c.frames.length - 1]!);
          for (; applied <= lastIndex; applied++) reference.apply(usdmStream[applied]!);
          const res = await fetch(`${v.restBaseUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=1000`);
          const body = (await res.json()) as { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] };
          expect(BigInt(body.lastUpdateId)).toBe(reference.lastUpdateId);
          expect(body.bids).toEqual(topLevels(reference.bids, 1000, true));
          expect(body.asks).toEqual(topLevels(reference.asks, 1000, false));
        }
        await Promise.all(clients.splice(0).map((x) => x.close()));
        await Promise.all(servers.splice(0).map((s) => s.close()));
      }),
      { numRuns: 5, seed: 11 },
    );
  });

  it('answers spot /api/v3/depth from the spot book without E and T', async () => {
    const v = await venue({ venue: 'binance-spot', speed: 'manual' });
    v.step(100);
    const res = await fetch(`${v.restBaseUrl}/api/v3/depth?symbol=BTCUSDT&limit=5`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toMatch(/^\{"lastUpdateId":\d+,"bids":\[\["\d+\.\d{8}","\d+\.\d{8}"\](,\[[^\]]+\]){4}\],"asks":/);
  });

  it('reports the used weight in X-MBX-USED-WEIGHT-1M and answers 429 with Retry-After past the limit, then 418 to a client that ignores it', async () => {
    const v = await venue({ venue: 'binance-usdm', speed: 'manual', restWeightLimit: 40, restWeightWindowMs: 30_000 });
    const get = () => fetch(`${v.restBaseUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=1000`);
    const first = await get();
    expect(first.status).toBe(200);
    expect(first.headers.get('x-mbx-used-weight-1m')).toBe('20');
    expect((await get()).headers.get('x-mbx-used-weight-1m')).toBe('40');
    const refused = await get();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(29);
    expect(((await refused.json()) as { code: number }).code).toBe(-1003);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get()).status);
    expect(statuses).toEqual([429, 429, 418]);
  });

  it('rejects a missing symbol (-1102), an unknown symbol (-1121) and a futures limit off its list', async () => {
    const v = await venue({ venue: 'binance-usdm', speed: 'manual' });
    const code = async (q: string) => ((await (await fetch(`${v.restBaseUrl}/fapi/v1/depth${q}`)).json()) as { code: number }).code;
    expect(await code('')).toBe(-1102);
    expect(await code('?symbol=ETHUSDT')).toBe(-1121);
    expect(await code('?symbol=BTCUSDT&limit=7')).toBe(-1100);
  });
});

describe('Binance keep-alive', () => {
  it('sends ping frames and disconnects a client that does not answer them', async () => {
    const v = await venue({ venue: 'binance-usdm', speed: 'manual', pingIntervalMs: 30, pongTimeoutMs: 80 });
    const silent = await client(`${v.wsBaseUrl}/public/stream?streams=btcusdt@bookTicker`, { autoPong: false });
    const polite = await client(`${v.wsBaseUrl}/public/stream?streams=btcusdt@bookTicker`);
    let pings = 0;
    silent.ws.on('ping', () => pings++);
    await waitFor('the unanswering client to be dropped', () => silent.closeCode !== null, 3000);
    expect(pings).toBeGreaterThan(0);
    expect(polite.ws.readyState).toBe(polite.ws.OPEN);
  });

  it('answers a client ping frame with a pong carrying the same payload', async () => {
    const v = await venue({ venue: 'binance-spot', speed: 'manual' });
    const c = await client(`${v.wsBaseUrl}/stream?streams=btcusdt@trade`);
    const pong = new Promise<string>((resolve) => c.ws.once('pong', (d: Buffer) => resolve(d.toString())));
    c.ws.ping('hello-42');
    expect(await pong).toBe('hello-42');
  });

  it('disconnects a client sending more than 10 messages in a second (futures)', async () => {
    const v = await venue({ venue: 'binance-usdm', speed: 'manual' });
    const c = await client(`${v.wsBaseUrl}/public/ws`);
    for (let i = 0; i < 11; i++) c.send(`{"method":"LIST_SUBSCRIPTIONS","id":${i}}`);
    await waitFor('the close', () => c.closeCode !== null);
    expect(c.closeCode).toBe(1008);
  });
});

describe('Binance COIN-M', () => {
  it('serves the perpetual BTCUSD_PERP on /public with COIN-M names and answers /dapi/v1/depth with symbol and pair', async () => {
    const v = await venue({ venue: 'binance-coinm', speed: 'manual', maxEntries: 500 });
    const c = await client(`${v.wsBaseUrl}/public/stream?streams=btcusd_perp@depth@0ms`);
    v.step(500);
    await waitFor('depth frames', () => c.frames.length > 0 && c.frames.length === v.servedFrames().length);
    expect(c.frames.every((f) => f.startsWith('{"stream":"btcusd_perp@depth@0ms","data":{"e":"depthUpdate"') && f.includes('"s":"BTCUSD_PERP","ps":"BTCUSD"'))).toBe(true);
    const body = await (await fetch(`${v.restBaseUrl}/dapi/v1/depth?symbol=BTCUSD_PERP&limit=5`)).text();
    expect(body).toMatch(/^\{"lastUpdateId":\d+,"symbol":"BTCUSD_PERP","pair":"BTCUSD","E":\d+,"T":\d+,"bids":/);
    expect((await fetch(`${v.restBaseUrl}/fapi/v1/depth?symbol=BTCUSD_PERP&limit=5`)).status).toBe(404);
  });
});
