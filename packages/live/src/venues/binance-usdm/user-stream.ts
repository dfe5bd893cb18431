/**
 * The user-data stream (USD-M "User Data Streams"): a listen key from POST /fapi/v1/listenKey
 * (valid 60 min; the venue returns the account's active key if there is one), kept alive with
 * PUT every `keepAliveMs` (30 min by default, shorter in tests), a WebSocket on
 * `{wsBase}/ws/{listenKey}`, and:
 * - `listenKeyExpired` on the stream, or a keep-alive the venue refuses (-1125 "This listenKey
 *   does not exist.") → a new key and a new connection, reported as `stream-rotated`;
 * - a dropped connection (close, error, no pong to our ping within `pingIntervalMs`) →
 *   reconnect after exponential backoff with full jitter (packages/venues backoff.ts),
 *   reported as `disconnected` then `reconnected`.
 * Whatever happened while no socket was open is the adapter's to repair (REST) on `onOpen`.
 */
import WebSocket from 'ws';
import { backoffDelayMs, type BackoffPolicy } from '@chassis/venues';
import type { BinanceRestClient, Logger } from './rest-client.ts';
import { listenKeySchema } from './wire.ts';

export type StreamOpenKind = 'connected' | 'reconnected' | 'stream-rotated';

export interface UserStreamOptions {
  readonly rest: BinanceRestClient;
  /** WebSocket base, e.g. `wss://fstream.binance.com`. */
  readonly wsBaseUrl: string;
  readonly keepAliveMs?: number;
  readonly pingIntervalMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly random?: () => number;
  readonly log?: Logger;
  /** Every parsed JSON frame, in arrival order. */
  onMessage(message: unknown): void;
  onOpen(kind: StreamOpenKind, reason: string): void;
  onDown(reason: string): void;
}

const LISTEN_KEY_DOES_NOT_EXIST = -1125;

export class UserStream {
  private socket: WebSocket | null = null;
  private listenKey: string | null = null;
  private stopped = true;
  private attempt = 0;
  private everOpened = false;
  /** What the next open is reported as, and why. */
  private nextOpen: { kind: StreamOpenKind; reason: string } = { kind: 'connected', reason: 'start' };
  private keepAliveTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly keepAliveMs: number;
  private readonly pingIntervalMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;

  constructor(private readonly opts: UserStreamOptions) {
    this.keepAliveMs = opts.keepAliveMs ?? 30 * 60_000;
    this.pingIntervalMs = opts.pingIntervalMs ?? 30_000;
    this.backoff = opts.backoff ?? { baseMs: 500, maxMs: 30_000 };
    this.random = opts.random ?? Math.random;
  }

  /** Whether a socket is open now. */
  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket !== null) {
      await new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.terminate();
      });
    }
    if (this.listenKey !== null) await this.opts.rest.keyedRequest('DELETE', '/fapi/v1/listenKey');
    this.listenKey = null;
  }

  /** Ends the current connection as a drop would (tests, operator). */
  drop(reason: string): void {
    this.socket?.terminate();
    this.opts.log?.warn({ reason }, 'binance-usdm: user stream dropped on request');
  }

  /** A new listen key and connection (listenKeyExpired, keep-alive refused). */
  private rotate(reason: string): void {
    this.nextOpen = { kind: 'stream-rotated', reason };
    this.listenKey = null;
    const socket = this.socket;
    this.socket = null;
    this.clearTimers();
    socket?.removeAllListeners();
    socket?.on('error', () => undefined);
    socket?.terminate();
    this.opts.onDown(reason);
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const out = await this.opts.rest.keyedRequest('POST', '/fapi/v1/listenKey');
    const parsed = out.type === 'ok' ? listenKeySchema.safeParse(out.body) : null;
    if (this.stopped) return;
    if (parsed === null || !parsed.success) {
      const why =
        out.type === 'ok'
          ? 'no listenKey in the answer'
          : out.type === 'uncertain'
            ? out.reason
            : `${out.code} ${out.msg}`;
      const retryMs = out.type === 'rate_limited' ? out.retryAfterMs : 0;
      this.scheduleReconnect(`POST /fapi/v1/listenKey failed: ${why}`, retryMs);
      return;
    }
    this.listenKey = parsed.data.listenKey;
    const socket = new WebSocket(`${this.opts.wsBaseUrl}/ws/${this.listenKey}`);
    this.socket = socket;
    let alive = true;
    socket.on('open', () => {
      this.attempt = 0;
      const open = this.everOpened ? this.nextOpen : { kind: 'connected' as const, reason: 'start' };
      this.everOpened = true;
      this.nextOpen = { kind: 'reconnected', reason: 'connection dropped' };
      this.keepAliveTimer = setInterval(() => void this.keepAlive(), this.keepAliveMs);
      this.pingTimer = setInterval(() => {
        if (!alive) {
          socket.terminate();
          return;
        }
        alive = false;
        socket.ping();
      }, this.pingIntervalMs);
      this.opts.onOpen(open.kind, open.reason);
    });
    socket.on('pong', () => (alive = true));
    socket.on('message', (data) => {
      alive = true;
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        this.opts.log?.warn(
          { frame: String(data).slice(0, 200) },
          'binance-usdm: user stream frame is not JSON, ignored',
        );
        return;
      }
      if ((message as { e?: unknown }).e === 'listenKeyExpired') {
        this.rotate('listenKeyExpired');
        return;
      }
      this.opts.onMessage(message);
    });
    socket.on('error', (err) => this.opts.log?.warn({ err: err.message }, 'binance-usdm: user stream error'));
    socket.on('close', (code, reason) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.clearTimers();
      if (this.stopped) return;
      const why = `user stream closed (${code}${reason.length > 0 ? ` ${String(reason)}` : ''})`;
      this.opts.onDown(why);
      this.scheduleReconnect(why, 0);
    });
  }

  private async keepAlive(): Promise<void> {
    const out = await this.opts.rest.keyedRequest('PUT', '/fapi/v1/listenKey');
    if (out.type === 'refused' && out.code === LISTEN_KEY_DOES_NOT_EXIST)
      this.rotate('keep-alive refused: listen key does not exist');
    else if (out.type !== 'ok')
      this.opts.log?.warn(
        { outcome: out.type },
        'binance-usdm: listen key keep-alive failed, retried at the next interval',
      );
  }

  private scheduleReconnect(reason: string, atLeastMs: number): void {
    if (this.stopped) return;
    const delayMs = Math.max(atLeastMs, backoffDelayMs(this.attempt++, this.backoff, this.random));
    this.opts.log?.warn({ reason, delayMs, attempt: this.attempt }, 'binance-usdm: user stream reconnect scheduled');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delayMs);
  }

  private clearTimers(): void {
    for (const t of [this.keepAliveTimer, this.pingTimer]) if (t !== null) clearInterval(t);
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.keepAliveTimer = this.pingTimer = this.reconnectTimer = null;
  }
}
