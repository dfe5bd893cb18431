/**
 * The venue server speaks Hyperliquid, Deribit and BitMEX as their docs describe (see each
 * *-venue.ts): handshakes, keep-alives, the Deribit heartbeat that closes a silent client, and
 * the snapshot a late subscriber gets, which must continue the venue's own chain.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFeedConnector, type CapturedFrame, type ConnectionEvent } from '@chassis/venues';
import { startVenueServer, type VenueServer } from './index.ts';
import type { VenueName } from './venue-protocol.ts';
import { connect, sleep, waitFor, type TestClient } from './test-client.ts';

const servers: VenueServer[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function venue(name: VenueName, extra: { heartbeatIntervalMs?: number } = {}): Promise<VenueServer> {
  const s = await startVenueServer({ venue: name, speed: 'manual', ...extra });
  servers.push(s);
  return s;
}

async function client(url: string): Promise<TestClient> {
  const c = await connect(url);
  clients.push(c);
  return c;
}

describe('Hyperliquid venue', () => {
  it('acknowledges a subscription, answers {"method":"ping"} with {"channel":"pong"} and refuses an unknown coin', async () => {
    const v = await venue('hyperliquid');
    const c = await client(`${v.wsBaseUrl}/ws`);
    c.send('{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}}');
    c.send('{"method":"ping"}');
    c.send('{"method":"subscribe","subscription":{"type":"l2Book","coin":"DOGE"}}');
    await waitFor('three replies', () => c.frames.length === 3);
    expect(c.frames[0]).toBe(
      '{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}}}',
    );
    expect(c.frames[1]).toBe('{"channel":"pong"}');
    expect(c.frames[2]).toMatch(/^\{"channel":"error","data":"Invalid subscription/);
  });

  it('sends a late l2Book subscriber the latest snapshot at once, and bbo only when the top of book moves', async () => {
    const v = await venue('hyperliquid');
    const early = await client(`${v.wsBaseUrl}/ws`);
    early.send('{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}}');
    early.send('{"method":"subscribe","subscription":{"type":"bbo","coin":"BTC"}}');
    await waitFor('acks', () => early.frames.length === 2);
    v.step(12);
    await sleep(100);
    const books = early.frames.filter((f) => f.startsWith('{"channel":"l2Book"'));
    const bbos = early.frames.filter((f) => f.startsWith('{"channel":"bbo"'));
    expect(bbos.length).toBeGreaterThan(0);
    expect(bbos.length).toBeLessThanOrEqual(books.length);
    const tops = bbos.map((b) => JSON.stringify((JSON.parse(b) as { data: { bbo: unknown } }).data.bbo));
    expect(new Set(tops).size).toBe(tops.length); // every bbo message is a new top
    const late = await client(`${v.wsBaseUrl}/ws`);
    late.send('{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}}');
    await waitFor('ack and snapshot', () => late.frames.length === 2);
    expect(late.frames[1]).toBe(books[books.length - 1]);
  });
});

describe('Deribit venue', () => {
  it('closes a connection that does not answer test_request with public/test', async () => {
    const v = await venue('deribit', { heartbeatIntervalMs: 50 });
    const c = await client(`${v.wsBaseUrl}/ws/api/v2`);
    c.send('{"jsonrpc":"2.0","id":1,"method":"public/set_heartbeat","params":{"interval":10}}');
    await waitFor('the close', () => c.closeCode !== null, 2_000);
    expect(c.frames).toEqual([
      '{"jsonrpc":"2.0","id":1,"result":"ok"}',
      '{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}}',
    ]);
  });

  it('keeps a connection whose connector answers every test_request (the recorder itself)', async () => {
    const v = await venue('deribit', { heartbeatIntervalMs: 50 });
    const frames: CapturedFrame[] = [];
    const events: ConnectionEvent[] = [];
    const anchor = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
    const connector = createFeedConnector(
      { venue: 'deribit', symbols: ['BTC-24SEP21-8000-P'], channels: ['depth'] },
      {
        clock: { nowNs: () => anchor + process.hrtime.bigint() },
        sink: { frame: (f) => frames.push(f), event: (e) => events.push(e) },
        endpoints: { wsBaseUrl: v.wsBaseUrl },
        connectionIdPrefix: 't',
      },
    );
    connector.start();
    await waitFor('five test_requests', () => frames.filter((f) => f.text.includes('test_request')).length >= 5, 5_000);
    await connector.stop('end of test');
    expect(events.filter((e) => e.type === 'closed' && !e.reason.includes('end of test'))).toEqual([]);
    expect(frames.filter((f) => f.text.includes('test_request')).every((f) => f.keepAlive === true)).toBe(true);
  });

  it('refuses set_heartbeat below 10 s, as Deribit does', async () => {
    const v = await venue('deribit');
    const c = await client(`${v.wsBaseUrl}/ws/api/v2`);
    c.send('{"jsonrpc":"2.0","id":7,"method":"public/set_heartbeat","params":{"interval":5}}');
    await waitFor('the error', () => c.frames.length === 1);
    expect(JSON.parse(c.frames[0]!)).toMatchObject({ id: 7, error: { code: -32602 } });
  });

  it('gives a late book subscriber a snapshot at the current change_id, which the next change continues', async () => {
    const v = await venue('deribit');
    const early = await client(`${v.wsBaseUrl}/ws/api/v2`);
    early.send(
      '{"jsonrpc":"2.0","id":2,"method":"public/subscribe","params":{"channels":["book.BTC-24SEP21-8000-P.100ms"]}}',
    );
    await waitFor('the result', () => early.frames.length === 1);
    expect(early.frames[0]).toBe('{"jsonrpc":"2.0","id":2,"result":["book.BTC-24SEP21-8000-P.100ms"]}');
    const changeIds = () =>
      early.frames
        .slice(1)
        .map((f) => (JSON.parse(f) as { params: { data: { change_id: number } } }).params.data.change_id);
    while (changeIds().length < 10) {
      v.step(5);
      await sleep(20);
    }
    const late = await client(`${v.wsBaseUrl}/ws/api/v2`);
    late.send(
      '{"jsonrpc":"2.0","id":2,"method":"public/subscribe","params":{"channels":["book.BTC-24SEP21-8000-P.100ms"]}}',
    );
    await waitFor('result and snapshot', () => late.frames.length === 2);
    const snapshot = (JSON.parse(late.frames[1]!) as { params: { data: { type: string; change_id: number } } }).params
      .data;
    expect(snapshot.type).toBe('snapshot');
    expect(snapshot.change_id).toBe(changeIds()[changeIds().length - 1]);
    while (late.frames.length < 3) {
      v.step(5);
      await sleep(20);
    }
    expect(
      (JSON.parse(late.frames[2]!) as { params: { data: { prev_change_id: number } } }).params.data.prev_change_id,
    ).toBe(snapshot.change_id);
  });
});

describe('BitMEX venue', () => {
  it('welcomes, subscribes from the URL query, answers ping with pong and refuses an unknown table', async () => {
    const v = await venue('bitmex');
    const c = await client(`${v.wsBaseUrl}/realtime?subscribe=orderBookL2:XBTUSD`);
    await waitFor('welcome and ack', () => c.frames.length === 2);
    expect(c.frames[0]).toMatch(/^\{"info":"Welcome to the BitMEX Realtime API\."/);
    expect(JSON.parse(c.frames[1]!)).toMatchObject({ success: true, subscribe: 'orderBookL2:XBTUSD' });
    c.send('ping');
    c.send('{"op":"subscribe","args":["orderBookL3:XBTUSD"]}');
    await waitFor('pong and error', () => c.frames.length === 4);
    expect(c.frames[2]).toBe('pong');
    expect(JSON.parse(c.frames[3]!)).toMatchObject({ success: false });
  });

  it('gives a late orderBookL2 subscriber a partial with every row the updates left, Sell then Buy by price', async () => {
    const v = await venue('bitmex');
    const early = await client(`${v.wsBaseUrl}/realtime?subscribe=orderBookL2:XBTUSD`);
    await waitFor('welcome and ack', () => early.frames.length === 2);
    while (early.frames.filter((f) => f.includes('"action":"update"')).length < 20) {
      v.step(50);
      await sleep(20);
    }
    // The oracle: the early client's own id → row map, from the capture's partial and every push since.
    const rows = new Map<number, { side: string; price: number; size?: number }>();
    for (const f of early.frames.slice(2)) {
      const m = JSON.parse(f) as { action: string; data: { id: number; side: string; price: number; size?: number }[] };
      for (const r of m.data) {
        if (m.action === 'delete') rows.delete(r.id);
        else rows.set(r.id, { ...rows.get(r.id), ...r });
      }
    }
    const late = await client(`${v.wsBaseUrl}/realtime?subscribe=orderBookL2:XBTUSD`);
    await waitFor('welcome, ack and partial', () => late.frames.length === 3);
    const partial = JSON.parse(late.frames[2]!) as {
      action: string;
      filter: { symbol: string };
      data: { id: number; side: string; price: number; size: number }[];
    };
    expect(partial).toMatchObject({ action: 'partial', filter: { symbol: 'XBTUSD' } });
    expect(new Map(partial.data.map((r) => [r.id, r]))).toEqual(rows);
    const rank = (r: { side: string }) => (r.side === 'Sell' ? 0 : 1);
    const misplaced = partial.data.findIndex(
      (r, k) =>
        k > 0 &&
        (rank(partial.data[k - 1]!) > rank(r) ||
          (rank(partial.data[k - 1]!) === rank(r) && partial.data[k - 1]!.price <= r.price)),
    );
    expect(misplaced).toBe(-1);
  });
});
