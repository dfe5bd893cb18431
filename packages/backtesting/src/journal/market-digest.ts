/**
 * Digest of the market events a journal block stands for without holding them (journal format
 * 2, journal.ts): a 64-bit running hash — two 32-bit MurmurHash3-style lanes with different
 * seeds and constants — over every field of every market event, its seq included, so a
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

export class MarketDigest {
  private a = 0x2545f491;
  private b = 0x6c62272e;
  /** Market events added since the last reset. */
  events = 0;
  private readonly cell = new BigInt64Array(1);
  private readonly words = new Int32Array(this.cell.buffer);
  private instrument = '';
  private instrumentHash = 0;

  reset(): void {
    this.a = 0x2545f491;
    this.b = 0x6c62272e;
    this.events = 0;
  }

  /** The digest as 16 hex digits. */
  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }

  /** Mixes one 32-bit word into both lanes. */
  private word(w: number): void {
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    let a = this.a ^ k;
    a = (a << 13) | (a >>> 19);
    this.a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    let b = this.b ^ Math.imul(w ^ (w >>> 16), 0x85ebca6b);
    b = (b << 17) | (b >>> 15);
    this.b = (Math.imul(b, 9) + 0x7feb352d) | 0;
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

  private text(s: string): number {
    let h = s.length;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h;
  }

  add(e: MarketEvent): void {
    this.events++;
    this.word(e.seq);
    this.word(KIND_WORD[e.kind]);
    this.big(e.tsEventNs);
    this.big(e.tsLocalNs);
    if (e.instrument !== this.instrument) {
      this.instrument = e.instrument;
      this.instrumentHash = this.text(e.instrument);
    }
    this.word(this.instrumentHash);
    switch (e.kind) {
      case 'book_delta': {
        this.big(e.updateId);
        this.word(e.isSnapshot ? 1 : 0);
        this.word(e.count);
        const { sides, prices, sizes } = e;
        for (let i = e.offset, end = e.offset + e.count; i < end; i++) {
          this.word(sides[i]!);
          this.units(prices[i]!);
          this.units(sizes[i]!);
        }
        return;
      }
      case 'trade':
        this.word(this.text(e.tradeId));
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
}
