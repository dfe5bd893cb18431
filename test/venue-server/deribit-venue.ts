/**
 * Deribit JSON-RPC WebSocket (`/ws/api/v2`), as docs.deribit.com describes it:
 * - `public/subscribe` `{"channels":[..]}` → `{"jsonrpc":"2.0","id":..,"result":[channels subscribed]}`
 *   (unknown channels are left out of the result); `public/unsubscribe` likewise.
 * - `public/set_heartbeat` `{"interval":N}` (N ≥ 10 s) → `result: "ok"`; then every N s the
 *   server sends `{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}}` and
 *   closes the connection if no `public/test` came before the next one is due.
 *   `public/test` → `{"result":{"version":..}}`.
 * - `book.{instrument}.100ms`: a subscriber gets a snapshot first: the capture's own when it
 *   subscribed before it, else one computed from the server's book at its current change_id;
 *   then the changes, each with `prev_change_id`. `trades.*` and `ticker.*` as captured.
 */
import type { TimelineEntry } from './capture-timeline.ts';
import type { VenueConnection } from './venue-connection.ts';
import type { HttpAnswer, VenueHost, VenueProtocol } from './venue-protocol.ts';

type Level = readonly [string, number, number];

interface BookData {
  readonly type: 'snapshot' | 'change';
  readonly timestamp: number;
  readonly change_id: number;
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
}

interface InstrumentBook {
  readonly bids: Map<number, number>;
  readonly asks: Map<number, number>;
  changeId: number;
  timestamp: number;
}

const TEST_REQUEST = '{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}}';

export class DeribitVenue implements VenueProtocol {
  readonly timeline: readonly TimelineEntry[];
  private readonly known: ReadonlySet<string>;
  private readonly books = new Map<string, InstrumentBook>();
  private readonly heartbeats = new Set<NodeJS.Timeout>();
  /** Connections that sent public/test since their last test_request. */
  private readonly answered = new Set<VenueConnection>();

  /** `heartbeatIntervalMs` replaces the interval a client asks for (tests); absent = the client's N s. */
  constructor(
    private readonly o: { entries: readonly TimelineEntry[]; host: VenueHost; heartbeatIntervalMs?: number },
  ) {
    this.timeline = o.entries;
    this.known = new Set(o.entries.map((e) => e.topic));
  }

  acceptsWebSocket(url: URL): boolean {
    return url.pathname === '/ws/api/v2';
  }

  open(_conn: VenueConnection): void {}

  message(conn: VenueConnection, text: string): void {
    let req: { id?: unknown; method?: unknown; params?: { channels?: unknown; interval?: unknown } };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      conn.sendReply('{"jsonrpc":"2.0","error":{"message":"Invalid Request","code":-32600}}');
      return;
    }
    const id = JSON.stringify(req.id ?? null);
    const result = (value: string) => conn.sendReply(`{"jsonrpc":"2.0","id":${id},"result":${value}}`);
    switch (req.method) {
      case 'public/test':
        this.answered.add(conn);
        return result('{"version":"1.2.26"}');
      case 'public/set_heartbeat': {
        const s = Number(req.params?.interval);
        if (!(s >= 10))
          return conn.sendReply(
            `{"jsonrpc":"2.0","id":${id},"error":{"message":"Invalid params","data":{"reason":"interval must be 10 or more","param":"interval"},"code":-32602}}`,
          );
        this.heartbeat(conn, this.o.heartbeatIntervalMs ?? s * 1000);
        return result('"ok"');
      }
      case 'public/subscribe':
      case 'public/unsubscribe': {
        const channels = Array.isArray(req.params?.channels)
          ? (req.params.channels as unknown[]).map(String).filter((c) => this.known.has(c))
          : [];
        result(JSON.stringify(channels));
        for (const channel of channels) {
          if (req.method === 'public/unsubscribe') this.o.host.unsubscribe(conn, channel);
          else this.subscribe(conn, channel);
        }
        return;
      }
      default:
        conn.sendReply(`{"jsonrpc":"2.0","id":${id},"error":{"message":"Method not found","code":-32601}}`);
    }
  }

  private heartbeat(conn: VenueConnection, ms: number): void {
    let pending = false;
    const timer = setInterval(() => {
      if (!conn.isOpen) return this.stopHeartbeat(timer);
      if (pending && !this.answered.has(conn)) {
        this.stopHeartbeat(timer);
        return conn.close(1000, 'test_request not answered with public/test');
      }
      this.answered.delete(conn);
      pending = true;
      conn.sendReply(TEST_REQUEST);
    }, ms);
    this.heartbeats.add(timer);
  }

  private stopHeartbeat(timer: NodeJS.Timeout): void {
    clearInterval(timer);
    this.heartbeats.delete(timer);
  }

  private subscribe(conn: VenueConnection, channel: string): void {
    this.o.host.subscribe(conn, channel);
    const [kind, instrument] = channel.split('.');
    const book = this.books.get(instrument!);
    if (kind === 'book' && book !== undefined) conn.sendData(snapshotText(channel, instrument!, book), false);
    this.o.host.onFirstSubscription();
  }

  publish(entry: TimelineEntry): void {
    if (entry.kind === 'depth') this.apply(entry);
    for (const conn of this.o.host.subscribers(entry.topic))
      conn.sendData(entry.text, entry.kind === 'depth' && entry.text.includes('"type":"change"'));
  }

  private apply(entry: TimelineEntry): void {
    const data = (JSON.parse(entry.text) as { params: { data: BookData } }).params.data;
    let book = this.books.get(entry.symbol);
    if (book === undefined || data.type === 'snapshot') {
      book = { bids: new Map(), asks: new Map(), changeId: 0, timestamp: 0 };
      this.books.set(entry.symbol, book);
    }
    for (const [side, levels] of [
      [book.bids, data.bids],
      [book.asks, data.asks],
    ] as const) {
      for (const [action, price, amount] of levels) {
        if (action === 'delete') side.delete(price);
        else side.set(price, amount);
      }
    }
    book.changeId = data.change_id;
    book.timestamp = data.timestamp;
  }

  rest(_req: unknown, _url: URL): HttpAnswer | null {
    return null;
  }

  close(): void {
    for (const t of [...this.heartbeats]) this.stopHeartbeat(t);
  }
}

/** A book snapshot notification of the server's book (bids descending, asks ascending). */
function snapshotText(channel: string, instrument: string, book: InstrumentBook): string {
  const side = (m: Map<number, number>, descending: boolean) =>
    JSON.stringify([...m].sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0])).map(([p, a]) => ['new', p, a]));
  return `{"jsonrpc":"2.0","method":"subscription","params":{"channel":"${channel}","data":{"type":"snapshot","timestamp":${book.timestamp},"instrument_name":"${instrument}","change_id":${book.changeId},"bids":${side(book.bids, true)},"asks":${side(book.asks, false)}}}}`;
}
