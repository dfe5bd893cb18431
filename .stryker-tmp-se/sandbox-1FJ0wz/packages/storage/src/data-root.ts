// @ts-nocheck
import { resolve } from 'node:path';

/** Storage classes: one prefix each under the data root; the class is obvious from any key. */
export const STORAGE_CLASSES = ['raw', 'staging', 'canonical', 'quarantine', 'derived', 'experiments', 'execution-records'] as const;
export type StorageClass = (typeof STORAGE_CLASSES)[number];

/**
 * The data root: `--data DIR`, else env CHASSIS_DATA, else `./data`. An `s3://bucket/prefix`
 * root is returned as is (see openStorage); a directory is made absolute.
 */
export function resolveDataRoot(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag && flag.length > 0 ? flag : env.CHASSIS_DATA && env.CHASSIS_DATA.length > 0 ? env.CHASSIS_DATA : './data';
  return chosen.startsWith('s3://') ? chosen : resolve(chosen);
}
