/**
 * The file operations the writer needs, behind a small contract so a test (or an operator's
 * drill) can inject faults — a disk that fills up (ENOSPC) mid-write — and see the writer stop
 * loudly. The default is node:fs/promises.
 */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { ChassisError } from '@chassis/core';

export interface WritableFile {
  /** Writes up to `length` bytes from `buffer[offset..]`; may write fewer (the caller loops). */
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface RecordingFileSystem {
  /** 'wx' creates a new file (fails if it exists), 'w' truncates, 'r' opens (a directory, to fsync it). */
  open(path: string, flags: 'wx' | 'w' | 'r'): Promise<WritableFile>;
  rename(from: string, to: string): Promise<void>;
  /** Creates the directory and its parents. */
  mkdir(path: string): Promise<void>;
  /** Removes a file or directory tree; absent is fine. */
  rm(path: string): Promise<void>;
}

export const nodeRecordingFs: RecordingFileSystem = {
  open: (path, flags) => open(path, flags),
  rename,
  mkdir: async (path) => {
    await mkdir(path, { recursive: true });
  },
  rm: (path) => rm(path, { recursive: true, force: true }),
};

/** Writes all of `bytes` (looping on short writes). */
export async function writeAll(file: WritableFile, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += (await file.write(bytes, offset, bytes.length - offset)).bytesWritten;
}

/** fsync a directory so the names created in it (new files, renames) survive power loss. */
export async function syncDirectory(fs: RecordingFileSystem, dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * A failed disk operation as the writer reports it: E_RECORD_DISK_FULL for ENOSPC/EDQUOT (the
 * operator frees space), E_RECORD_WRITE otherwise; the message names the file and what failed.
 */
export function writeFailure(err: unknown, path: string, what: string): ChassisError {
  if (err instanceof ChassisError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const full = code === 'ENOSPC' || code === 'EDQUOT';
  return new ChassisError(
    full ? 'E_RECORD_DISK_FULL' : 'E_RECORD_WRITE',
    `${path}: ${what} failed (${code ?? 'error'}: ${(err as Error).message})${full ? '; the disk is full: free space, then restart the recorder (it publishes what was durable)' : ''}`,
    { details: { file: path }, cause: err },
  );
}

/** Runs a disk operation, turning its failure into the writer's error value naming the file. */
export async function onDisk<T>(path: string, what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw writeFailure(err, path, what);
  }
}
