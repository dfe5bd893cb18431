/**
 * Drill: the link to the venue goes down while a resting order of ours fills. The adapter reports
 * the link down, and once the venue answers again, reports it up and answers the fill made
 * during the gap exactly once. The outage is a loopback TCP proxy between ccxt and the emulator
 * that drops every connection while it is down.
 */
import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bestQuotesUnits,
  ccxtAdapterOn,
  eventually,
  requestSent,
  signedClient,
  steppedEmulator,
} from './emulator-harness.ts';
import type { AdapterUnderTest, BinanceUsdmEmulator } from './emulator-harness.ts';

interface LinkProxy {
  readonly origin: string;
  down(): void;
  up(): void;
  close(): Promise<void>;
}

async function linkProxy(target: string): Promise<LinkProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let isDown = false;
  const server: Server = createServer((client) => {
    if (isDown) return void client.destroy();
    const upstream = createConnection({ host: hostname, port: Number(port) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    down: () => {
      isDown = true;
      for (const s of sockets) s.destroy();
    },
    up: () => {
      isDown = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let emulator: BinanceUsdmEmulator | undefined;
let proxy: LinkProxy | undefined;
let under: AdapterUnderTest | undefined;
afterEach(async () => {
  await under?.adapter.stop();
  proxy?.down();
  await proxy?.close();
  await emulator?.stop();
});

describe('ccxt adapter: venue link outage', () => {
  it('reports the link down and up again, and answers a fill made during the outage exactly once', async () => {
    emulator = await steppedEmulator();
    proxy = await linkProxy(emulator.restBaseUrl);
    under = await ccxtAdapterOn(emulator, { endpoint: proxy.origin, queryAttempts: 1 });
    const u = under;
    const { ask } = await bestQuotesUnits(emulator);
    u.adapter.submit(requestSent({ request: 'new', orderId: 1, side: 'sell', priceUnits: ask, qtyUnits: 2 }));
    await eventually(() => u.answers.length === 1, 'the acknowledgement');

    proxy.down();
    await eventually(() => u.links.some((l) => l.type === 'disconnected'), 'the link reported down');
    // The replay trades through our ask while we cannot see the venue (asked of it directly).
    const venue = signedClient(emulator);
    const filled = async (): Promise<boolean> =>
      (
        (await venue.signed('GET', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: u.adapter.ids.encode(1) }))
          .json as { status: string }
      ).status === 'FILLED';
    for (let i = 0; i < 200 && !(await filled()); i++) emulator.market.step(100);
    expect(await filled()).toBe(true);
    expect(u.answers.map((a) => a.kind)).toEqual(['order_accepted']);

    proxy.up();
    await eventually(() => u.links.some((l) => l.type === 'reconnected'), 'the link reported up', 10_000);
    await eventually(() => u.answers.some((a) => a.kind === 'order_filled' && a.final), 'the final fill');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const fills = u.answers.filter((a) => a.kind === 'order_filled');
    expect(fills.reduce((sum, f) => sum + (f.kind === 'order_filled' ? f.qtyUnits : 0), 0)).toBe(2);
    expect(new Set(fills.map((f) => (f.kind === 'order_filled' ? f.fillId : ''))).size).toBe(fills.length);
    expect(u.links.map((l) => l.type)).toEqual(['connected', 'disconnected', 'reconnected']);
  });
});
