/**
 * A small seeded pseudo-random generator (xoshiro128**, seeded through splitmix32) for the
 * randomised simulation models. Determinism law L4: randomness comes only from here, and the
 * seed is configuration. 32-bit integer arithmetic only, so results are identical on every
 * platform and Node version.
 */
// @ts-nocheck

export class SeededRandom {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Restarts the sequence from `seed` (any safe integer; its high and low 32-bit halves are folded together). */
  reseed(seed: number): void {
    // splitmix32 expands one seed into four non-zero state words.
    let x = (seed ^ Math.floor(seed / 0x1_0000_0000)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** Uniform integer in [0, bound) for 0 < bound ≤ 2^32 (rejection sampling: no modulo bias). */
  nextBelow(bound: number): number {
    if (!(bound > 0 && bound <= 0x1_0000_0000 && Number.isInteger(bound))) throw new RangeError(`bound must be an integer in (0, 2^32], got ${bound}`);
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % bound);
    for (;;) {
      const r = this.nextUint32();
      if (r < limit) return r % bound;
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Derives an independent seed for a sub-model (e.g. latency vs queue) from the run seed. */
export function deriveSeed(seed: number, stream: number): number {
  const r = new SeededRandom(seed);
  let out = 0;
  for (let i = 0; i <= stream; i++) out = r.nextUint32();
  return out;
}
