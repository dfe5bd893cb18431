/**
 * One planned connection of a feed, kept alive for as long as the connector runs: a lost or
 * refused socket is replaced after an exponential backoff with full jitter (or the venue's
 * Retry-After when longer), a socket that stays open but silent is cut and replaced, and before
 * the venue's forced disconnect (Binance: 24 h) a new socket is opened and the old one closed
 * only once the new one delivers data — both deliver meanwhile, so nothing is lost (the formats
 * drop the overlap by update id). Data known missing while no socket delivered is a `gap`.
 */
import { backoffDelayMs, type BackoffPolicy } from './backoff.ts';
import type { CaptureClock, ConnectionEvent, ConnectionEventType, RecordChannel } from './connector.ts';
import { TokenBucket } from './token-bucket.ts';
import { PreconnectRefused, SHUTDOWN_NOTICE_MAX_CHARS, type KeepAlive, type RateLimit } from './venue-protocol.ts';
import { WsConnection, type ConnectionEnd } from './ws-connection.ts';

export interface FeedLinkOptions {
  readonly url: string;
  /** Resolves the URL before every (re)connect (venue-protocol.ts `preconnect`); absent = `url`. */
  preconnect?(connectionId: string): Promise<string>;
  /** Subscriptions wait for the first frame this accepts; absent = sent on open. */
  isReady?(text: string): boolean;
  readonly subscribeMessages: readonly string[];
  readonly keepAlive: KeepAlive | null;
  isShutdownNotice(text: string): boolean;
  readonly silence: readonly { readonly channel: RecordChannel; readonly ms: number }[];
  channelOf(text: string): RecordChannel | null;
  readonly rotateAfterMs: number | null;
  readonly controlMessages: RateLimit;
  /** Shared by every link of the connector: the venue's connection-attempt limit. */
  readonly connectBucket: TokenBucket;
  readonly backoff: BackoffPolicy;
  readonly random: () => number;
  readonly clock: CaptureClock;
  nextConnectionId(): string;
  onFrame(connection: WsConnection, text: string, tsCaptureNs: bigint, data: boolean): void;
  onConnectionOpen(connection: WsConnection): void;
  onConnectionEnd(connection: WsConnection): void;
  event(e: ConnectionEvent): void;
}

export class FeedLink {
  private current: WsConnection | null = null;
  private pending: WsConnection | null = null;
  private readonly retired = new Set<WsConnection>();
  private readonly live = new Set<WsConnection>();
  private attempt = 0;
  /** Capture time from which data is missing, while no socket delivers. */
  private lostSinceNs: bigint | null = null;
  private lostReason = '';
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** A pre-connect step is in flight (counts as a pending connection attempt). */
  private resolving = false;

  constructor(private readonly o: FeedLinkOptions) {}

  start(): void {
    this.connect('start');
  }

  /** Every socket of this link (current, replacement being opened), for control messages. */
  connections(): readonly WsConnection[] {
    return [...this.live];
  }

