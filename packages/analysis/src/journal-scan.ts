/**
 * One pass over a run's journal for analysis, decoding only what analysis reads: the run's own
 * events (requests, venue answers, control) become Event objects as readJournal gives them; a
 * market record is read in place without an object — bbo and trade hand their numbers to the
 * sink, a book_delta (nearly all of a market journal's bytes) is skipped over its level rows.
 * Every block's CRC-32 is checked as readJournal does.
 *
 * Timestamps are carried as (integer ms, ns remainder) in doubles rather than BigInt per record,
 * and handed out as toMs gives them (ms + remainder / 1e6), bit for bit. Field layouts come
 * from the codec (`JOURNAL_RECORD_FIELDS`); the three market layouts are checked against the
 * ones this reader skips, so a codec change cannot make it misread silently.
 */
import { closeSync, readSync } from 'node:fs';
import { ChassisError, type Event, type EventKind } from '@chassis/core';
import { crc32 } from '@chassis/storage';
import { BLOCK_HEADER_BYTES, JOURNAL_RECORD_FIELDS, JournalRecordError, KIND_CODE, RecordReader, journalHead, openJournal, readFully, readRecordFields } from '@chassis/backtesting';

/** What the scan hands out, in journal order. Times: tsLocal in float ms since the epoch. */
export interface JournalScanSink {
  bbo(instrument: string, tsLocalMs: number, bidPriceUnits: number, bidQtyUnits: number, askPriceUnits: number, askQtyUnits: number): void;
  trade(instrument: string, tsLocalMs: number, priceUnits: number): void;
  /** Every event that is not market data, as readJournal decodes it. */
  own(e: Event, tsLocalMs: number): void;
}

export interface JournalScan {
  /** Events the journal stands for: its records and, in format 2, the market events it references. */
  readonly events: number;
  /** Market events stored as records (format 1). */
  readonly marketEvents: number;
  /** Market events referenced, not stored (format 2: regenerated from the run's datasets). */
  readonly referencedMarketEvents: number;
  /** tsLocal of the first and last event, float ms (0 for an empty journal). */
  readonly startMs: number;
  readonly endMs: number;
}

const NS_PER_MS = 1e6;
/** |offset| beyond which the tsEvent offset is folded into its base (a delta added stays below 2^53). */
const EXACT_OFFSET_NS = 2 ** 52;
const BOOK_DELTA = KIND_CODE.book_delta;
const TRADE = KIND_CODE.trade;
const BBO = KIND_CODE.bbo;
/** The market layouts this reader walks without the codec's generic field loop. */
const MARKET_LAYOUTS: Readonly<Partial<Record<EventKind, string>>> = {
  book_delta: 'instrument:s updateId:b isSnapshot:bool',
  trade: 'instrument:s tradeId:S priceUnits:i qtyUnits:i aggressor:s',
  bbo: 'instrument:s updateId:b bidPriceUnits:i bidQtyUnits:i askPriceUnits:i askQtyUnits:i',
};
const layoutsKnown = Object.entries(MARKET_LAYOUTS).every(([k, text]) => JOURNAL_RECORD_FIELDS[k as EventKind].map(([n, t]) => `${n}:${t}`).join(' ') === text);

const KIND_OF_CODE: (EventKind | undefined)[] = [];
for (const [kind, code] of Object.entries(KIND_CODE)) KIND_OF_CODE[code] = kind as EventKind;
const FIELDS_BY_CODE = KIND_OF_CODE.map((k) => (k === undefined ? undefined : JOURNAL_RECORD_FIELDS[k]));

/** A record that does not decode: the block and the byte where it starts. */
class ScanError extends Error {}

/** Decoder state over one block at a time; the string table and time bases span blocks. */
class RecordScanner extends RecordReader {
  /** The block's whole 32-bit words (the block starts word-aligned), for skipping level rows four bytes at a time. */
  words = new Uint32Array(0);
  /** The previous record's tsEvent: a base plus an offset exact in a double (rebased past 2^52 ns). */
  evBase = 0n;
  evOff = 0;
  /** The previous record's tsLocal as integer ms + ns remainder in [0, 1e6). */
  locMs = 0;
  locRem = 0;

  private skipVar(): void {
    const buf = this.buf;
    while (buf[this.pos++]! >= 128);
  }

