/**
 * Binance spot, USD-M and COIN-M market streams and REST depth, as the venue serves them.
 *
 * WebSocket (developers.binance.com, "WebSocket Market Streams"; USD-M "Important WebSocket
 * Change Notice — Base URL Split & Migration", 2026):
 * - spot (stream.binance.com:9443): `/stream?streams=a/b` (combined: `{"stream":..,"data":..}`)
 *   and `/ws/a/b` (raw payloads); `{"method":"SUBSCRIBE"|"UNSUBSCRIBE"|"LIST_SUBSCRIPTIONS",..}`.
 * - futures (fstream / dstream): streams are routed by path. `/public/{stream,ws}` carries the
 *   high-frequency streams (`@depth*`, `@bookTicker`, `@trade`), `/market/{stream,ws}` the
 *   regular ones (`@aggTrade`, `@markPrice`, `@kline_*`, tickers). A stream asked on the other
 *   route delivers nothing, silently. The legacy `/ws` and `/stream` paths accept the connection
 *   and then send nothing (no data, no replies), as the issue describes their retirement.
 *   Sources disagree on `@trade` (ccxt#28091 routes it to `/market`; a per-route measurement,
 *   BYTEX-TRADE/bytex#7, 2026-09, saw it on `/public`): we follow the measurement, as the
 *   connectors do (packages/venues/src/connectors/binance-protocol.ts).
 * - the server sends ping frames (spot every 20 s, futures every 3 min) and disconnects a client
 *   whose pong (with the ping's payload) does not come within 1 min (spot) / 10 min (futures);
 *   client pings are answered with a pong carrying the same payload. Incoming messages are
 *   limited (spot 5/s, futures 10/s; over → disconnect), streams per connection too (1024 / 200).
 * REST: `GET /api/v3/depth` (spot), `/fapi/v1/depth` (USD-M), `/dapi/v1/depth` (COIN-M), answered
 * from the venue's book at the moment asked (binance-book.ts), with `X-MBX-USED-WEIGHT-1M`.
 */
import type { IncomingMessage } from 'node:http';
import type { CaptureSnapshot, TimelineEntry } from './capture-timeline.ts';
import { BinanceSymbolBook, parseDepthDiff, type DepthDiff } from './binance-book.ts';
import { futuresDepthWeight, RequestWeight, spotDepthWeight } from './request-weight.ts';
import type { VenueConnection } from './venue-connection.ts';
import type { HttpAnswer, RestExchange, VenueHost, VenueProtocol } from './venue-protocol.ts';

export type BinanceMarket = 'spot' | 'usdm' | 'coinm';
/** Route of a connection: futures `/public` or `/market`, a legacy futures path, or spot. */
type Route = 'public' | 'market' | 'legacy' | 'spot';

export interface BinanceVenueOptions {
  readonly market: BinanceMarket;
  readonly entries: readonly TimelineEntry[];
  readonly snapshots: readonly CaptureSnapshot[];
  readonly host: VenueHost;
  readonly pingIntervalMs?: number;
  readonly pongTimeoutMs?: number;
  /** REST weight per window (default: spot 6000, futures 2400) and window length (default 60 s). */
  readonly restWeightLimit?: number;
  readonly restWeightWindowMs?: number;
  readonly restLog: RestExchange[];
  /** Trims the servable timeline (tests replay the first part of a capture). */
  readonly trim?: (entries: readonly TimelineEntry[]) => readonly TimelineEntry[];
}

const FUTURES_DEPTH_LIMITS = new Set([5, 10, 20, 50, 100, 500, 1000]);
const PUBLIC_STREAM = /@(depth|bookTicker|trade$)/;

interface ConnState {
  route: Route;
  /** Raw mode (`/ws`) sends the payload without the combined-stream envelope. */
  raw: boolean;
  pingTimer: NodeJS.Timeout | null;
  awaitingPong: { payload: string; deadline: NodeJS.Timeout } | null;
  incomingWindowStartMs: number;
  incomingCount: number;
}

