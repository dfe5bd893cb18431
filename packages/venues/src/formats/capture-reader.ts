/**
 * readCapture / detectCapture: container → layout → venue format mapper → normalized records.
 * Venue and instrument are inferred by a bounded pre-scan of the first lines (a second open of
 * the file), so the main pass streams without buffering.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ChassisError } from '@chassis/core';
import { readLineBatches, sniffContainer, type Container } from './container.ts';
import { detectLayout, parseLine, type CaptureEntry, type Layout } from './layout.ts';
import { VENUE_IDS, type NormalizedRecord, type VenueId } from './records.ts';
import { syncIssue } from './sync-issue.ts';
import { readTardisCsv } from './tardis-csv.ts';
import { VENUE_FORMATS, formatForVenue } from './venue-registry.ts';
import { isObject, type MessageContext, type VenueFormat } from './venue-mapper.ts';

export interface CaptureInfo {
  readonly container: Container;
  readonly layout: Layout;
  /** False for plain JSON lines: tsLocalNs then equals tsEventNs. */
  readonly hasCaptureTime: boolean;
}

export interface ReadCaptureOptions {
  readonly venue?: VenueId;
  readonly instrument?: string;
  /**
   * cryptofeed layout: the files holding the REST responses (depth snapshots) recorded beside
   * the WebSocket file. Default: the `{name}.http.*` siblings in the capture's own directory
   * (which an importer's content-addressed raw copy does not have, hence this option).
   */
  readonly httpFiles?: readonly string[];
}

/** Lines inspected to infer venue and instruments before the main pass. */
const PRESCAN_LINES = 5_000;

async function headLines(path: string, container: Container, n: number): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of readLineBatches(path, container)) {
    for (const l of batch) {
      out.push(l);
      if (out.length >= n) return out;
    }
  }
  return out;
}

export async function detectCapture(path: string): Promise<CaptureInfo> {
  const container = await sniffContainer(path);
  const head = await headLines(path, container, 16);
  const layout = detectLayout(head);
  if (layout === null) {
    throw new ChassisError('E_UNKNOWN_LAYOUT', `${path}: not a known capture layout (chassis raw JSON lines, "<ns> <json>", cryptofeed text, JSON lines, Tardis CSV); first line starts ${JSON.stringify((head[0] ?? '').slice(0, 60))}`, { details: { file: path, line: 1 } });
  }
  return { container, layout, hasCaptureTime: layout !== 'json-lines' };
}

/** Venues we recognise but do not support, by URL, for a clear error. */
function unsupportedVenueName(url: string | undefined): string | null {
  if (url === undefined) return null;
  for (const name of ['bitfinex', 'huobi', 'gate']) if (url.toLowerCase().includes(name)) return name;
  return null;
}

interface Prescan {
  readonly format: VenueFormat;
  readonly venue: VenueId;
  readonly instruments: ReadonlySet<string>;
}

function venueFromFileName(path: string, format: VenueFormat): VenueId | null {
  const name = basename(path).toLowerCase();
  if (format.family === 'binance') {
    if (/coinm|delivery|dapi/.test(name)) return 'binance-coinm';
    if (/usdm|futures|fapi/.test(name)) return 'binance-usdm';
    if (/spot/.test(name)) return 'binance-spot';
  }
  if (format.family === 'bybit') {
    if (/spot/.test(name)) return 'bybit-spot';
    if (/linear|perp|futures/.test(name)) return 'bybit-linear';
  }
  if (format.family === 'okx') return 'okx';
  return null;
}

