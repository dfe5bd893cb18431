/**
 * OKX v5 public WebSocket (`/ws/v5/public`), as www.okx.com/docs-v5 describes it:
 * - `{"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}]}` → one
 *   `{"event":"subscribe","arg":{..},"connId":".."}` per arg (unknown channel or instrument:
 *   `{"event":"error","code":"60018",..}`); `unsubscribe` likewise; the text `ping` → `pong`.
 * - `books`: a snapshot on subscribe, then updates; each carries `checksum` (signed CRC32 of the
 *   top 25 levels), `prevSeqId` and `seqId` (snapshot prevSeqId -1; an update's prevSeqId is the
 *   previous message's seqId; seqId advances with each change, and stays equal on an empty update).
 * The capture (cryptofeed OKX.ws.1.0, 2022) predates seqId: the server adds `prevSeqId`/`seqId`
 * to each books message and keeps every other byte, the capture's checksum included. A client
 * subscribing after the capture's snapshot gets a snapshot computed from the server's book at
 * that moment (top 400 levels, checksum computed with okxChecksum). trades and tickers are
 * served byte for byte. `bbo-tbt` (tick-by-tick best bid/offer, which the capture does not
 * hold) is derived from the books: one message whenever a books message changes the top level,
 * `{"arg":{"channel":"bbo-tbt",..},"data":[{"asks":[top ask],"bids":[top bid],"ts":..,"seqId":..}]}`.
 */
import { L2Book, okxChecksum } from '@chassis/venues';
import type { TimelineEntry } from './capture-timeline.ts';
import type { VenueConnection } from './venue-connection.ts';
import type { HttpAnswer, VenueHost, VenueProtocol } from './venue-protocol.ts';

/** Levels in a books snapshot (OKX `books`: 400). */
const BOOKS_DEPTH = 400;

type OkxLevel = readonly [string, string, string, string];

interface InstrumentBook {
  readonly book: L2Book;
  /** The venue's four-field level per price (price, size, deprecated "0", order count). */
  readonly bids: Map<string, OkxLevel>;
  readonly asks: Map<string, OkxLevel>;
  seqId: number;
  ts: string;
}

interface BooksData {
  readonly asks: OkxLevel[];
  readonly bids: OkxLevel[];
  readonly ts: string;
}

export class OkxVenue implements VenueProtocol {
  readonly timeline: readonly TimelineEntry[];
  private readonly books = new Map<string, InstrumentBook>();
  /** Topics (`channel:instId`) the capture has. */
  private readonly known: ReadonlySet<string>;
  /** First seqId given to an instrument's capture snapshot. */
  private static readonly FIRST_SEQ_ID = 1_000_000;

  constructor(private readonly o: { entries: readonly TimelineEntry[]; host: VenueHost }) {
    this.timeline = o.entries;
    const topics = o.entries.map((e) => e.topic);
    this.known = new Set([...topics, ...topics.filter((t) => t.startsWith('books:')).map((t) => `bbo-tbt:${t.slice('books:'.length)}`)]);
  }

  acceptsWebSocket(url: URL): boolean {
    return url.pathname === '/ws/v5/public';
  }

  open(_conn: VenueConnection): void {}

  /** The server's current book of an instrument (for tests). */
  book(instId: string): L2Book | undefined {
    return this.books.get(instId)?.book;
  }

  message(conn: VenueConnection, text: string): void {
    if (text === 'ping') {
      conn.sendReply('pong');
      return;
    }
    let req: { op?: unknown; args?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      conn.sendReply(`{"event":"error","code":"60012","msg":"Invalid request: ${JSON.stringify(text).slice(1, -1)}","connId":"${conn.id}"}`);
      return;
    }
    if ((req.op !== 'subscribe' && req.op !== 'unsubscribe') || !Array.isArray(req.args)) {
      conn.sendReply(`{"event":"error","code":"60012","msg":"Invalid request: ${JSON.stringify(text).slice(1, -1)}","connId":"${conn.id}"}`);
      return;
    }
    for (const arg of req.args as { channel?: unknown; instId?: unknown }[]) this.subscription(conn, req.op, arg);
  }

  private subscription(conn: VenueConnection, op: 'subscribe' | 'unsubscribe', arg: { channel?: unknown; instId?: unknown }): void {
    const topic = `${String(arg.channel)}:${String(arg.instId)}`;
    const argText = `{"channel":${JSON.stringify(arg.channel)},"instId":${JSON.stringify(arg.instId)}}`;
    if (!this.known.has(topic)) {
      conn.sendReply(`{"event":"error","code":"60018","msg":"Wrong URL or channel:${String(arg.channel)},instId:${String(arg.instId)} doesn't exist. Please use the correct URL, channel and parameters referring to API document.","connId":"${conn.id}"}`);
      return;
    }
    if (op === 'unsubscribe') {
      this.o.host.unsubscribe(conn, topic);
      conn.sendReply(`{"event":"unsubscribe","arg":${argText},"connId":"${conn.id}"}`);
      return;
    }
    this.o.host.subscribe(conn, topic);
    conn.sendReply(`{"event":"subscribe","arg":${argText},"connId":"${conn.id}"}`);
    const inst = this.books.get(String(arg.instId));
    if (arg.channel === 'books' && inst !== undefined) conn.sendData(this.snapshotText(String(arg.instId), inst), false); // a snapshot is never the frame a skip-sequence drill withholds
    this.o.host.onFirstSubscription();
  }

