/**
 * raw-scan: the physical limit (bench/raw-scan.ts) on the USD-M canonical columns in memory —
 * rows/s and market events/s of one pass that only touches every value. No baseline: it IS
 * the baseline of canonical-read, full-backtest and scaling.
 */
// @ts-nocheck

import { measureRawScan } from '../raw-scan.ts';
import { usdmCanonical } from '../usdm-canonical.ts';
import { result, type BenchResult, type BenchSection } from '../types.ts';

export const rawScanSection: BenchSection = {
  name: 'raw-scan',
  async run(): Promise<BenchResult[]> {
    const data = await usdmCanonical();
    const scan = measureRawScan(data);
    const inputs = `${data.describe}; columns ts_local, batch_id, side, price, size / price, size, aggressor / bid+ask price+size in typed arrays; CPU time`;
    return [result('raw-scan', 'rows/s', scan.rowsPerSecond, null, inputs), result('raw-scan-events', 'events/s', scan.eventsPerSecond, null, inputs)];
  },
};
