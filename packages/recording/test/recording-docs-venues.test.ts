/**
 * Kraken v2 and Coinbase Advanced Trade have no venue-server capture: a loopback WebSocket
 * serves the documentation-written fixtures of examples/data/venue-docs (the ones the format
 * tests use, checksums and sequence numbers valid) once the connector has sent its subscribe
 * messages. The recording must hold every served frame byte for byte, be promoted by the
 * quality gate (Kraken: every CRC32 checksum verified; Coinbase: sequence_num continuous), and
 * hold the same canonical records as a `chassis import` of the same messages.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { importCapture, runPendingManifests } from '@chassis/quality';
import { FsStorage } from '@chassis/storage';
import { createFeedConnector, feedName, type CapturedFrame, type RecordChannel, type VenueId } from '@chassis/venues';
import { FeedRecorder, MonotonicCaptureClock } from '../src/index.ts';
import { canonicalRecords } from './breadth-recording.ts';
import { quietLog, rawLines, until } from './venue-recording.ts';

const DOCS = join(import.meta.dirname, '../../../examples/data/venue-docs');
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'chassis-e2e-docs-'));
  roots.push(d);
  return d;
}

/** The venue messages of a fixture: plain JSON lines, or the verbatim `message` of chassis-raw lines. */
function fixtureMessages(file: string): string[] {
  return readFileSync(join(DOCS, file), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => (l.startsWith('{"tsLocalNs"') ? l.slice(l.indexOf(',"message":') + ',"message":'.length, -1) : l));
}

interface DocsCase {
  readonly venue: VenueId;
  readonly file: string;
  readonly symbol: string;
  readonly channels: readonly RecordChannel[];
  /** Subscribe messages the connector sends before the fixture is served. */
  readonly subscribes: number;
}

const CASES: readonly DocsCase[] = [
  {
    venue: 'kraken',
    file: 'kraken-v2-btcusd.jsonl',
    symbol: 'BTC/USD',
    channels: ['depth', 'trade', 'bbo'],
    subscribes: 3,
  },
  {
    venue: 'coinbase',
    file: 'coinbase-advanced-btcusd.raw.jsonl',
    symbol: 'BTC-USD',
    channels: ['depth', 'trade', 'bbo'],
    subscribes: 4,
  },
];

describe.each(CASES)(
  'recording $venue from a loopback serving its documentation fixture',
  ({ venue, file, symbol, channels, subscribes }) => {
    it('records every served frame byte for byte, is promoted, and equals a direct import of the same messages', async () => {
      const messages = fixtureMessages(file);
      const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
      await new Promise((r) => wss.once('listening', r));
      wss.on('connection', (ws) => {
        let received = 0;
        ws.on('message', () => {
          if (++received === subscribes) for (const m of messages) ws.send(m);
        });
      });
      const root = tempDir();
      const storage = new FsStorage(root);
      const clock = new MonotonicCaptureClock();
      const feed = feedName({ channels });
      const recorder = new FeedRecorder({
        storage,
        spoolDir: root,
        venue,
        feed,
        symbols: [symbol],
        session: 'docs1',
        windowNs: 3_600_000_000_000n,
        flushIntervalMs: 100,
        bufferLimitBytes: 1 << 24,
        clock,
        log: quietLog,
      });
      const frames: CapturedFrame[] = [];
      const connector = createFeedConnector(
        { venue, symbols: [symbol], channels },
        {
          clock,
          sink: { frame: (f) => (frames.push(f), recorder.frame(f)), event: (e) => recorder.event(e) },
          endpoints: { wsBaseUrl: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}` },
          connectionIdPrefix: 'docs1',
        },
      );
      connector.start();
      await until('every fixture message', () => frames.length >= messages.length, 10_000);
      await connector.stop('end of test');
      await recorder.close('end of test');
      await new Promise((r) => wss.close(r));

      expect(rawLines(root, venue, feed).map((l) => l.frame)).toEqual(messages);
      const runs = await runPendingManifests(storage);
      const outcomes = runs.flatMap((r) => r.results.flatMap((g) => g.datasets.map((d) => d.outcome)));
      expect(outcomes.length).toBeGreaterThan(0);
      expect(outcomes.every((o) => o === 'promoted')).toBe(true);

      const importRoot = tempDir();
      const served = join(importRoot, `${venue}-served.txt`);
      const t0 = frames[0]!.tsCaptureNs;
      writeFileSync(served, messages.map((m, i) => `${t0 + BigInt(i) * 1_000n} ${m}\n`).join(''));
      const importStorage = new FsStorage(join(importRoot, 'data'));
      await importCapture(importStorage, served);
      const instrument = symbol.replace('/', '-'); // canonical names are path-safe (formats/kraken.ts: BTC/USD is BTC-USD)
      const recorded = await canonicalRecords(storage, venue, instrument);
      expect(recorded['book_delta']!.length).toBeGreaterThan(0);
      expect(recorded).toEqual(await canonicalRecords(importStorage, venue, instrument));
    }, 30_000);
  },
);
