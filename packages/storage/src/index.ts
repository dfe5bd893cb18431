// Public API of @chassis/storage.
export { resolveDataRoot, STORAGE_CLASSES, type StorageClass } from './data-root.ts';
export type { Storage, StagedDir, ObjectStat, WriteHook } from './backends/storage.ts';
export { FsStorage } from './backends/fs-storage.ts';
export { S3Storage, type S3StorageOptions } from './backends/s3-storage.ts';
export { openStorage } from './backends/open-storage.ts';
export type { BookDeltaBatch, TradeBatch, BboBatch, CanonicalBatch, CanonicalKind } from './canonical/batches.ts';
export {
  DATASET_STATES,
  datasetFromJson,
  datasetToJson,
  nsToIso,
  utcDay,
  type DatasetMeta,
  type DatasetState,
  type InstrumentMeta,
  type CheckResult,
  type StateTransition,
  type Provenance,
  type GapRecord,
} from './canonical/dataset.ts';
export { parquetColumns, ROW_GROUP_ROWS } from './canonical/schema.ts';
export { contentHash, contentHashOfFiles } from './canonical/content-hash.ts';
export { writeCanonicalParquet, rescaleCanonicalParquet } from './canonical/parquet-writer.ts';
export { writeDataset, canonicalPrefix, DatasetPartsWriter } from './canonical/dataset-writer.ts';
export { readCanonical, type ReadOptions } from './canonical/reader.ts';
export { crc32, crc32Implementation, crc32IsNative } from './crc32.ts';
export { openCatalog, newestCoveringVersions, CATALOG_KEY, type Catalog, type CatalogFilter, type FindQuery, type DatasetIdentity } from './catalog.ts';
export { claimStaging, releaseStaging, stagingOwner, processExists, type StagingOwner } from './staging-owner.ts';
export { applyGcItem, entriesOf, orphanOwnerItems, stagingItem, storageGcItems, isDirectory, UNOWNED_STAGING_AGE_MS, type GcItem } from './data-root-gc.ts';
