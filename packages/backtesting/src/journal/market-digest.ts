/**
 * Digest of the market events a journal block stands for without holding them (journal format
 * 2, journal.ts): a 64-bit running hash — two 32-bit lanes (multiply-xorshift, different seeds,
 * constants and shifts) — over every field of every market event, its seq included, so a
 * regenerated market stream matches only when each event is the same at the same position.
 *
 * Cheap on the hot path: no allocation per event. BigInt fields (timestamps, update ids) are
 * read as their two 32-bit words through a BigInt64Array cell (converting a BigInt to a number
 * costs ~100 ns; a typed-array store and two word loads cost a few); prices and sizes (integer
 * units in doubles) as their low and high 32-bit words; strings (instrument, trade id) by their
 * UTF-16 code units, the instrument's hash cached while it stays the same string. An event's
 * words are gathered in a scratch Int32Array and mixed in one loop over local lanes (a third less
 * CPU than mixing each word into the instance's fields: bench/quick/read-digest-cpu.ts).
 *
 * Not a cryptographic hash: it proves that replay regenerated the same market stream (the
 * datasets themselves are proved by their SHA-256 content hash, the journal file by the
 * SHA-256 in the manifest). `referenceMarketDigest` (market-digest.test.ts) is the same
 * function written plainly with BigInt arithmetic, the oracle for the word tricks here.
 */
import type { MarketEvent } from '@chassis/core';

const KIND_BOOK_DELTA = 1;
const KIND_TRADE = 2;
const KIND_BBO = 3;
const AGGRESSOR_WORD = { buy: 1, sell: 2, unknown: 3 } as const;
/** 2^-32: v × 2^-32 is exact (a power of two), and a multiply costs far less than a divide. */
const INV_TWO_32 = 1 / 4294967296;
const SEED_A = 0x2545f491;
const SEED_B = 0x6c62272e;

/**
 * One word into lane A / lane B: an odd multiply and an xorshift, each a bijection of the lane
 * for a fixed word, so one changed word always changes the lane; the lanes differ in how the
 * word enters (xor / add), their constants and shifts.
 */
function laneA(h: number, w: number): number {
  h = Math.imul(h ^ w, 0x9e3779b1);
  return h ^ (h >>> 15);
}
function laneB(h: number, w: number): number {
  h = Math.imul((h + w) | 0, 0x85ebca6b);
  return h ^ (h >>> 13);
}

/** An integer-valued double (|v| < 2^53) as its low and high 32-bit words at s[at], s[at + 1]; returns at + 2. */
function units(s: Int32Array, at: number, v: number): number {
  s[at] = v >>> 0;
  s[at + 1] = Math.floor(v * INV_TWO_32);
  return at + 2;
}

function text(s: string): number {
  let h = s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

export class MarketDigest {
  private a = SEED_A;
  private b = SEED_B;
  /** Market events added since the last reset. */
  events = 0;
  private readonly cell = new BigInt64Array(1);
  private readonly words = new Int32Array(this.cell.buffer);
  /** The words of the event being added, in the order they enter the lanes. */
  private readonly scratch = new Int32Array(32);
  private instrument = '';
  private instrumentHash = 0;

  reset(): void {
    this.a = SEED_A;
    this.b = SEED_B;
    this.events = 0;
  }

  /** The digest as 16 hex digits. */
  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }

  add(e: MarketEvent): void {
    this.events++;
    const s = this.scratch;
    const cell = this.cell;
    const cw = this.words;
    s[0] = e.seq;
    cell[0] = e.tsEventNs;
    s[2] = cw[0]!;
    s[3] = cw[1]!;
    cell[0] = e.tsLocalNs;
    s[4] = cw[0]!;
    s[5] = cw[1]!;
    if (e.instrument !== this.instrument) {
      this.instrument = e.instrument;
      this.instrumentHash = text(e.instrument);
    }
    s[6] = this.instrumentHash;
    let n: number;
    switch (e.kind) {
      case 'book_delta':
        s[1] = KIND_BOOK_DELTA;
        cell[0] = e.updateId;
        s[7] = cw[0]!;
        s[8] = cw[1]!;
        s[9] = e.isSnapshot ? 1 : 0;
        s[10] = e.count;
        this.mix(11);
        this.rows(e.sides, e.prices, e.sizes, e.offset, e.offset + e.count);
        return;
      case 'trade':
        s[1] = KIND_TRADE;
        s[7] = text(e.tradeId);
        n = units(s, 8, e.priceUnits);
        n = units(s, n, e.qtyUnits);
        // Compared, not looked up by key: a keyed load per trade cost ~3x as much.
        s[n++] = e.aggressor === 'buy' ? AGGRESSOR_WORD.buy : e.aggressor === 'sell' ? AGGRESSOR_WORD.sell : AGGRESSOR_WORD.unknown;
        this.mix(n);
        return;
      case 'bbo':
        s[1] = KIND_BBO;
        cell[0] = e.updateId;
        s[7] = cw[0]!;
        s[8] = cw[1]!;
        n = units(s, 9, e.bidPriceUnits);
        n = units(s, n, e.bidQtyUnits);
        n = units(s, n, e.askPriceUnits);
        n = units(s, n, e.askQtyUnits);
        this.mix(n);
        return;
    }
  }

  /** Mixes the first n scratch words into both lanes, in order. */
  private mix(n: number): void {
    const s = this.scratch;
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < n; i++) {
      const w = s[i]!;
      a = laneA(a, w);
      b = laneB(b, w);
    }
    this.a = a;
    this.b = b;
  }

  /**
   * A book_delta message's level rows [from, to) — the hot loop: each row's four words (price
   * low word, size low word, price high word with the side above its 21 bits, size high word)
   * enter one lane each, alternating, so one changed word still always changes its lane.
   */
  private rows(sides: ArrayLike<number>, prices: ArrayLike<number>, sizes: ArrayLike<number>, from: number, to: number): void {
    let a = this.a;
    let b = this.b;
    for (let i = from; i < to; i++) {
      const p = prices[i]!;
      const q = sizes[i]!;
      a = laneA(a, p >>> 0);
      b = laneB(b, q >>> 0);
      a = laneA(a, (Math.floor(p * INV_TWO_32) & 0x1fffff) | (sides[i]! << 21));
      b = laneB(b, Math.floor(q * INV_TWO_32) | 0);
    }
    this.a = a;
    this.b = b;
  }
}
