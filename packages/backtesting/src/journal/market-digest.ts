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
 * UTF-16 code units, the instrument's hash cached while it stays the same string.
 *
 * Not a cryptographic hash: it proves that replay regenerated the same market stream (the
 * datasets themselves are proved by their SHA-256 content hash, the journal file by the
 * SHA-256 in the manifest). `referenceMarketDigest` (market-digest.test.ts) is the same
 * function written plainly with BigInt arithmetic, the oracle for the word tricks here.
 */
import type { MarketEvent } from '@chassis/core';

const KIND_WORD = { book_delta: 1, trade: 2, bbo: 3 } as const;
const AGGRESSOR_WORD = { buy: 1, sell: 2, unknown: 3 } as const;
const TWO_32 = 4294967296;
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

  /** Mixes one 32-bit word into both lanes. */
  private word(w: number): void {
    this.a = laneA(this.a, w);
    this.b = laneB(this.b, w);
  }

  private big(v: bigint): void {
    this.cell[0] = v;
    this.word(this.words[0]!);
    this.word(this.words[1]!);
  }

  /** An integer-valued double (|v| < 2^53): its low and high 32-bit words. */
  private units(v: number): void {
    this.word(v >>> 0);
    this.word(Math.floor(v / TWO_32) | 0);
  }

  add(e: MarketEvent): void {
    this.events++;
    this.word(e.seq);
    this.word(KIND_WORD[e.kind]);
    this.big(e.tsEventNs);
    this.big(e.tsLocalNs);
    if (e.instrument !== this.instrument) {
      this.instrument = e.instrument;
      this.instrumentHash = text(e.instrument);
    }
    this.word(this.instrumentHash);
    switch (e.kind) {
      case 'book_delta':
        this.big(e.updateId);
        this.word(e.isSnapshot ? 1 : 0);
        this.word(e.count);
        this.rows(e.sides, e.prices, e.sizes, e.offset, e.offset + e.count);
        return;
      case 'trade':
        this.word(text(e.tradeId));
        this.units(e.priceUnits);
        this.units(e.qtyUnits);
        this.word(AGGRESSOR_WORD[e.aggressor]);
        return;
      case 'bbo':
        this.big(e.updateId);
        this.units(e.bidPriceUnits);
        this.units(e.bidQtyUnits);
        this.units(e.askPriceUnits);
        this.units(e.askQtyUnits);
        return;
    }
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
      a = laneA(a, (Math.floor(p / TWO_32) & 0x1fffff) | (sides[i]! << 21));
      b = laneB(b, Math.floor(q / TWO_32) | 0);
    }
    this.a = a;
    this.b = b;
  }
}
