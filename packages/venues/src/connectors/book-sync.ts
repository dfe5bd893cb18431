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
 * - A malformed frame (not JSON) may have been a diff: every book of its connection is resynced
 *   as after a break (Binance: a new snapshot after the next diff, so the snapshot overlaps the
 *   diffs the reader resumes from; OKX/Bybit: resubscribe), once per symbol until it is synced
 *   again however many malformed frames arrive meanwhile.
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
  readonly symbols: readonly string[];
  readonly watch: BookSequenceWatch;
  /** Capture time of the last frame known in sequence, per symbol, ns. */
  readonly lastGoodNs: Map<string, bigint>;
  /** Symbols waiting for a snapshot after a break (venue snapshot) or at start. */
  readonly awaitingSnapshot: Set<string>;
  /** Symbols resyncing after a malformed frame, until `synced`: further malformed frames add nothing. */
  readonly malformedResync: Set<string>;
  /** Binance: symbols whose resync snapshot is fetched on their next diff. */
  readonly snapshotOnNextDiff: Set<string>;
}

export class BookSync {
  private readonly books = new Map<string, ConnectionBooks>();
  /** Snapshot fetches in flight per `connection|symbol`; true = fetch again when it lands. */
  private readonly fetching = new Map<string, boolean>();

  constructor(private readonly o: BookSyncOptions) {}

  connectionOpened(connectionId: string, symbols: readonly string[]): void {
    this.books.set(connectionId, {
      symbols,
      watch: this.o.protocol.sequenceWatch(),
      lastGoodNs: new Map(),
      awaitingSnapshot: new Set(symbols),
      malformedResync: new Set(),
      snapshotOnNextDiff: new Set(),
    });
  }

  /** A frame of the connection was not JSON: resync every book it carries (see the module comment). */
  malformed(connectionId: string): void {
    const books = this.books.get(connectionId);
    if (books === undefined) return;
    for (const symbol of books.symbols) {
      if (books.malformedResync.has(symbol)) continue;
      books.malformedResync.add(symbol);
      const why = `malformed frame on ${connectionId}`;
      if (this.o.protocol.bookSync.kind === 'rest-snapshot') {
        this.emit('resync', connectionId, `${why}: fetching a new ${symbol} snapshot after its next diff`, symbol);
        books.snapshotOnNextDiff.add(symbol);
      } else if (books.awaitingSnapshot.has(symbol)) {
        this.emit('resync', connectionId, `${why}: ${symbol}'s book already awaits the venue's snapshot`, symbol);
      } else this.resubscribe(connectionId, books, symbol, why);
    }
  }

  connectionEnded(connectionId: string): void {
    this.books.delete(connectionId);
  }

  /** Called for every data frame of a connection carrying the depth channel, after the sink got it. */
  frame(connectionId: string, text: string, tsNs: bigint): void {
    const books = this.books.get(connectionId);
    if (books === undefined) return;
    const step = books.watch.observe(text);
    if (step.kind === 'none') return;
    const snapshotDue = books.snapshotOnNextDiff.delete(step.symbol) && step.kind === 'continuous';
    switch (step.kind) {
      case 'unsynced':
        return;
      case 'first':
        books.lastGoodNs.set(step.symbol, tsNs);
        this.requestSnapshot(connectionId, step.symbol, `first diff of ${step.symbol} on ${connectionId}`);
        return;
      case 'continuous':
        books.lastGoodNs.set(step.symbol, tsNs);
        if (snapshotDue) this.requestSnapshot(connectionId, step.symbol, `resync of ${step.symbol} on ${connectionId} after a malformed frame`);
        return;
      case 'snapshot':
        books.lastGoodNs.set(step.symbol, tsNs);
        if (books.awaitingSnapshot.delete(step.symbol)) this.emit('synced', connectionId, `${step.symbol} book synchronised from the venue's snapshot${this.afterMalformed(books, step.symbol)}`, step.symbol);
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
    this.resubscribe(connectionId, books, symbol, 'sequence break');
  }

  /** OKX/Bybit: unsubscribe + subscribe the symbol's book; the venue's next snapshot syncs it. */
  private resubscribe(connectionId: string, books: ConnectionBooks, symbol: string, why: string): void {
    const sync = this.o.protocol.bookSync;
    if (sync.kind === 'rest-snapshot') return;
    this.emit('resync', connectionId, `${why}: resubscribing ${symbol}'s book for a fresh snapshot`, symbol);
    books.watch.reset(symbol);
    books.awaitingSnapshot.add(symbol);
    for (const message of sync.resubscribeMessages(symbol)) this.o.send(connectionId, message);
  }

  /** ' after a malformed frame' when this sync ends a malformed-frame resync (and ends it), else ''. */
  private afterMalformed(books: ConnectionBooks | undefined, symbol: string): string {
    return books?.malformedResync.delete(symbol) === true ? ' after a malformed frame' : '';
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
      else {
        const afterMalformed = this.afterMalformed(this.books.get(connectionId), symbol) !== '';
        const after = afterMalformed ? 'a malformed frame and the next diff' : 'the first diffs';
        this.emit('synced', connectionId, `${symbol} snapshot recorded after ${after}; the reader synchronises the book from it`, symbol);
      }
    });
  }

  private emit(type: ConnectionEventType, connectionId: string, reason: string, instrument: string, extra: Partial<ConnectionEvent> = {}): void {
    if (!this.o.running()) return;
    this.o.sink.event({ type, tsNs: this.o.clock.nowNs(), connectionId, reason, instrument, ...extra });
  }
}
