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

/** Field order per kind. Append-only: the code of a kind is its index in KIND_CODES. */
const SCHEMAS: Readonly<Record<EventKind, Schema>> = {
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
  config_version: [['version', 's']],
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
};

export const KIND_CODES: readonly EventKind[] = Object.keys(SCHEMAS) as EventKind[];
const CODE_OF = new Map<EventKind, number>(KIND_CODES.map((k, i) => [k, i]));
const SCHEMA_BY_CODE: readonly Schema[] = KIND_CODES.map((k) => SCHEMAS[k]);
const BOOK_DELTA = CODE_OF.get('book_delta')!;

const SAFE_SMALL = 2n ** 52n;
const TWO32 = 4294967296;
/** |hi word difference| below which a timestamp delta is exact in a double (< 2^52). */
const HI_DELTA_MAX = 1 << 19;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

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
  private readonly cell = new BigInt64Array(2);
  private readonly words = new Uint32Array(this.cell.buffer);
  private lastInstrument = '';
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
    const b = this.buf;
    let pos = this.pos;
    // Values below 2^31 (nearly all) take integer shifts; larger ones float division. Same bytes.
    if (v >= 0x80000000) {
      while (v >= 0x80000000) {
        b[pos++] = (v % 128) | 128;
        v = Math.floor(v / 128);
      }
    }
    while (v >= 128) {
      b[pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    b[pos++] = v;
    this.pos = pos;
  }

  private ivar(v: number, field: string): void {
    if (!Number.isSafeInteger(v)) throw new RangeError(`journal: field ${field} is not a safe integer (${v})`);
    this.uvar(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  private bvar(v: bigint): void {
    if (v < SAFE_SMALL && v > -SAFE_SMALL) {
      const n = Number(v);
      this.uvar(n >= 0 ? n * 2 : -n * 2 - 1);
      return;
    }
    let z = v >= 0n ? v * 2n : -v * 2n - 1n;
    this.ensure(11);
    while (z >= 128n) {
      this.buf[this.pos++] = Number(z & 127n) | 128;
      z >>= 7n;
    }
    this.buf[this.pos++] = Number(z);
  }

  private str(s: string): void {
    // Length prefix first: reserve the worst case, encode in place, then write the real length.
    const max = s.length * 3;
    this.ensure(max + 8);
    if (max < 128) {
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

  /** Appends one event (with its seq) to the buffer. */
  write(e: Event): void {
    const code = CODE_OF.get(e.kind);
    if (code === undefined) throw new RangeError(`journal: unknown event kind ${e.kind}`);
    this.ensure(1);
    this.buf[this.pos++] = code;
    this.uvar(e.seq);
    this.times(e.tsEventNs, e.tsLocalNs);
    if (e.kind === 'book_delta') {
      this.instrument(e.instrument);
      this.bvar(e.updateId);
      this.ensure(1);
      this.buf[this.pos++] = e.isSnapshot ? 1 : 0;
      this.levels(e);
      return;
    }
    if (e.kind === 'trade') {
      this.instrument(e.instrument);
      this.str(e.tradeId);
      this.ivar(e.priceUnits, 'priceUnits');
      this.ivar(e.qtyUnits, 'qtyUnits');
      this.interned(e.aggressor);
      return;
    }
    if (e.kind === 'bbo') {
      this.instrument(e.instrument);
      this.bvar(e.updateId);
      this.ivar(e.bidPriceUnits, 'bidPriceUnits');
      this.ivar(e.bidQtyUnits, 'bidQtyUnits');
      this.ivar(e.askPriceUnits, 'askPriceUnits');
      this.ivar(e.askQtyUnits, 'askQtyUnits');
      return;
    }
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
  }

  /** The level rows of a book_delta: count, then side byte · price delta · size per row. */
  private levels(d: Extract<Event, { kind: 'book_delta' }>): void {
    this.uvar(d.count);
    // Worst case per row: 1 side byte + two 8-byte varints (values < 2^53).
    this.ensure(d.count * 17 + 8);
    const buf = this.buf;
    const sides = d.sides;
    const prices = d.prices;
    const sizes = d.sizes;
    let pos = this.pos;
    let prev = 0;
    for (let i = d.offset, end = d.offset + d.count; i < end; i++) {
      buf[pos++] = sides[i]!;
      const p = prices[i]!;
      let z = p - prev;
      prev = p;
      const q = sizes[i]!;
      if (!Number.isSafeInteger(z) || !Number.isSafeInteger(q)) {
        this.pos = pos;
        this.ivar(z, 'prices');
        this.ivar(q, 'sizes');
      }
      z = z >= 0 ? z * 2 : -z * 2 - 1;
      while (z >= 0x80000000) {
        buf[pos++] = (z % 128) | 128;
        z = Math.floor(z / 128);
      }
      while (z >= 128) {
        buf[pos++] = (z & 127) | 128;
        z >>>= 7;
      }
      buf[pos++] = z;
      let y = q >= 0 ? q * 2 : -q * 2 - 1;
      while (y >= 0x80000000) {
        buf[pos++] = (y % 128) | 128;
        y = Math.floor(y / 128);
      }
      while (y >= 128) {
        buf[pos++] = (y & 127) | 128;
        y >>>= 7;
      }
      buf[pos++] = y;
    }
    this.pos = pos;
  }

  /** tsEventNs and tsLocalNs as zigzag varint deltas from the previous event's. */
  private times(tsEventNs: bigint, tsLocalNs: bigint): void {
    const cell = this.cell;
    const w = this.words;
    cell[0] = this.prevEventNs;
    cell[1] = tsEventNs;
    // Little-endian words: [lo0, hi0, lo1, hi1]; the hi words compared as signed.
    let hi = (w[3]! | 0) - (w[1]! | 0);
    if (hi < HI_DELTA_MAX && hi > -HI_DELTA_MAX) {
      const d = hi * TWO32 + (w[2]! - w[0]!);
      this.uvar(d >= 0 ? d * 2 : -d * 2 - 1);
    } else this.bvar(tsEventNs - this.prevEventNs);
    cell[0] = this.prevLocalNs;
    cell[1] = tsLocalNs;
    hi = (w[3]! | 0) - (w[1]! | 0);
    if (hi < HI_DELTA_MAX && hi > -HI_DELTA_MAX) {
      const d = hi * TWO32 + (w[2]! - w[0]!);
      this.uvar(d >= 0 ? d * 2 : -d * 2 - 1);
    } else this.bvar(tsLocalNs - this.prevLocalNs);
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

/** Decodes records written by EventEncoder; state (string table, timestamp bases) spans blocks. */
export class EventDecoder {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private readonly strings: string[] = [];
  private prevEventNs = 0n;
  private prevLocalNs = 0n;

  feed(block: Uint8Array): void {
    this.buf = block;
    this.pos = 0;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  private uvar(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new RangeError('journal: truncated record');
      result += (b & 127) * mul;
      if (b < 128) return result;
      mul *= 128;
    }
  }

  private ivar(): number {
    const z = this.uvar();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  private bvar(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new RangeError('journal: truncated record');
      result |= BigInt(b & 127) << shift;
      if (b < 128) break;
      shift += 7n;
    }
    return (result & 1n) === 0n ? result >> 1n : -((result + 1n) >> 1n);
  }

  private str(): string {
    const n = this.uvar();
    const s = textDecoder.decode(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  private interned(): string {
    const idx = this.uvar();
    if (idx > 0) {
      const s = this.strings[idx - 1];
      if (s === undefined) throw new RangeError(`journal: unknown string index ${idx - 1}`);
      return s;
    }
    const s = this.str();
    this.strings.push(s);
    return s;
  }

  /** Next event of the current block (a fresh object). */
  read(): Event {
    const code = this.buf[this.pos++]!;
    const schema = SCHEMA_BY_CODE[code];
    if (!schema) throw new RangeError(`journal: unknown kind code ${code}`);
    const rec: Record<string, unknown> = { kind: KIND_CODES[code] };
    rec.seq = this.uvar();
    this.prevEventNs += this.bvar();
    this.prevLocalNs += this.bvar();
    rec.tsEventNs = this.prevEventNs;
    rec.tsLocalNs = this.prevLocalNs;
    for (const [name, type] of schema) {
      switch (type) {
        case 'u':
        case 'i':
          rec[name] = this.ivar();
          break;
        case 'b':
          rec[name] = this.bvar();
          break;
        case 'bool':
          rec[name] = this.buf[this.pos++] === 1;
          break;
        case 's':
          rec[name] = this.interned();
          break;
        case 'S':
          rec[name] = this.str();
          break;
      }
    }
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