/** Binance's combined-stream envelope prefix for a stream; the payload follows it up to the final `}`. */
function envelopePrefix(stream: string): string {
  return `{"stream":"${stream}","data":`;
}

export class BinanceVenue implements VenueProtocol {
  readonly timeline: readonly TimelineEntry[];
  private readonly books = new Map<string, BinanceSymbolBook>();
  private readonly futures: boolean;
  private readonly conns = new Map<VenueConnection, ConnState>();
  private readonly weight: RequestWeight;
  private readonly pingIntervalMs: number;
  private readonly pongTimeoutMs: number;
  private readonly maxIncomingPerS: number;
  private readonly maxStreams: number;

  constructor(private readonly o: BinanceVenueOptions) {
    this.futures = o.market !== 'spot';
    for (const s of o.snapshots) this.books.set(s.symbol, new BinanceSymbolBook(s.symbol, s.text, this.futures));
    const servable = o.entries.slice(this.firstServableIndex());
    this.timeline = o.trim !== undefined ? o.trim(servable) : servable;
    this.pingIntervalMs = o.pingIntervalMs ?? (this.futures ? 180_000 : 20_000);
    this.pongTimeoutMs = o.pongTimeoutMs ?? (this.futures ? 600_000 : 60_000);
    this.maxIncomingPerS = this.futures ? 10 : 5;
    this.maxStreams = this.futures ? 200 : 1024;
    this.weight = new RequestWeight({
      limit: o.restWeightLimit ?? (this.futures ? 2400 : 6000),
      windowMs: o.restWeightWindowMs ?? 60_000,
      refusalsBeforeBan: 3,
      banMs: 120_000,
      nowMs: () => o.host.nowMs(),
    });
  }

  /** Symbols whose book the venue knows (the capture holds their REST snapshot). */
  get symbols(): string[] {
    return [...this.books.keys()];
  }

  /** The venue's current book of a symbol (for tests). */
  book(symbol: string): BinanceSymbolBook | undefined {
    return this.books.get(symbol);
  }

  /**
   * The replay starts at the first diff the sync procedure applies to some symbol's snapshot:
   * earlier diffs describe a book before any snapshot the capture holds, which no REST answer
   * could be consistent with.
   */
  private firstServableIndex(): number {
    let first = this.o.entries.length;
    for (const [symbol, book] of this.books) {
      const i = this.o.entries.findIndex((e) => e.kind === 'depth' && e.symbol === symbol && book.applies(parseDepthDiff(e.text).u));
      if (i >= 0) first = Math.min(first, i);
    }
    return first === this.o.entries.length ? 0 : first;
  }

  acceptsWebSocket(url: URL): boolean {
    return this.routeOf(url.pathname) !== null;
  }

  private routeOf(pathname: string): { route: Route; raw: boolean; pathStreams: string[] } | null {
    const m = /^(?:\/(public|market))?\/(stream|ws)(?:\/(.*))?$/.exec(pathname);
    if (!m) return null;
    const raw = m[2] === 'ws';
    if (m[2] === 'stream' && m[3] !== undefined) return null;
    const pathStreams = m[3] !== undefined && m[3] !== '' ? m[3].split('/') : [];
    if (!this.futures) return m[1] === undefined ? { route: 'spot', raw, pathStreams } : null;
    return { route: (m[1] as Route | undefined) ?? 'legacy', raw, pathStreams };
  }

  /** True if a stream delivers on a route (futures route by stream class; legacy delivers nothing). */
  private delivers(route: Route, stream: string): boolean {
    if (route === 'spot') return true;
    if (route === 'legacy') return false;
    return PUBLIC_STREAM.test(stream) === (route === 'public');
  }

