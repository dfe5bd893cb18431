/**
 * The venue server speaks Bybit v5 (re-encoding the Binance capture): subscribe and ping
 * replies as documented, and an orderbook.500 stream whose rebuilt book is, message after
 * message, the top 500 of the Binance book rebuilt independently from the capture (u +1 each).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { captureLines, ReferenceBinanceBook, topLevels, type Side } from './capture-rebuild.ts';
import { CAPTURES, startVenueServer, type VenueServer } from './index.ts';
import { connect, waitFor, type TestClient } from './test-client.ts';

const servers: VenueServer[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function bybit(venue: 'bybit-linear' | 'bybit-spot', topics: string[]): Promise<{ v: VenueServer; c: TestClient }> {
  const v = await startVenueServer({ venue, speed: 'manual', maxEntries: 12_000 });
  servers.push(v);
  const c = await connect(`${v.wsBaseUrl}/v5/public/${venue === 'bybit-linear' ? 'linear' : 'spot'}`);
  clients.push(c);
  c.send(JSON.stringify({ op: 'subscribe', args: topics, req_id: 'sub-1' }));
  await waitFor('the subscribe reply', () => c.frames.length >= 1);
  return { v, c };
}

interface BookMessage {
  topic: string;
  type: 'snapshot' | 'delta';
  data: { s: string; b: [string, string][]; a: [string, string][]; u: number; seq: number };
}

function applyLevels(side: Side, levels: [string, string][]): void {
  for (const [p, s] of levels) {
    if (Number(s) === 0) side.delete(p);
    else side.set(p, s);
  }
}

describe('Bybit v5 public', () => {
  it('answers subscribe and ping as documented, and an unknown topic with success false', async () => {
    const { v, c } = await bybit('bybit-linear', ['orderbook.500.BTCUSDT']);
    const id = v.allConnections()[0]!.id;
    expect(c.frames[0]).toBe(`{"success":true,"ret_msg":"","conn_id":"${id}","req_id":"sub-1","op":"subscribe"}`);
    c.send('{"op":"ping","req_id":"p-7"}');
    c.send('{"op":"subscribe","args":["orderbook.500.ETHUSDT"]}');
    await waitFor('pong and error', () => c.frames.length === 4);
    expect(c.frames[2]).toBe(`{"success":true,"ret_msg":"pong","conn_id":"${id}","req_id":"p-7","op":"ping"}`);
    expect(JSON.parse(c.frames[3]!)).toMatchObject({ success: false, ret_msg: 'error:handler not found,topic:orderbook.500.ETHUSDT' });
  });

  it('refuses more than 10 args in one spot subscribe request', async () => {
    const { c } = await bybit('bybit-spot', Array.from({ length: 11 }, () => 'publicTrade.BTCUSDT'));
    expect(JSON.parse(c.frames[0]!)).toMatchObject({ success: false, ret_msg: 'error:args size >10' });
  });

  it('publishes orderbook.500 whose rebuilt book equals the top 500 of the independently rebuilt Binance book at its seq, with u rising by 1', async () => {
    const { v, c } = await bybit('bybit-linear', ['orderbook.500.BTCUSDT']);
    v.step(v.timelineLength);
    const sent = v.servedFrames().length;
    await waitFor('every frame', () => c.frames.length === sent);
    const lines = captureLines(CAPTURES.usdmBtcusdt.path).map(([, json]) => json);
    const reference = new ReferenceBinanceBook(lines.find((l) => l.startsWith('{"lastUpdateId"'))!, true);
    const stream = lines.filter((l) => l.startsWith('{"stream":"btcusdt@depth'));
    let next = 0;
    const bids: Side = new Map();
    const asks: Side = new Map();
    let lastU = -1;
    const mismatches: string[] = [];
    const messages = c.frames.slice(1).map((f) => JSON.parse(f) as BookMessage);
    messages.forEach((m, i) => {
      if (m.type === 'snapshot') {
        bids.clear();
        asks.clear();
      } else if (m.data.u !== lastU + 1) mismatches.push(`u ${m.data.u} after ${lastU}`);
      lastU = m.data.u;
      applyLevels(bids, m.data.b);
      applyLevels(asks, m.data.a);
      while (reference.lastUpdateId < BigInt(m.data.seq)) reference.apply(stream[next++]!);
      if (i % 40 !== 0 && i !== messages.length - 1) return;
      if (reference.lastUpdateId !== BigInt(m.data.seq)) mismatches.push(`seq ${m.data.seq} is no Binance update id`);
      const same = JSON.stringify(topLevels(bids, 500, true)) === JSON.stringify(topLevels(reference.bids, 500, true)) && JSON.stringify(topLevels(asks, 500, false)) === JSON.stringify(topLevels(reference.asks, 500, false));
      if (!same || bids.size > 500 || asks.size > 500) mismatches.push(`book differs at u ${m.data.u} (seq ${m.data.seq})`);
    });
    expect(mismatches).toEqual([]);
    expect(messages.length).toBeGreaterThan(800);
  });

  it('publishes one publicTrade per Binance trade, the taker side from Binance m', async () => {
    const { v, c } = await bybit('bybit-linear', ['publicTrade.BTCUSDT']);
    v.step(3000);
    const expected = binanceTrades(3000);
    expect(expected.length).toBeGreaterThan(100);
    await waitFor('every trade', () => c.frames.length === expected.length + 1);
    const trades = c.frames.slice(1).map((f) => (JSON.parse(f) as { data: { S: string; p: string; v: string }[] }).data[0]!);
    expect(trades.map((t) => [t.p, t.v, t.S])).toEqual(expected.map((t) => [t.p, t.q, t.m ? 'Sell' : 'Buy']));
  });
});

/** The Binance trades among the first n entries the venue replays: from the first diff at or after the snapshot (futures u >= L). */
function binanceTrades(n: number): { p: string; q: string; m: boolean }[] {
  const lines = captureLines(CAPTURES.usdmBtcusdt.path).map(([, json]) => json);
  const L = (JSON.parse(lines.find((l) => l.startsWith('{"lastUpdateId"'))!) as { lastUpdateId: number }).lastUpdateId;
  const start = lines.findIndex((l) => l.startsWith('{"stream":"btcusdt@depth') && (JSON.parse(l) as { data: { u: number } }).data.u >= L);
  return lines
    .slice(start)
    .filter((l) => l.startsWith('{"stream"'))
    .slice(0, n)
    .filter((l) => l.startsWith('{"stream":"btcusdt@trade"'))
    .map((l) => (JSON.parse(l) as { data: { p: string; q: string; m: boolean } }).data);
}
