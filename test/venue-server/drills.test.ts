/**
 * Each drill does to a client exactly what it says, and only to the connections it targets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startVenueServer, type VenueServer } from './index.ts';
import { connect, sleep, waitFor, type TestClient } from './test-client.ts';

const servers: VenueServer[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const STREAMS = '/public/stream?streams=btcusdt@depth@0ms/btcusdt@bookTicker';

async function usdm(options: Partial<Parameters<typeof startVenueServer>[0]> = {}): Promise<VenueServer> {
  const v = await startVenueServer({ venue: 'binance-usdm', speed: 'manual', maxEntries: 5000, ...options });
  servers.push(v);
  return v;
}

async function client(v: VenueServer, path = STREAMS, autoPong = true): Promise<TestClient> {
  const c = await connect(`${v.wsBaseUrl}${path}`, { autoPong });
  clients.push(c);
  return c;
}

/** The depth diffs a client received whose pu is not the previous diff's u (futures continuity). */
function continuityBreaks(frames: readonly string[]): number {
  let lastU: number | null = null;
  let breaks = 0;
  for (const f of frames) {
    if (!f.startsWith('{"stream":"btcusdt@depth')) continue;
    const d = (JSON.parse(f) as { data: { u: number; pu: number } }).data;
    if (lastU !== null && d.pu !== lastU) breaks++;
    lastU = d.u;
  }
  return breaks;
}

describe('connection drills', () => {
  it('drop: terminates the TCP connection without a close frame right after the Nth data frame', async () => {
    const v = await usdm();
    const c = await client(v);
    v.drill({ kind: 'drop', afterMessages: 25 });
    v.step(1000);
    await waitFor('the drop', () => c.closeCode !== null);
    expect(c.closeCode).toBe(1006);
    expect(c.frames.length).toBe(25);
  });

  it('malformed: sends one frame that is not JSON (half of the next frame) and keeps the stream whole', async () => {
    const v = await usdm();
    const c = await client(v);
    v.drill({ kind: 'malformed', afterMessages: 10 });
    v.step(200);
    const served = v.servedFrames().length;
    await waitFor('all frames', () => c.frames.length === served);
    const broken = c.frames.filter((f) => {
      try {
        JSON.parse(f);
        return false;
      } catch {
        return true;
      }
    });
    expect(broken).toEqual([c.frames[9]!]);
    expect(c.frames[10]!.startsWith(broken[0]!)).toBe(true);
    expect(v.servedFrames('malformed').length).toBe(1);
  });

  it('skip-sequence: withholds exactly one depth diff, so the client sees one pu break', async () => {
    const v = await usdm();
    const c = await client(v);
    const control = await client(v);
    v.drill({ kind: 'skip-sequence', afterMessages: 30 }, { connectionId: v.allConnections()[0]!.id });
    v.step(3000);
    await waitFor('control frames', () => control.frames.length > 0 && control.frames.length === c.frames.length + 1);
    expect(continuityBreaks(c.frames)).toBe(1);
    expect(continuityBreaks(control.frames)).toBe(0);
  });

  it('silent: stops the data but keeps the connection open and keeps answering pings', async () => {
    const v = await usdm();
    const c = await client(v);
    v.step(100);
    await waitFor('first frames', () => c.frames.length > 0);
    const before = c.frames.length;
    v.drill({ kind: 'silent' });
    v.step(1000);
    const pong = new Promise<boolean>((resolve) => c.ws.once('pong', () => resolve(true)));
    c.ws.ping('are-you-there');
    expect(await pong).toBe(true);
    expect(c.frames.length).toBe(before);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
  });

  it('unresponsive: stops the data and stops answering pings, and the server stops pinging', async () => {
    const v = await usdm({ pingIntervalMs: 20, pongTimeoutMs: 10_000 });
    const c = await client(v);
    v.drill({ kind: 'unresponsive' });
    let serverPings = 0;
    c.ws.on('ping', () => serverPings++);
    let pongs = 0;
    c.ws.on('pong', () => pongs++);
    v.step(500);
    c.ws.ping('hello');
    await sleep(200);
    expect([c.frames.length, pongs, serverPings]).toEqual([0, 0, 0]);
  });

  it('force-disconnect: closes every connection its given time after it opened (the 24 h rule, shortened)', async () => {
    const v = await usdm({ standingDrills: [{ kind: 'force-disconnect', afterMs: 150 }] });
    const opened = Date.now();
    const c = await client(v);
    await waitFor('the forced close', () => c.closeCode !== null, 3000);
    expect(c.closeCode).toBe(1000);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(140);
  });

  it('a drill for the next connection leaves the open ones alone', async () => {
    const v = await usdm();
    const first = await client(v);
    v.drill({ kind: 'drop', afterMessages: 5 }, 'next');
    const second = await client(v);
    v.step(500);
    await waitFor('the second connection dropped', () => second.closeCode !== null);
    expect(first.closeCode).toBe(null);
    expect(second.frames.length).toBe(5);
  });
});

