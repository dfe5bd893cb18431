/**
 * Capture layouts: how one line of a capture file wraps one venue message.
 * - chassis-raw: `{"tsLocalNs":"<ns>","venue":"<id>","feed":"<name>","connectionId":"<id>","message":<venue JSON>}`
 *   (optional `instrument` and `url` for REST responses that do not name their symbol). A frame
 *   the recorder could not splice verbatim (not JSON, or JSON with a raw line break) is kept as
 *   `"text":<JSON string>` instead of `message`; the reader parses that text like any other; a
 *   non-JSON frame becomes a gap of every instrument (the venue sent something unreadable, data
 *   may be missing there), while a line whose envelope is broken stays a parse_error. `"keepAlive":true` marks the venue's reply to
 *   a keep-alive (OKX's text `pong`): kept byte for byte, skipped by the reader.
 * - ns-json:     `<capture ns> <venue JSON>` (hftbacktest captures)
 * - cryptofeed:  `<url> <-> <connect s>` header, inbound `<s>: <json>`, outbound `<url> <- <s>: <json>`,
 *                HTTP responses `<url> -> <s>: <body>` (capture seconds with a decimal fraction)
 * - json-lines:  bare venue JSON per line, no capture time
 * - tardis-csv:  Tardis-style `incremental_book_L2` / `trades` CSV (handled by tardis-csv.ts)
 */
import { VENUE_IDS, type VenueId } from './records.ts';
import { secondsTextToNs } from './time-units.ts';
import { isObject } from './venue-mapper.ts';

export type Layout = 'chassis-raw' | 'ns-json' | 'cryptofeed' | 'json-lines' | 'tardis-csv';

/** One line, unwrapped. `message` is set for chassis-raw (already parsed), `text` otherwise (and for a raw-layout `text` frame). */
export interface CaptureEntry {
  readonly kind: 'message';
  readonly tsLocalNs: bigint | null;
  readonly text?: string;
  readonly message?: unknown;
  /** REST request URL (cryptofeed HTTP line or raw-layout `url`). */
  readonly url?: string;
  readonly venue?: VenueId;
  readonly instrument?: string;
}

export type LineParse =
  | CaptureEntry
  | { readonly kind: 'skip' }
  /** cryptofeed connection header: the stream URL for the lines that follow. */
  | { readonly kind: 'connect'; readonly url: string }
  | { readonly kind: 'error'; readonly message: string };

