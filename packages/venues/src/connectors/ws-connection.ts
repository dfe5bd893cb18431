/**
 * One physical WebSocket connection of a feed: opens it, sends the subscription, answers the
 * venue's pings (ws replies to every ping with a pong carrying the same payload, as Binance
 * requires), sends the venue's keep-alive, and watches for silence. It hands every received
 * text frame over with the capture time read first thing on receipt, and reports how it ended.
 * Reconnecting and rotating are the job of feed-link.ts; one WsConnection never reconnects.
 */
import { createRequire } from 'node:module';
import type WebSocket from 'ws';

/**
 * ws is loaded with the first connection, not with @chassis/venues (whose simulated venue every
 * backtest imports): ~0.1 CPU-s a backtest never needs. CommonJS, so `open()` stays synchronous.
 */
let wsClass: typeof WebSocket | undefined;
const webSocketClass = (): typeof WebSocket => (wsClass ??= createRequire(import.meta.url)('ws') as typeof WebSocket);
import { retryAfterMs } from './backoff.ts';
import type { CaptureClock, RecordChannel } from './connector.ts';
import type { TokenBucket } from './token-bucket.ts';
import type { KeepAlive } from './venue-protocol.ts';

/** How a connection ended, for the reconnect decision and the `closed` event's reason. */
export interface ConnectionEnd {
  /** WebSocket close code (1006 = dropped without a close frame), or null when the upgrade failed. */
  readonly code: number | null;
  readonly reason: string;
  /** HTTP status of a refused upgrade (429, 418, 503 ...). */
  readonly httpStatus: number | null;
  /** Venue's Retry-After on a refused upgrade, ms. */
  readonly retryAfterMs: number | null;
}

export interface WsConnectionOptions {
  readonly url: string;
  readonly connectionId: string;
  readonly subscribeMessages: readonly string[];
  readonly keepAlive: KeepAlive | null;
  /** Per channel carried: no frame of it for `ms` → `onSilent`, then terminated. */
  readonly silence: readonly { readonly channel: RecordChannel; readonly ms: number }[];
  channelOf(text: string): RecordChannel | null;
  readonly clock: CaptureClock;
  /** Paces control messages (subscribe, unsubscribe, ping) to the venue's per-connection limit. */
  readonly controlBucket: TokenBucket;
  /** Subscriptions wait for the first frame this accepts (KuCoin `welcome`); absent = sent on open. */
  isReady?(text: string): boolean;
  onOpen(): void;
  onSubscribed(): void;
  /** Every text frame, unchanged, with its capture time; `data` false for keep-alive replies. */
  onFrame(text: string, tsCaptureNs: bigint, data: boolean): void;
  /** The connection is considered dead (no market data, or no reply to our keep-alives); it is then terminated. */
  onSilent(reason: string): void;
  onEnd(end: ConnectionEnd): void;
}

/** Watchdogs sample counters this many times per threshold instead of re-arming a timer per frame. */
const CHECKS_PER_PERIOD = 5;
/** A clean close that gets no answer is cut after this long, ms. */
const CLOSE_GRACE_MS = 2_000;

export class WsConnection {
  readonly connectionId: string;
  /** Capture time of the last frame, ns; null before the first. */
  lastFrameNs: bigint | null = null;
  /** Capture time of the open, ns; null before it. */
  openNs: bigint | null = null;
  private socket: WebSocket | null = null;
  /** Frames received per channel (keep-alive replies and acks count for none). */
  private readonly channelFrames: Record<RecordChannel, number> = { depth: 0, trade: 0, bbo: 0 };
  private anyFrames = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private refused: { status: number; retryAfterMs: number | null } | null = null;
  private lastError: string | null = null;
  private ended = false;
  private closing: Promise<void> | null = null;
  /** Waiting for the venue's ready frame before subscribing. */
  private awaitingReady = false;

  constructor(private readonly o: WsConnectionOptions) {
    this.connectionId = o.connectionId;
  }

