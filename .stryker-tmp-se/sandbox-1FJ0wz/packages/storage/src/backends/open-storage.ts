// @ts-nocheck
import { FsStorage } from './fs-storage.ts';
import { S3Storage, type S3StorageOptions } from './s3-storage.ts';
import type { Storage, WriteHook } from './storage.ts';

/** Opens the backend for a data root: `s3://bucket/prefix` ⇒ S3-compatible store, anything else ⇒ local directory. */
export function openStorage(root: string, options?: { beforeWrite?: WriteHook; s3?: Omit<S3StorageOptions, 'url'> }): Storage {
  if (root.startsWith('s3://')) return new S3Storage({ url: root, ...options?.s3, ...(options?.beforeWrite ? { beforeWrite: options.beforeWrite } : {}) });
  return new FsStorage(root, options?.beforeWrite ? { beforeWrite: options.beforeWrite } : undefined);
}
