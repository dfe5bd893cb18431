/**
 * The user data stream (USDⓈ-M "User Data Streams → Connect"): a listenKey is valid for 60
 * minutes after creation or its last keep-alive (PUT); POST while a key is active returns that key
 * and extends it; DELETE closes the stream. Clients connect to `/ws/<listenKey>` (or the 2026
 * `/private/ws/<listenKey>` route) and receive the account's events as raw JSON frames.
 *
 * When the key expires, each connection on it gets `listenKeyExpired` and no further event (the
 * socket stays open: "This event is not related to the websocket disconnection"). A connection
 * to an unknown key is closed at once (code 1008). During a pause (faults.ts) events are dropped,
 * never delivered later: a client finds what happened by querying.
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { listenKeyExpired } from './binance-shapes.ts';

export interface UserStreamOptions {
  /** Validity of a listen key after creation / keep-alive, ms (Binance: 60 min). */
  readonly validityMs: number;
  readonly nowMs: () => number;
}

interface ActiveKey {
  readonly key: string;
  timer: NodeJS.Timeout;
}

/** Paths of a user-stream connection; the key is the last segment. */
const USER_STREAM_PATH = /^(?:\/private)?\/ws\/([A-Za-z0-9]{64})$/;

export function listenKeyOfPath(pathname: string): string | null {
  return USER_STREAM_PATH.exec(pathname)?.[1] ?? null;
}

export class UserStream {
  private active: ActiveKey | null = null;
  private readonly connections = new Map<WebSocket, string>();
  private pausedUntilMs = 0;
  /** Events pushed to open connections / dropped by a pause or an expired key (for tests). */
  delivered = 0;
  dropped = 0;

  constructor(private readonly o: UserStreamOptions) {}

  /** POST /fapi/v1/listenKey: the active key (extended) or a new one. */
  create(): string {
    if (this.active !== null) {
      this.extend(this.active);
      return this.active.key;
    }
    const key = randomBytes(48)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .padEnd(64, 'x')
      .slice(0, 64);
    const active: ActiveKey = { key, timer: setTimeout(() => this.expire(), this.o.validityMs).unref() };
    this.active = active;
    return key;
  }

  /** PUT: extends the key; false if it is not the active key (-1125). */
  keepAlive(key: string): boolean {
    if (this.active?.key !== key) return false;
    this.extend(this.active);
    return true;
  }

  /** DELETE: invalidates the key and closes its connections; false if unknown. */
  close(key: string): boolean {
    if (this.active?.key !== key) return false;
    clearTimeout(this.active.timer);
    this.active = null;
    for (const [ws, k] of this.connections) if (k === key) ws.close(1000, 'listenKey closed');
    return true;
  }

  private extend(active: ActiveKey): void {
    clearTimeout(active.timer);
    active.timer = setTimeout(() => this.expire(), this.o.validityMs).unref();
  }

  /** The key expires now: `listenKeyExpired` to its connections, then silence. */
  expire(): void {
    const active = this.active;
    if (active === null) return;
    clearTimeout(active.timer);
    this.active = null;
    const text = JSON.stringify(listenKeyExpired(active.key, this.o.nowMs()));
    for (const [ws, k] of this.connections) if (k === active.key && ws.readyState === ws.OPEN) ws.send(text);
  }

  get listenKey(): string | null {
    return this.active?.key ?? null;
  }

  /** Binds an accepted WebSocket to the key of its path (closed at once when the key is not active). */
  attach(ws: WebSocket, key: string): void {
    if (this.active?.key !== key) {
      ws.close(1008, 'invalid listenKey');
      return;
    }
    this.connections.set(ws, key);
    ws.once('close', () => this.connections.delete(ws));
    ws.on('error', () => ws.terminate());
  }

  /** Events are dropped (not queued) until `nowMs() + ms`. */
  pause(ms: number): void {
    this.pausedUntilMs = this.o.nowMs() + ms;
  }

  /** Sends one event to every open connection of the active key (dropped while paused). */
  push(event: object): void {
    const key = this.active?.key;
    if (key === undefined || this.o.nowMs() < this.pausedUntilMs) {
      this.dropped++;
      return;
    }
    const text = JSON.stringify(event);
    for (const [ws, k] of this.connections) {
      if (k !== key || ws.readyState !== ws.OPEN) continue;
      ws.send(text);
      this.delivered++;
    }
  }

  openConnections(): number {
    let n = 0;
    for (const ws of this.connections.keys()) if (ws.readyState === ws.OPEN) n++;
    return n;
  }

  /** Closes every user-stream connection (abruptly: TCP dropped, no close frame, when `abrupt`). */
  closeConnections(abrupt: boolean): void {
    for (const ws of this.connections.keys()) {
      if (abrupt) ws.terminate();
      else ws.close(1001, 'server closing the connection');
    }
  }

  stop(): void {
    if (this.active !== null) clearTimeout(this.active.timer);
    this.closeConnections(true);
  }
}
