import { afterEach, describe, expect, it } from 'vitest';
import { binanceProtocol } from './binance-protocol.ts';
import { RestSnapshotClient } from './rest-snapshot.ts';
import { startLoopbackVenue, type LoopbackVenue } from './test-loopback.ts';
import type { RestSnapshotSync } from './venue-protocol.ts';

let venue: LoopbackVenue;
let client: RestSnapshotClient | null = null;
afterEach(async () => {
  client?.stop();
  await venue?.close();
});

const usdm = binanceProtocol('binance-usdm').bookSync as RestSnapshotSync;

function newClient(rules: RestSnapshotSync, waits: { reason: string; delayMs: number }[], wallMs?: () => number): RestSnapshotClient {
  client = new RestSnapshotClient({
    rules,
    captureNs: () => process.hrtime.bigint(),
    random: () => 0,
    backoff: { baseMs: 10, maxMs: 100 },
    ...(wallMs !== undefined ? { wallMs } : {}),
    onWait: (reason, delayMs, connectionId) => {
      expect(connectionId).toBe('c1');
      waits.push({ reason, delayMs });
    },
  });
  return client;
}

describe('REST snapshot client', () => {
  it('honours Retry-After on a 429 and then returns the snapshot body unchanged', async () => {
    venue = await startLoopbackVenue();
    let calls = 0;
    const body = '{"lastUpdateId":5123107852948,"E":1723161256501,"T":1723161256493,"bids":[["61800.20","2.909"]],"asks":[["61800.30","1.201"]]}';
    venue.rest = (_req, res) => {
      if (calls++ === 0) {
        res.writeHead(429, { 'Retry-After': '1' });
        res.end('{"code":-1003,"msg":"Too many requests"}');
      } else res.end(body);
    };
    const waits: { reason: string; delayMs: number }[] = [];
    const startedMs = Date.now();
    const res = await newClient(usdm, waits).get(`${venue.restBase}/fapi/v1/depth?symbol=BTCUSDT&limit=1000`, 'c1');
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(1000);
    expect(res?.text).toBe(body);
    expect(waits).toEqual([{ reason: expect.stringContaining('HTTP 429'), delayMs: 1000 }]);
    expect(venue.restRequests).toHaveLength(2);
  });

  it('honours Retry-After on a 418 (IP ban) the same way', async () => {
    venue = await startLoopbackVenue();
    let calls = 0;
    venue.rest = (_req, res) => {
      if (calls++ === 0) {
        res.writeHead(418, { 'Retry-After': '0' });
        res.end();
      } else res.end('{}');
    };
    const waits: { reason: string; delayMs: number }[] = [];
    expect((await newClient(usdm, waits).get(`${venue.restBase}/fapi/v1/depth?symbol=BTCUSDT&limit=1000`, 'c1'))?.text).toBe('{}');
    expect(waits[0]!.reason).toContain('HTTP 418');
  });

  it('waits for the next weight window instead of exceeding the limit the venue reported', async () => {
    venue = await startLoopbackVenue();
    // The venue says 2390 of 2400 are used: the next request (weight 20) must wait for the window.
    venue.rest = (_req, res) => {
      res.setHeader('X-MBX-USED-WEIGHT-1M', '2390');
      res.end('{}');
    };
    const waits: { reason: string; delayMs: number }[] = [];
    const rules = { ...usdm, weightWindowMs: 400 };
    const c = newClient(rules, waits);
    await c.get(`${venue.restBase}/fapi/v1/depth?symbol=BTCUSDT&limit=1000`, 'c1');
    expect(waits).toEqual([]);
    const startedMs = Date.now();
    await c.get(`${venue.restBase}/fapi/v1/depth?symbol=ETHUSDT&limit=1000`, 'c1');
    expect(waits).toHaveLength(1);
    expect(waits[0]!.reason).toContain('2390 + 20 would exceed 2400');
    expect(waits[0]!.delayMs).toBeLessThanOrEqual(401);
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(waits[0]!.delayMs - 5);
  });

  it('does not wait while the reported weight leaves room for the request', async () => {
    venue = await startLoopbackVenue();
    venue.rest = (_req, res) => {
      res.setHeader('X-MBX-USED-WEIGHT-1M', '2380');
      res.end('{}');
    };
    const waits: { reason: string; delayMs: number }[] = [];
    const c = newClient({ ...usdm, weightWindowMs: 60_000 }, waits, () => 30_000);
    await c.get(`${venue.restBase}/a`, 'c1');
    await c.get(`${venue.restBase}/b`, 'c1');
    expect(waits).toEqual([]);
  });

  it('resolves null for requests pending when stopped', async () => {
    venue = await startLoopbackVenue();
    venue.rest = (_req, res) => {
      res.writeHead(503, { 'Retry-After': '30' });
      res.end();
    };
    const c = newClient(usdm, []);
    const pending = c.get(`${venue.restBase}/x`, 'c1');
    await new Promise((r) => setTimeout(r, 100));
    c.stop();
    expect(await pending).toBeNull();
  });
});
