import { mkdtempSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChassisError } from '@chassis/core';
import type { CapturedFrame, ConnectionEvent, ConnectorOptions, FeedConnector, FeedSpec } from '@chassis/venues';
import { freePort } from '../../../test/loopback-port.ts';
import { parseRecorderConfig } from './recorder-config.ts';
import { newSessionId, Recorder, stopOnSignals, type FeedWriter, type RecorderParts } from './recorder.ts';
import type { RecordingLog } from './recording-log.ts';
import type { RecordingMetrics } from './recording-metrics.ts';
import type { FeedRecorderOptions } from './feed-recorder.ts';
import type { RecoveredWindow } from './window-recovery.ts';

/** Everything the fakes saw, in order: the oracle for what the process did when. */
type Step = string;

class FakeWriter implements FeedWriter {
  readonly frames: CapturedFrame[] = [];
  readonly events: ConnectionEvent[] = [];
  readonly failed: Promise<ChassisError>;
  fail!: (e: ChassisError) => void;
  constructor(
    readonly options: FeedRecorderOptions,
    private readonly steps: Step[],
  ) {
    this.failed = new Promise((resolve) => (this.fail = resolve));
  }
  frame(f: CapturedFrame): void {
    this.frames.push(f);
  }
  event(e: ConnectionEvent): void {
    this.events.push(e);
  }
  async close(reason: string): Promise<void> {
    await Promise.resolve();
    this.steps.push(`close ${this.options.venue}/${this.options.feed}: ${reason}`);
  }
}

class FakeConnector implements FeedConnector {
  constructor(
    readonly spec: FeedSpec,
    readonly options: ConnectorOptions,
    private readonly steps: Step[],
  ) {}
  start(): void {
    this.steps.push(`start ${this.spec.venue}`);
  }
  async stop(reason: string): Promise<void> {
    await Promise.resolve();
    this.steps.push(`stop ${this.spec.venue}: ${reason}`);
  }
  /** What the venue does: a frame or an event arrives on the socket. */
  deliverFrame(text: string): void {
    this.options.sink.frame({ source: 'ws', tsCaptureNs: this.options.clock.nowNs(), connectionId: `${this.options.connectionIdPrefix}:1`, text });
  }
  deliverEvent(type: ConnectionEvent['type'], extra: Partial<ConnectionEvent> = {}): void {
    this.options.sink.event({ type, tsNs: this.options.clock.nowNs(), connectionId: `${this.options.connectionIdPrefix}:1`, reason: `${type} for the test`, ...extra });
  }
}

interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

function fakeLog(lines: LogLine[]): RecordingLog {
  const at = (level: LogLine['level']) => (obj: object, msg: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg });
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

function harness() {
  const steps: Step[] = [];
  const writers: FakeWriter[] = [];
  const connectors: FakeConnector[] = [];
  const lines: LogLine[] = [];
  let ns = 1_000n;
  const metricCalls: string[] = [];
  const parts: RecorderParts = {
    clock: () => ({ nowNs: () => (ns += 1_000n) }),
    openFeed: (o) => {
      steps.push(`open ${o.venue}/${o.feed}`);
      const w = new FakeWriter(o, steps);
      writers.push(w);
      return w;
    },
    connect: (spec, o) => {
      const c = new FakeConnector(spec, o, steps);
      connectors.push(c);
      return c;
    },
    recoverOpenWindows: async ({ spoolDir }) => {
      steps.push(`recover ${spoolDir}`);
      return [
        { dirKey: 'raw/okx/trade/20260101T000000Z', session: 'DEAD1', manifest: null, truncatedBytes: 0 },
        { dirKey: 'raw/okx/trade/20260101T010000Z', session: 'DEAD1', manifest: { messages: 41 } as RecoveredWindow['manifest'], truncatedBytes: 17 },
      ];
    },
    createMetrics: (): RecordingMetrics => ({
      frame: () => {},
      connectionEvent: () => {},
      bufferFill: () => {},
      diskFreeBytes: (bytes) => void metricCalls.push(`disk ${bytes > 0}`),
      dropped: () => {},
    }),
  };
  return { steps, writers, connectors, lines, parts, metricCalls, log: fakeLog(lines) };
}

