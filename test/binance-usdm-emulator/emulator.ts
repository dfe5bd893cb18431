/**
 * startBinanceUsdmEmulator: a local Binance USDⓈ-M futures venue on loopback (README.md).
 * One HTTP server answers the REST API (signed endpoints, exchangeInfo, depth) and the user data
 * stream WebSocket; test/venue-server replays the market data on a second port; the simulated
 * venue matches orders against that same replay.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ReplaySpeed } from '../venue-server/replay.ts';
import { readBody, type ReplayStart, type VenueServer } from '../venue-server/venue-server.ts';
import { Account } from './account.ts';
import { FaultState, type EmulatorFaults } from './faults.ts';
import { startMarketFeed } from './market-feed.ts';
import { OrderEntry } from './order-entry.ts';
import { RateLimits, type RateLimitOptions } from './rate-limits.ts';
import { ReplayedMatching } from './replayed-matching.ts';
import { RestApi, type RestAnswer } from './rest-api.ts';
import { SETTLEMENT_DECIMALS, parseUnits } from './symbol-spec.ts';
import { UserStream, listenKeyOfPath } from './user-stream.ts';

/** Binance's documented example key pair (USDⓈ-M "General Info", SIGNED endpoint examples). */
export const DOCS_API_KEY = 'dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83';
export const DOCS_API_SECRET = '2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9';

export interface BinanceUsdmEmulatorOptions {
  /** Replay speed of the capture (1 = real time, default), 'max' or 'manual' (step with market.step). */
  readonly speed?: ReplaySpeed;
  /** When the replay starts: at listen (default), at the first market-data subscription, or 'manual'. */
  readonly start?: ReplayStart;
  readonly maxEntries?: number;
  readonly maxSpanS?: number;
  /** Credentials the emulator accepts (default: Binance's documented example pair). */
  readonly apiKey?: string;
  readonly apiSecret?: string;
  /** Starting USDT wallet balance, decimal text (default "10000"). */
  readonly initialUsdt?: string;
  /** Listen key validity after creation / keep-alive, ms (default 60 min). */
  readonly listenKeyValidityMs?: number;
  /** The emulator's clock, ms since epoch (default Date.now): server time, timestamps, windows. */
  readonly nowMs?: () => number;
  readonly rateLimits?: Omit<RateLimitOptions, 'nowMs'>;
  /** REST / user-stream port (default: an ephemeral port). */
  readonly port?: number;
}

export interface BinanceUsdmEmulator {
  /** `http://127.0.0.1:PORT`: `/fapi/v1/*`, `/fapi/v2/*` (and `/fapi/v1/depth`). */
  readonly restBaseUrl: string;
  /** Market-data WebSocket base (`/public/ws`, `/market/stream`, ... of test/venue-server). */
  readonly wsBaseUrl: string;
  /** User-data WebSocket base: connect to `${userStreamBaseUrl}/ws/<listenKey>`. */
  readonly userStreamBaseUrl: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly faults: EmulatorFaults;
  /** The market-data server (replay control: step, pause, resume, published). */
  readonly market: VenueServer;
  /** The account as the exchange books it, for assertions. */
  readonly account: Account;
  readonly userStream: UserStream;
  stop(): Promise<void>;
}

export async function startBinanceUsdmEmulator(options: BinanceUsdmEmulatorOptions = {}): Promise<BinanceUsdmEmulator> {
  const nowMs = options.nowMs ?? Date.now;
  const apiKey = options.apiKey ?? DOCS_API_KEY;
  const apiSecret = options.apiSecret ?? DOCS_API_SECRET;
  const initial = parseUnits(options.initialUsdt ?? '10000', SETTLEMENT_DECIMALS);
  if (initial === null)
    throw new Error(
      `E_EMULATOR_CONFIG: initialUsdt "${options.initialUsdt}" is not a decimal with at most ${SETTLEMENT_DECIMALS} places`,
    );
  const account = new Account(BigInt(initial));
  const limits = new RateLimits({ ...options.rateLimits, nowMs });
  const userStream = new UserStream({ validityMs: options.listenKeyValidityMs ?? 3_600_000, nowMs });
  let entry: OrderEntry | null = null;
  const matching = new ReplayedMatching(
    () => BigInt(nowMs()) * 1_000_000n,
    (a) => entry?.apply(a),
  );
  entry = new OrderEntry({ account, matching, push: (e) => userStream.push(e), nowMs });
  const start = options.start ?? 'listen';
  const feed = await startMarketFeed({
    speed: options.speed ?? 1,
    start: start === 'listen' ? 'manual' : start,
    ...(options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {}),
    ...(options.maxSpanS !== undefined ? { maxSpanS: options.maxSpanS } : {}),
    onPublish: (e) => matching.onEntry(e),
  });
  matching.applySnapshot(feed.snapshotText);
  if (start === 'listen') feed.server.startReplay();

  const faults = new FaultState(userStream, limits, (abrupt) => {
    for (const c of feed.server.openConnections()) {
      if (abrupt) c.terminate();
      else c.close(1001, 'server closing the connection');
    }
  });
  const api = new RestApi({
    credentials: { apiKey, apiSecret },
    limits,
    orders: entry,
    account,
    userStream,
    nowMs,
    depth: (req, url) => feed.venue.rest(req, url),
  });
  const http = new EmulatorHttp(api, faults, userStream);
  const port = await http.listen(options.port ?? 0);
  return {
    restBaseUrl: `http://127.0.0.1:${port}`,
    wsBaseUrl: feed.server.wsBaseUrl,
    userStreamBaseUrl: `ws://127.0.0.1:${port}`,
    apiKey,
    apiSecret,
    faults,
    market: feed.server,
    account,
    userStream,
    stop: async () => {
      userStream.stop();
      await http.close();
      await feed.server.close();
    },
  };
}

/** The REST + user-stream listener: reads requests, applies order faults, writes answers. */
class EmulatorHttp {
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly sockets = new Set<Duplex>();

  constructor(
    private readonly api: RestApi,
    private readonly faults: FaultState,
    private readonly userStream: UserStream,
  ) {
    // A client that aborts mid-body rejects readBody: its socket is gone, nothing to answer.
    this.server = createServer((req, res) => void this.onRequest(req, res).catch(() => res.destroy()));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve((this.server.address() as { port: number }).port));
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const isOrderRequest = url.pathname === '/fapi/v1/order' && method !== 'GET';
    const fault = isOrderRequest && this.api.authorises(req, url, body) ? this.faults.takeOrderFault() : null;
    if (fault === 'unknown-without-acting') return send(res, this.api.unknownStatus());
    const answer = this.api.handle(req, url, body);
    if (fault === 'drop-after-acting') {
      res.socket?.destroy();
      return;
    }
    send(res, fault === 'unknown-after-acting' ? this.api.unknownStatus() : answer);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const key = listenKeyOfPath(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    if (key === null) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.userStream.attach(ws, key));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.wss.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function send(res: ServerResponse, a: RestAnswer): void {
  if (res.destroyed) return;
  res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
  res.end(a.body);
}
