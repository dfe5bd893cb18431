/**
 * BitMEX realtime WebSocket (`/realtime`), as www.bitmex.com/app/wsAPI describes it:
 * - on connect, the welcome `{"info":"Welcome to the BitMEX Realtime API.",..}`;
 * - `{"op":"subscribe","args":["orderBookL2:XBTUSD",..]}` (or `?subscribe=a,b` in the URL) →
 *   one `{"success":true,"subscribe":arg,"request":{..}}` per arg (unknown: `{"success":false,
 *   "error":"Unknown table: .."}`); `unsubscribe` likewise; the text `ping` → `pong`;
 * - each table starts with a `partial`: the capture's own for a subscriber that was there before
 *   it, else one built from the server's state (orderBookL2: every row by id, Sell then Buy,
 *   price descending; quote and trade: the latest row) under the capture partial's header;
 *   then the capture's `insert`/`update`/`delete` pushes byte for byte.
 */
import type { TimelineEntry } from './capture-timeline.ts';
import type { VenueConnection } from './venue-connection.ts';
import type { HttpAnswer, VenueHost, VenueProtocol } from './venue-protocol.ts';

interface Row {
  readonly id?: number;
  readonly side?: string;
  readonly price?: number;
  readonly [field: string]: unknown;
}

interface TopicState {
  /** The capture partial's text up to and including `"data":`. */
  readonly header: string;
  /** orderBookL2 rows by id; quote/trade: the latest row under key 0. */
  readonly rows: Map<number, Row>;
}

const WELCOME =
  '{"info":"Welcome to the BitMEX Realtime API.","version":"2021-07-14T01:26:29.000Z","timestamp":"2021-07-22T22:36:07.865Z","docs":"https://www.bitmex.com/app/wsAPI","limit":{"remaining":39}}';

export class BitmexVenue implements VenueProtocol {
  readonly timeline: readonly TimelineEntry[];
  private readonly known: ReadonlySet<string>;
  private readonly state = new Map<string, TopicState>();

  constructor(private readonly o: { entries: readonly TimelineEntry[]; host: VenueHost }) {
    this.timeline = o.entries;
    this.known = new Set(o.entries.map((e) => e.topic));
  }

  acceptsWebSocket(url: URL): boolean {
    return url.pathname === '/realtime';
  }

  open(conn: VenueConnection): void {
    conn.sendReply(WELCOME);
    const args = conn.url.searchParams.get('subscribe');
    if (args !== null)
      this.request(conn, 'subscribe', args.split(','), JSON.stringify({ op: 'subscribe', args: args.split(',') }));
  }

  message(conn: VenueConnection, text: string): void {
    if (text === 'ping') return conn.sendReply('pong');
    let req: { op?: unknown; args?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      return conn.sendReply(
        `{"status":400,"error":"Unrecognized request. See the docs or send 'help' for more details.","meta":{},"request":${JSON.stringify(text)}}`,
      );
    }
    if ((req.op !== 'subscribe' && req.op !== 'unsubscribe') || !Array.isArray(req.args)) {
      return conn.sendReply(`{"status":400,"error":"Unknown or missing op","meta":{},"request":${text}}`);
    }
    this.request(conn, req.op, (req.args as unknown[]).map(String), text);
  }

  private request(
    conn: VenueConnection,
    op: 'subscribe' | 'unsubscribe',
    args: readonly string[],
    requestText: string,
  ): void {
    for (const arg of args) {
      if (!this.known.has(arg)) {
        conn.sendReply(
          `{"success":false,"error":${JSON.stringify(`Unknown table: ${arg.split(':')[0]}`)},"request":${requestText}}`,
        );
        continue;
      }
      conn.sendReply(`{"success":true,"${op}":${JSON.stringify(arg)},"request":${requestText}}`);
      if (op === 'unsubscribe') {
        this.o.host.unsubscribe(conn, arg);
        continue;
      }
      this.o.host.subscribe(conn, arg);
      const state = this.state.get(arg);
      if (state !== undefined) conn.sendData(partialText(arg, state), false);
      this.o.host.onFirstSubscription();
    }
  }

  publish(entry: TimelineEntry): void {
    this.apply(entry);
    const isBookChange = entry.kind === 'depth' && !entry.text.includes('"action":"partial"');
    for (const conn of this.o.host.subscribers(entry.topic)) conn.sendData(entry.text, isBookChange);
  }

  private apply(entry: TimelineEntry): void {
    const msg = JSON.parse(entry.text) as { action: string; data: Row[] };
    if (msg.action === 'partial') {
      const at = entry.text.indexOf('"data":');
      this.state.set(entry.topic, { header: entry.text.slice(0, at + '"data":'.length), rows: new Map() });
    }
    const state = this.state.get(entry.topic);
    if (state === undefined) return;
    for (const row of msg.data) {
      if (entry.kind !== 'depth') state.rows.set(0, row);
      else if (msg.action === 'delete') state.rows.delete(row.id!);
      else state.rows.set(row.id!, { ...state.rows.get(row.id!), ...row });
    }
  }

  rest(_req: unknown, _url: URL): HttpAnswer | null {
    return null;
  }

  close(): void {}
}

/** A partial of the server's state under the capture partial's header. */
function partialText(topic: string, state: TopicState): string {
  const rows = [...state.rows.values()];
  if (topic.startsWith('orderBookL2:'))
    rows.sort((a, b) => (a.side === b.side ? b.price! - a.price! : a.side === 'Sell' ? -1 : 1));
  return `${state.header}${JSON.stringify(rows)}}`;
}
