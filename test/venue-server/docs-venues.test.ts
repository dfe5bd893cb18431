/**
 * The venue server speaks Kraken v2 and Coinbase Advanced Trade as their docs describe (see
 * kraken-venue.ts, coinbase-venue.ts), replaying the documentation fixtures of
 * examples/data/venue-docs. Oracles: the fixture's own checksums (computed by
 * generate-kraken.mjs, not by the server) and a reference book Map rebuilt here from the frames.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startVenueServer, type VenueServer } from './index.ts';
import type { VenueName } from './venue-protocol.ts';
import { connect, sleep, waitFor, type TestClient } from './test-client.ts';

const servers: VenueServer[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function venue(name: VenueName): Promise<VenueServer> {
  const s = await startVenueServer({ venue: name, speed: 'manual' });
  servers.push(s);
  return s;
}

async function client(url: string): Promise<TestClient> {
  const c = await connect(url);
  clients.push(c);
  return c;
}

async function publish(v: VenueServer, n: number): Promise<void> {
  v.step(n);
  await sleep(30);
}

const KRAKEN_BOOK = '{"method":"subscribe","params":{"channel":"book","symbol":["BTC/USD"],"depth":1000}}';

describe('Kraken v2 venue', () => {
  it('acknowledges a book subscription at the fixture depth 10, answers ping with pong and refuses an unknown symbol', async () => {
    const v = await venue('kraken');
    const c = await client(`${v.wsBaseUrl}/v2`);
    c.send(KRAKEN_BOOK);
    c.send('{"method":"ping"}');
    c.send('{"method":"subscribe","params":{"channel":"trade","symbol":["DOGE/USD"]}}');
    await waitFor('three replies', () => c.frames.length === 3);
    expect(JSON.parse(c.frames[0]!)).toMatchObject({ method: 'subscribe', success: true, result: { channel: 'book', depth: 10, symbol: 'BTC/USD' } });
    expect(JSON.parse(c.frames[1]!)).toMatchObject({ method: 'pong' });
    expect(JSON.parse(c.frames[2]!)).toMatchObject({ method: 'subscribe', success: false, symbol: 'DOGE/USD' });
  });

  it('serves a subscriber from the start the fixture book messages byte for byte', async () => {
    const v = await venue('kraken');
    const c = await client(`${v.wsBaseUrl}/v2`);
    c.send(KRAKEN_BOOK);
    await waitFor('ack', () => c.frames.length === 1);
    await publish(v, v.timelineLength);
    const books = v.servedFrames('data').map((f) => f.text);
    expect(books.length).toBeGreaterThan(30);
    expect(c.frames.slice(1)).toEqual(books);
    expect(books[0]).toMatch(/^\{"channel":"book","type":"snapshot"/);
  });

  it('gives a late book subscriber a snapshot whose checksum is the fixture checksum of the last update served', async () => {
    const v = await venue('kraken');
    const early = await client(`${v.wsBaseUrl}/v2`);
    early.send(KRAKEN_BOOK);
    await waitFor('ack', () => early.frames.length === 1);
    await publish(v, 20);
    const checksums = early.frames.map((f) => /"checksum":(\d+)/.exec(f)?.[1]).filter((c) => c !== undefined);
    expect(checksums.length).toBeGreaterThan(10);
    const late = await client(`${v.wsBaseUrl}/v2`);
    late.send(KRAKEN_BOOK);
    await waitFor('ack and snapshot', () => late.frames.length === 2);
    expect(late.frames[1]).toMatch(/^\{"channel":"book","type":"snapshot"/);
    expect(/"checksum":(\d+)/.exec(late.frames[1]!)?.[1]).toBe(checksums[checksums.length - 1]);
  });
});

const CB = (channel: string) => `{"type":"subscribe","product_ids":["BTC-USD"],"channel":"${channel}"}`;
const seq = (f: string) => (JSON.parse(f) as { sequence_num: number }).sequence_num;

/** A reference book (price → size per side) from l2_data frames. */
function referenceBook(frames: readonly string[]): Record<string, string> {
  const book = new Map<string, string>();
  for (const f of frames) {
    const msg = JSON.parse(f) as { channel: string; events: { type: string; updates: { side: string; price_level: string; new_quantity: string }[] }[] };
    if (msg.channel !== 'l2_data') continue;
    for (const e of msg.events) {
      if (e.type === 'snapshot') book.clear();
      for (const u of e.updates) {
        const key = `${u.side} ${Number(u.price_level)}`;
        if (Number(u.new_quantity) === 0) book.delete(key);
        else book.set(key, String(Number(u.new_quantity)));
      }
    }
  }
  return Object.fromEntries([...book].sort());
}

describe('Coinbase Advanced Trade venue', () => {
  it('numbers every message of a connection from 0 without a gap, subscriptions replies included', async () => {
    const v = await venue('coinbase');
    const a = await client(`${v.wsBaseUrl}/`);
    for (const ch of ['level2', 'market_trades', 'ticker']) a.send(CB(ch));
    a.send('{"type":"subscribe","channel":"heartbeats"}');
    await waitFor('four subscriptions replies', () => a.frames.length === 4);
    expect(JSON.parse(a.frames[3]!)).toMatchObject({ channel: 'subscriptions', events: [{ subscriptions: { level2: ['BTC-USD'], market_trades: ['BTC-USD'], ticker: ['BTC-USD'] } }] });
    await publish(v, 30);
    const b = await client(`${v.wsBaseUrl}/`);
    b.send(CB('ticker'));
    await waitFor('b subscribed', () => b.frames.length === 1);
    await publish(v, v.timelineLength);
    await waitFor('b gets tickers', () => b.frames.length > 3);
    for (const c of [a, b]) expect(c.frames.map(seq)).toEqual(c.frames.map((_, i) => i));
    expect(a.frames.some((f) => f.startsWith('{"channel":"heartbeats"'))).toBe(true);
  });

  it('refuses an unknown product with an error message', async () => {
    const v = await venue('coinbase');
    const c = await client(`${v.wsBaseUrl}/`);
    c.send('{"type":"subscribe","product_ids":["DOGE-USD"],"channel":"level2"}');
    await waitFor('error', () => c.frames.length === 1);
    expect(JSON.parse(c.frames[0]!)).toMatchObject({ type: 'error' });
  });

  it('gives a late level2 subscriber a snapshot equal to the book an early subscriber rebuilt, then the same updates', async () => {
    const v = await venue('coinbase');
    const early = await client(`${v.wsBaseUrl}/`);
    early.send(CB('level2'));
    await waitFor('reply', () => early.frames.length === 1);
    await publish(v, 40);
    const late = await client(`${v.wsBaseUrl}/`);
    late.send(CB('level2'));
    await waitFor('reply and snapshot', () => late.frames.length === 2);
    expect(referenceBook(late.frames)).toEqual(referenceBook(early.frames));
    await publish(v, v.timelineLength);
    expect(Object.keys(referenceBook(late.frames)).length).toBeGreaterThan(5);
    expect(referenceBook(late.frames)).toEqual(referenceBook(early.frames));
  });
});