const CRYPTOFEED_CONNECT = /^(\S+:\/\/\S+) <-> (\d+(?:\.\d+)?)$/;
const CRYPTOFEED_IN = /^(\d+(?:\.\d+)?): /;
const CRYPTOFEED_HTTP = /^(\S+:\/\/\S+) -> (\d+(?:\.\d+)?): /;
const CRYPTOFEED_OUT = /^\S+:\/\/\S+ <- \d+(?:\.\d+)?: /;
const NS_JSON = /^(\d{10,20}) [{[]/;
const RAW_FIELDS = new Set(['tsLocalNs', 'venue', 'feed', 'connectionId', 'message', 'text', 'instrument', 'url', 'keepAlive']);
const SKIP: LineParse = { kind: 'skip' };

/** Layout from the first non-empty lines; null if none matches. */
export function detectLayout(lines: readonly string[]): Layout | null {
  const first = lines.find((l) => l.trim().length > 0);
  if (first === undefined) return null;
  if (CRYPTOFEED_CONNECT.test(first) || CRYPTOFEED_HTTP.test(first) || CRYPTOFEED_OUT.test(first) || /^\d+\.\d+: [{[]/.test(first)) return 'cryptofeed';
  if (NS_JSON.test(first)) return 'ns-json';
  if (first.startsWith('exchange,symbol,')) return 'tardis-csv';
  if (first.startsWith('{') || first.startsWith('[')) {
    try {
      const v: unknown = JSON.parse(first);
      if (isObject(v) && typeof v['tsLocalNs'] === 'string' && ('message' in v || 'text' in v) && 'venue' in v) return 'chassis-raw';
    } catch {
      // A malformed first line is reported by the reader with its line number.
      if (first.startsWith('{"tsLocalNs"')) return 'chassis-raw';
    }
    return 'json-lines';
  }
  return null;
}

export function parseLine(layout: Exclude<Layout, 'tardis-csv'>, line: string): LineParse {
  if (line.length === 0 || line.trim().length === 0) return SKIP;
  switch (layout) {
    case 'ns-json': {
      const sp = line.indexOf(' ');
      const ts = sp > 0 ? line.slice(0, sp) : '';
      if (!/^\d{10,20}$/.test(ts)) return { kind: 'error', message: 'expected "<capture ns> <json>"' };
      return { kind: 'message', tsLocalNs: BigInt(ts), text: line.slice(sp + 1) };
    }
    case 'json-lines':
      return { kind: 'message', tsLocalNs: null, text: line };
    case 'cryptofeed': {
      let m = CRYPTOFEED_IN.exec(line);
      if (m) return { kind: 'message', tsLocalNs: secondsTextToNs(m[1]!), text: line.slice(m[0].length) };
      m = CRYPTOFEED_HTTP.exec(line);
      if (m) return { kind: 'message', tsLocalNs: secondsTextToNs(m[2]!), text: line.slice(m[0].length), url: m[1]! };
      m = CRYPTOFEED_CONNECT.exec(line);
      if (m) return { kind: 'connect', url: m[1]! };
      if (CRYPTOFEED_OUT.test(line)) return SKIP; // our own subscribe requests
      return { kind: 'error', message: 'not a cryptofeed capture line ("<s>: <json>", "<url> -> <s>: <body>", "<url> <- <s>: <json>" or "<url> <-> <s>")' };
    }
    case 'chassis-raw': {
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch (err) {
        return { kind: 'error', message: `malformed JSON: ${(err as Error).message}` };
      }
      if (!isObject(v)) return { kind: 'error', message: 'raw capture line is not a JSON object' };
      for (const k in v) if (!RAW_FIELDS.has(k)) return { kind: 'error', message: `unknown field "${k}" in raw capture envelope` };
      const ts = v['tsLocalNs'];
      const venue = v['venue'];
      if (typeof ts !== 'string' || !/^\d{1,20}$/.test(ts)) return { kind: 'error', message: 'raw capture envelope needs tsLocalNs as a string of integer nanoseconds' };
      if (typeof venue !== 'string' || !(VENUE_IDS as readonly string[]).includes(venue)) return { kind: 'error', message: `raw capture envelope has unsupported venue ${JSON.stringify(venue)} (expected one of ${VENUE_IDS.join(', ')})` };
      if (typeof v['feed'] !== 'string' || typeof v['connectionId'] !== 'string' || 'message' in v === 'text' in v) return { kind: 'error', message: 'raw capture envelope needs string feed and connectionId and either a message or a text' };
      if ('text' in v && typeof v['text'] !== 'string') return { kind: 'error', message: 'raw capture envelope field "text" must be a string (the frame as received)' };
      if ('keepAlive' in v && v['keepAlive'] !== true) return { kind: 'error', message: 'raw capture envelope field "keepAlive" must be true when present' };
      if (v['keepAlive'] === true) return SKIP; // the venue's answer to our keep-alive: recorded, not market data
      const instrument = typeof v['instrument'] === 'string' ? v['instrument'] : undefined;
      const url = typeof v['url'] === 'string' ? v['url'] : undefined;
      // A `text` frame is parsed by the reader (capture-reader mapEntry); one that is not JSON becomes a gap there.
      const body = 'text' in v ? { text: v['text'] as string } : { message: v['message'] };
      return { kind: 'message', tsLocalNs: BigInt(ts), ...body, venue: venue as VenueId, ...(instrument !== undefined ? { instrument } : {}), ...(url !== undefined ? { url } : {}) };
    }
  }
}