  open(conn: VenueConnection): void {
    const r = this.routeOf(conn.url.pathname)!;
    const state: ConnState = { route: r.route, raw: r.raw, pingTimer: null, awaitingPong: null, incomingWindowStartMs: this.o.host.nowMs(), incomingCount: 0 };
    this.conns.set(conn, state);
    const query = conn.url.searchParams.get('streams');
    const streams = [...r.pathStreams, ...(query !== null && query !== '' ? query.split('/') : [])];
    if (streams.length > this.maxStreams) {
      conn.close(1008, `too many streams (${streams.length} > ${this.maxStreams})`);
      return;
    }
    for (const s of streams) this.subscribe(conn, state, s);
    this.startPings(conn, state);
    conn.ws.on('pong', (data: Buffer) => {
      if (state.awaitingPong !== null && data.toString() === state.awaitingPong.payload) {
        clearTimeout(state.awaitingPong.deadline);
        state.awaitingPong = null;
      }
    });
    conn.ws.on('ping', (data: Buffer) => {
      if (!conn.drills.unresponsive && conn.isOpen) conn.ws.pong(data);
    });
    conn.ws.once('close', () => this.forget(conn, state));
  }

  private subscribe(conn: VenueConnection, state: ConnState, stream: string): void {
    if (this.delivers(state.route, stream)) this.o.host.subscribe(conn, streamName(stream));
    else conn.topics.add(stream); // accepted, never delivered (wrong route / legacy path)
    this.o.host.onFirstSubscription();
  }

  private startPings(conn: VenueConnection, state: ConnState): void {
    state.pingTimer = setInterval(() => {
      if (!conn.isOpen || conn.drills.unresponsive || state.awaitingPong !== null) return;
      const payload = String(this.o.host.nowMs());
      const deadline = setTimeout(() => conn.terminate(), this.pongTimeoutMs);
      state.awaitingPong = { payload, deadline };
      conn.ws.ping(payload);
    }, this.pingIntervalMs);
  }

  private forget(conn: VenueConnection, state: ConnState): void {
    if (state.pingTimer !== null) clearInterval(state.pingTimer);
    if (state.awaitingPong !== null) clearTimeout(state.awaitingPong.deadline);
    this.conns.delete(conn);
  }

  message(conn: VenueConnection, text: string): void {
    const state = this.conns.get(conn);
    if (state === undefined) return;
    const now = this.o.host.nowMs();
    if (now - state.incomingWindowStartMs >= 1000) {
      state.incomingWindowStartMs = now;
      state.incomingCount = 0;
    }
    if (++state.incomingCount > this.maxIncomingPerS) {
      conn.close(1008, `too many messages (more than ${this.maxIncomingPerS} per second)`);
      return;
    }
    if (state.route === 'legacy') return;
    let req: { method?: unknown; params?: unknown; id?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      conn.sendReply('{"error":{"code":3,"msg":"Invalid JSON: expected a JSON object"}}');
      return;
    }
    const id = JSON.stringify(req.id ?? null);
    const params = Array.isArray(req.params) ? req.params.filter((p): p is string => typeof p === 'string') : [];
    if (req.method === 'SUBSCRIBE') {
      if (conn.topics.size + params.length > this.maxStreams) {
        conn.sendReply(`{"error":{"code":2,"msg":"Invalid request: too many streams"},"id":${id}}`);
        return;
      }
      for (const p of params) this.subscribe(conn, state, p);
      conn.sendReply(`{"result":null,"id":${id}}`);
    } else if (req.method === 'UNSUBSCRIBE') {
      for (const p of params) this.o.host.unsubscribe(conn, streamName(p));
      conn.sendReply(`{"result":null,"id":${id}}`);
    } else if (req.method === 'LIST_SUBSCRIPTIONS') {
      conn.sendReply(`{"result":${JSON.stringify([...conn.topics])},"id":${id}}`);
    } else {
      conn.sendReply(`{"error":{"code":1,"msg":"Invalid value type: method"},"id":${id}}`);
    }
  }

  /** Applies a depth entry to its symbol's book; returns the diff if the book took it. */
  applyToBook(entry: TimelineEntry): { book: BinanceSymbolBook; diff: DepthDiff } | null {
    if (entry.kind !== 'depth') return null;
    const book = this.books.get(entry.symbol);
    if (book === undefined) return null;
    const diff = parseDepthDiff(entry.text);
    return book.apply(diff) ? { book, diff } : null;
  }

