/**
 * FNV-1a 64-bit over a canonical byte encoding, in plain TypeScript (no Node APIs, no bigint
 * arithmetic in the inner loop). The 64-bit state is four 16-bit limbs so every product stays
 * exact in a double. Deterministic across platforms; used by replay to prove determinism.
 */

// FNV-1a 64 offset basis 0xcbf29ce484222325 as 16-bit limbs, low first.
const BASIS = [0x2325, 0x8422, 0x9ce4, 0xcbf2] as const;

export class Fnv1a64 {
  private h0: number = BASIS[0];
  private h1: number = BASIS[1];
  private h2: number = BASIS[2];
  private h3: number = BASIS[3];

  /** Mixes one byte (0..255). Multiplies by the FNV prime 2^40 + 0x1b3 modulo 2^64. */
  byte(b: number): void {
    const h0 = this.h0 ^ (b & 0xff);
    const h1 = this.h1;
    const h2 = this.h2;
    const h3 = this.h3;
    // limbs of prime: p0 = 0x1b3, p2 = 0x100 (2^40 = 2^32 * 2^8)
    let r0 = h0 * 0x1b3;
    let r1 = h1 * 0x1b3;
    let r2 = h2 * 0x1b3 + h0 * 0x100;
    let r3 = h3 * 0x1b3 + h1 * 0x100;
    r1 += r0 >>> 16;
    r0 &= 0xffff;
    r2 += Math.floor(r1 / 0x10000);
    r1 &= 0xffff;
    r3 += Math.floor(r2 / 0x10000);
    r2 &= 0xffff;
    r3 &= 0xffff;
    this.h0 = r0;
    this.h1 = r1;
    this.h2 = r2;
    this.h3 = r3;
  }

  /** A 32-bit unsigned integer, little-endian. */
  u32(v: number): void {
    this.byte(v & 0xff);
    this.byte((v >>> 8) & 0xff);
    this.byte((v >>> 16) & 0xff);
    this.byte((v >>> 24) & 0xff);
  }

  /** A number: safe integers exactly (sign, low and high 32 bits); NaN and non-integers by their decimal text. */
  num(v: number): void {
    if (Number.isSafeInteger(v)) {
      this.byte(v < 0 ? 1 : 0);
      const a = Math.abs(v);
      this.u32(a >>> 0);
      this.u32(Math.floor(a / 0x100000000) >>> 0);
    } else {
      this.byte(2);
      this.str(String(v));
    }
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
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      this.byte(c & 0xff);
      this.byte(c >>> 8);
    }
  }

  /** 16 lowercase hex chars, most significant first. */
  hex(): string {
    return [this.h3, this.h2, this.h1, this.h0].map((x) => x.toString(16).padStart(4, '0')).join('');
  }
}

/** FNV-1a 64 of a string's UTF-8-agnostic code units; handy for tests and ids. */
export function fnv1a64Bytes(bytes: ArrayLike<number>): string {
  const h = new Fnv1a64();
  for (let i = 0; i < bytes.length; i++) h.byte(bytes[i]!);
  return h.hex();
}