const twoFeeds = (data: string, extra: Record<string, unknown> = {}) =>
  parseRecorderConfig(
    {
      data,
      window: '15m',
      feeds: [
        { venue: 'binance-usdm', symbols: ['BTCUSDT', 'ETHUSDT'], channels: ['depth', 'trade'], endpoint: 'ws://127.0.0.1:9001' },
        { venue: 'okx', symbols: ['BTC-USDT-SWAP'], channels: ['bbo'] },
      ],
      ...extra,
    },
    'test',
  );

const tmpRoot = () => mkdtempSync(join(tmpdir(), 'recorder-'));

describe('the recorder process', () => {
  it('recovers open windows before it opens any feed, then opens each feed before its connector starts', async () => {
    const root = tmpRoot();
    const h = harness();
    const r = await Recorder.start({ config: twoFeeds(root), parts: h.parts, log: h.log, session: 'S1' });
    expect(h.steps).toEqual([`recover ${root}`, 'open binance-usdm/depth+trade', 'open okx/bbo', 'start binance-usdm', 'start okx']);
    await r.stop('test over');
  });

  it('opens one writer per feed with the feed, window, session and the data root as spool', async () => {
    const root = tmpRoot();
    const h = harness();
    const r = await Recorder.start({ config: twoFeeds(root), parts: h.parts, log: h.log, session: 'S1' });
    const w = h.writers.map((x) => ({ venue: x.options.venue, feed: x.options.feed, symbols: x.options.symbols, session: x.options.session, windowNs: x.options.windowNs, spoolDir: x.options.spoolDir, flush: x.options.flushIntervalMs }));
    expect(w).toEqual([
      { venue: 'binance-usdm', feed: 'depth+trade', symbols: ['BTCUSDT', 'ETHUSDT'], session: 'S1', windowNs: 900_000_000_000n, spoolDir: root, flush: 1000 },
      { venue: 'okx', feed: 'bbo', symbols: ['BTC-USDT-SWAP'], session: 'S1', windowNs: 900_000_000_000n, spoolDir: root, flush: 1000 },
    ]);
    expect(h.writers[0]!.options.storage.root).toBe(root);
    await r.stop('test over');
  });

  it('gives each connector its endpoints, a unique connection-id prefix and the one capture clock', async () => {
    const root = tmpRoot();
    const h = harness();
    const r = await Recorder.start({ config: twoFeeds(root), parts: h.parts, log: h.log, session: 'S1' });
    expect(h.connectors.map((c) => [c.options.endpoints, c.options.connectionIdPrefix])).toEqual([
      [{ wsBaseUrl: 'ws://127.0.0.1:9001' }, 'S1-0'],
      [{}, 'S1-1'],
    ]);
    expect(h.connectors[0]!.options.clock).toBe(h.connectors[1]!.options.clock);
    expect(h.writers[0]!.options.clock).toBe(h.connectors[0]!.options.clock);
    await r.stop('test over');
  });

  it("delivers each connector's frames and events to its own writer only", async () => {
    const root = tmpRoot();
    const h = harness();
    const r = await Recorder.start({ config: twoFeeds(root), parts: h.parts, log: h.log });
    h.connectors[0]!.deliverFrame('{"e":"depthUpdate"}');
    h.connectors[1]!.deliverFrame('{"arg":{}}');
    h.connectors[1]!.deliverEvent('open');
    expect(h.writers.map((w) => w.frames.map((f) => f.text))).toEqual([['{"e":"depthUpdate"}'], ['{"arg":{}}']]);
    expect(h.writers.map((w) => w.events.map((e) => e.type))).toEqual([[], ['open']]);
    await r.stop('test over');
  });

  it('logs every connection event with its fields: the lifecycle at info, trouble at warn', async () => {
    const root = tmpRoot();
    const h = harness();
    const r = await Recorder.start({ config: twoFeeds(root), parts: h.parts, log: h.log });
    h.connectors[0]!.deliverEvent('subscribed');
    h.connectors[0]!.deliverEvent('gap', { instrument: 'BTCUSDT', fromNs: 10n, toNs: 20n });
    h.connectors[0]!.deliverEvent('reconnect-scheduled', { delayMs: 250 });
    const events = h.lines.filter((l) => l.obj.event !== undefined);
    expect(events.map((l) => [l.level, l.obj.event])).toEqual([
      ['info', 'subscribed'],
      ['warn', 'gap'],
      ['warn', 'reconnect-scheduled'],
    ]);
    expect(events[1]!.obj).toMatchObject({ venue: 'binance-usdm', feed: 'depth+trade', instrument: 'BTCUSDT', fromNs: '10', toNs: '20', reason: 'gap for the test' });
    expect(events[2]!.obj.delayMs).toBe(250);
    await r.stop('test over');
  });

  it('logs each window it recovered from a dead session, published or removed', async () => {
    const root = tmpRoot();
    const h = harness();
    const r = await Recorder.start({ config: twoFeeds(root), parts: h.parts, log: h.log });
    const recovered = h.lines.filter((l) => l.obj.dirKey !== undefined);
    expect(recovered.map((l) => [l.level, l.msg, l.obj])).toEqual([
      ['warn', 'raw/okx/trade/20260101T000000Z: session DEAD1 left an open window with nothing durable; removed it', { dirKey: 'raw/okx/trade/20260101T000000Z', session: 'DEAD1', messages: 0, truncatedBytes: 0 }],
      ['warn', 'raw/okx/trade/20260101T010000Z: published an incomplete manifest for the window session DEAD1 left open', { dirKey: 'raw/okx/trade/20260101T010000Z', session: 'DEAD1', messages: 41, truncatedBytes: 17 }],
    ]);
    await r.stop('test over');
  });

  it('stops every connector before it closes any writer, and resolves done', async () => {
    const root = tmpRoot();
    const h = harness();
    const r = await Recorder.start({ config: twoFeeds(root), parts: h.parts, log: h.log });
    h.steps.length = 0;
    await r.stop('received SIGINT');
    await expect(r.done).resolves.toBeUndefined();
    expect(h.steps.slice(0, 2).sort()).toEqual(['stop binance-usdm: received SIGINT', 'stop okx: received SIGINT']);
    expect(h.steps.slice(2).sort()).toEqual(['close binance-usdm/depth+trade: received SIGINT', 'close okx/bbo: received SIGINT']);
  });

  it('stops once however often it is asked', async () => {
    const root = tmpRoot();
    const h = harness();
    const r = await Recorder.start({ config: twoFeeds(root), parts: h.parts, log: h.log });
    h.steps.length = 0;
    await Promise.all([r.stop('a'), r.stop('b'), r.stop('c')]);
    expect(h.steps.filter((s) => s.startsWith('close'))).toHaveLength(2);
  });

  it('when a writer fails: stops the others, closes the healthy writers only, and rejects done with that error', async () => {
    const root = tmpRoot();
    const h = harness();
    const r = await Recorder.start({ config: twoFeeds(root), parts: h.parts, log: h.log });
    h.steps.length = 0;
    const enospc = new ChassisError('E_RECORD_DISK_FULL', 'raw/okx/bbo/20260101T000000Z/part-0001-S.jsonl.gz: no space left on the device (ENOSPC)');
    h.writers[1]!.fail(enospc);
    await expect(r.done).rejects.toBe(enospc);
    expect(h.steps.filter((s) => s.startsWith('close'))).toEqual(['close binance-usdm/depth+trade: writer of okx/bbo failed (E_RECORD_DISK_FULL)']);
    expect(h.steps.filter((s) => s.startsWith('stop'))).toHaveLength(2);
    expect(h.lines.some((l) => l.level === 'error' && l.msg.includes('no space left'))).toBe(true);
  });

  it('rejects done when closing a window fails', async () => {
    const root = tmpRoot();
    const h = harness();
    const r = await Recorder.start({ config: twoFeeds(root), parts: h.parts, log: h.log });
    h.writers[0]!.close = () => Promise.reject(new Error('fsync failed'));
    await r.stop('received SIGTERM');
    await expect(r.done).rejects.toMatchObject({ code: 'E_RECORD_CLOSE', message: 'closing a window failed: fsync failed' });
  });

  it('refuses an object-store data root without a spool directory before it starts anything', async () => {
    const h = harness();
    await expect(Recorder.start({ config: twoFeeds('s3://bucket/prefix'), parts: h.parts, log: h.log })).rejects.toMatchObject({ code: 'E_RECORDER_CONFIG', message: expect.stringMatching(/give spool/) });
    expect(h.steps).toEqual([]);
  });

  it('fails on a busy metrics port before it recovers or opens anything', async () => {
    const root = tmpRoot();
    const port = await freePort();
    const busy = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => busy.once('listening', r));
    try {
      const h = harness();
      await expect(Recorder.start({ config: twoFeeds(root, { metricsPort: port }), parts: h.parts, log: h.log })).rejects.toMatchObject({ code: 'E_METRICS_PORT_IN_USE' });
      expect(h.steps).toEqual([]);
    } finally {
      busy.close();
    }
  });

  it('serves /metrics and reports on /readyz which feeds are not connected', async () => {
    const root = tmpRoot();
    const port = await freePort();
    const config = twoFeeds(root, { metricsPort: port });
    const h = harness();
    const r = await Recorder.start({ config, parts: h.parts, log: h.log });
    expect(r.metricsUrl).toBe(`http://127.0.0.1:${port}`);
    const ready = async () => (await fetch(`${r.metricsUrl}/readyz`)).status;
    h.connectors[0]!.deliverEvent('open');
    expect(await ready()).toBe(503);
    expect(await (await fetch(`${r.metricsUrl}/readyz`)).text()).toContain('not connected: okx/bbo');
    h.connectors[1]!.deliverEvent('open');
    expect(await ready()).toBe(200);
    h.connectors[1]!.deliverEvent('closed');
    expect(await ready()).toBe(503);
    // a feed on two connections stays ready while one of them reconnects
    h.connectors[1]!.deliverEvent('open', { connectionId: 'S-1:2' });
    h.connectors[1]!.deliverEvent('open', { connectionId: 'S-1:3' });
    h.connectors[1]!.deliverEvent('closed', { connectionId: 'S-1:2' });
    expect(await ready()).toBe(200);
    h.connectors[1]!.deliverEvent('closed', { connectionId: 'S-1:3' });
    expect(await ready()).toBe(503);
    expect((await fetch(`${r.metricsUrl}/metrics`)).status).toBe(200);
    expect(h.metricCalls[0]).toBe('disk true');
    await r.stop('test over');
    await expect(fetch(`${r.metricsUrl}/metrics`)).rejects.toThrow();
  });
});