  /** A books snapshot of the server's book as it stands, as OKX sends on subscribe. */
  private snapshotText(instId: string, inst: InstrumentBook): string {
    const side = (levels: readonly { price: string }[], map: Map<string, OkxLevel>) => levels.slice(0, BOOKS_DEPTH).map((l) => map.get(l.price)!);
    const data = `{"asks":${JSON.stringify(side(inst.book.asks.levels, inst.asks))},"bids":${JSON.stringify(side(inst.book.bids.levels, inst.bids))},"ts":"${inst.ts}","checksum":${okxChecksum(inst.book)},"prevSeqId":-1,"seqId":${inst.seqId}}`;
    return `{"arg":{"channel":"books","instId":"${instId}"},"action":"snapshot","data":[${data}]}`;
  }

  publish(entry: TimelineEntry): void {
    if (entry.kind !== 'depth') {
      for (const conn of this.o.host.subscribers(entry.topic)) conn.sendData(entry.text, false);
      return;
    }
    const top = this.topOfBook(entry.symbol);
    const text = this.applyBooks(entry);
    const isUpdate = !text.includes('"prevSeqId":-1,');
    for (const conn of this.o.host.subscribers(entry.topic)) conn.sendData(text, isUpdate);
    if (this.topOfBook(entry.symbol) !== top) {
      const bbo = this.bboText(entry.symbol, this.books.get(entry.symbol)!);
      for (const conn of this.o.host.subscribers(`bbo-tbt:${entry.symbol}`)) conn.sendData(bbo, false);
    }
  }

  /** The top level of both sides as text, to tell whether a books message moved it. */
  private topOfBook(instId: string): string {
    const inst = this.books.get(instId);
    if (inst === undefined) return '';
    const b = inst.book.bestBid();
    const a = inst.book.bestAsk();
    return `${b?.price}:${b?.size}|${a?.price}:${a?.size}`;
  }

  private bboText(instId: string, inst: InstrumentBook): string {
    const level = (l: { price: string } | undefined, map: Map<string, OkxLevel>) => (l === undefined ? '[]' : `[${JSON.stringify(map.get(l.price))}]`);
    return `{"arg":{"channel":"bbo-tbt","instId":"${instId}"},"data":[{"asks":${level(inst.book.bestAsk(), inst.asks)},"bids":${level(inst.book.bestBid(), inst.bids)},"ts":"${inst.ts}","seqId":${inst.seqId}}]}`;
  }

  /** Applies a books message to the server's book; returns its text with prevSeqId/seqId added. */
  private applyBooks(entry: TimelineEntry): string {
    const msg = JSON.parse(entry.text) as { action: string; data: BooksData[] };
    const data = msg.data[0]!;
    const isSnapshot = msg.action === 'snapshot';
    let inst = this.books.get(entry.symbol);
    if (inst === undefined) {
      inst = { book: new L2Book(), bids: new Map(), asks: new Map(), seqId: OkxVenue.FIRST_SEQ_ID, ts: data.ts };
      this.books.set(entry.symbol, inst);
    }
    if (isSnapshot) {
      inst.bids.clear();
      inst.asks.clear();
    }
    inst.book.apply(
      data.bids.map((l) => [l[0], l[1]] as const),
      data.asks.map((l) => [l[0], l[1]] as const),
      isSnapshot,
    );
    for (const l of data.bids) setLevel(inst.bids, l);
    for (const l of data.asks) setLevel(inst.asks, l);
    const prevSeqId = isSnapshot ? -1 : inst.seqId;
    inst.seqId += data.bids.length + data.asks.length;
    inst.ts = data.ts;
    if (!entry.text.endsWith('}]}')) throw new Error(`OKX books message does not end with "}]}": ${entry.text.slice(-40)}`);
    return `${entry.text.slice(0, -3)},"prevSeqId":${prevSeqId},"seqId":${inst.seqId}}]}`;
  }

  rest(_req: unknown, _url: URL): HttpAnswer | null {
    return null;
  }

  close(): void {}
}

function setLevel(map: Map<string, OkxLevel>, level: OkxLevel): void {
  if (/^0*\.?0*$/.test(level[1])) map.delete(level[0]);
  else map.set(level[0], level);
}
