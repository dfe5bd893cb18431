/**
 * Binary event encoding of the journal. One record per event:
 *   kind code (1 byte) · seq (varint) · tsEventNs delta · tsLocalNs delta (zigzag varints,
 *   relative to the previous event's timestamps) · the kind's fields in a fixed order.
 * Field types: unsigned/signed varints for integer units, zigzag bigint varints, booleans as
 * one byte, interned strings (instrument, reasons, enums: index into a table grown in stream
 * order) and raw strings (ids). A book_delta carries its level rows inline.
 * Everything is exact: integers only; encoding a non-integer price/qty throws.
 */
import type { Event, EventKind } from '@chassis/core';

type FieldType = 'u' | 'i' | 'b' | 'bool' | 's' | 'S';
type Schema = readonly (readonly [string, FieldType])[];

const EXEC: Schema = [
  ['orderId', 'i'],
  ['requestSeq', 'i'],
];

/**
 * Field order per kind. A kind's fields are part of the file format: never reorder them.
 * Exported for readers that skip records without decoding them (analysis' journal scan).
 */
export const SCHEMAS: Readonly<Record<EventKind, Schema>> = {
  book_delta: [
    ['instrument', 's'],
    ['updateId', 'b'],
    ['isSnapshot', 'bool'],
  ],
  trade: [
    ['instrument', 's'],
    ['tradeId', 'S'],
    ['priceUnits', 'i'],
    ['qtyUnits', 'i'],
    ['aggressor', 's'],
  ],
  bbo: [
    ['instrument', 's'],
    ['updateId', 'b'],
    ['bidPriceUnits', 'i'],
    ['bidQtyUnits', 'i'],
    ['askPriceUnits', 'i'],
    ['askQtyUnits', 'i'],
  ],
  order_accepted: [...EXEC, ['venueOrderId', 'S']],
  order_rejected: [...EXEC, ['reason', 's']],
  order_filled: [...EXEC, ['fillId', 'S'], ['priceUnits', 'i'], ['qtyUnits', 'i'], ['liquidity', 's'], ['feeUnits', 'b'], ['final', 'bool']],
  order_cancelled: [...EXEC, ['reason', 's']],
  order_replaced: [...EXEC, ['priceUnits', 'i'], ['qtyUnits', 'i']],
  cancel_replace_rejected: [...EXEC, ['request', 's'], ['reason', 's']],
  order_expired: [...EXEC],
  request_sent: [
    ['request', 's'],
    ['orderId', 'i'],
    ['instrument', 's'],
    ['side', 's'],
    ['orderType', 's'],
    ['priceUnits', 'i'],
    ['qtyUnits', 'i'],
    ['timeInForce', 's'],
    ['postOnly', 'bool'],
    ['reduceOnly', 'bool'],
    ['clientTag', 's'],
  ],
  intent_denied: [
    ['reason', 's'],
    ['intentType', 's'],
    ['instrument', 's'],
    ['orderId', 'i'],
  ],
  session: [
    ['state', 's'],
    ['sessionId', 's'],
  ],
  // `config` was appended with the configuration change (no journal had a config_version before).
  config_version: [
    ['version', 's'],
    ['config', 'S'],
  ],
  kill_switch: [
    ['engaged', 'bool'],
    ['reason', 's'],
  ],
  strategy_halted: [['reason', 's']],
  feed_health: [
    ['instrument', 's'],
    ['state', 's'],
    ['reason', 's'],
  ],
  reconciliation: [
    ['outcome', 's'],
    ['detail', 's'],
  ],
  order_disposition: [
    ['orderId', 'i'],
    ['disposition', 's'],
    ['reason', 's'],
  ],
  control_time: [
    ['dueTsLocalNs', 'b'],
    ['reason', 's'],
    ['scope', 's'],
    ['obligationSeq', 'i'],
  ],
  strategy_paused: [
    ['paused', 'bool'],
    ['reason', 's'],
  ],
  flatten: [['reason', 's']],
};

/**
 * The one-byte code of each kind in the file. Part of the format (journals on disk carry these
 * bytes): a code never changes or moves to another kind; a new kind takes the next free code.
 * The Record type makes a kind without a code a compile error.
 */
export const KIND_CODE: Readonly<Record<EventKind, number>> = {
  book_delta: 0,
  trade: 1,
  bbo: 2,
  order_accepted: 3,
  order_rejected: 4,
  order_filled: 5,
  order_cancelled: 6,
  order_replaced: 7,
  cancel_replace_rejected: 8,
  order_expired: 9,
  request_sent: 10,
  intent_denied: 11,
  session: 12,
  config_version: 13,
  kill_switch: 14,
  strategy_halted: 15,
  feed_health: 16,
  reconciliation: 17,
  order_disposition: 18,
  control_time: 19,
  strategy_paused: 20,
  flatten: 21,
};