async function prescan(path: string, info: CaptureInfo, options: ReadCaptureOptions): Promise<Prescan> {
  if (options.venue !== undefined && !(VENUE_IDS as readonly string[]).includes(options.venue)) {
    throw new ChassisError('E_UNSUPPORTED_VENUE', `unsupported venue "${options.venue}" (supported: ${VENUE_IDS.join(', ')})`);
  }
  let format: VenueFormat | null = options.venue !== undefined ? formatForVenue(options.venue) : null;
  let venue: VenueId | null = options.venue ?? null;
  const instruments = new Set<string>();
  let url: string | undefined;
  let seen = 0;
  let unsupported: string | null = null;
  const layout = info.layout as Exclude<Layout, 'tardis-csv'>;
  outer: for await (const batch of readLineBatches(path, info.container)) {
    for (const line of batch) {
      if (++seen > PRESCAN_LINES) break outer;
      const p = parseLine(layout, line);
      if (p.kind === 'connect') {
        url = p.url;
        unsupported ??= unsupportedVenueName(url);
        continue;
      }
      if (p.kind !== 'message') continue;
      if (p.venue !== undefined && venue === null) {
        venue = p.venue;
        format = formatForVenue(venue);
      }
      let msg = p.message;
      if (msg === undefined) {
        try {
          msg = JSON.parse(p.text!);
        } catch {
          continue; // reported with its line in the main pass
        }
      }
      if (p.instrument !== undefined) instruments.add(p.instrument);
      const fmt = format ?? VENUE_FORMATS.find((f) => f.canHandle(msg)) ?? null;
      if (fmt === null) {
        unsupported ??= unsupportedVenueName(p.url ?? url);
        continue;
      }
      format = fmt;
      if (!fmt.canHandle(msg)) continue;
      venue ??= fmt.inferVenue(msg, p.url ?? url);
      const inst = fmt.inferInstrument(msg);
      if (inst !== null) instruments.add(inst);
    }
  }
  if (format === null) {
    if (unsupported !== null) throw new ChassisError('E_UNSUPPORTED_VENUE', `${path}: ${unsupported} data is not supported (supported venues: ${VENUE_IDS.join(', ')})`, { details: { file: path } });
    throw new ChassisError('E_UNSUPPORTED_VENUE', `${path}: no market-data message of a supported venue (${VENUE_FORMATS.map((f) => f.family).join(', ')}) in the first ${Math.min(seen, PRESCAN_LINES)} lines`, { details: { file: path } });
  }
  venue ??= venueFromFileName(path, format);
  if (venue === null) {
    throw new ChassisError('E_VENUE_UNKNOWN', `${path}: cannot tell which ${format.family} venue this is from the messages; pass the venue explicitly (one of ${VENUE_IDS.filter((v) => v.startsWith(format.family)).join(', ')})`, { details: { file: path } });
  }
  return { format, venue, instruments };
}

/** cryptofeed writes REST responses to a sibling file: BINANCE.ws.1.0 ↔ BINANCE.http.*. */
export async function cryptofeedHttpSiblings(path: string): Promise<string[]> {
  const m = /^(.*)\.ws\.[^/]*$/.exec(basename(path));
  if (!m) return [];
  const dir = dirname(path);
  const names = await readdir(dir);
  return names.filter((n) => n.startsWith(`${m[1]}.http.`)).sort().map((n) => join(dir, n));
}

interface PendingEntry {
  readonly entry: CaptureEntry;
  readonly file: string;
  readonly line: number;
}

async function loadHttpEntries(files: readonly string[]): Promise<PendingEntry[]> {
  const out: PendingEntry[] = [];
  for (const file of files) {
    let line = 0;
    for await (const batch of readLineBatches(file)) {
      for (const l of batch) {
        line++;
        const p = parseLine('cryptofeed', l);
        if (p.kind === 'message') out.push({ entry: p, file, line });
      }
    }
  }
  // Stable by capture time so responses interleave with the stream where they arrived.
  return out.sort((a, b) => (a.entry.tsLocalNs! < b.entry.tsLocalNs! ? -1 : a.entry.tsLocalNs! > b.entry.tsLocalNs! ? 1 : 0));
}

/**
 * Streams a capture file as normalized records in processing order. Bad lines become
 * sync_issue records with file and line (parse_error; a recorded venue frame that is not JSON is
 * a gap with instrument '' = every instrument); an unreadable container throws E_CAPTURE_CORRUPT.
 */
export async function* readCapture(path: string, options: ReadCaptureOptions = {}): AsyncGenerator<NormalizedRecord> {
  for await (const batch of readCaptureBatches(path, options)) for (let i = 0; i < batch.length; i++) yield batch[i]!;
}

/** Records of a Tardis CSV per yielded array (its reader streams record by record). */
const CSV_BATCH = 4096;

/**
 * readCapture in arrays of records (one per block of input lines, in processing order): what
 * bulk consumers such as the quality gate iterate, so that the per-record cost is a loop step,
 * not an async-iterator round trip.
 */
