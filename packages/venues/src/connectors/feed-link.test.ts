import { describe, expect, it } from 'vitest';
import type { ConnectorOptions, RecordChannel } from './connector.ts';
import { connectorHarness, recordingSink, type LoopbackVenue, type RecordingSink } from './test-loopback.ts';

const harness = connectorHarness();
let venue: LoopbackVenue;

/** A Binance spot trade frame with trade id `t` (the shape of a real combined-stream trade). */
const trade = (t: number): string =>
  `{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256299,"s":"BTCUSDT","t":${t},"p":"61800.10","q":"0.002","T":1723161256298,"m":true,"M":true}}`;

async function start(sink: RecordingSink, extra: Partial<ConnectorOptions> = {}, setup?: (v: LoopbackVenue) => void, channels: RecordChannel[] = ['trade']): Promise<void> {
  venue = await harness.start({ venue: 'binance-spot', symbols: ['BTCUSDT'], channels }, sink, extra, setup);
}

describe('feed link: keeping a connection alive', () => {
  it('reconnects after the venue drops the connection and records the data gap between the two connections', async () => {
    const sink = recordingSink();
    await start(sink);
    const first = await venue.socket(0);
    first.socket.send(trade(1));
    await sink.until(() => sink.frames.length === 1);
    first.socket.terminate();
    const second = await venue.socket(1);
    expect(second.path).toBe('/stream?streams=btcusdt@trade');
    second.socket.send(trade(2));
    await sink.until(() => sink.eventsOf('gap').length === 1);
    const gap = sink.eventsOf('gap')[0]!;
    expect(gap.fromNs).toBe(sink.frames[0]!.tsCaptureNs);
    expect(gap.toNs).toBe(sink.frames[1]!.tsCaptureNs);
    expect(sink.frames.map((f) => f.connectionId)).toEqual(['s1-1', 's1-2']);
    expect(sink.eventsOf('reconnect-scheduled')[0]!.delayMs).toBe(0); // random() = 0: no wait
  });

  it('waits what Retry-After asks when the WebSocket upgrade answers 429', async () => {
    const sink = recordingSink();
    const startedMs = Date.now();
    await start(sink, {}, (v) => v.refuseUpgrades(1, 429, { 'Retry-After': '1' }));
    await venue.socket(0);
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(1000);
    const limited = sink.eventsOf('rate-limited');
    expect(limited).toHaveLength(1);
    expect(limited[0]!.delayMs).toBe(1000);
    expect(sink.eventsOf('closed')[0]!.reason).toContain('HTTP 429');
  });

  it('backs off exponentially with full jitter between refused attempts, within min(max, base·2^attempt)', async () => {
    const sink = recordingSink();
    await start(sink, { random: () => 0.5, overrides: { backoffBaseMs: 20, backoffMaxMs: 100 } }, (v) => v.refuseUpgrades(5, 503, {}));
    await venue.socket(0);
    const delays = sink.eventsOf('reconnect-scheduled').map((e) => e.delayMs);
    // floor(0.5 · min(100, 20 · 2^k)) for k = 0..4
    expect(delays).toEqual([10, 20, 40, 50, 50]);
    expect(sink.eventsOf('closed').map((e) => e.reason)).toEqual(Array(5).fill('upgrade refused with HTTP 503'));
  });

  it('restarts a connection that stays open but silent beyond the threshold', async () => {
    const sink = recordingSink();
    await start(sink, { overrides: { silenceMs: 200 } });
    const first = await venue.socket(0);
    first.socket.send(trade(1));
    const second = await venue.socket(1); // no data after the first frame
    await first.closed;
    expect(sink.eventsOf('silent')).toHaveLength(1);
    second.socket.send(trade(2));
    await sink.until(() => sink.frames.length === 2);
    expect(sink.eventsOf('gap')).toHaveLength(1);
  });

  it('restarts a connection on which one channel went silent while another still delivers (a stream on the wrong route)', async () => {
    const sink = recordingSink();
    await start(sink, { overrides: { silenceMs: 200 } }, undefined, ['depth', 'trade']);
    const first = await venue.socket(0);
    expect(first.path).toBe('/stream?streams=btcusdt@depth@100ms/btcusdt@trade');
    let id = 0;
    const timer = setInterval(() => first.socket.send(trade(++id)), 20); // trades only, no depth
    try {
      await sink.until(() => sink.eventsOf('silent').length === 1, 2_000);
    } finally {
      clearInterval(timer);
    }
    expect(sink.eventsOf('silent')[0]!.reason).toContain('no depth data for 200 ms');
  });

  it('rotates: opens the replacement, closes the old one only once the new one delivers, and loses no frame', async () => {
    const sink = recordingSink();
    await start(sink, { overrides: { rotateAfterMs: 150 } });
    const old = await venue.socket(0);
    let id = 0;
    // The venue sends trade t on every open connection, as a venue would.
    const timer = setInterval(() => {
      id++;
      for (const s of venue.sockets) if (s.socket.readyState === s.socket.OPEN) s.socket.send(trade(id));
    }, 5);
    try {
      await venue.socket(1);
      await old.closed;
      // The venue may see the close before the client reports it: wait for the client's event too.
      await sink.until(() => sink.events.some((e) => e.type === 'closed' && e.connectionId === 's1-1'));
      await sink.until(() => sink.frames.some((f) => f.connectionId === 's1-2' && !sink.frames.some((g) => g.connectionId === 's1-1' && g.text === f.text)));
    } finally {
      clearInterval(timer);
    }
    const ids = [...new Set(sink.frames.map((f) => Number(/"t":(\d+)/.exec(f.text)![1])))].sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1)); // every trade id, none missing
    const rotated = sink.eventsOf('rotated');
    expect(rotated[0]!.connectionId).toBe('s1-2');
    expect(sink.eventsOf('gap')).toEqual([]);
    const closedOld = sink.events.findIndex((e) => e.type === 'closed' && e.connectionId === 's1-1');
    const firstNew = sink.frames.find((f) => f.connectionId === 's1-2')!;
    expect(sink.events[closedOld]!.tsNs > firstNew.tsCaptureNs).toBe(true);
  });

  it("opens a replacement at once when the venue announces a shutdown, then closes the old connection without a gap", async () => {
    const sink = recordingSink();
    await start(sink);
    const old = await venue.socket(0);
    old.socket.send(trade(1));
    old.socket.send('{"stream":"btcusdt@trade","data":{"e":"serverShutdown","E":1770123456789}}');
    const replacement = await venue.socket(1);
    expect(replacement.path).toBe(old.path);
    old.socket.send(trade(2));
    replacement.socket.send(trade(2));
    await old.closed;
    expect(sink.eventsOf('rotated')).toHaveLength(1);
    expect(sink.eventsOf('gap')).toEqual([]);
    expect(sink.eventsOf('connecting')[1]!.reason).toContain('s1-1 announced the venue will close it');
  });

  it('emits no event after stop() resolved', async () => {
    const sink = recordingSink();
    await start(sink);
    await venue.socket(0);
    await harness.connector().stop('done');
    const count = sink.events.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.events.length).toBe(count);
    expect(sink.events.at(-1)).toMatchObject({ type: 'closed', connectionId: 's1-1' });
  });
});
