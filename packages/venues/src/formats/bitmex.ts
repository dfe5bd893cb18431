/**
 * BitMEX realtime tables: `orderBookL2` / `orderBookL2_25` (price levels keyed by `id`;
 * actions `partial` | `insert` | `update` | `delete`), `quote` (→ bbo), `trade`.
 * Prices and sizes are JSON numbers, kept as their decimal text; sizes are contracts. Book rows
 * of 2021 carry no timestamp: a book record's tsEventNs is then its capture time (newer rows'
 * `timestamp` is used when present); quotes and trades carry the venue's time.
 *
 * Sync: messages of a symbol before its `partial` are dropped (`stale_dropped`, BitMEX's own
 * rule); the partial replaces the book. Integrity is checked two ways:
 * 1. The id → level map. `insert` of an id already held (or of a price its side already holds
 *    under another id), `update` / `delete` of an id not held, an entry whose side or price
 *    disagrees with the held level: each means a message was lost or reordered → `gap`, and the
 *    symbol drops book messages until the next partial (BitMEX sends one on resubscribe).
 * 2. Book vs `quote` (quote-sequence.ts). BitMEX publishes quotes in batches up to ~1 s after
 *    the book messages they describe (orderBookL2 of 2021 carries no timestamps), so the quotes
 *    of a symbol must be a subsequence of the rebuilt book's top-of-book states; a quote that
 *    matches none within QUOTE_WAIT_NS of capture time → `checksum_mismatch` at the quote's line,
 *    naming the book message whose state came closest, and the book waits for the next partial.
 *    Quotes stamped before the partial's capture time are not judged: they may describe the
 *    book before the partial (capture time is never before the venue's time).
 */
import { L2Book } from './l2-book.ts';
import { numberText } from './json-number.ts';
import { bookTopKey, describeMismatch, QuoteSequenceCheck, topKey, type QuoteMismatch } from './quote-sequence.ts';
import type { NormalizedRecord, VenueId } from './records.ts';
import { syncIssue, unknownFields } from './sync-issue.ts';
import { isoToNs } from './time-units.ts';
import { RecentIds } from './recent-ids.ts';
import { isObject, type JsonObject, type MapperOptions, type MessageContext, type VenueFormat, type VenueMapper } from './venue-mapper.ts';

const BOOK_TABLES = new Set(['orderBookL2', 'orderBookL2_25']);
const TABLES = new Set([...BOOK_TABLES, 'quote', 'trade']);
const ACTIONS = new Set(['partial', 'insert', 'update', 'delete']);
const MESSAGE_FIELDS = new Set(['table', 'action', 'data', 'keys', 'types', 'foreignKeys', 'attributes', 'filter']);
const LEVEL_FIELDS = new Set(['symbol', 'id', 'side', 'size', 'price', 'timestamp', 'transactTime']);
const QUOTE_FIELDS = new Set(['timestamp', 'symbol', 'bidSize', 'bidPrice', 'askPrice', 'askSize']);
const TRADE_FIELDS = new Set(['timestamp', 'symbol', 'side', 'size', 'price', 'tickDirection', 'trdMatchID', 'grossValue', 'homeNotional', 'foreignNotional', 'trdType']);

/** How long (capture time) a quote may wait for the book state it describes. */
export const QUOTE_WAIT_NS = 1_000_000_000n;

interface HeldLevel {
  readonly isBid: boolean;
  readonly price: string;
}

interface SymbolState {
  synced: boolean;
  readonly levels: Map<number, HeldLevel>;
  /** price text → id, per side: one id per price level. */
  readonly bidIds: Map<string, number>;
  readonly askIds: Map<string, number>;
  readonly book: L2Book;
  readonly quotes: QuoteSequenceCheck;
  /** Capture time of the last partial: only quotes stamped at or after it are judged (older ones may describe the book before it). */
  partialAtNs: bigint;
  /** Book messages dropped since the book lost sync (not before the first partial). */
  dropped: number;
  droppedSinceLine: number;
  everSynced: boolean;
  readonly tradeIds: RecentIds<string>;
}

/** A book row that cannot be read (parse_error) or that contradicts the id map (a lost or reordered message: gap). */
interface EntryProblem {
  readonly issue: 'parse_error' | 'gap';
  readonly text: string;
}
const malformed = (text: string): EntryProblem => ({ issue: 'parse_error', text: `malformed level: ${text}` });
const contradiction = (text: string): EntryProblem => ({ issue: 'gap', text });

class BitmexMapper implements VenueMapper {
  private readonly venue: VenueId = 'bitmex';
  private readonly states = new Map<string, SymbolState>();

  constructor(_options: MapperOptions) {}

