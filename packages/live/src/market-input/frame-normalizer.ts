/**
 * One venue feed's frames → normalized records, with the venue format's mapper (the one the
 * importer uses) driven exactly as the capture reader drives it over the feed's raw window
 * (@chassis/venues capture-reader.ts, chassis-raw layout): one mapper for the whole feed, every
 * connection's frames in order of receipt, the capture time as the message's local time, REST
 * snapshots with their URL and symbol, session messages skipped, and a frame that is not JSON
 * making every book wait for its next snapshot.
 */
import {
  formatForVenue,
  isObject,
  type CapturedFrame,
  type MessageContext,
  type NormalizedRecord,
  type VenueFormat,
  type VenueId,
  type VenueMapper,
} from '@chassis/venues';

export type FrameRecords =
  | { readonly kind: 'records'; readonly records: NormalizedRecord[] }
  /** Not market data of this venue (keep-alive reply, subscription answer, another feed's message). */
  | { readonly kind: 'skipped' }
  /** Not JSON: what it carried is unknown; every book of the feed now waits for a snapshot. */
  | { readonly kind: 'unreadable'; readonly reason: string };

const SKIPPED: FrameRecords = { kind: 'skipped' };

export class FrameNormalizer {
  private readonly format: VenueFormat;
  private readonly mapper: VenueMapper;
  private line = 0;

  constructor(
    venue: VenueId,
    /** Symbols of the feed: a single one names the REST snapshots that do not (as the reader's pre-scan does). */
    symbols: readonly string[],
    /** Names the source in record locations (`live:{session}`). */
    private readonly file: string,
  ) {
    this.format = formatForVenue(venue);
    this.mapper = this.format.createMapper({ venue, ...(symbols.length === 1 ? { instrument: symbols[0]! } : {}) });
  }

  map(frame: CapturedFrame): FrameRecords {
    this.line++;
    if (frame.keepAlive === true) return SKIPPED;
    let message: unknown;
    try {
      message = JSON.parse(frame.text);
    } catch (err) {
      this.mapper.unknownFrame?.();
      return {
        kind: 'unreadable',
        reason: `malformed frame from the venue on ${frame.connectionId}: ${(err as Error).message}; what it carried is unknown`,
      };
    }
    // Subscription answers and session messages (OKX/Bybit `event`/`op` replies, a family's isControl).
    if (isObject(message) && 'event' in message && !('data' in message)) return SKIPPED;
    if (isObject(message) && 'op' in message && !('topic' in message)) return SKIPPED;
    if (this.format.isControl?.(message) === true || !this.format.canHandle(message)) return SKIPPED;
    const ctx: MessageContext = {
      file: this.file,
      line: this.line,
      tsLocalNs: frame.tsCaptureNs,
      fallbackTsNs: frame.tsCaptureNs,
      ...(frame.url !== undefined ? { requestUrl: frame.url } : {}),
      ...(frame.instrument !== undefined ? { instrumentHint: frame.instrument } : {}),
    };
    return { kind: 'records', records: this.mapper.map(message, ctx) };
  }
}
