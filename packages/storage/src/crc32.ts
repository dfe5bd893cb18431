/**
 * CRC-32 (IEEE 802.3, the polynomial of zlib, gzip and PNG) of the decode cache's chunks and the
 * backtest journal's blocks. `node:zlib`'s crc32 checks ~1.2–2 GB/s here: a synthetic day's
 * 6 GB decode cache spent ~5 % of its backtest in it. @node-rs/crc32 computes the same function
 * with the CPU's carry-less multiply (~6.8 GB/s on the same machine) — identical values
 * (crc32.test.ts holds the two against each other), so no file written by one is read
 * differently by the other.
 *
 * Loading the addon costs ~10 ms (its platform probe and dlopen), which a short run never wins
 * back (0.42 s saved per GB checked: break-even near 24 MB). So a process checks with zlib's
 * until NATIVE_AFTER_BYTES have gone through, then loads the addon once — or stays with zlib's
 * where no prebuilt binary loads.
 */
import { createRequire } from 'node:module';
import { crc32 as zlibCrc32 } from 'node:zlib';

type Crc32 = (data: Uint8Array, value?: number) => number;

/** Bytes checked with zlib's crc32 before the native one is loaded (a start-up reads less). */
export const NATIVE_AFTER_BYTES = 32 * 1024 * 1024;

let impl: Crc32 | null = null;
let native = false;
let checked = 0;

function load(): Crc32 {
  try {
    const mod = createRequire(import.meta.url)('@node-rs/crc32') as { crc32: Crc32 };
    native = true;
    return mod.crc32;
  } catch {
    return zlibCrc32;
  }
}

/** CRC-32 of `data`, continuing from `value` (the CRC-32 of the bytes before it; 0 to start), as zlib.crc32. */
export function crc32(data: Uint8Array, value = 0): number {
  // No bytes: the value as it was. (zlib answers 0 instead for an empty view whose memory is a
  // null pointer, a subarray of a zero-length buffer; the native one answers the value.)
  if (data.length === 0) return value >>> 0;
  if (impl === null) {
    checked += data.length;
    if (checked < NATIVE_AFTER_BYTES) return zlibCrc32(data, value);
    impl = load();
  }
  return impl(data, value);
}

/** Which implementation checks now: zlib's until NATIVE_AFTER_BYTES were checked, then the native one where it loads. */
export function crc32Implementation(): 'zlib' | 'native' {
  return native ? 'native' : 'zlib';
}

/** Whether the native implementation loads on this platform (loads it: what crc32 uses after NATIVE_AFTER_BYTES). */
export function crc32IsNative(): boolean {
  impl ??= load();
  return native;
}
