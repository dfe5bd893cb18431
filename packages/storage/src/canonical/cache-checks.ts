/**
 * Which chunks of which decode-cache files this process has already checked (their CRC-32
 * matched), so a file read again — a run fed several times (`--repeat`), a sweep worker's next
 * run over the same dataset — is not checksummed again (CRC-32 runs at ~7 GB/s with the native
 * implementation, crc32.ts, ~1.5 GB/s with zlib's: a tenth to a third of a cached read).
 *
 * A file's checks hold only while it is the same file: same device, inode, size, modification and
 * status-change time. Any write, truncation or replacement changes one of them — except that the
 * kernel stamps those times from a coarse clock (a tick of a few ms; 1–2 s on some filesystems),
 * so a write within the tick of the previous one may leave them as they were. A file whose last
 * change is less than SETTLE_MS before the check is therefore never remembered: it is checked on
 * every read, as before. The status-change time cannot be set back by an ordinary process.
 */
import type { BigIntStats } from 'node:fs';

/** A file changed this recently (ms) when it is opened is checked on every read. */
export const SETTLE_MS = 2000;

/** The stat fields that change when a file is written, truncated or replaced. */
export type FileIdentity = Pick<BigIntStats, 'dev' | 'ino' | 'size' | 'mtimeNs' | 'ctimeNs'>;

export class CacheChecks {
  private readonly files = new Map<string, { readonly identity: string; readonly chunks: Uint8Array }>();

  /**
   * The per-chunk flags (1 = CRC matched earlier) of the file at `path` as it is now; the caller
   * sets a chunk's flag once its CRC matched. Fresh (all 0) when the file changed since its
   * chunks were checked or was never read; null when the file changed within SETTLE_MS of
   * `nowMs` (remember nothing: check every chunk).
   */
  chunksOf(path: string, stat: FileIdentity, chunkCount: number, nowMs: number): Uint8Array | null {
    const changedMs = Number((stat.ctimeNs > stat.mtimeNs ? stat.ctimeNs : stat.mtimeNs) / 1_000_000n);
    if (nowMs - changedMs < SETTLE_MS) {
      this.files.delete(path);
      return null;
    }
    const identity = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${chunkCount}`;
    const known = this.files.get(path);
    if (known?.identity === identity) return known.chunks;
    const chunks = new Uint8Array(chunkCount);
    this.files.set(path, { identity, chunks });
    return chunks;
  }
}