  publish(entry: TimelineEntry): void {
    if (entry.kind === 'depth') this.books.get(entry.symbol)?.serve(entry.text);
    const subs = this.o.host.subscribers(entry.topic);
    if (subs.size === 0) return;
    const isBook = entry.kind === 'depth';
    let raw: string | null = null;
    for (const conn of subs) {
      if (this.conns.get(conn)?.raw === true) {
        raw ??= entry.text.slice(envelopePrefix(entry.topic).length, -1);
        conn.sendData(raw, isBook);
      } else conn.sendData(entry.text, isBook);
    }
  }

  private depthPath(): string {
    return this.o.market === 'spot' ? '/api/v3/depth' : this.o.market === 'usdm' ? '/fapi/v1/depth' : '/dapi/v1/depth';
  }

  rest(req: IncomingMessage, url: URL): HttpAnswer | null {
    if (req.method !== 'GET' || url.pathname !== this.depthPath()) return null;
    const answer = this.depth(url);
    this.o.restLog.push({
      path: `${url.pathname}${url.search}`,
      status: answer.status,
      published: this.o.host.published(),
      ...(answer.status === 200 ? { lastUpdateId: /^\{"lastUpdateId":(\d+)/.exec(answer.body)![1]!, body: answer.body } : {}),
    });
    return answer;
  }

  private depth(url: URL): HttpAnswer {
    const drilled = this.o.host.drills.takeRateLimit('rest');
    if (drilled !== null) return tooMany(429, drilled, 0);
    const symbol = url.searchParams.get('symbol');
    const limitText = url.searchParams.get('limit');
    const limit = limitText === null ? (this.futures ? 500 : 100) : Number(limitText);
    const bad = (code: number, msg: string, status = 400): HttpAnswer => ({ status, headers: jsonHeaders(0), body: JSON.stringify({ code, msg }) });
    if (symbol === null || symbol === '') return bad(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    if (!Number.isInteger(limit) || (this.futures ? !FUTURES_DEPTH_LIMITS.has(limit) : limit < 1 || limit > 5000)) return bad(-1100, "Illegal characters found in parameter 'limit'; legal range is '5, 10, 20, 50, 100, 500, 1000'.");
    const verdict = this.weight.take(this.futures ? futuresDepthWeight(limit) : spotDepthWeight(limit));
    if (verdict.status !== 200) return tooMany(verdict.status, verdict.retryAfterS, verdict.usedWeight);
    const book = this.books.get(symbol);
    if (book === undefined) return bad(-1121, 'Invalid symbol.');
    // Computed now, delivered after the drill's delay: the answer is as old as the request.
    return { status: 200, headers: jsonHeaders(verdict.usedWeight), body: book.restBody(limit, this.o.market === 'coinm'), delayMs: this.o.host.drills.takeSnapshotDelayMs() };
  }

  close(): void {
    for (const [conn, state] of this.conns) this.forget(conn, state);
  }
}

/** Stream names take the symbol in lower case; the stream type keeps its case (`bookTicker`). */
function streamName(stream: string): string {
  const at = stream.indexOf('@');
  return at < 0 ? stream.toLowerCase() : stream.slice(0, at).toLowerCase() + stream.slice(at);
}

function jsonHeaders(usedWeight: number): Record<string, string> {
  return { 'content-type': 'application/json;charset=UTF-8', 'x-mbx-used-weight-1m': String(usedWeight) };
}

function tooMany(status: 429 | 418, retryAfterS: number, usedWeight: number): HttpAnswer {
  const msg = status === 418 ? 'Way too many requests; IP banned until the Retry-After time.' : 'Too many requests; current limit of request weight per 1 MINUTE is exceeded. Please use the websocket for live updates to avoid polling the API.';
  return { status, headers: { ...jsonHeaders(usedWeight), 'retry-after': String(retryAfterS) }, body: JSON.stringify({ code: -1003, msg }) };
}
