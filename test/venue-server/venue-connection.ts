/**
 * One client WebSocket connection to the venue server: its subscriptions, its drills, and the
 * log of every frame it was sent (what the end-to-end tests compare the recording with).
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { ConnectionDrillState, type ConnectionDrill } from './drills.ts';

/** Why a frame was sent: market data, a reply to the client (subscribe ack, pong), or a drill's broken frame. */
export type ServedKind = 'data' | 'reply' | 'malformed';

export interface ServedFrame {
  readonly connectionId: string;
  readonly kind: ServedKind;
  readonly text: string;
}

export class VenueConnection {
  readonly topics = new Set<string>();
  readonly drills = new ConnectionDrillState();
  private closed = false;
  private forceTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
    /** Request path and query the client connected with. */
    readonly url: URL,
    private readonly served: ServedFrame[] | null,
  ) {
    ws.once('close', () => this.dispose());
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  /** Bytes queued in the socket but not yet written (backpressure for the max-speed replay). */
  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  arm(drill: ConnectionDrill): void {
    if (drill.kind === 'force-disconnect') {
      if (this.forceTimer !== null) clearTimeout(this.forceTimer);
      this.forceTimer = setTimeout(() => this.close(1000, 'connection lifetime reached'), drill.afterMs);
      return;
    }
    this.drills.arm(drill);
  }

  /** Sends one market-data frame, as the armed drills allow. `isBook` marks sequenced book frames. */
  sendData(text: string, isBook: boolean): void {
    if (!this.isOpen) return;
    const verdict = this.drills.next(isBook);
    if (verdict === 'withhold') return;
    if (verdict === 'malformed-then-send') this.send('malformed', text.slice(0, Math.max(1, text.length >> 1)));
    if (verdict !== 'send-then-drop') {
      this.send('data', text);
      return;
    }
    // Nothing more is sent. Once this frame reached the kernel the TCP connection is ended with
    // no close frame (a FIN after the data, so every frame in the served log reaches the client:
    // destroying at once sends an RST when the client's pong is still unread, and an RST makes
    // the client's kernel discard what it received but had not yet handed over — seen under
    // load), then destroyed if the client does not close its side.
    this.closed = true;
    this.served?.push({ connectionId: this.id, kind: 'data', text });
    this.ws.send(text, () => {
      (this.ws as unknown as { _socket: Socket })._socket.end();
      setTimeout(() => this.terminate(), 1_000).unref();
    });
  }

  /** Sends a reply to something the client sent (subscribe ack, pong, error). */
  sendReply(text: string): void {
    if (!this.isOpen || this.drills.unresponsive) return;
    this.send('reply', text);
  }

  private send(kind: ServedKind, text: string): void {
    this.served?.push({ connectionId: this.id, kind, text });
    this.ws.send(text);
  }

  close(code: number, reason: string): void {
    if (this.isOpen) this.ws.close(code, reason);
    this.dispose();
  }

  /** Drops the TCP connection without a close frame, as a network failure would. */
  terminate(): void {
    this.ws.terminate();
    this.dispose();
  }

  private dispose(): void {
    this.closed = true;
    if (this.forceTimer !== null) clearTimeout(this.forceTimer);
    this.forceTimer = null;
  }
}
