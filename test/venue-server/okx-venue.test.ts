/**
 * The venue server speaks OKX v5 as OKX does: subscribe events with connId, ping → pong, books
 * with a seqId chain whose checksums verify (okxChecksum, the importer's own) on a client's
 * rebuilt book, from the capture's snapshot or from a snapshot computed mid-stream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { L2Book, okxChecksum } from '@chassis/venues';
import { readFileSync } from 'node:fs';
import { CAPTURES, startVenueServer, type VenueServer } from './index.ts';
import { connect, waitFor, type TestClient } from './test-client.ts';

const servers: VenueServer[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function okxVenue(): Promise<VenueServer> {
  const s = await startVenueServer({ venue: 'okx', speed: 'manual' });
  servers.push(s);
  return s;
}

async function okxClient(v: VenueServer, args: { channel: string; instId: string }[]): Promise<TestClient> {
  const c = await connect(`${v.wsBaseUrl}/ws/v5/public`);
  clients.push(c);
  c.send(JSON.stringify({ op: 'subscribe', args }));
  await waitFor('subscribe events', () => c.frames.length >= args.length);
  return c;
}

interface BooksMessage {
  arg: { channel: string; instId: string };
  action: 'snapshot' | 'update';
  data: { asks: string[][]; bids: string[][]; checksum: number; prevSeqId: number; seqId: number }[];
}

/** Applies an OKX books message's levels (price, size of each four-field level) to a book. */
function applyBooks(book: L2Book, m: BooksMessage): void {
  const d = m.data[0]!;
  const levels = (side: string[][]) => side.map((l) => [l[0]!, l[1]!] as const);
  book.apply(levels(d.bids), levels(d.asks), m.action === 'snapshot');
}

/** Rebuilds each instrument's book from the books frames a client received; returns the checks made. */
function verifyBooks(frames: readonly string[]): { checked: number; failures: string[] } {
  const books = new Map<string, { book: L2Book; seqId: number }>();
  const failures: string[] = [];
  let checked = 0;
  for (const f of frames) {
    if (!f.startsWith('{"arg":{"channel":"books"')) continue;
    const m = JSON.parse(f) as BooksMessage;
    const d = m.data[0]!;
    let s = books.get(m.arg.instId);
    if (m.action === 'snapshot') books.set(m.arg.instId, (s = { book: new L2Book(), seqId: d.seqId }));
    else if (s === undefined) {
      failures.push(`update before snapshot for ${m.arg.instId}`);
      continue;
    } else if (d.prevSeqId !== s.seqId) failures.push(`${m.arg.instId}: prevSeqId ${d.prevSeqId} != previous seqId ${s.seqId}`);
    if (m.action === 'snapshot' && d.prevSeqId !== -1) failures.push(`${m.arg.instId}: snapshot prevSeqId ${d.prevSeqId}`);
    applyBooks(s!.book, m);
    s!.seqId = d.seqId;
    checked++;
    if (okxChecksum(s!.book) !== d.checksum) failures.push(`${m.arg.instId} seqId ${d.seqId}: checksum ${d.checksum} != ${okxChecksum(s!.book)}`);
  }
  return { checked, failures };
}

const ALL_BOOKS = ['BTC-USDT', 'BTC-USD-220527', 'UNI-USD-SWAP'].map((instId) => ({ channel: 'books', instId }));

describe('OKX v5 public', () => {
  it('answers each subscribe arg with an event carrying the connection id, an unknown instrument with error 60018, and ping with pong', async () => {
    const v = await okxVenue();
    const c = await okxClient(v, [
      { channel: 'books', instId: 'BTC-USDT' },
      { channel: 'trades', instId: 'BTC-USDT' },
    ]);
    c.send('{"op":"subscribe","args":[{"channel":"books","instId":"DOGE-USDT"}]}');
    c.send('ping');
    await waitFor('the error and the pong', () => c.frames.length === 4);
    const id = v.allConnections()[0]!.id;
    expect(c.frames.slice(0, 2)).toEqual([`{"event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"},"connId":"${id}"}`, `{"event":"subscribe","arg":{"channel":"trades","instId":"BTC-USDT"},"connId":"${id}"}`]);
    expect(JSON.parse(c.frames[2]!)).toMatchObject({ event: 'error', code: '60018' });
    expect(c.frames[3]).toBe('pong');
  });

  it('serves books whose every checksum verifies on the rebuilt book and whose prevSeqId chains to the previous seqId, for all three instruments', async () => {
    const v = await okxVenue();
    const c = await okxClient(v, ALL_BOOKS);
    v.step(v.timelineLength);
    const sent = v.servedFrames().length;
    await waitFor('every served frame', () => c.frames.length === sent);
    const { checked, failures } = verifyBooks(c.frames);
    expect(failures).toEqual([]);
    expect(checked).toBe(290); // examples/data/README.md: all 290 OKX checksums verify
  });

  it('serves trades and tickers byte for byte as captured', async () => {
    const v = await okxVenue();
    const c = await okxClient(v, [
      { channel: 'trades', instId: 'BTC-USDT' },
      { channel: 'tickers', instId: 'BTC-USDT' },
    ]);
    v.step(v.timelineLength);
    const captured = readFileSync(CAPTURES.cryptofeedOkx.path, 'utf8')
      .split('\n')
      .map((l) => l.slice(l.indexOf(': ') + 2))
      .filter((t) => t.startsWith('{"arg":{"channel":"trades","instId":"BTC-USDT"}') || t.startsWith('{"arg":{"channel":"tickers","instId":"BTC-USDT"}'));
    expect(captured.length).toBe(94);
    await waitFor('every frame', () => c.frames.length === captured.length + 2);
    expect(c.frames.slice(2)).toEqual(captured);
  });

  it('gives a client subscribing mid-stream a snapshot computed from the book at that moment, on which the following updates verify', async () => {
    const v = await okxVenue();
    v.step(Math.floor(v.timelineLength / 2));
    const c = await okxClient(v, ALL_BOOKS);
    await waitFor('three computed snapshots', () => c.frames.filter((f) => f.includes('"action":"snapshot"')).length === 3);
    v.step(v.timelineLength);
    const sent = v.servedFrames().length;
    await waitFor('every served frame', () => c.frames.length === sent);
    const { checked, failures } = verifyBooks(c.frames);
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });
});

describe('OKX bbo-tbt', () => {
  it('derives bbo-tbt from the books: each message is the top of the rebuilt book after the books message that moved it', async () => {
    const v = await okxVenue();
    const c = await okxClient(v, [
      { channel: 'books', instId: 'BTC-USDT' },
      { channel: 'bbo-tbt', instId: 'BTC-USDT' },
    ]);
    v.step(v.timelineLength);
    const sent = v.servedFrames().length;
    await waitFor('every frame', () => c.frames.length === sent);
    const book = new L2Book();
    let lastTop = '';
    const wrong: string[] = [];
    let bbos = 0;
    for (const f of c.frames.slice(2)) {
      const m = JSON.parse(f) as BooksMessage;
      const d = m.data[0]!;
      if (m.arg.channel === 'books') {
        applyBooks(book, m);
        continue;
      }
      bbos++;
      const top = `${book.bestBid()!.price}:${book.bestBid()!.size}|${book.bestAsk()!.price}:${book.bestAsk()!.size}`;
      if (`${d.bids[0]![0]}:${d.bids[0]![1]}|${d.asks[0]![0]}:${d.asks[0]![1]}` !== top || top === lastTop) wrong.push(f.slice(0, 120));
      lastTop = top;
    }
    expect(wrong).toEqual([]);
    expect(bbos).toBeGreaterThan(20);
  });
});
