import fc from 'fast-check';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';

type Crc32Module = typeof import('./crc32.ts');
/** A fresh copy of the module: nothing checked yet, no addon loaded. */
async function freshModule(): Promise<Crc32Module> {
  vi.resetModules();
  return import('./crc32.ts');
}

/** Linux x64 here: @node-rs/crc32 ships a binary for it (and for the other platforms listed). */
const SHIPPED = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'].includes(`${process.platform}-${process.arch}`);

describe('crc32, the native implementation against zlib', () => {
  let crc32: Crc32Module['crc32'];
  beforeAll(async () => {
    const m = await freshModule();
    // Loaded now: every check below is of the native implementation, zlib's the reference.
    expect(m.crc32IsNative()).toBe(SHIPPED);
    expect(m.crc32Implementation()).toBe(SHIPPED ? 'native' : 'zlib');
    crc32 = m.crc32;
  });

  it('gives the published check value of CRC-32/ISO-HDLC ("123456789" → 0xcbf43926)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(new Uint8Array(8).subarray(4, 4), 0xcbf43926)).toBe(0xcbf43926);
  });

  it('equals zlib.crc32 on any bytes, at any offset of a larger buffer, continued from any value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.nat(16), fc.nat(16), fc.integer({ min: 0, max: 0xffffffff }), (bytes, cutStart, cutEnd, value) => {
        const start = Math.min(cutStart, bytes.length);
        const end = Math.max(start, bytes.length - cutEnd);
        const view = bytes.subarray(start, end);
        // No bytes: the CRC continued over nothing is the value. (zlib answers 0 instead when the
        // empty view's memory is a null pointer — a zero-length ArrayBuffer — and the value otherwise.)
        if (view.length === 0) {
          expect(crc32(view, value)).toBe(value);
          return;
        }
        expect(crc32(view)).toBe(zlibCrc32(view));
        expect(crc32(view, value)).toBe(zlibCrc32(view, value));
        // Continued over a split: the CRC of the whole.
        const mid = start + ((end - start) >> 1);
        expect(crc32(bytes.subarray(mid, end), crc32(bytes.subarray(start, mid)))).toBe(zlibCrc32(view));
      }),
      { numRuns: 300 },
    );
  });

  it('equals zlib.crc32 over a cache-chunk-sized payload of float64 columns', () => {
    const f = new Float64Array(65_536 * 3);
    for (let i = 0; i < f.length; i++) f[i] = 5_700_000 + ((i * 7919) % 100_003) * 10;
    const bytes = new Uint8Array(f.buffer, 8, f.byteLength - 16);
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
  });
});

describe('crc32 in a process that checks little, then much', () => {
  it("checks with zlib's until NATIVE_AFTER_BYTES went through, then with the native one, the same CRCs throughout", async () => {
    const m = await freshModule();
    const chunk = new Uint8Array(4 * 1024 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 2654435761) >>> 24;
    const want = zlibCrc32(chunk, 7);
    // A start-up's few checks: no addon loaded.
    expect(m.crc32(chunk.subarray(0, 4096))).toBe(zlibCrc32(chunk.subarray(0, 4096)));
    expect(m.crc32Implementation()).toBe('zlib');
    let checked = 4096;
    while (checked + chunk.length < m.NATIVE_AFTER_BYTES) {
      expect(m.crc32(chunk, 7)).toBe(want);
      checked += chunk.length;
      expect(m.crc32Implementation()).toBe('zlib');
    }
    expect(m.crc32(chunk, 7)).toBe(want);
    expect(m.crc32Implementation()).toBe(SHIPPED ? 'native' : 'zlib');
    expect(m.crc32(chunk, 7)).toBe(want);
  });
});
