// Public API of @chassis/live: the live and paper trading runtime (SPEC.md §5 "Live runtime").
export type * from './contracts.ts';
export { compareAccount, comparedAssets, exceedsTolerance } from './reconciliation/compare-account.ts';
export type { CompareOptions, Comparison, DerivedAccountView } from './reconciliation/compare-account.ts';
export { describeDifference, differenceKey } from './reconciliation/differences.ts';
export type { ComparedOrderField, Difference, DifferenceKind } from './reconciliation/differences.ts';
export { Reconciler } from './reconciliation/reconciler.ts';
export type { ReconcilerOptions, ReconciliationResult } from './reconciliation/reconciler.ts';
export type {
  PolicyAction,
  ReconciliationOutcome,
  ReconciliationReport,
  ReconciliationTrigger,
  ReportedDifference,
  UnknownOrderPolicy,
} from './reconciliation/report.ts';
export {
  nextReconciliationNumber,
  reconciliationReportPath,
  writeReconciliationReport,
} from './reconciliation/report-file.ts';
export { CcxtVenueAdapter } from './venues/ccxt/ccxt-venue-adapter.ts';
export type { CcxtVenueAdapterOptions } from './venues/ccxt/ccxt-venue-adapter.ts';
export { ccxtCredentialsFromEnv } from './venues/ccxt/credentials.ts';
export type { CcxtCredentials } from './venues/ccxt/credentials.ts';
