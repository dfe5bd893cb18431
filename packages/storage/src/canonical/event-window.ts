/**
 * An event-time window [from, to) tested on an int64 column's 32-bit words, so that no BigInt is
 * read per row: the rows of a chunk that lie in a read's window (reader.ts Rebatcher), and the
 * trade ids worth decoding in a chunk only partly inside it (columnar-cache.ts).
 */

/** A bigint as the two 32-bit words of its int64 (high signed, low unsigned), to compare rows without reading a BigInt per row. */
function int64Words(v: bigint): readonly [hi: number, lo: number] {
  return [Number(BigInt.asIntN(32, v >> 32n)), Number(BigInt.asUintN(32, v))];
}

/** An event-time window [from, to) as 32-bit words; an open end compares as ±Infinity. */
export interface WindowWords {
  readonly fromHi: number;
  readonly fromLo: number;
  readonly toHi: number;
  readonly toLo: number;
}

export function windowWords(from: bigint | undefined, to: bigint | undefined): WindowWords {
  const [fromHi, fromLo] = from === undefined ? [-Infinity, 0] : int64Words(from);
  const [toHi, toLo] = to === undefined ? [Infinity, 0] : int64Words(to);
  return { fromHi, fromLo, toHi, toLo };
}

/**
 * The first row in [r, n) whose event time is (`inside`) or is not (`!inside`) in the window, else
 * n. `words` is the int64 column as 32-bit words (little-endian: low word first), so no BigInt is
 * allocated per row: a window's partial chunk is up to 65,536 rows scanned at a run's start. One
 * function for both directions and both callers, so that it is optimised once (two functions
 * split the warm-up: a run's first three chunks scanned ~1.5x slower).
 */
export function scanWindow(words: Int32Array, r: number, n: number, inside: boolean, w: WindowWords): number {
  const { fromHi, fromLo, toHi, toLo } = w;
  for (; r < n; r++) {
    const hi = words[2 * r + 1]!;
    const lo = words[2 * r]! >>> 0;
    if (((hi > fromHi || (hi === fromHi && lo >= fromLo)) && (hi < toHi || (hi === toHi && lo < toLo))) === inside) return r;
  }
  return n;
}