describe('signals', () => {
  it('a first SIGINT or SIGTERM stops the recorder once; a second exits at once with 128 + the signal number', () => {
    for (const [first, second, code] of [
      ['SIGINT', 'SIGINT', 130],
      ['SIGTERM', 'SIGINT', 130],
      ['SIGINT', 'SIGTERM', 143],
    ] as const) {
      const source = new EventEmitter();
      const stops: string[] = [];
      const exits: number[] = [];
      stopOnSignals({ stop: async (reason) => void stops.push(reason) }, fakeLog([]), source, (c) => void exits.push(c));
      source.emit(first);
      expect([stops, exits]).toEqual([[`received ${first}`], []]);
      source.emit(second);
      expect([stops, exits]).toEqual([[`received ${first}`], [code]]);
    }
  });

  it('removes its handlers when disposed', () => {
    const source = new EventEmitter();
    const dispose = stopOnSignals({ stop: async () => {} }, fakeLog([]), source, () => {});
    expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(2);
    dispose();
    expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(0);
  });
});

describe('session ids', () => {
  const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const decodeMs = (id: string) => [...id.slice(0, 10)].reduce((ms, ch) => ms * 32 + CROCKFORD.indexOf(ch), 0);

  it('are 26 Crockford base-32 characters whose first ten spell the start time in ms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.uint8Array({ minLength: 10, maxLength: 10 }), (ms, random) => {
        const id = newSessionId(ms, random);
        expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
        expect(decodeMs(id)).toBe(ms);
      }),
    );
  });

  it('sort by start time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 2 }), fc.integer({ min: 1, max: 1e9 }), fc.uint8Array({ minLength: 10, maxLength: 10 }), fc.uint8Array({ minLength: 10, maxLength: 10 }), (ms, dt, a, b) => {
        expect(newSessionId(ms, a) < newSessionId(Math.min(ms + dt, 2 ** 48 - 1), b)).toBe(true);
      }),
    );
  });

  it('carry all 80 random bits', () => {
    expect(newSessionId(0, new Uint8Array(10).fill(255)).slice(10)).toBe('Z'.repeat(16));
    expect(newSessionId(0, new Uint8Array(10)).slice(10)).toBe('0'.repeat(16));
  });
});
