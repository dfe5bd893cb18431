import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ConnectorOptions, FeedSpec } from './connector.ts';
import { kucoinBullet } from './kucoin-protocol.ts';
import {
  startLoopbackVenue,
  connectorHarness,
  recordingSink,
  sendAll,
  type LoopbackVenue,
  type RecordingSink,
} from './test-loopback.ts';

const harness = connectorHarness();
const settle = () => new Promise((r) => setTimeout(r, 50));

const WELCOME = '{"id":"NSkIrWGB1s","type":"welcome"}';
// Shape of the real capture examples/data/venue-docs/KUCOIN.ws.1.0.
const change = (start: number, end: number): string =>
  `{"data":{"sequenceStart":${start},"symbol":"BTC-USDT","changes":{"asks":[["30000.1","1","${end}"]],"bids":[]},"sequenceEnd":${end}},"subject":"trade.l2update","topic":"/market/level2:BTC-USDT","type":"message"}`;
const SNAPSHOT =
  '{"code":"200000","data":{"time":1619378326628,"sequence":"100","bids":[["29999.9","2"]],"asks":[["30000.1","1"]]}}';

/** A KuCoin REST side: bullet tokens T1, T2, … naming a production instance server; level2_100 snapshots. */
function kucoinRest(venue: LoopbackVenue, refuseBullets = 0): void {
  let tokens = 0;
  venue.rest = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && req.url === '/api/v1/bullet-public') {
      if (refuseBullets-- > 0) {
        res.writeHead(429, { 'retry-after': '1' });
        return res.end('{"code":"429000","msg":"Too many requests"}');
      }
      res.setHeader('content-type', 'application/json');
      return res.end(
        JSON.stringify({
          code: '200000',
          data: {
            token: `T${++tokens}`,
            instanceServers: [
              {
                endpoint: 'wss://ws-api-spot.kucoin.com/endpoint',
                encrypt: true,
                protocol: 'websocket',
                pingInterval: 18000,
                pingTimeout: 10000,
              },
            ],
          },
        }),
      );
    }
    if (req.url?.startsWith('/api/v1/market/orderbook/level2_100?symbol=')) return res.end(SNAPSHOT);
    res.statusCode = 404;
    res.end();
  };
}

async function start(
  spec: FeedSpec,
  sink: RecordingSink,
  extra: Partial<ConnectorOptions> = {},
  refuseBullets = 0,
): Promise<LoopbackVenue> {
  return harness.start(spec, sink, extra, (venue) => kucoinRest(venue, refuseBullets));
}

const BTC_ALL: FeedSpec = { venue: 'kucoin', symbols: ['BTC-USDT'], channels: ['depth', 'trade', 'bbo'] };