const KIND_OF_CODE: readonly (EventKind | undefined)[] = kindsByCode();
const CODE_OF = new Map<EventKind, number>(Object.entries(KIND_CODE) as [EventKind, number][]);
const SCHEMA_BY_CODE: readonly (Schema | undefined)[] = KIND_OF_CODE.map((k) => (k === undefined ? undefined : SCHEMAS[k]));
const BOOK_DELTA = KIND_CODE.book_delta;
const TRADE = KIND_CODE.trade;
const BBO = KIND_CODE.bbo;

/** Code → kind; refuses two kinds on one code or a code that does not fit the kind byte. */
function kindsByCode(): (EventKind | undefined)[] {
  const kinds: (EventKind | undefined)[] = [];
  for (const [kind, code] of Object.entries(KIND_CODE) as [EventKind, number][]) {
    if (!(Number.isInteger(code) && code >= 0 && code < 256) || kinds[code] !== undefined) throw new Error(`journal: kind code ${code} of ${kind} is not a free byte`);
    kinds[code] = kind;
  }
  return kinds;
}

/** A record that cannot be decoded; `offset` is its byte position within the block fed to the decoder. */
export class JournalDecodeError extends RangeError {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JournalDecodeError';
  }
}

/** A record cut short, or naming a string the table does not hold (RecordReader). */
export class JournalRecordError extends RangeError {
  override name = 'JournalRecordError';
}

const TWO32 = 4294967296;
/** 2^52: integer fields are exact from -2^52 to 2^53 - 1. */
const ZIGZAG_MIN = 2 ** 52;
/** |hi word difference| below which a timestamp delta is exact in a double (< 2^52). */
const HI_DELTA_MAX = 1 << 19;
/**
 * Bytes reserved once per record for its fixed-width part: kind byte, seq, two timestamp
 * deltas (<= 10 bytes each), a bigint of at most 64 bits, and up to six varints of values
 * < 2^54 (8 bytes each). Longer parts (strings, wider bigints, level rows) reserve their own.
 */
const RECORD_RESERVE = 128;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/**
 * LEB128 of an unsigned integer < 2^54 at pos; returns the position after it. The caller has
 * reserved 8 bytes. Values below 2^31 (nearly all) take integer shifts, larger ones float
 * division; the bytes are the same.
 */