  private state(symbol: string): SymbolState {
    let s = this.states.get(symbol);
    if (s === undefined) {
      s = { synced: false, levels: new Map(), bidIds: new Map(), askIds: new Map(), book: new L2Book(), quotes: new QuoteSequenceCheck(QUOTE_WAIT_NS), partialAtNs: 0n, dropped: 0, droppedSinceLine: 0, everSynced: false, tradeIds: new RecentIds() };
      this.states.set(symbol, s);
    }
    return s;
  }

  map(message: unknown, ctx: MessageContext): NormalizedRecord[] {
    if (!isObject(message) || typeof message['table'] !== 'string' || !ACTIONS.has(String(message['action'])) || !Array.isArray(message['data'])) {
      return [syncIssue(this.venue, '', ctx, 'parse_error', 'BitMEX message needs table, action partial|insert|update|delete and a data array')];
    }
    const table = message['table'];
    const action = message['action'] as string;
    const out: NormalizedRecord[] = [];
    const extra = unknownFields(message, MESSAGE_FIELDS);
    if (extra.length > 0) out.push(syncIssue(this.venue, '', ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in BitMEX ${table} message`));
    const rows = message['data'] as unknown[];
    if (BOOK_TABLES.has(table)) {
      // A partial for a symbol with an empty book has no rows: the filter names the symbol.
      const filter = message['filter'];
      const filterSymbol = isObject(filter) && typeof filter['symbol'] === 'string' ? filter['symbol'] : undefined;
      for (const [symbol, entries] of bySymbol(rows, filterSymbol, ctx, out, this.venue)) this.book(table, action, symbol, entries, ctx, out);
    } else if (table === 'quote') {
      for (const row of rows) this.quote(row, ctx, out);
    } else if (table === 'trade') {
      for (const row of rows) this.trade(row, ctx, out);
    }
    return out;
  }

  private book(table: string, action: string, symbol: string, entries: JsonObject[], ctx: MessageContext, out: NormalizedRecord[]): void {
    const s = this.state(symbol);
    let tsEventNs: bigint | null = null;
    for (const e of entries) {
      const t = typeof e['timestamp'] === 'string' ? isoToNs(e['timestamp']) : null;
      if (t !== null && (tsEventNs === null || t > tsEventNs)) tsEventNs = t;
    }
    const ts = tsEventNs ?? ctx.tsLocalNs ?? ctx.fallbackTsNs;
    const extra = new Set<string>();
    for (const e of entries) for (const k of unknownFields(e, LEVEL_FIELDS)) extra.add(k);
    if (extra.size > 0) out.push(syncIssue(this.venue, symbol, ctx, 'unknown_field', `unknown field(s) ${[...extra].join(', ')} in BitMEX ${table} data`, ts));
    const isSnapshot = action === 'partial';
    if (!isSnapshot && !s.synced) {
      if (!s.everSynced) out.push(syncIssue(this.venue, symbol, ctx, 'stale_dropped', `BitMEX ${table} ${action} before the partial; dropped (BitMEX: ignore messages until the partial)`, ts));
      else if (s.dropped++ === 0) s.droppedSinceLine = ctx.line;
      return;
    }
    if (isSnapshot) {
      if (s.dropped > 0) out.push(syncIssue(this.venue, symbol, ctx, 'gap', `${s.dropped} BitMEX ${table} messages since line ${s.droppedSinceLine} were dropped while the book was unsynchronised; resynchronised by this partial`, ts));
      s.dropped = 0;
      s.levels.clear();
      s.bidIds.clear();
      s.askIds.clear();
      s.book.clear();
      s.quotes.reset();
      s.partialAtNs = ctx.tsLocalNs ?? ts;
    }
    const bids: (readonly [string, string])[] = [];
    const asks: (readonly [string, string])[] = [];
    for (const e of entries) {
      const problem = this.applyEntry(s, action, e, bids, asks);
      if (problem === null) continue;
      out.push(syncIssue(this.venue, symbol, ctx, problem.issue, `BitMEX ${table} ${action}: ${problem.text}; dropping book messages until the next partial`, ts));
      this.unsync(s, ctx);
      return;
    }
    s.synced = true;
    s.everSynced = true;
    s.book.apply(bids, asks, false);
    out.push({
      kind: 'book_delta',
      venue: this.venue,
      instrument: symbol,
      tsEventNs: ts,
      tsLocalNs: ctx.tsLocalNs ?? ts,
      source: { file: ctx.file, line: ctx.line },
      updateId: null,
      isSnapshot,
      bids,
      asks,
    });
    this.onMismatch(symbol, s, ctx, s.quotes.onBook(bookTopKey(s.book), ctx.line, ctx.tsLocalNs ?? ctx.fallbackTsNs), out);
  }

  /** Applies one level entry to the id map; what is malformed in it or contradicts the map, or null. */
  private applyEntry(s: SymbolState, action: string, e: JsonObject, bids: (readonly [string, string])[], asks: (readonly [string, string])[]): EntryProblem | null {
    const id = e['id'];
    const side = e['side'];
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || (side !== 'Buy' && side !== 'Sell')) return malformed(`needs integer id and side Buy|Sell`);
    const isBid = side === 'Buy';
    const price = e['price'] === undefined ? null : numberText(e['price']);
    const size = e['size'] === undefined ? null : numberText(e['size']);
    const held = s.levels.get(id);
    const ids = isBid ? s.bidIds : s.askIds;
    if (action === 'partial' || action === 'insert') {
      if (price === null || size === null || !(Number(price) > 0) || !(Number(size) > 0)) return malformed(`${action} of id ${id} needs a positive price and size`);
      if (held !== undefined) return contradiction(`insert of id ${id} (${side} ${price}) already held at ${held.price}`);
      const other = ids.get(price);
      if (other !== undefined) return contradiction(`insert of id ${id} at ${side} ${price}, a price already held by id ${other}`);
      s.levels.set(id, { isBid, price });
      ids.set(price, id);
      (isBid ? bids : asks).push([price, size]);
      return null;
    }
    if (held === undefined) return contradiction(`${action} of id ${id} (${side}) not held: a message before it was lost or reordered`);
    if (held.isBid !== isBid) return contradiction(`${action} of id ${id} as ${side} but it is held on the other side`);
    if (price !== null && price !== held.price) return contradiction(`${action} of id ${id} at ${price} but it is held at ${held.price}`);
    if (action === 'update') {
      if (size === null || !(Number(size) > 0)) return malformed(`update of id ${id} needs a positive size`);
      (isBid ? bids : asks).push([held.price, size]);
    } else {
      s.levels.delete(id);
      ids.delete(held.price);
      (isBid ? bids : asks).push([held.price, '0']);
    }
    return null;
  }

  /** Drops book messages until the next partial; `dropped` counts the message that broke it, if it is one. */
  private unsync(s: SymbolState, ctx: MessageContext, dropped = 1): void {
    s.synced = false;
    s.dropped = dropped;
    s.droppedSinceLine = ctx.line;
    s.quotes.reset();
  }

  /** A quote that matched no book state: the rebuilt book is not the venue's; wait for a partial. */
  private onMismatch(symbol: string, s: SymbolState, ctx: MessageContext, m: QuoteMismatch | null, out: NormalizedRecord[]): void {
    if (m === null) return;
    const at = { ...ctx, line: m.quoteLine };
    out.push(syncIssue(this.venue, symbol, at, 'checksum_mismatch', `${describeMismatch(m, 'BitMEX quote')}; dropping book messages until the next partial`));
    this.unsync(s, at, 0);
  }

  private quote(row: unknown, ctx: MessageContext, out: NormalizedRecord[]): void {
    if (!isObject(row) || typeof row['symbol'] !== 'string' || typeof row['timestamp'] !== 'string') {
      out.push(syncIssue(this.venue, '', ctx, 'parse_error', 'BitMEX quote needs symbol and timestamp'));
      return;
    }
    const symbol = row['symbol'];
    const tsEventNs = isoToNs(row['timestamp']);
    if (tsEventNs === null) {
      out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', `BitMEX quote timestamp ${row['timestamp']} is not ISO-8601 UTC`));
      return;
    }
    const extra = unknownFields(row, QUOTE_FIELDS);
    if (extra.length > 0) out.push(syncIssue(this.venue, symbol, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in BitMEX quote`, tsEventNs));
    // null (an empty side) becomes '' so that the top-of-book key still compares.
    const text = (v: unknown): string | null => (v === null || v === undefined ? '' : numberText(v));
    const bidPrice = text(row['bidPrice']);
    const bidSize = text(row['bidSize']);
    const askPrice = text(row['askPrice']);
    const askSize = text(row['askSize']);
    if (bidPrice === null || bidSize === null || askPrice === null || askSize === null) {
      out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', 'BitMEX quote prices and sizes must be numbers or null', tsEventNs));
      return;
    }
    const s = this.state(symbol);
    if (s.synced && tsEventNs >= s.partialAtNs) this.onMismatch(symbol, s, ctx, s.quotes.onQuote(topKey(bidPrice, bidSize, askPrice, askSize), ctx.line, ctx.tsLocalNs ?? tsEventNs), out);
    // An empty side has no canonical BBO form; the book carries it.
    if (bidPrice === '' || askPrice === '' || !(Number(bidSize) > 0) || !(Number(askSize) > 0)) return;
    out.push({
      kind: 'bbo',
      venue: this.venue,
      instrument: symbol,
      tsEventNs,
      tsLocalNs: ctx.tsLocalNs ?? tsEventNs,
      source: { file: ctx.file, line: ctx.line },
      updateId: null,
      bidPrice,
      bidSize,
      askPrice,
      askSize,
    });
  }

