// Public API of @chassis/quality.
export { runGate, type GateSource, type GateResult, type GateDatasetOutcome } from './gate.ts';
export { DEFAULT_GATE_CONFIG, type GateConfig } from './gate-config.ts';
export { importCapture, groupImportFiles, storeRaw, type ImportOptions, type ImportResult } from './importer.ts';
export { defaultInstrumentMeta, type InstrumentResolver } from './instrument-meta.ts';
export { venueInstrumentMeta } from './venue-instrument.ts';
export { ColumnBuilder } from './column-builder.ts';
export { scanDecimal } from './decimal-scan.ts';
export { parseManifest, type DatasetManifest, type ManifestFile, type ManifestGap, type ManifestConnectionEvent } from './manifest.ts';
export { runPendingManifests, pendingManifests, type ManifestRun } from './quality-run.ts';
export { RecordAdmission, type Admission, type MarketRecord } from './record-admission.ts';