export async function* readCaptureBatches(path: string, options: ReadCaptureOptions = {}): AsyncGenerator<NormalizedRecord[]> {
  const info = await detectCapture(path);
  if (info.layout === 'tardis-csv') {
    let out: NormalizedRecord[] = [];
    for await (const r of readTardisCsv(path, info.container, options)) {
      out.push(r);
      if (out.length >= CSV_BATCH) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
    return;
  }
  const scan = await prescan(path, info, options);
  const { venue } = scan;
  // --instrument: selects one instrument of a multi-instrument capture, or renames the only one.
  let rename: string | null = null;
  let only: string | null = null;
  if (options.instrument !== undefined) {
    if (scan.instruments.has(options.instrument)) only = scan.instruments.size > 1 ? options.instrument : null;
    else if (scan.instruments.size <= 1) rename = options.instrument;
    else throw new ChassisError('E_INSTRUMENT_NOT_FOUND', `${path}: instrument ${options.instrument} not in this capture (it holds ${[...scan.instruments].join(', ')})`, { details: { file: path } });
  }
  const defaultInstrument = only ?? (scan.instruments.size === 1 ? [...scan.instruments][0]! : undefined);
  const mapper = scan.format.createMapper({ venue, ...(defaultInstrument !== undefined ? { instrument: defaultInstrument } : {}) });
  const http = info.layout === 'cryptofeed' ? await loadHttpEntries(options.httpFiles ?? (await cryptofeedHttpSiblings(path))) : [];
  let httpNext = 0;
  const layout = info.layout;
  let fallbackTsNs = 0n;
  let streamUrl: string | undefined;

  const emit = (records: NormalizedRecord[]): NormalizedRecord[] => {
    if (records.length === 0) return records;
    fallbackTsNs = records[records.length - 1]!.tsEventNs;
    if (rename === null && only === null) return records;
    const out: NormalizedRecord[] = [];
    for (const r of records) {
      if (only !== null && r.instrument !== only && r.instrument !== '') continue;
      out.push(rename !== null ? { ...r, instrument: rename } : r);
    }
    return out;
  };

  const mapEntry = (entry: CaptureEntry, file: string, line: number): NormalizedRecord[] => {
    const ctx: MessageContext = {
      file,
      line,
      tsLocalNs: entry.tsLocalNs,
      fallbackTsNs: entry.tsLocalNs ?? fallbackTsNs,
      ...(entry.url !== undefined ? { requestUrl: entry.url } : {}),
      ...(entry.instrument !== undefined ? { instrumentHint: entry.instrument } : {}),
    };
    let message = entry.message;
    if (message === undefined) {
      try {
        message = JSON.parse(entry.text!);
      } catch (err) {
        // In the raw layout the envelope parsed: the recorder stored a venue frame that is not JSON.
        // Its content is unknown, so any instrument may have lost data there: a gap of all of them
        // (instrument '' unless the envelope names one), not a corrupt file.
        // Every book then waits for its next snapshot (the connector resyncs them after such a frame).
        if (layout === 'chassis-raw') {
          mapper.unknownFrame?.();
          return [syncIssue(venue, entry.instrument ?? '', ctx, 'gap', `malformed frame from the venue: ${(err as Error).message}; what it carried is unknown`)];
        }
        return [syncIssue(venue, defaultInstrument ?? '', ctx, 'parse_error', `malformed JSON: ${(err as Error).message}`)];
      }
    }
    if (isObject(message) && 'event' in message && !('data' in message)) return []; // OKX/Bybit control replies
    if (isObject(message) && 'op' in message && !('topic' in message)) return [];
    if (scan.format.isControl?.(message) === true) return [];
    if (!scan.format.canHandle(message)) {
      const other = VENUE_FORMATS.find((f) => f !== scan.format && f.canHandle(message))?.family ?? unsupportedVenueName(entry.url ?? streamUrl);
      return [syncIssue(venue, defaultInstrument ?? '', ctx, 'parse_error', other !== null ? `${other} message in a ${venue} capture` : `not a ${venue} market-data message`)];
    }
    return mapper.map(message, ctx);
  };

  let lineNo = 0;
  const push = (out: NormalizedRecord[], records: NormalizedRecord[]): void => {
    for (let i = 0; i < records.length; i++) out.push(records[i]!);
  };
  for await (const batch of readLineBatches(path, info.container)) {
    const out: NormalizedRecord[] = [];
    for (const text of batch) {
      lineNo++;
      const p = parseLine(layout, text);
      if (p.kind === 'skip') continue;
      if (p.kind === 'connect') {
        streamUrl = p.url;
        continue;
      }
      if (p.kind === 'error') {
        const ctx: MessageContext = { file: path, line: lineNo, tsLocalNs: null, fallbackTsNs };
        push(out, emit([syncIssue(venue, defaultInstrument ?? '', ctx, 'parse_error', p.message)]));
        continue;
      }
      while (httpNext < http.length && p.tsLocalNs !== null && http[httpNext]!.entry.tsLocalNs! <= p.tsLocalNs) {
        const h = http[httpNext++]!;
        push(out, emit(mapEntry(h.entry, h.file, h.line)));
      }
      push(out, emit(mapEntry(p, path, lineNo)));
    }
    if (out.length > 0) yield out;
  }
  const tail: NormalizedRecord[] = [];
  while (httpNext < http.length) {
    const h = http[httpNext++]!;
    push(tail, emit(mapEntry(h.entry, h.file, h.line)));
  }
  push(tail, emit(mapper.finish({ file: path, line: lineNo, tsLocalNs: null, fallbackTsNs })));
  if (tail.length > 0) yield tail;
}
