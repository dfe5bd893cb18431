/**
 * Book synchronisation of one feed's depth channel, per connection and symbol. It never
 * touches the frames: it watches their sequence and makes sure the recording holds what a
 * reader needs to rebuild the book.
 * - Binance (REST snapshot): on every connection, once the first diff of a symbol arrived, fetch
 *   the REST snapshot (so it overlaps the buffered diffs, as Binance's "manage a local order book"
 *   procedure requires) and deliver it as a `rest` frame; on a sequence break, record the gap
 *   and fetch a new snapshot.
 * - OKX, Bybit (venue snapshot): the venue sends a snapshot after each subscribe; on a break,
 *   record the gap and unsubscribe + subscribe that symbol's book to get a fresh one.
 */
import type { CaptureClock, ConnectionEvent, ConnectionEventType, ConnectorSink } from './connector.ts';
import type { RestSnapshotClient } from './rest-snapshot.ts';
import type { BookSequenceWatch } from './sequence-watch.ts';
import type { VenueProtocol } from './venue-protocol.ts';

export interface BookSyncOptions {
  readonly protocol: VenueProtocol;
  readonly restBaseUrl: string;
  readonly rest: RestSnapshotClient | null;
  readonly clock: CaptureClock;
  readonly sink: ConnectorSink;
  /** Sends control messages on a connection (resubscribe). */
  send(connectionId: string, text: string): void;
  /** False once the connector stopped: late snapshots are then dropped, no event is emitted. */
  running(): boolean;
}

interface ConnectionBooks {
  readonly watch: BookSequenceWatch;
  /** Capture time of the last frame known in sequence, per symbol, ns. */
  readonly lastGoodNs: Map<string, bigint>;
  /** Symbols waiting for a snapshot after a break (venue snapshot) or at start. */
  readonly awaitingSnapshot: Set<string>;
}

export class BookSync {
  private readonly books = new Map<string, ConnectionBooks>();
  /** Snapshot fetches in flight per `connection|symbol`; true = fetch again when it lands. */
  private readonly fetching = new Map<string, boolean>();

  constructor(private readonly o: BookSyncOptions) {}

  connectionOpened(connectionId: string, symbols: readonly string[]): void {
    this.books.set(connectionId, { watch: this.o.protocol.sequenceWatch(), lastGoodNs: new Map(), awaitingSnapshot: new Set(symbols) });
  }

  connectionEnded(connectionId: string): void {
    this.books.delete(connectionId);
  }

  /** Called for every data frame of a connection carrying the depth channel, after the sink got it. */
  frame(connectionId: string, text: string, tsNs: bigint): void {
    const books = this.books.get(connectionId);
    if (books === undefined) return;
    const step = books.watch.observe(text);
    switch (step.kind) {
      case 'none':
      case 'unsynced':
        return;
      case 'first':
        books.lastGoodNs.set(step.symbol, tsNs);
        this.requestSnapshot(connectionId, step.symbol, `first diff of ${step.symbol} on ${connectionId}`);
        return;
      case 'continuous':
        books.lastGoodNs.set(step.symbol, tsNs);
        return;
      case 'snapshot':
        books.lastGoodNs.set(step.symbol, tsNs);
        if (books.awaitingSnapshot.delete(step.symbol)) this.emit('synced', connectionId, `${step.symbol} book synchronised from the venue's snapshot`, step.symbol);
        return;
      case 'gap':
        this.gap(connectionId, books, step.symbol, step.detail, tsNs);
    }
  }

  private gap(connectionId: string, books: ConnectionBooks, symbol: string, detail: string, tsNs: bigint): void {
    const fromNs = books.lastGoodNs.get(symbol) ?? tsNs;
    this.emit('gap', connectionId, `${symbol} book sequence broken on ${connectionId}: ${detail}`, symbol, { fromNs, toNs: tsNs });
    books.lastGoodNs.set(symbol, tsNs);
    const sync = this.o.protocol.bookSync;
    if (sync.kind === 'rest-snapshot') {
      this.emit('resync', connectionId, `fetching a new ${symbol} snapshot after the break`, symbol);
      this.requestSnapshot(connectionId, symbol, `resync of ${symbol} on ${connectionId}`);
      return;
    }
    this.emit('resync', connectionId, `resubscribing ${symbol}'s book for a fresh snapshot`, symbol);
    books.watch.reset(symbol);
    books.awaitingSnapshot.add(symbol);
    for (const message of sync.resubscribeMessages(symbol)) this.o.send(connectionId, message);
  }

  private requestSnapshot(connectionId: string, symbol: string, why: string): void {
    const sync = this.o.protocol.bookSync;
    const rest = this.o.rest;
    if (sync.kind !== 'rest-snapshot' || rest === null) return;
    const key = `${connectionId}|${symbol}`;
    if (this.fetching.has(key)) {
      this.fetching.set(key, true); // the one in flight may predate the break: fetch again after it
      return;
    }
    this.fetching.set(key, false);
    const url = `${this.o.restBaseUrl}${sync.snapshotPath(symbol)}`;
    this.emit('snapshot-requested', connectionId, `GET ${url} (${why})`, symbol);
    void rest.get(url, connectionId).then((res) => {
      const again = this.fetching.get(key) === true;
      this.fetching.delete(key);
      if (res === null || !this.o.running()) return;
      this.o.sink.frame({ source: 'rest', tsCaptureNs: res.tsCaptureNs, connectionId, text: res.text, url, instrument: symbol });
      this.emit('snapshot-received', connectionId, `${symbol} snapshot received (${res.text.length} bytes)`, symbol);
      if (again) this.requestSnapshot(connectionId, symbol, `a break happened while the previous ${symbol} snapshot was in flight`);
      else this.emit('synced', connectionId, `${symbol} snapshot recorded after the first diffs; the reader synchronises the book from it`, symbol);
    });
  }

  private emit(type: ConnectionEventType, connectionId: string, reason: string, instrument: string, extra: Partial<ConnectionEvent> = {}): void {
    if (!this.o.running()) return;
    this.o.sink.event({ type, tsNs: this.o.clock.nowNs(), connectionId, reason, instrument, ...extra });
  }
}