  async stop(reason: string): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await Promise.all([...this.live].map((c) => c.close(reason)));
  }

  private connect(why: string): void {
    const waitMs = this.o.connectBucket.take();
    if (waitMs > 0) {
      this.emit('rate-limited', this.current?.connectionId ?? '-', `connection attempts over the venue's limit; opening in ${waitMs} ms`, { delayMs: waitMs });
      this.schedule(waitMs, () => this.openSocket(why));
    } else this.openSocket(why);
  }

  private openSocket(why: string): void {
    if (this.stopped) return;
    const id = this.o.nextConnectionId();
    const preconnect = this.o.preconnect;
    if (preconnect === undefined) return this.openSocketAt(this.o.url, id, why);
    this.resolving = true;
    preconnect(id).then(
      (url) => {
        this.resolving = false;
        if (!this.stopped) this.openSocketAt(url, id, why);
      },
      (err: unknown) => {
        this.resolving = false;
        const refused = err instanceof PreconnectRefused ? err : null;
        const reason = `pre-connect step failed: ${err instanceof Error ? err.message : String(err)}`;
        this.emit('closed', id, reason);
        this.retry(id, { code: null, reason, httpStatus: refused?.httpStatus ?? null, retryAfterMs: refused?.retryAfterMs ?? null });
      },
    );
  }

  private openSocketAt(url: string, id: string, why: string): void {
    const conn: WsConnection = new WsConnection({
      url,
      isReady: this.o.isReady,
      connectionId: id,
      subscribeMessages: this.o.subscribeMessages,
      keepAlive: this.o.keepAlive,
      silence: this.o.silence,
      channelOf: this.o.channelOf,
      clock: this.o.clock,
      controlBucket: new TokenBucket(this.o.controlMessages.burst, this.o.controlMessages.perSecond),
      onOpen: () => {
        this.emit('open', id, `connected to ${url}`);
        this.o.onConnectionOpen(conn);
      },
      onSubscribed: () => this.emit('subscribed', id, this.o.subscribeMessages.length > 0 ? `sent ${this.o.subscribeMessages.length} subscribe message(s)` : 'streams subscribed by the URL'),
      onFrame: (text, tsNs, data) => {
        this.o.onFrame(conn, text, tsNs, data);
        if (data && conn === this.pending) this.promote(conn, tsNs);
        else if (conn === this.current && this.pending === null && text.length < SHUTDOWN_NOTICE_MAX_CHARS && this.o.isShutdownNotice(text)) {
          this.connect(`${id} announced the venue will close it`);
        }
      },
      onSilent: (reason) => this.emit('silent', id, `${reason}; restarting it`),
      onEnd: (end) => this.ended(conn, end),
    });
    this.pending = conn;
    this.live.add(conn);
    this.emit('connecting', id, this.current === null ? `connecting to ${url} (${why})` : `opening a replacement for ${this.current.connectionId} (${why})`);
    conn.open();
  }

  /** The new socket delivers: it becomes current; the one it replaces (rotation) is closed. */
  private promote(conn: WsConnection, tsNs: bigint): void {
    const old = this.current;
    this.current = conn;
    this.pending = null;
    this.attempt = 0;
    if (this.lostSinceNs !== null) {
      this.emit('gap', conn.connectionId, `${this.lostReason}; data resumed on ${conn.connectionId}`, { fromNs: this.lostSinceNs, toNs: tsNs });
      this.lostSinceNs = null;
    }
    if (old !== null) {
      this.retired.add(old);
      this.emit('rotated', conn.connectionId, `replaced ${old.connectionId} (rotation or venue notice); ${conn.connectionId} already delivers`);
      void old.close('rotated');
    }
    const rotateMs = this.o.rotateAfterMs;
    if (rotateMs !== null) this.schedule(rotateMs, () => this.connect(`${conn.connectionId} is due for rotation before the venue's forced disconnect`));
  }

  private ended(conn: WsConnection, end: ConnectionEnd): void {
    this.live.delete(conn);
    const planned = this.retired.delete(conn) || this.stopped;
    this.emit('closed', conn.connectionId, describe(end));
    this.o.onConnectionEnd(conn);
    if (planned) return;
    if (conn === this.current) {
      this.current = null;
      if (this.lostSinceNs === null) {
        this.lostSinceNs = conn.lastFrameNs ?? conn.openNs ?? this.o.clock.nowNs();
        this.lostReason = `${conn.connectionId} lost (${describe(end)})`;
      }
      if (this.pending === null && !this.resolving) this.retry(conn.connectionId, end);
    } else if (conn === this.pending) {
      this.pending = null;
      this.retry(conn.connectionId, end);
    }
  }

  /** Schedules the replacement of `endedId` (named in the events so they join its `closed`). */
  private retry(endedId: string, end: ConnectionEnd): void {
    if (this.timer !== null) clearTimeout(this.timer);
    let delayMs = backoffDelayMs(this.attempt++, this.o.backoff, this.o.random);
    if (end.retryAfterMs !== null && end.retryAfterMs > delayMs) {
      delayMs = end.retryAfterMs;
      this.emit('rate-limited', endedId, `${end.reason}; the venue asks to retry after ${delayMs} ms`, { delayMs });
    }
    this.emit('reconnect-scheduled', endedId, `reconnecting in ${delayMs} ms (attempt ${this.attempt})`, { delayMs });
    this.schedule(delayMs, () => this.connect(`replacing ${endedId}`));
  }

  private schedule(ms: number, fn: () => void): void {
    if (this.stopped) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      fn();
    }, ms);
  }

  private emit(type: ConnectionEventType, connectionId: string, reason: string, extra: Partial<ConnectionEvent> = {}): void {
    this.o.event({ type, tsNs: this.o.clock.nowNs(), connectionId, reason, ...extra });
  }
}

function describe(end: ConnectionEnd): string {
  if (end.httpStatus !== null) return `${end.reason}${end.retryAfterMs !== null ? ` (Retry-After ${end.retryAfterMs} ms)` : ''}`;
  return `code ${end.code}${end.reason !== '' ? `: ${end.reason}` : ''}`;
}