function putU(b: Uint8Array, pos: number, v: number): number {
  if (v < 128) {
    b[pos] = v;
    return pos + 1;
  }
  while (v >= 0x80000000) {
    b[pos++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  while (v >= 128) {
    b[pos++] = (v & 127) | 128;
    v >>>= 7;
  }
  b[pos] = v;
  return pos + 1;
}

/** Zigzag varint of a safe integer (throws naming the field otherwise); returns the position after it. */
function putI(b: Uint8Array, pos: number, v: number, field: string): number {
  // int32 (the common case): zigzag in integer ops, < 2^32, exact. Same bytes as the float form.
  if ((v | 0) === v) return putU(b, pos, ((v << 1) ^ (v >> 31)) >>> 0);
  if (!Number.isSafeInteger(v)) throw new RangeError(`journal: field ${field} is not a safe integer (${v})`);
  // Below -2^52 the zigzag value (-2v - 1, odd, > 2^53) has no exact double: it would decode wrong.
  if (v < -ZIGZAG_MIN) throw new RangeError(`journal: field ${field} is below -2^52 (${v})`);
  return putU(b, pos, v >= 0 ? v * 2 : -v * 2 - 1);
}

/**
 * Zigzag LEB128 of the int64 whose little-endian 32-bit words are lo, hi (as read from a
 * Uint32Array over a BigInt64Array cell); at most 10 bytes, which the caller has reserved.
 */
function putZ64(b: Uint8Array, pos: number, lo: number, hi: number): number {
  // Zigzag in words: (v << 1) ^ (v >> 63).
  const sign = hi >> 31;
  let zlo = ((lo << 1) ^ sign) >>> 0;
  let zhi = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
  while (zhi !== 0) {
    b[pos++] = (zlo & 127) | 128;
    zlo = ((zlo >>> 7) | (zhi << 25)) >>> 0;
    zhi >>>= 7;
  }
  return putU(b, pos, zlo);
}

/** Growable byte buffer with varint writers; reused across events (no per-event allocation). */
export class EventEncoder {
  buf: Uint8Array;
  pos = 0;
  private readonly strings = new Map<string, number>();
  private prevEventNs = 0n;
  private prevLocalNs = 0n;
  /**
   * Timestamps are split into 32-bit words through this scratch cell so the per-event deltas
   * are computed in doubles without allocating BigInts (exact while |delta| < 2^52 ns ≈ 52
   * days; larger jumps take the bigint path). The encoded bytes are identical either way.
   */
  private readonly cell = new BigInt64Array(5);
  private readonly words = new Uint32Array(this.cell.buffer);
  /** The previous instrument name and its string-table index (null before the first). */
  private lastInstrument: string | null = null;
  private lastInstrumentIdx = -1;

  constructor(initialBytes = 1 << 17) {
    this.buf = new Uint8Array(initialBytes);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Unsigned integer < 2^53. */
  private uvar(v: number): void {
    this.ensure(8);
    this.pos = putU(this.buf, this.pos, v);
  }

  private ivar(v: number, field: string): void {
    this.ensure(8);
    this.pos = putI(this.buf, this.pos, v, field);
  }

  /** Zigzag varint of a bigint. Values within int64 go through the word cell (no BigInt arithmetic). */
  private bvar(v: bigint): void {
    if (BigInt.asIntN(64, v) === v) {
      this.ensure(10);
      this.cell[4] = v;
      const w = this.words;
      this.pos = putZ64(this.buf, this.pos, w[8]!, w[9]!);
      return;
    }
    let z = v >= 0n ? v * 2n : -v * 2n - 1n;
    // An arbitrary-width bigint: 7 bits per byte.
    let n = 1;
    for (let t = z >> 7n; t > 0n; t >>= 7n) n++;
    this.ensure(n);
    while (z >= 128n) {
      this.buf[this.pos++] = Number(z & 127n) | 128;
      z >>= 7n;
    }
    this.buf[this.pos++] = Number(z);
  }

  /** Raw string: UTF-8 byte length (varint), then the UTF-8 bytes. */
  private str(s: string): void {
    const n = s.length;
    this.ensure(n * 3 + 8);
    // ASCII below 128 chars (ids, names): one length byte and one byte per char, written directly.
    if (n < 128) {
      const b = this.buf;
      const at = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[at + i] = c;
      }
      if (i === n) {
        b[at - 1] = n;
        this.pos = at + n;
        return;
      }
    }
    // Otherwise: reserve the worst case, encode in place, then write the real length.
    if (n * 3 < 128) {
      const at = this.pos++;
      const { written } = textEncoder.encodeInto(s, this.buf.subarray(this.pos));
      this.buf[at] = written;
      this.pos += written;
      return;
    }
    const bytes = textEncoder.encode(s);
    this.uvar(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  private interned(s: string): void {
    const idx = this.strings.get(s);
    if (idx !== undefined) {
      this.uvar(idx + 1);
      return;
    }
    this.strings.set(s, this.strings.size);
    this.uvar(0);
    this.str(s);
  }

  /**
   * Appends one event (with its seq) to the buffer. All or nothing: when a field cannot be
   * encoded (a non-integer price, an unknown kind) it throws and the buffer, the string table
   * and the timestamp bases are as before the call.
   */
  write(e: Event): void {
    const start = this.pos;
    const strings = this.strings.size;
    try {
      switch (e.kind) {
        case 'bbo':
          this.bbo(e);
          break;
        case 'book_delta':
          this.bookDelta(e);
          break;
        case 'trade':
          this.trade(e);
          break;
        default:
          this.other(e);
      }
    } catch (err) {
      this.undo(start, strings);
      throw err;
    }
  }

  private undo(start: number, strings: number): void {
    this.pos = start;
    for (const [s, idx] of this.strings) if (idx >= strings) this.strings.delete(s);
    if (this.lastInstrumentIdx >= strings) {
      this.lastInstrument = null;
      this.lastInstrumentIdx = -1;
    }
  }

  /** Kind code, seq and the two timestamp deltas; reserves RECORD_RESERVE bytes first. */
  private head(code: number, e: Event): void {
    this.ensure(RECORD_RESERVE);
    this.buf[this.pos] = code;
    this.pos = putU(this.buf, this.pos + 1, e.seq);
    this.times(e.tsEventNs, e.tsLocalNs);
  }

  private bbo(e: Extract<Event, { kind: 'bbo' }>): void {
    this.head(BBO, e);
    this.instrument(e.instrument);
    this.bvar(e.updateId);
    this.ensure(32);
    const b = this.buf;
    let pos = this.pos;
    pos = putI(b, pos, e.bidPriceUnits, 'bidPriceUnits');
    pos = putI(b, pos, e.bidQtyUnits, 'bidQtyUnits');
    pos = putI(b, pos, e.askPriceUnits, 'askPriceUnits');
    this.pos = putI(b, pos, e.askQtyUnits, 'askQtyUnits');
    this.advance(e.tsEventNs, e.tsLocalNs);
  }

  private trade(e: Extract<Event, { kind: 'trade' }>): void {
    this.head(TRADE, e);
    this.instrument(e.instrument);
    this.str(e.tradeId);
    this.ensure(16);
    const b = this.buf;
    const pos = putI(b, this.pos, e.priceUnits, 'priceUnits');
    this.pos = putI(b, pos, e.qtyUnits, 'qtyUnits');
    this.interned(e.aggressor);
    this.advance(e.tsEventNs, e.tsLocalNs);
  }

  private bookDelta(e: Extract<Event, { kind: 'book_delta' }>): void {
    this.head(BOOK_DELTA, e);
    this.instrument(e.instrument);
    this.bvar(e.updateId);
    this.ensure(1);
    this.buf[this.pos++] = e.isSnapshot ? 1 : 0;
    this.levels(e);
    this.advance(e.tsEventNs, e.tsLocalNs);
  }

  /** Every other kind, field by field from its schema. */
  private other(e: Event): void {
    const code = CODE_OF.get(e.kind);
    if (code === undefined) throw new RangeError(`journal: unknown event kind ${e.kind}`);
    this.head(code, e);
    const rec = e as unknown as Record<string, unknown>;
    for (const [name, type] of SCHEMA_BY_CODE[code]!) {
      const v = rec[name];
      switch (type) {
        case 'u':
        case 'i':
          this.ivar(v as number, name);
          break;
        case 'b':
          this.bvar(v as bigint);
          break;
        case 'bool':
          this.ensure(1);
          this.buf[this.pos++] = v ? 1 : 0;
          break;
        case 's':
          this.interned(v as string);
          break;
        case 'S':
          this.str(v as string);
          break;
      }
    }
    this.advance(e.tsEventNs, e.tsLocalNs);
  }

  /** The level rows of a book_delta: count, then side byte · price delta · size per row. */
  private levels(d: Extract<Event, { kind: 'book_delta' }>): void {
    // Worst case: the count varint, then per row 1 side byte + two 8-byte varints (values < 2^54).
    this.ensure(d.count * 17 + 8);
    const buf = this.buf;
    const sides = d.sides;
    const prices = d.prices;
    const sizes = d.sizes;
    let pos = putU(buf, this.pos, d.count);
    let prev = 0;
    for (let i = d.offset, end = d.offset + d.count; i < end; i++) {
      buf[pos++] = sides[i]!;
      const p = prices[i]!;
      const z = p - prev;
      prev = p;
      const q = sizes[i]!;
      // int32 values (nearly all) zigzag in integer ops; the rest go through putI's checks.
      if ((z | 0) === z) pos = putU(buf, pos, ((z << 1) ^ (z >> 31)) >>> 0);
      else pos = putI(buf, pos, z, 'prices');
      if ((q | 0) === q) pos = putU(buf, pos, ((q << 1) ^ (q >> 31)) >>> 0);
      else pos = putI(buf, pos, q, 'sizes');
    }
    this.pos = pos;
  }

  /**
   * tsEventNs and tsLocalNs as zigzag varint deltas from the previous event's. The words of the
   * new timestamps land in cell[1] and cell[3]; advance() makes them the previous ones once the
   * record is complete.
   */
  private times(tsEventNs: bigint, tsLocalNs: bigint): void {
    const cell = this.cell;
    const w = this.words;
    cell[1] = tsEventNs;
    cell[3] = tsLocalNs;
    // Little-endian words: cell[k] is [w[2k] lo, w[2k+1] hi]; the hi words compared as signed.
    let hi = (w[3]! | 0) - (w[1]! | 0);
    if (hi < HI_DELTA_MAX && hi > -HI_DELTA_MAX) {
      const d = hi * TWO32 + (w[2]! - w[0]!);
      this.pos = putU(this.buf, this.pos, d >= 0 ? d * 2 : -d * 2 - 1);
    } else this.bvar(tsEventNs - this.prevEventNs);
    hi = (w[7]! | 0) - (w[5]! | 0);
    if (hi < HI_DELTA_MAX && hi > -HI_DELTA_MAX) {
      const d = hi * TWO32 + (w[6]! - w[4]!);
      this.pos = putU(this.buf, this.pos, d >= 0 ? d * 2 : -d * 2 - 1);
    } else this.bvar(tsLocalNs - this.prevLocalNs);
  }

  /** The record's timestamps become the base of the next one's deltas. */
  private advance(tsEventNs: bigint, tsLocalNs: bigint): void {
    const w = this.words;
    w[0] = w[2]!;
    w[1] = w[3]!;
    w[4] = w[6]!;
    w[5] = w[7]!;
    this.prevEventNs = tsEventNs;
    this.prevLocalNs = tsLocalNs;
  }

  /** Interned instrument name; the previous one is remembered (one instrument per stream is common). */
  private instrument(s: string): void {
    if (s === this.lastInstrument) {
      this.uvar(this.lastInstrumentIdx + 1);
      return;
    }
    this.interned(s);
    this.lastInstrument = s;
    this.lastInstrumentIdx = this.strings.get(s)!;
  }

  reset(): void {
    this.pos = 0;
  }
}

/**
 * The varint, string and string-table reading of the record format over one block at a time (the
 * string table spans blocks): what EventDecoder and the analysis journal scan share. A record cut
 * short or naming an unknown string throws JournalRecordError.
 */
export class RecordReader {
  /** The block being read and the read position. */
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;
  protected readonly strings: string[] = [];

  uvar(): number {
    const buf = this.buf;
    let b = buf[this.pos++];
    if (b !== undefined && b < 128) return b;
    let result = 0;
    let mul = 1;
    for (;;) {
      if (b === undefined) throw new JournalRecordError('journal: truncated record');
      result += (b & 127) * mul;
      if (b < 128) return result;
      mul *= 128;
      b = buf[this.pos++];
    }
  }

  ivar(): number {
    const z = this.uvar();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  bvar(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new JournalRecordError('journal: truncated record');
      result |= BigInt(b & 127) << shift;
      if (b < 128) break;
      shift += 7n;
    }
    return (result & 1n) === 0n ? result >> 1n : -((result + 1n) >> 1n);
  }

  str(): string {
    const n = this.uvar();
    const s = textDecoder.decode(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  interned(): string {
    const idx = this.uvar();
    if (idx > 0) {
      const s = this.strings[idx - 1];
      if (s === undefined) throw new JournalRecordError(`journal: unknown string index ${idx - 1}`);
      return s;
    }
    const s = this.str();
    this.strings.push(s);
    return s;
  }
}

/** Reads a record's schema fields (SCHEMAS, after its header) into `rec`: the one field decoding of the format. */
export function readRecordFields(r: RecordReader, schema: Schema, rec: Record<string, unknown>): void {
  for (const [name, type] of schema) {
    switch (type) {
      case 'u':
      case 'i':
        rec[name] = r.ivar();
        break;
      case 'b':
        rec[name] = r.bvar();
        break;
      case 'bool':
        rec[name] = r.buf[r.pos++] === 1;
        break;
      case 's':
        rec[name] = r.interned();
        break;
      case 'S':
        rec[name] = r.str();
        break;
    }
  }
}

/** Decodes records written by EventEncoder; state (string table, timestamp bases) spans blocks. */
export class EventDecoder extends RecordReader {
  private prevEventNs = 0n;
  private prevLocalNs = 0n;

  feed(block: Uint8Array): void {
    this.buf = block;
    this.pos = 0;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** Next event of the current block (a fresh object). */
  read(): Event {
    const start = this.pos;
    const code = this.buf[this.pos++]!;
    const schema = SCHEMA_BY_CODE[code];
    if (!schema) throw new JournalDecodeError(`unknown event kind code ${code} at byte ${start} of the block`, start);
    const rec: Record<string, unknown> = { kind: KIND_OF_CODE[code] };
    rec.seq = this.uvar();
    this.prevEventNs += this.bvar();
    this.prevLocalNs += this.bvar();
    rec.tsEventNs = this.prevEventNs;
    rec.tsLocalNs = this.prevLocalNs;
    readRecordFields(this, schema, rec);
    if (code === BOOK_DELTA) {
      const count = this.uvar();
      const sides = new Uint8Array(count);
      const prices = new Float64Array(count);
      const sizes = new Float64Array(count);
      let prev = 0;
      for (let i = 0; i < count; i++) {
        sides[i] = this.buf[this.pos++]!;
        prev += this.ivar();
        prices[i] = prev;
        sizes[i] = this.ivar();
      }
      Object.assign(rec, { offset: 0, count, sides, prices, sizes });
    }
    return rec as unknown as Event;
  }
}
