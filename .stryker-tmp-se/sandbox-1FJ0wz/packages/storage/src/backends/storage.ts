/**
 * The storage contract: keys are `/`-separated paths relative to the data root
 * (`canonical/binance-usdm/BTCUSDT/trade/2024-08-08/ds_.../data.parquet`), identical on every
 * backend. Single objects are written atomically; a staged directory becomes visible under its
 * final prefix in one commit, or not at all.
 */
// @ts-nocheck

export interface ObjectStat {
  readonly size: number;
}

/** Work in progress: a local directory the writer fills (Parquet engines need a real file). */
export interface StagedDir {
  /** Local filesystem directory to write into. */
  readonly dir: string;
  /** Identifier of this staging area (under `staging/`). */
  readonly id: string;
}

export interface Storage {
  readonly kind: 'fs' | 's3';
  /** Human readable location of the root (a directory or s3://bucket/prefix). */
  readonly root: string;
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array>;
  /** null when the key does not exist. */
  stat(key: string): Promise<ObjectStat | null>;
  /** All keys under a prefix, recursively, sorted. */
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
  /** Copies a local file to a key (streamed, atomic per object). */
  putFile(key: string, localPath: string): Promise<void>;
  /** A local readable path for the key (the file itself on fs, a verified cached copy on S3). */
  localPath(key: string): Promise<string>;
  /** Creates an empty staging directory. */
  stage(): Promise<StagedDir>;
  /**
   * Makes every file of the staged directory visible under `prefix` at once. Returns false when
   * the prefix already exists (an identical immutable dataset is already there); the staging
   * area is removed in every case.
   */
  commit(staged: StagedDir, prefix: string): Promise<boolean>;
  /** Discards a staging area (after a failure). */
  abort(staged: StagedDir): Promise<void>;
  /**
   * Runs `fn` while holding the lock `name` of this root, exclusive across processes on fs (an
   * O_EXCL lock file under staging/locks/, recovered when its holder died); within this
   * process only on S3 (one writing process per S3 root).
   */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** Fault injection point for tests and operators: called before every file write that must be durable. */
export type WriteHook = (key: string) => void | Promise<void>;

export function assertKey(key: string): void {
  if (key.length === 0 || key.startsWith('/') || key.split('/').some((p) => p === '..' || p === '')) {
    throw new Error(`invalid storage key "${key}"`);
  }
}