  /** A zigzag varint of at most 7 bytes (|value| < 2^48) as a number; NaN, reading nothing, when it is longer. */
  private smallZigzag(): number {
    const buf = this.buf;
    let p = this.pos;
    let b = buf[p++]!;
    if (b < 128) {
      this.pos = p;
      return (b >>> 1) ^ -(b & 1);
    }
    // Up to four bytes (28 bits, nearly every time delta) in int32 arithmetic.
    let z = b & 127;
    b = buf[p++]!;
    z |= (b & 127) << 7;
    if (b < 128) {
      this.pos = p;
      return (z >>> 1) ^ -(z & 1);
    }
    b = buf[p++]!;
    z |= (b & 127) << 14;
    if (b < 128) {
      this.pos = p;
      return (z >>> 1) ^ -(z & 1);
    }
    b = buf[p++]!;
    z |= (b & 127) << 21;
    if (b < 128) {
      this.pos = p;
      return (z >>> 1) ^ -(z & 1);
    }
    let mul = 2 ** 28;
    for (let i = 4; ; i++) {
      if (i === 7) return NaN;
      b = buf[p++]!;
      z += (b & 127) * mul;
      mul *= 128;
      if (b < 128) break;
    }
    this.pos = p;
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  /** Advances both time bases by the record's deltas (a longer delta, as the first record's, through BigInt). */
  private times(): void {
    let d = this.smallZigzag();
    if (Number.isNaN(d) || Math.abs(this.evOff) > EXACT_OFFSET_NS) {
      this.evBase += BigInt(this.evOff) + (Number.isNaN(d) ? this.bvar() : BigInt(d));
      this.evOff = 0;
    } else this.evOff += d;
    d = this.smallZigzag();
    if (Number.isNaN(d)) [this.locMs, this.locRem] = split(join(this.locMs, this.locRem) + this.bvar());
    else {
      const r = this.locRem + d;
      if (r >= NS_PER_MS || r < 0) {
        const k = Math.floor(r / NS_PER_MS);
        this.locMs += k;
        this.locRem = r - k * NS_PER_MS;
      } else this.locRem = r;
    }
  }

  /**
   * Position just past the n-th byte below 128 from p (n > 0): a varint ends at such a byte, so
   * this skips varints without decoding them, counting the top bits of a word at a time.
   */
  private pastTerminators(p: number, n: number): number {
    const buf = this.buf;
    const end = buf.length;
    while ((p & 3) !== 0 && p < end) if (buf[p++]! < 128 && --n === 0) return p;
    const words = this.words;
    let w = p >> 2;
    for (const last = end >> 2; w < last; w++) {
      const low = ~words[w]! & 0x80808080; // one bit per byte below 128
      const c = Math.imul(low >>> 7, 0x01010101) >>> 24;
      if (c >= n) break;
      n -= c;
    }
    for (p = w << 2; p < end; ) if (buf[p++]! < 128 && --n === 0) return p;
    return end + 1; // ran past the block: reported as a record past its end
  }

  /** tsLocal of the current record as toMs gives it. */
  get localMs(): number {
    return this.locMs + this.locRem / NS_PER_MS;
  }

  /** Format 2: skips a block's market reference (first seq, digest); returns the market events it stands for. */
  marketReference(digestBytes: number): number {
    this.uvar();
    const market = this.uvar();
    this.pos += digestBytes;
    return market;
  }

  /** Reads one record; returns true when it was market data. */
  record(sink: JournalScanSink): boolean {
    const code = this.buf[this.pos++]!;
    const fields = FIELDS_BY_CODE[code];
    if (!fields) throw new ScanError(`unknown event kind code ${code}`);
    const seq = this.uvar();
    this.times();
    if (code === BOOK_DELTA) {
      this.interned();
      this.skipVar();
      this.pos++;
      const rows = this.uvar();
      // A level row is a side byte (0 or 1), a price delta and a size varint: exactly three bytes below 128.
      if (rows > 0) this.pos = this.pastTerminators(this.pos, 3 * rows);
      return true;
    }
    if (code === BBO) {
      const instrument = this.interned();
      this.skipVar();
      const bp = this.ivar();
      const bq = this.ivar();
      const ap = this.ivar();
      const aq = this.ivar();
      sink.bbo(instrument, this.localMs, bp, bq, ap, aq);
      return true;
    }
    if (code === TRADE) {
      const instrument = this.interned();
      const idBytes = this.uvar(); // before `this.pos +=`, which would read pos first
      this.pos += idBytes;
      const price = this.ivar();
      this.skipVar();
      this.interned();
      sink.trade(instrument, this.localMs, price);
      return true;
    }
    const rec: Record<string, unknown> = { kind: KIND_OF_CODE[code], seq, tsEventNs: this.evBase + BigInt(this.evOff), tsLocalNs: join(this.locMs, this.locRem) };
    readRecordFields(this, fields, rec);
    sink.own(rec as unknown as Event, this.localMs);
    return false;
  }
}

const join = (ms: number, rem: number): bigint => BigInt(ms) * 1_000_000n + BigInt(rem);
function split(ns: bigint): [number, number] {
  let ms = ns / 1_000_000n;
  if (ns < 0n && ms * 1_000_000n !== ns) ms -= 1n; // floor, so the remainder is in [0, 1e6)
  return [Number(ms), Number(ns - ms * 1_000_000n)];
}

/**
 * Scans the journal at `path` into `sink`. Returns undefined, having read nothing, when the file
 * is a journal of another format version or the codec's market layouts changed (the caller reads
 * it with readJournal instead); damage is E_JOURNAL_CORRUPT naming the block and byte, missing
 * file E_JOURNAL_MISSING, as readJournal reports them.
 */
export function scanJournal(path: string, sink: JournalScanSink): JournalScan | undefined {
  const fd = openJournal(path);
  try {
    const want = journalHead();
    const head = new Uint8Array(want.length);
    const got = readSync(fd, head, 0, head.length, 0);
    if (got < head.length || !want.every((b, i) => i === want.length - 1 || head[i] === b)) throw new ChassisError('E_JOURNAL_CORRUPT', `${path} is not a Chassis journal`);
    const format = head[want.length - 1]!;
    if (!KNOWN_FORMATS.includes(format) || !layoutsKnown) return undefined;
    return scanBlocks(path, fd, want.length, format === FORMAT_BY_REFERENCE, sink);
  } finally {
    closeSync(fd);
  }
}

/**
 * Format versions this scan reads: 1, every event a record; 2 (backtests), each block's payload
 * starts with its market reference — varint first seq · varint market events · 8-byte digest —
 * and holds records of the run's own events only (the block's other seqs are market events).
 */
const KNOWN_FORMATS: readonly number[] = [1, 2];
const FORMAT_BY_REFERENCE = 2;
const MARKET_DIGEST_BYTES = 8;

function scanBlocks(path: string, fd: number, from: number, byReference: boolean, sink: JournalScanSink): JournalScan {
  const header = new Uint8Array(BLOCK_HEADER_BYTES);
  const view = new DataView(header.buffer);
  let payload = new Uint8Array(1 << 16);
  const sc = new RecordScanner();
  let events = 0;
  let records = 0;
  let marketEvents = 0;
  let referenced = 0;
  let startMs = 0;
  let pos = from;
  for (let block = 0; ; block++) {
    const where = `block ${block} at byte ${pos}`;
    const got = readSync(fd, header, 0, BLOCK_HEADER_BYTES, pos);
    if (got === 0) break;
    if (got < BLOCK_HEADER_BYTES) throw new ChassisError('E_JOURNAL_CORRUPT', `${path}: truncated header of ${where}`);
    const len = view.getUint32(0, true);
    const count = view.getUint32(4, true);
    if (count === 0) throw new ChassisError('E_JOURNAL_CORRUPT', `${path}: ${where} holds no events`);
    if (payload.length < len) payload = new Uint8Array(len);
    const body = payload.subarray(0, len);
    if (readFully(fd, body, pos + BLOCK_HEADER_BYTES) !== len) throw new ChassisError('E_JOURNAL_CORRUPT', `${path}: truncated ${where}`);
    if (crc32(body) !== view.getUint32(8, true)) throw new ChassisError('E_JOURNAL_CORRUPT', `${path}: checksum mismatch in ${where}`);
    sc.buf = body;
    if (sc.words.buffer !== payload.buffer) sc.words = new Uint32Array(payload.buffer, 0, payload.length >> 2);
    sc.pos = 0;
    let stored = count;
    if (byReference) {
      const market = sc.marketReference(MARKET_DIGEST_BYTES);
      if (market > count || sc.pos > len) throw new ChassisError('E_JOURNAL_CORRUPT', `${path}: ${where} has a market reference beyond its ${count} events`);
      referenced += market;
      stored = count - market;
    }
    events += count;
    for (let i = 0; i < stored; i++) {
      try {
        if (sc.record(sink)) marketEvents++;
      } catch (err) {
        if (!(err instanceof ScanError || err instanceof JournalRecordError)) throw err;
        throw new ChassisError('E_JOURNAL_CORRUPT', `${path}: ${where}, event ${i} of ${stored}: ${err.message}`);
      }
      if (records++ === 0) startMs = sc.localMs;
    }
    if (sc.pos !== len) throw new ChassisError('E_JOURNAL_CORRUPT', `${path}: ${where} has ${sc.pos < len ? 'trailing bytes' : 'a record past its end'}`);
    pos += BLOCK_HEADER_BYTES + len;
  }
  return { events, marketEvents, referencedMarketEvents: referenced, startMs, endMs: records ? sc.localMs : 0 };
}