  private trade(row: unknown, ctx: MessageContext, out: NormalizedRecord[]): void {
    const symbol = isObject(row) && typeof row['symbol'] === 'string' ? row['symbol'] : '';
    const tsEventNs = isObject(row) && typeof row['timestamp'] === 'string' ? isoToNs(row['timestamp']) : null;
    const price = isObject(row) ? numberText(row['price']) : null;
    const size = isObject(row) ? numberText(row['size']) : null;
    if (!isObject(row) || symbol === '' || tsEventNs === null || price === null || size === null || typeof row['trdMatchID'] !== 'string') {
      out.push(syncIssue(this.venue, symbol, ctx, 'parse_error', 'BitMEX trade needs symbol, ISO timestamp, numeric price and size and trdMatchID'));
      return;
    }
    const extra = unknownFields(row, TRADE_FIELDS);
    if (extra.length > 0) out.push(syncIssue(this.venue, symbol, ctx, 'unknown_field', `unknown field(s) ${extra.join(', ')} in BitMEX trade`, tsEventNs));
    const s = this.state(symbol);
    const id = row['trdMatchID'];
    // The trade partial repeats the last trade on every (re)subscribe.
    if (s.tradeIds.seen(id)) {
      out.push(syncIssue(this.venue, symbol, ctx, 'duplicate', `BitMEX trade ${id} was already seen; dropped`, tsEventNs));
      return;
    }
    out.push({
      kind: 'trade',
      venue: this.venue,
      instrument: symbol,
      tsEventNs,
      tsLocalNs: ctx.tsLocalNs ?? tsEventNs,
      source: { file: ctx.file, line: ctx.line },
      tradeId: id,
      price,
      size,
      // `side` is the taker's side.
      aggressor: row['side'] === 'Buy' ? 'buy' : row['side'] === 'Sell' ? 'sell' : 'unknown',
    });
  }

