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

/** The envelope fields before the frame, without the closing brace; the caller appends the frame. */
function envelopeHead(frame: CapturedFrame, venue: VenueId, feed: string): string {
  let head = `{"tsLocalNs":"${frame.tsCaptureNs}","venue":${JSON.stringify(venue)},"feed":${JSON.stringify(feed)},"connectionId":${JSON.stringify(frame.connectionId)}`;
  if (frame.url !== undefined) head += `,"url":${JSON.stringify(frame.url)}`;
  if (frame.instrument !== undefined) head += `,"instrument":${JSON.stringify(frame.instrument)}`;
  // The venue's reply to our keep-alive (OKX's text `pong`): kept like every frame, flagged so readers skip it.
  if (frame.keepAlive === true) head += ',"keepAlive":true';
  return head;
}

/** The frame as one raw line, newline included. */
export function rawLine(frame: CapturedFrame, venue: VenueId, feed: string): string {
  const head = envelopeHead(frame, venue, feed);
  return isSpliceable(frame.text) ? `${head},"message":${frame.text}}\n` : `${head},"text":${JSON.stringify(frame.text)}}\n`;
}