  open(): void {
    const WebSocketClass = webSocketClass();
    const socket = new WebSocketClass(this.o.url, { handshakeTimeout: 10_000, perMessageDeflate: false });
    this.socket = socket;
    socket.on('unexpected-response', (_req, res) => {
      this.refused = { status: res.statusCode ?? 0, retryAfterMs: retryAfterMs(res.headers['retry-after'], Date.now()) };
      res.resume();
      socket.terminate();
    });
    socket.on('open', () => this.opened());
    socket.on('message', (data: Buffer) => {
      const tsNs = this.o.clock.nowNs(); // before anything else: capture time is receipt time
      const text = data.toString('utf8'); // venues send text frames; a binary one is kept as its UTF-8 reading
      this.anyFrames++;
      this.lastFrameNs = tsNs;
      const isData = this.o.keepAlive === null || !this.o.keepAlive.isReply(text);
      if (isData) {
        const channel = this.o.channelOf(text);
        if (channel !== null) this.channelFrames[channel]++;
      }
      this.o.onFrame(text, tsNs, isData);
      if (this.awaitingReady && this.o.isReady?.(text) === true) this.subscribe();
      const answer = isData ? null : (this.o.keepAlive?.answer?.(text) ?? null);
      if (answer !== null) this.send(answer);
    });
    socket.on('error', (err) => {
      this.lastError = err.message;
    });
    socket.on('close', (code, reason) => this.end(code, reason.toString()));
  }

  /** Sends a control message, paced by the venue's message-rate limit. */
  send(text: string): void {
    const waitMs = this.o.controlBucket.take();
    if (waitMs === 0) this.sendNow(text);
    else this.after(waitMs, () => this.sendNow(text));
  }

  /** Closes cleanly (close frame 1000), cutting the socket if the venue does not answer in time. */
  close(reason: string): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closing = new Promise<void>((resolve) => {
      const socket = this.socket;
      if (this.ended || socket === null) return resolve();
      socket.once('close', () => resolve());
      if (socket.readyState === socket.CONNECTING) socket.terminate();
      else socket.close(1000, reason.slice(0, 120));
      const cut = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
      socket.once('close', () => clearTimeout(cut));
    });
    return this.closing;
  }

  /** Cuts the socket at once (silent connection). */
  terminate(): void {
    this.socket?.terminate();
  }

  private opened(): void {
    this.openNs = this.o.clock.nowNs();
    this.o.onOpen();
    if (this.o.isReady === undefined) this.subscribe();
    else this.awaitingReady = true;
    this.watchSilence();
    this.keepAlive();
  }

  private subscribe(): void {
    this.awaitingReady = false;
    for (const message of this.o.subscribeMessages) this.send(message);
    this.o.onSubscribed();
  }

  private sendNow(text: string): void {
    const socket = this.socket;
    if (socket !== null && socket.readyState === socket.OPEN) socket.send(text);
  }

  private watchSilence(): void {
    for (const { channel, ms } of this.o.silence) {
      this.whenQuiet(
        () => this.channelFrames[channel],
        ms,
        () => this.dead(`no ${channel} data for ${ms} ms on an open connection`),
      );
    }
  }

  private dead(reason: string): void {
    this.o.onSilent(reason);
    this.terminate();
  }

  private keepAlive(): void {
    const k = this.o.keepAlive;
    if (k === null) return;
    if (k.whenIdleOnly) this.whenQuiet(() => this.anyFrames, k.intervalMs, () => this.send(k.text)); // OKX: only when idle
    else this.every(k.intervalMs, () => this.send(k.text));
    // A keep-alive must be answered (OKX: "expect a 'pong' ... if not received within N seconds,
    // reconnect"): nothing at all for two intervals means the venue no longer answers.
    this.whenQuiet(() => this.anyFrames, 2 * k.intervalMs, () => this.dead(`no frame, not even a reply to our keep-alive, for ${2 * k.intervalMs} ms`));
  }

  /** Calls `onQuiet` each time `count` has not moved for `periodMs` (sampled, ±1/CHECKS_PER_PERIOD). */
  private whenQuiet(count: () => number, periodMs: number, onQuiet: () => void): void {
    let seen = count();
    let quietChecks = 0;
    this.every(periodMs / CHECKS_PER_PERIOD, () => {
      if (count() !== seen) {
        seen = count();
        quietChecks = 0;
      } else if (++quietChecks >= CHECKS_PER_PERIOD) {
        quietChecks = 0;
        onQuiet();
      }
    });
  }

  private end(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const refused = this.refused;
    const text = refused !== null ? `upgrade refused with HTTP ${refused.status}` : reason !== '' ? reason : (this.lastError ?? 'connection lost');
    this.o.onEnd({ code: refused !== null ? null : code, reason: text, httpStatus: refused?.status ?? null, retryAfterMs: refused?.retryAfterMs ?? null });
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, Math.max(1, ms));
    this.timers.add(t);
  }
}
