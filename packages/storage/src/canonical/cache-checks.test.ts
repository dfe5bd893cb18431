import { describe, expect, it } from 'vitest';
import { CacheChecks, SETTLE_MS, type FileIdentity } from './cache-checks.ts';

const NOW_MS = 1_780_000_000_000;
const settled: FileIdentity = { dev: 1n, ino: 42n, size: 4096n, mtimeNs: BigInt(NOW_MS - 60_000) * 1_000_000n, ctimeNs: BigInt(NOW_MS - 60_000) * 1_000_000n };

describe('CacheChecks', () => {
  it('hands the same chunk flags back for the unchanged file, so checked chunks are not checked again', () => {
    const checks = new CacheChecks();
    const first = checks.chunksOf('/c.bin', settled, 3, NOW_MS)!;
    expect([...first]).toEqual([0, 0, 0]);
    first[1] = 1;
    expect([...checks.chunksOf('/c.bin', { ...settled }, 3, NOW_MS + 5_000)!]).toEqual([0, 1, 0]);
  });

  it('forgets the checks when the file was written, truncated or replaced (any identity field changed)', () => {
    const changes: Partial<FileIdentity>[] = [
      { mtimeNs: settled.mtimeNs + 1n },
      { ctimeNs: settled.ctimeNs + 1_000_000n },
      { size: settled.size - 8n },
      { ino: 43n },
      { dev: 2n },
    ];
    for (const change of changes) {
      const checks = new CacheChecks();
      checks.chunksOf('/c.bin', settled, 3, NOW_MS)!.fill(1);
      expect([...checks.chunksOf('/c.bin', { ...settled, ...change }, 3, NOW_MS)!]).toEqual([0, 0, 0]);
    }
  });

  it('remembers nothing for a file changed within SETTLE_MS of the check (a same-tick write could keep its times)', () => {
    const checks = new CacheChecks();
    const fresh = { ...settled, ctimeNs: BigInt(NOW_MS - SETTLE_MS + 1) * 1_000_000n };
    expect(checks.chunksOf('/c.bin', fresh, 3, NOW_MS)).toBeNull();
    // Settled later: checked from scratch then, not trusted from the fresh read.
    expect([...checks.chunksOf('/c.bin', fresh, 3, NOW_MS + SETTLE_MS)!]).toEqual([0, 0, 0]);
  });

  it('keeps the checks of each file apart', () => {
    const checks = new CacheChecks();
    checks.chunksOf('/a.bin', settled, 2, NOW_MS)!.fill(1);
    expect([...checks.chunksOf('/b.bin', settled, 2, NOW_MS)!]).toEqual([0, 0]);
  });
});