  finish(ctx: MessageContext): NormalizedRecord[] {
    const out: NormalizedRecord[] = [];
    for (const [symbol, s] of this.states) {
      if (s.dropped > 0) out.push(syncIssue(this.venue, symbol, { ...ctx, line: s.droppedSinceLine }, 'gap', `${s.dropped} BitMEX book messages from line ${s.droppedSinceLine} on were never synchronised: no partial followed before the end of ${ctx.file}`));
    }
    return out;
  }
}

/** Book rows grouped by symbol in first-seen order; a row without a symbol is reported. */
function bySymbol(rows: readonly unknown[], filterSymbol: string | undefined, ctx: MessageContext, out: NormalizedRecord[], venue: VenueId): Map<string, JsonObject[]> {
  const groups = new Map<string, JsonObject[]>();
  if (filterSymbol !== undefined) groups.set(filterSymbol, []);
  for (const row of rows) {
    if (!isObject(row) || typeof row['symbol'] !== 'string') {
      out.push(syncIssue(venue, filterSymbol ?? '', ctx, 'parse_error', 'BitMEX book row needs a symbol'));
      continue;
    }
    const list = groups.get(row['symbol']);
    if (list === undefined) groups.set(row['symbol'], [row]);
    else list.push(row);
  }
  return groups;
}

export const bitmexFormat: VenueFormat = {
  family: 'bitmex',
  canHandle(message: unknown): boolean {
    return isObject(message) && TABLES.has(String(message['table'])) && 'action' in message && Array.isArray(message['data']);
  },
  isControl(message: unknown): boolean {
    // Welcome banner, subscribe acknowledgements and errors.
    return isObject(message) && !('table' in message) && ('info' in message || 'success' in message || 'subscribe' in message || 'error' in message);
  },
  inferVenue(): VenueId {
    return 'bitmex';
  },
  inferInstrument(message: unknown): string | null {
    if (!isObject(message) || !Array.isArray(message['data'])) return null;
    const first: unknown = message['data'][0];
    if (isObject(first) && typeof first['symbol'] === 'string') return first['symbol'];
    const filter = message['filter'];
    return isObject(filter) && typeof filter['symbol'] === 'string' ? filter['symbol'] : null;
  },
  createMapper(options: MapperOptions): VenueMapper {
    return new BitmexMapper(options);
  },
};
