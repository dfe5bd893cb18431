/**
 * FNV-1a 64-bit over a canonical byte encoding, in plain TypeScript (no Node APIs, no bigint
 * arithmetic). The 64-bit state is two 32-bit words (int32, read unsigned); the multiplication
 * by the FNV prime 2^40 + 0x1b3 modulo 2^64 is
 *   lo' = (lo · 0x1b3) mod 2^32
 *   hi' = (hi · 0x1b3 + lo · 2^8 + carry(lo · 0x1b3)) mod 2^32
 * in small-integer arithmetic only: lo · 0x1b3 is formed from lo's 16-bit halves (each product
 * < 2^25) and the high word uses Math.imul. Numbers are
 * mixed byte by byte in local variables (no call per byte): a checkpoint hashes every book
 * level. Deterministic across platforms; used by replay to prove determinism.
 */

const PRIME_LO = 0x1b3;
const TWO32 = 0x100000000;

export class Fnv1a64 {
  // Offset basis 0xcbf29ce484222325 (as int32 words).
  private lo = 0x84222325 | 0;
  private hi = 0xcbf29ce4 | 0;

  /** Mixes one byte (0..255). */
  byte(b: number): void {
    const lo = this.lo ^ (b & 0xff);
    const a = (lo & 0xffff) * PRIME_LO;
    const c = (lo >>> 16) * PRIME_LO + (a >>> 16);
    this.hi = (Math.imul(this.hi, PRIME_LO) + (lo << 8) + (c >>> 16)) | 0;
    this.lo = (a & 0xffff) | (c << 16);
  }

  /** A 32-bit unsigned integer, little-endian. */
  u32(v: number): void {
    let lo = this.lo;
    let hi = this.hi;
    for (let k = 0; k < 32; k += 8) {
      lo ^= (v >>> k) & 0xff;
      const a = (lo & 0xffff) * PRIME_LO;
      const c = (lo >>> 16) * PRIME_LO + (a >>> 16);
      hi = (Math.imul(hi, PRIME_LO) + (lo << 8) + (c >>> 16)) | 0;
      lo = (a & 0xffff) | (c << 16);
    }
    this.lo = lo;
    this.hi = hi;
  }

  /** A number: safe integers exactly (sign byte, low and high 32 bits); NaN and non-integers by their decimal text. */
  num(v: number): void {
    if (!Number.isSafeInteger(v)) {
      this.byte(2);
      this.str(String(v));
      return;
    }
    // The same 9 bytes as byte(sign) + u32(low) + u32(high), mixed in locals in one pass (a
    // checkpoint hashes two numbers per book level).
    const a = Math.abs(v);
    let lo = this.lo ^ (v < 0 ? 1 : 0);
    let hi = this.hi;
    let x = (lo & 0xffff) * PRIME_LO;
    let c = (lo >>> 16) * PRIME_LO + (x >>> 16);
    hi = (Math.imul(hi, PRIME_LO) + (lo << 8) + (c >>> 16)) | 0;
    lo = (x & 0xffff) | (c << 16);
    // Low word, then high word (0 without a division below 2^32: prices and sizes in units are).
    for (let word = a >>> 0, k = 0; k < 4; k++, word >>>= 8) {
      lo ^= word & 0xff;
      x = (lo & 0xffff) * PRIME_LO;
      c = (lo >>> 16) * PRIME_LO + (x >>> 16);
      hi = (Math.imul(hi, PRIME_LO) + (lo << 8) + (c >>> 16)) | 0;
      lo = (x & 0xffff) | (c << 16);
    }
    for (let word = a < TWO32 ? 0 : Math.floor(a / TWO32) >>> 0, k = 0; k < 4; k++, word >>>= 8) {
      lo ^= word & 0xff;
      x = (lo & 0xffff) * PRIME_LO;
      c = (lo >>> 16) * PRIME_LO + (x >>> 16);
      hi = (Math.imul(hi, PRIME_LO) + (lo << 8) + (c >>> 16)) | 0;
      lo = (x & 0xffff) | (c << 16);
    }
    this.lo = lo;
    this.hi = hi;
  }

  big(v: bigint): void {
    this.byte(3);
    this.str(v.toString(16));
  }

  bool(v: boolean): void {
    this.byte(v ? 1 : 0);
  }

  /** Length-prefixed UTF-16 code units, so concatenations cannot collide. */
  str(s: string): void {
    this.u32(s.length);
    // Two bytes per code unit (low, then high), mixed in locals.
    let lo = this.lo;
    let hi = this.hi;
    for (let i = 0, n = 2 * s.length; i < n; i++) {
      lo ^= (i & 1) === 0 ? s.charCodeAt(i >> 1) & 0xff : s.charCodeAt(i >> 1) >>> 8;
      const a = (lo & 0xffff) * PRIME_LO;
      const c = (lo >>> 16) * PRIME_LO + (a >>> 16);
      hi = (Math.imul(hi, PRIME_LO) + (lo << 8) + (c >>> 16)) | 0;
      lo = (a & 0xffff) | (c << 16);
    }
    this.lo = lo;
    this.hi = hi;
  }

  /** 16 lowercase hex chars, most significant first. */
  hex(): string {
    return (this.hi >>> 0).toString(16).padStart(8, '0') + (this.lo >>> 0).toString(16).padStart(8, '0');
  }
}

/** FNV-1a 64 of a byte sequence; handy for tests and ids. */
export function fnv1a64Bytes(bytes: ArrayLike<number>): string {
  const h = new Fnv1a64();
  for (let i = 0; i < bytes.length; i++) h.byte(bytes[i]!);
  return h.hex();
}
