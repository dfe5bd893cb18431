/**
 * Test support for the connector tests: a minimal venue on loopback (one HTTP server that
 * upgrades WebSockets and answers REST), a sink that records what a connector delivers, and a
 * capture clock. Only the mechanics; the replaying venue server lives in test/venue-server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CaptureClock, CapturedFrame, ConnectionEvent, ConnectorOptions, ConnectorSink, FeedConnector, FeedSpec } from './connector.ts';
import { createFeedConnector } from './feed-connector.ts';

export interface VenueSocket {
  /** Request path and query of the upgrade, e.g. `/public/stream?streams=btcusdt@depth@0ms`. */
  readonly path: string;
  readonly socket: WebSocket;
  /** Text messages the client sent, in order. */
  readonly received: string[];
  readonly closed: Promise<void>;
}

export interface LoopbackVenue {
  readonly wsBase: string;
  readonly restBase: string;
  readonly sockets: VenueSocket[];
  /** REST request paths, in order. */
  readonly restRequests: string[];
  /** Answers REST requests; default 404. */
  rest: (req: IncomingMessage, res: ServerResponse) => void;
  /** Refuse the next upgrades with this status and headers. */
  refuseUpgrades(count: number, status: number, headers: Record<string, string>): void;
  /** Resolves with the n-th socket (0-based) once it is open. */
  socket(n: number): Promise<VenueSocket>;
  close(): Promise<void>;
}

export async function startLoopbackVenue(): Promise<LoopbackVenue> {
  const sockets: VenueSocket[] = [];
  const restRequests: string[] = [];
  const waiters: (() => void)[] = [];
  let refusals: { count: number; status: number; headers: Record<string, string> } = { count: 0, status: 0, headers: {} };
  const server: Server = createServer((req, res) => {
    restRequests.push(req.url ?? '');
    venue.rest(req, res);
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (refusals.count > 0) {
      refusals.count--;
      const headerLines = Object.entries(refusals.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.end(`HTTP/1.1 ${refusals.status} Refused\r\n${headerLines}Content-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const received: string[] = [];
      ws.on('message', (data) => received.push(data.toString()));
      const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
      sockets.push({ path: req.url ?? '', socket: ws, received, closed });
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const venue: LoopbackVenue = {
    wsBase: `ws://127.0.0.1:${port}`,
    restBase: `http://127.0.0.1:${port}`,
    sockets,
    restRequests,
    rest: (_req, res) => {
      res.statusCode = 404;
      res.end();
    },
    refuseUpgrades(count, status, headers) {
      refusals = { count, status, headers };
    },
    async socket(n) {
      while (sockets.length <= n) await new Promise<void>((resolve) => waiters.push(resolve));
      return sockets[n] as VenueSocket;
    },
    async close() {
      for (const s of sockets) s.socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return venue;
}

export interface RecordingSink extends ConnectorSink {
  readonly frames: CapturedFrame[];
  readonly events: ConnectionEvent[];
  /** Resolves once `predicate` holds (checked after every delivery and every 10 ms), or rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  eventsOf(type: ConnectionEvent['type']): ConnectionEvent[];
}

export function recordingSink(): RecordingSink {
  const frames: CapturedFrame[] = [];
  const events: ConnectionEvent[] = [];
  let checks: (() => void)[] = [];
  const notify = (): void => {
    for (const c of checks) c();
  };
  return {
    frames,
    events,
    frame(f) {
      frames.push(f);
      notify();
    },
    event(e) {
      events.push(e);
      notify();
    },
    eventsOf: (type) => events.filter((e) => e.type === type),
    until(predicate, timeoutMs = 5_000) {
      return new Promise<void>((resolve, reject) => {
        if (predicate()) return resolve();
        const check = (): void => {
          if (!predicate()) return;
          clearTimeout(timer);
          clearInterval(poll);
          checks = checks.filter((c) => c !== check);
          resolve();
        };
        const poll = setInterval(check, 10); // for conditions on the venue side (messages it received)
        const timer = setTimeout(() => {
          clearInterval(poll);
          checks = checks.filter((c) => c !== check);
          reject(new Error(`condition not met within ${timeoutMs} ms; events: ${events.map((e) => `${e.type}(${e.reason})`).join(' | ')}`));
        }, timeoutMs);
        checks.push(check);
      });
    },
  };
}

/** Capture clock of the tests: wall-anchored, monotonic. */
export function testClock(): CaptureClock {
  const anchorNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
  return { nowNs: () => anchorNs + process.hrtime.bigint() };
}

/** Sends JSON-ish text frames from the venue side. */
export function sendAll(s: VenueSocket, texts: readonly string[]): void {
  for (const t of texts) s.socket.send(t);
}

export interface ConnectorHarness {
  /** Starts a loopback venue (prepared by `setup`) and a started connector pointed at it. */
  start(spec: FeedSpec, sink: RecordingSink, extra?: Partial<ConnectorOptions>, setup?: (venue: LoopbackVenue) => void): Promise<LoopbackVenue>;
  connector(): FeedConnector;
}

/** Per test file: starts venue + connector per test, stops both after each test. */
export function connectorHarness(): ConnectorHarness {
  let venue: LoopbackVenue | null = null;
  let connector: FeedConnector | null = null;
  afterEach(async () => {
    await connector?.stop('test over');
    connector = null;
    await venue?.close();
    venue = null;
  });
  return {
    async start(spec, sink, extra = {}, setup) {
      venue = await startLoopbackVenue();
      setup?.(venue);
      connector = createFeedConnector(spec, {
        clock: testClock(),
        sink,
        connectionIdPrefix: 's1',
        endpoints: { wsBaseUrl: venue.wsBase, restBaseUrl: venue.restBase },
        random: () => 0,
        ...extra,
      });
      connector.start();
      return venue;
    },
    connector: () => connector as FeedConnector,
  };
}
