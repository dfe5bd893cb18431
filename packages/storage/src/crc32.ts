/**
 * CRC-32 (IEEE 802.3, the polynomial of zlib, gzip and PNG) of the decode cache's chunks and the
 * backtest journal's blocks. `node:zlib`'s crc32 checks ~1.2–2 GB/s here: a synthetic day's
 * 6 GB decode cache spent ~5 % of its backtest in it. @node-rs/crc32 computes the same function
 * with the CPU's carry-less multiply (~6.8 GB/s on the same machine), so it is used when its
 * prebuilt binary loads on this platform, and zlib's otherwise — identical values either way
 * (crc32.test.ts holds the two against each other), so no file written by one is read differently
 * by the other. Loaded on the first call: a command that checks nothing never loads the addon.
 */
import { createRequire } from 'node:module';
import { crc32 as zlibCrc32 } from 'node:zlib';

type Crc32 = (data: Uint8Array, value?: number) => number;

let impl: Crc32 | null = null;
let native = false;

function load(): Crc32 {
  try {
    const mod = createRequire(import.meta.url)('@node-rs/crc32') as { crc32: (data: Uint8Array, value?: number) => number };
    native = true;
    return mod.crc32;
  } catch {
    return zlibCrc32;
  }
}

/** CRC-32 of `data`, continuing from `value` (the CRC-32 of the bytes before it; 0 to start), as zlib.crc32. */
export function crc32(data: Uint8Array, value = 0): number {
  return (impl ??= load())(data, value);
}

/** Whether crc32 runs the native SIMD implementation (false: zlib's). */
export function crc32IsNative(): boolean {
  impl ??= load();
  return native;
}
