/** Policy knobs of the quality gate. All ratios are fractions (0.01 = 1%). */
// @ts-nocheck

export interface GateConfig {
  /** What a sequence gap or failed checksum does to book data: split the dataset there (default) or quarantine it. */
  readonly gapPolicy: 'split' | 'quarantine';
  /** A trade more than this fraction outside [best bid, best ask] counts as outside the book. */
  readonly tradeBand: number;
  /** Fraction of trades allowed outside the band before the trade check fails. */
  readonly maxTradesOutsideRatio: number;
  /** A spread wider than this fraction of mid is implausible. */
  readonly maxSpreadRatio: number;
  /** Fraction of book messages (after a sync point) allowed to leave the book crossed/locked before the check fails. */
  readonly maxCrossedRatio: number;
  /**
   * Rows of one dataset kept in memory before they are written to staging as a Parquet part
   * (bounds import memory: ~45–60 B per row per open dataset). Does not change the result.
   */
  readonly partRows: number;
}

export const DEFAULT_GATE_CONFIG: GateConfig = {
  gapPolicy: 'split',
  tradeBand: 0.01,
  maxTradesOutsideRatio: 0.001,
  maxSpreadRatio: 0.05,
  maxCrossedRatio: 0.001,
  partRows: 1_000_000,
};
