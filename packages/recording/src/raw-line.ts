/**
 * One captured frame as one `chassis-raw` line (see @chassis/venues formats/layout.ts):
 * `{"tsLocalNs":"<capture ns>","venue":"..","feed":"..","connectionId":"..",["url":"..","instrument":"..",]["keepAlive":true,]"message":<frame text>}\n`
 *
 * The frame text is spliced in verbatim, so the file holds the venue's bytes exactly. That is
 * only possible when the text is one JSON value on one line. Two kinds of frame are not:
 * - text that is not JSON at all (a venue's malformed frame), and
 * - JSON that contains a raw line break (legal insignificant whitespace, but it would split
 *   the line, and re-formatting it would change the bytes),
 * plus text that is not well-formed UTF-16 (a lone surrogate cannot be written as UTF-8).
 * Those go, unaltered, into `"text":<JSON string>` instead of `message`: JSON string escaping
 * is exact, so the text is still recoverable character for character, and the reader parses
 * it — a JSON frame with a line break reads as any other, a non-JSON one becomes a recorded
 * parse_error, never a silent skip. `message` stays last so that everything before the
 * verbatim bytes has a fixed shape.
 */
import type { CapturedFrame, VenueId } from '@chassis/venues';
import { isSpliceableJson } from './json-syntax.ts';

/** Whether the frame text can be spliced verbatim as the line's `message` value (json-syntax.ts). */
export function isSpliceable(text: string): boolean {
  return isSpliceableJson(text);
}

/** The envelope fields between the capture time and the frame, for one frame's provenance. */
interface EnvelopeMiddle {
  readonly venue: VenueId;
  readonly feed: string;
  readonly connectionId: string;
  readonly url: string | undefined;
  readonly instrument: string | undefined;
  readonly keepAlive: boolean;
  /** `","venue":..,"connectionId":..[,"url":..,"instrument":..][,"keepAlive":true],"message":` */
  readonly beforeMessage: string;
  /** The same ending in `,"text":` */
  readonly beforeText: string;
}

/**
 * The last envelope built. A feed's frames share their venue, feed and connection, so the fields
 * are JSON-escaped once per connection instead of once per frame (the comparisons below are
 * pointer comparisons when the connector passes the same strings, as it does).
 */
let last: EnvelopeMiddle | null = null;

function envelopeMiddle(frame: CapturedFrame, venue: VenueId, feed: string): EnvelopeMiddle {
  const keepAlive = frame.keepAlive === true;
  const m = last;
  if (m !== null && m.connectionId === frame.connectionId && m.venue === venue && m.feed === feed && m.url === frame.url && m.instrument === frame.instrument && m.keepAlive === keepAlive) return m;
  let fields = `","venue":${JSON.stringify(venue)},"feed":${JSON.stringify(feed)},"connectionId":${JSON.stringify(frame.connectionId)}`;
  if (frame.url !== undefined) fields += `,"url":${JSON.stringify(frame.url)}`;
  if (frame.instrument !== undefined) fields += `,"instrument":${JSON.stringify(frame.instrument)}`;
  // The venue's reply to our keep-alive (OKX's text `pong`): kept like every frame, flagged so readers skip it.
  if (keepAlive) fields += ',"keepAlive":true';
  last = { venue, feed, connectionId: frame.connectionId, url: frame.url, instrument: frame.instrument, keepAlive, beforeMessage: `${fields},"message":`, beforeText: `${fields},"text":` };
  return last;
}

/** The frame as one raw line, newline included. */
export function rawLine(frame: CapturedFrame, venue: VenueId, feed: string): string {
  const m = envelopeMiddle(frame, venue, feed);
  return isSpliceable(frame.text) ? `{"tsLocalNs":"${frame.tsCaptureNs}${m.beforeMessage}${frame.text}}\n` : `{"tsLocalNs":"${frame.tsCaptureNs}${m.beforeText}${JSON.stringify(frame.text)}}\n`;
}
