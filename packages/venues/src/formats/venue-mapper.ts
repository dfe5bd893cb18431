/**
 * The contract every venue format module implements (tardis-node style): a stateless family
 * check plus a stateful per-stream mapper that owns the venue's book-sync state machine. The
 * capture reader, the recorder's normalizer and live adapters all drive the same mappers.
 */
import type { NormalizedRecord, VenueId } from './records.ts';

/** Where and when a message was seen. */
export interface MessageContext {
  readonly file: string;
  /** 1-based line of the message in its capture file. */
  readonly line: number;
  /** Capture time in ns since epoch; null when the layout has none (tsLocalNs := tsEventNs). */
  readonly tsLocalNs: bigint | null;
  /**
   * Time to use when neither the message nor the layout carries one (e.g. a Binance spot
   * bookTicker in plain JSON lines): the last event time the reader saw, in ns.
   */
  readonly fallbackTsNs: bigint;
  /**
   * Source of the message when the layout says it (cryptofeed HTTP lines, raw-layout REST
   * responses): lets a mapper attach a symbol-less REST snapshot to its instrument.
   */
  readonly requestUrl?: string;
  /** Instrument named by the layout (raw layout `instrument`, URL `symbol=`), if any. */
  readonly instrumentHint?: string;
}

/** A stateful mapper for one capture or connection: map messages in arrival order. */
export interface VenueMapper {
  /**
   * Maps one parsed venue message to records in processing order (a snapshot may release
   * buffered diffs). Never throws for a bad message: problems come back as sync_issue records.
   */
  map(message: unknown, ctx: MessageContext): NormalizedRecord[];
  /** End of input: reports whatever is still buffered or unsynchronised as sync_issue records. */
  finish(ctx: MessageContext): NormalizedRecord[];
  /**
   * A recorded frame whose content is unknown (not JSON) may have been a book diff of any
   * instrument: every book forgets its sync and waits for its next snapshot, which the connector
   * fetches (or resubscribes for) after such a frame. The reader reports the gap itself.
   */
  unknownFrame?(): void;
}

export interface MapperOptions {
  readonly venue: VenueId;
  /** Instrument override: used when a message does not name its symbol (REST snapshots). */
  readonly instrument?: string;
}

/** One venue family (Binance, OKX, Bybit, Hyperliquid, Deribit, BitMEX, Coinbase, Kraken, KuCoin): recognise, infer and create mappers. */
export interface VenueFormat {
  readonly family: 'binance' | 'okx' | 'bybit' | 'hyperliquid' | 'deribit' | 'bitmex' | 'coinbase' | 'kraken' | 'kucoin';
  /** True if the parsed message is a market-data message of this family. */
  canHandle(message: unknown): boolean;
  /**
   * True for the family's session messages that carry no market data (subscription replies,
   * welcome banners, heartbeats): the reader skips them instead of reporting a parse_error.
   */
  isControl?(message: unknown): boolean;
  /**
   * Venue id implied by a message (e.g. Binance `pu` ⇒ futures; `_PERP` symbol ⇒ COIN-M), or
   * null if this message alone cannot tell. `url` is the stream/request URL when the layout has it.
   */
  inferVenue(message: unknown, url?: string): VenueId | null;
  /** Instrument named by a message, or null (REST snapshots carry none). */
  inferInstrument(message: unknown): string | null;
  createMapper(options: MapperOptions): VenueMapper;
}

/** A JSON object as it came off the wire. */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
