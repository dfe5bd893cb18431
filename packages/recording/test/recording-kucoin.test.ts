/**
 * KuCoin end to end: a small loopback KuCoin (bullet-public, welcome, subscribe, level2_100
 * snapshot) serves the real BCHSV-USDT excerpt of examples/data/venue-docs (cryptofeed's KUCOIN
 * capture: 75 WebSocket messages — welcome, ack, 10 tickers, level2 changes, no match — and the
 * REST snapshot taken after the first change). The
 * recording must hold every served frame byte for byte, be promoted by the quality gate
 * (sequence continuity from the snapshot), hold the same canonical records as a direct
 * `chassis import` of the fixture, and run under `chassis backtest`.
 */
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { importCapture, runPendingManifests } from '@chassis/quality';
import { FsStorage } from '@chassis/storage';
import {
  createFeedConnector,
  feedName,
  type CapturedFrame,
  type ConnectionEvent,
  type RecordChannel,
} from '@chassis/venues';
import { FeedRecorder, MonotonicCaptureClock } from '../src/index.ts';
import { canonicalRecords, expectBacktestCompletes } from './breadth-recording.ts';
import { quietLog, rawLines, until } from './venue-recording.ts';

const DOCS = join(import.meta.dirname, '../../../examples/data/venue-docs');
const SYMBOL = 'BCHSV-USDT';
const CHANNELS: readonly RecordChannel[] = ['depth', 'trade', 'bbo'];
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'chassis-e2e-kucoin-'));
  roots.push(d);
  return d;
}

/** Cryptofeed text lines `<seconds>: <message>` → the messages. */
const wsMessages = readFileSync(join(DOCS, 'KUCOIN.ws.1.0'), 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => l.slice(l.indexOf(': ') + 2));
/** `<url> -> <seconds>: <body>` → the body. */
const httpLine = readFileSync(join(DOCS, 'KUCOIN.http.0.0'), 'utf8');
const snapshotBody = httpLine.slice(httpLine.indexOf(': ', httpLine.indexOf(' -> ')) + 2).trimEnd();

/**
 * Loopback KuCoin on one port: the bullet names this server's `/endpoint`; the socket sends the
 * fixture's welcome at once, the messages up to the first level2 change after the three
 * subscribes, and the rest once the level2_100 snapshot was answered (the capture's order).
 */
async function startKucoin(): Promise<{ base: string; close(): Promise<void> }> {
  const firstChange = wsMessages.findIndex((m) => m.includes('"/market/level2:'));
  let snapshotServed: () => void = () => {};
  const snapshot = new Promise<void>((r) => (snapshotServed = r));
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/api/v1/bullet-public') {
      const { port } = server.address() as AddressInfo;
      res.end(
        JSON.stringify({
          code: '200000',
          data: {
            token: 'T1',
            instanceServers: [
              {
                endpoint: `ws://127.0.0.1:${port}/endpoint`,
                protocol: 'websocket',
                encrypt: false,
                pingInterval: 18000,
                pingTimeout: 10000,
              },
            ],
          },
        }),
      );
    } else if (req.url === `/api/v1/market/orderbook/level2_100?symbol=${SYMBOL}`) {
      res.end(snapshotBody, () => setTimeout(snapshotServed, 20));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => {
    ws.send(wsMessages[0]!); // welcome
    let subscribes = 0;
    ws.on('message', (m) => {
      if (!m.toString().includes('"subscribe"') || ++subscribes !== CHANNELS.length) return;
      for (const msg of wsMessages.slice(1, firstChange + 1)) ws.send(msg);
      void snapshot.then(() => {
        for (const msg of wsMessages.slice(firstChange + 1)) ws.send(msg);
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `127.0.0.1:${port}`,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('recording KuCoin BCHSV-USDT from a loopback KuCoin serving the real cryptofeed excerpt', () => {
  it('records every served frame byte for byte, is promoted, equals a direct import and backtests', async () => {
    const venue = await startKucoin();
    const root = tempDir();
    const storage = new FsStorage(root);
    const clock = new MonotonicCaptureClock();
    const feed = feedName({ channels: CHANNELS });
    const recorder = new FeedRecorder({
      storage,
      spoolDir: root,
      venue: 'kucoin',
      feed,
      symbols: [SYMBOL],
      session: 'kc1',
      windowNs: 3_600_000_000_000n,
      flushIntervalMs: 100,
      bufferLimitBytes: 1 << 24,
      clock,
      log: quietLog,
    });
    const frames: CapturedFrame[] = [];
    const events: ConnectionEvent[] = [];
    const connector = createFeedConnector(
      { venue: 'kucoin', symbols: [SYMBOL], channels: CHANNELS },
      {
        clock,
        sink: { frame: (f) => (frames.push(f), recorder.frame(f)), event: (e) => (events.push(e), recorder.event(e)) },
        endpoints: { wsBaseUrl: `ws://${venue.base}`, restBaseUrl: `http://${venue.base}` },
        connectionIdPrefix: 'kc1',
      },
    );
    connector.start();
    await until('every fixture message and the snapshot', () => frames.length >= wsMessages.length + 1, 10_000);
    await connector.stop('end of test');
    await recorder.close('end of test');
    await venue.close();

    const raw = rawLines(root, 'kucoin', feed);
    expect(raw.filter((l) => l.url === undefined).map((l) => l.frame)).toEqual(wsMessages);
    expect(raw.filter((l) => l.url !== undefined).map((l) => [l.frame, l.instrument])).toEqual([
      [snapshotBody, SYMBOL],
    ]);
    expect(events.filter((e) => e.type === 'gap' || e.type === 'malformed')).toEqual([]);

    const runs = await runPendingManifests(storage);
    const outcomes = runs.flatMap((r) => r.results.flatMap((g) => g.datasets.map((d) => d.outcome)));
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.every((o) => o === 'promoted')).toBe(true);

    const importStorage = new FsStorage(join(tempDir(), 'data'));
    await importCapture(importStorage, join(DOCS, 'KUCOIN.ws.1.0'));
    const recorded = await canonicalRecords(storage, 'kucoin', SYMBOL);
    expect(Object.keys(recorded).sort()).toEqual(['bbo', 'book_delta']); // the excerpt holds no /market/match message
    expect(recorded).toEqual(await canonicalRecords(importStorage, 'kucoin', SYMBOL));

    await expectBacktestCompletes(root, 'kucoin', SYMBOL);
  }, 60_000);
});