describe('venue drills', () => {
  it('delay-snapshot: holds the REST depth answer and answers the book as it was when asked', async () => {
    const v = await usdm();
    v.step(200);
    v.drill({ kind: 'delay-snapshot', delayMs: 300 });
    const asked = Date.now();
    const pending = fetch(`${v.restBaseUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=5`);
    await sleep(50);
    v.step(2000);
    const res = await pending;
    expect(Date.now() - asked).toBeGreaterThanOrEqual(290);
    const delayed = ((await res.json()) as { lastUpdateId: number }).lastUpdateId;
    const now = ((await (await fetch(`${v.restBaseUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=5`)).json()) as { lastUpdateId: number }).lastUpdateId;
    expect(delayed).toBeLessThan(now);
    expect(v.restLog[0]!.published).toBe(200);
  });

  it('rate-limit on REST: answers 429 with Retry-After the given number of times, then serves again', async () => {
    const v = await usdm();
    v.drill({ kind: 'rate-limit', on: 'rest', retryAfterS: 7, count: 2 });
    const statuses: (string | number | null)[][] = [];
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${v.restBaseUrl}/fapi/v1/depth?symbol=BTCUSDT&limit=5`);
      statuses.push([r.status, r.headers.get('retry-after')]);
    }
    expect(statuses).toEqual([
      [429, '7'],
      [429, '7'],
      [200, null],
    ]);
  });

  it('rate-limit on the WebSocket upgrade: refuses the handshake with 429 and Retry-After, then accepts', async () => {
    const v = await usdm();
    v.drill({ kind: 'rate-limit', on: 'ws-upgrade', retryAfterS: 3 });
    const refused = await connect(`${v.wsBaseUrl}${STREAMS}`).catch((e: { statusCode: number; headers: Record<string, string> }) => e);
    expect(refused).toMatchObject({ statusCode: 429, headers: { 'retry-after': '3' } });
    expect((await client(v)).ws.readyState).toBe(1);
  });

  it('arms drills over the control API too', async () => {
    const v = await usdm();
    const c = await client(v);
    const res = await fetch(`${v.restBaseUrl}/__venue/drill`, { method: 'POST', body: JSON.stringify({ drill: { kind: 'drop', afterMessages: 3 }, target: 'all' }) });
    expect(res.status).toBe(200);
    await fetch(`${v.restBaseUrl}/__venue/step?n=100`, { method: 'POST' });
    await waitFor('the drop', () => c.closeCode !== null);
    expect(c.frames.length).toBe(3);
    const state = (await (await fetch(`${v.restBaseUrl}/__venue/state`)).json()) as { published: number; connections: { open: boolean }[] };
    expect(state.published).toBe(100);
    expect(state.connections.map((x) => x.open)).toEqual([false]);
  });
});

describe('OKX and Bybit keep-alive drills', () => {
  it('an unresponsive OKX connection does not answer ping; a silent one does', async () => {
    const v = await startVenueServer({ venue: 'okx', speed: 'manual' });
    servers.push(v);
    const silent = await client(v, '/ws/v5/public');
    const dead = await client(v, '/ws/v5/public');
    v.drill({ kind: 'silent' }, { connectionId: v.allConnections()[0]!.id });
    v.drill({ kind: 'unresponsive' }, { connectionId: v.allConnections()[1]!.id });
    silent.send('ping');
    dead.send('ping');
    await waitFor('the pong', () => silent.frames.length === 1);
    await sleep(50);
    expect([silent.frames, dead.frames]).toEqual([['pong'], []]);
  });

  it('an unresponsive Bybit connection does not answer {"op":"ping"}', async () => {
    const v = await startVenueServer({ venue: 'bybit-spot', speed: 'manual', maxEntries: 100 });
    servers.push(v);
    const c = await client(v, '/v5/public/spot');
    v.drill({ kind: 'unresponsive' });
    c.send('{"op":"ping"}');
    await sleep(100);
    expect(c.frames).toEqual([]);
  });
});
