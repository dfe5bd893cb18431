import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinToEndpoint } from './endpoint.ts';
import type { PinnableExchange } from './endpoint.ts';

/** A loopback server that records what reaches it and answers every request with an empty JSON list. */
const seen: string[] = [];
const server = createServer((req, res) => {
  seen.push(`${req.method} ${req.url}`);
  res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
});
let origin = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function pinnedBinance(): PinnableExchange & { urls: { api: Record<string, string> } } {
  const exchange = new ccxt.binanceusdm({ options: { fetchCurrencies: false } }) as unknown as PinnableExchange & {
    urls: { api: Record<string, string> };
  };
  pinToEndpoint(exchange, origin);
  return exchange;
}

describe('pinToEndpoint', () => {
  it('rewrites every API base of the exchange onto the endpoint, keeping the path', () => {
    const exchange = pinnedBinance();
    expect(exchange.urls.api['fapiPublic']).toBe(`${origin}/fapi/v1`);
    expect(exchange.urls.api['sapi']).toBe(`${origin}/sapi/v1`);
    const strings = JSON.stringify(exchange.urls.api).match(/[a-z]+:\/\/[^/"]+/g) ?? [];
    expect(new Set(strings)).toEqual(new Set([origin]));
  });

  it("sends ccxt's market loading (exchangeInfo) to the endpoint", async () => {
    const exchange = pinnedBinance() as unknown as { loadMarkets(): Promise<unknown> };
    await exchange.loadMarkets().catch(() => undefined);
    expect(seen).toContain('GET /fapi/v1/exchangeInfo');
  });

  it('refuses a request to any other origin before it leaves', async () => {
    const exchange = pinnedBinance();
    await expect(exchange.fetch('https://fapi.binance.com/fapi/v1/time', 'GET')).rejects.toMatchObject({
      code: 'E_CCXT_OFF_ENDPOINT',
    });
  });
});
