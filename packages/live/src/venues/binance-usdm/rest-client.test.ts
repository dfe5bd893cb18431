import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { BinanceRestClient } from './rest-client.ts';
import { BinanceCredentials } from './signing.ts';

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A loopback server answering `{}` that records, per request, what the client had observed before it arrived. */
async function listen(onArrival: (method: string, url: string) => void): Promise<string> {
  server = createServer((req, res) => {
    onArrival(req.method ?? '', req.url ?? '');
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('the REST client observation hook', () => {
  it('reports each request, signed, before it reaches the venue', async () => {
    const observed: string[] = [];
    const arrivals: { url: string; observedBefore: number }[] = [];
    const baseUrl = await listen((_m, url) => arrivals.push({ url, observedBefore: observed.length }));
    const client = new BinanceRestClient({ baseUrl, credentials: new BinanceCredentials('k', 's'), onRequest: (method, path) => observed.push(`${method} ${path}`) });
    await client.signedRequest('POST', '/fapi/v1/order', [['symbol', 'BTCUSDT']]);
    await client.signedRequest('PUT', '/fapi/v1/order', [['symbol', 'BTCUSDT']]);
    expect(observed).toEqual(['POST /fapi/v1/order', 'PUT /fapi/v1/order']);
    expect(arrivals.map((a) => a.observedBefore)).toEqual([1, 2]);
    expect(arrivals.every((a) => /signature=[0-9a-f]{64}/.test(a.url))).toBe(true);
  });
});