describe('KuCoin connector on loopback', () => {
  it('asks bullet-public for a token, then connects to the instance endpoint (host replaced by --endpoint) with token and connectId', async () => {
    const venue = await start(BTC_ALL, recordingSink());
    const s = await venue.socket(0);
    expect(venue.restRequests[0]).toBe('/api/v1/bullet-public');
    expect(s.path).toBe('/endpoint?token=T1&connectId=s1-1');
  });

  it('subscribes only after the welcome message, one topic per channel with response:true', async () => {
    const venue = await start(BTC_ALL, recordingSink());
    const s = await venue.socket(0);
    await settle();
    expect(s.received).toEqual([]);
    sendAll(s, [WELCOME]);
    await settle();
    expect(s.received.map((m) => JSON.parse(m))).toEqual([
      { id: '1', type: 'subscribe', topic: '/market/level2:BTC-USDT', response: true },
      { id: '2', type: 'subscribe', topic: '/market/match:BTC-USDT', response: true },
      { id: '3', type: 'subscribe', topic: '/market/ticker:BTC-USDT', response: true },
    ]);
  });

  it('sends {"type":"ping"} every ping interval and takes the pong as a keep-alive reply, not market data', async () => {
    const sink = recordingSink();
    const venue = await start({ venue: 'kucoin', symbols: ['BTC-USDT'], channels: ['trade'] }, sink, {
      overrides: { pingIntervalMs: 50 },
    });
    const s = await venue.socket(0);
    s.socket.on('message', (m) => {
      const msg = JSON.parse(m.toString()) as { id: string; type: string };
      if (msg.type === 'ping') s.socket.send(JSON.stringify({ id: msg.id, type: 'pong' }));
    });
    await sink.until(() => sink.frames.length >= 2);
    expect(sink.frames.every((f) => f.keepAlive === true)).toBe(true);
    expect(s.received.filter((m) => m.includes('"type":"ping"')).length).toBeGreaterThanOrEqual(2);
  });

  it('fetches the public level2_100 snapshot after the first change and records it as a rest frame with url and instrument', async () => {
    const sink = recordingSink();
    const venue = await start({ venue: 'kucoin', symbols: ['BTC-USDT'], channels: ['depth'] }, sink);
    const s = await venue.socket(0);
    sendAll(s, [WELCOME]);
    await settle();
    expect(venue.restRequests.filter((r) => r.includes('level2_100'))).toEqual([]);
    sendAll(s, [change(101, 101), change(102, 103)]);
    await sink.until(() => sink.eventsOf('synced').length === 1);
    const rest = sink.frames.filter((f) => f.source === 'rest');
    expect(rest).toHaveLength(1);
    expect(rest[0]).toMatchObject({
      text: SNAPSHOT,
      instrument: 'BTC-USDT',
      url: `${venue.restBase}/api/v1/market/orderbook/level2_100?symbol=BTC-USDT`,
    });
    expect(sink.eventsOf('gap')).toEqual([]);
  });

  it('on sequenceStart != previous sequenceEnd + 1 records the gap and fetches a new snapshot', async () => {
    const sink = recordingSink();
    const venue = await start({ venue: 'kucoin', symbols: ['BTC-USDT'], channels: ['depth'] }, sink);
    const s = await venue.socket(0);
    sendAll(s, [WELCOME, change(101, 101)]);
    await sink.until(() => sink.eventsOf('synced').length === 1);
    sendAll(s, [change(102, 104), change(106, 107)]);
    await sink.until(() => sink.eventsOf('synced').length === 2);
    const gap = sink.eventsOf('gap');
    expect(gap).toHaveLength(1);
    expect(gap[0]!.reason).toContain('sequenceStart=106 != previous sequenceEnd+1=105');
    expect(sink.eventsOf('resync')).toHaveLength(1);
    expect(sink.frames.filter((f) => f.source === 'rest')).toHaveLength(2);
  });

  it('asks a new token on every reconnect', async () => {
    const sink = recordingSink();
    const venue = await start(BTC_ALL, sink, { overrides: { backoffBaseMs: 10, backoffMaxMs: 10 } });
    (await venue.socket(0)).socket.terminate();
    const second = await venue.socket(1);
    expect(second.path).toBe('/endpoint?token=T2&connectId=s1-2');
    expect(venue.restRequests.filter((r) => r === '/api/v1/bullet-public')).toHaveLength(2);
  });

  it('a bullet refused with 429 waits the Retry-After before asking again', async () => {
    const sink = recordingSink();
    const venue = await start(BTC_ALL, sink, { overrides: { backoffBaseMs: 10, backoffMaxMs: 10 } }, 1);
    const s = await venue.socket(0);
    expect(s.path).toBe('/endpoint?token=T1&connectId=s1-2');
    const limited = sink.eventsOf('rate-limited');
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({ connectionId: 's1-1', delayMs: 1000 });
    expect(limited[0]!.reason).toContain('HTTP 429');
  });
});

describe('KuCoin bullet (pre-connect step)', () => {
  it('without --endpoint keeps the instance endpoint the bullet names, adding token and connectId', async () => {
    const venue = await startLoopbackVenue();
    kucoinRest(venue);
    try {
      const url = await kucoinBullet({
        planUrl: 'unused',
        restBaseUrl: venue.restBase,
        wsBaseOverride: null,
        connectionId: 'c9',
      });
      expect(url).toBe('wss://ws-api-spot.kucoin.com/endpoint?token=T1&connectId=c9');
    } finally {
      await venue.close();
    }
  });

  it('an answer without code 200000 is refused with a message naming the request', async () => {
    const venue = await startLoopbackVenue();
    venue.rest = (_req, res) => res.end('{"code":"400100","msg":"bad"}');
    try {
      await expect(
        kucoinBullet({ planUrl: 'unused', restBaseUrl: venue.restBase, wsBaseOverride: null, connectionId: 'c9' }),
      ).rejects.toMatchObject({
        code: 'E_PRECONNECT_REFUSED',
        message: expect.stringContaining(`POST ${venue.restBase}/api/v1/bullet-public answered no token`),
      });
    } finally {
      await venue.close();
    }
  });
});
