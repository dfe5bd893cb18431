/**
 * The run's time series as Parquet: orders (one row per order), fills, positions (after each
 * fill) and equity (once per second of local time and after each fill). Prices and sizes are
 * given both exactly (integer units) and as floats in quote/base currency for analysis.
 */
// @ts-nocheck

import { join } from 'node:path';
import type { Column, writeParquet } from './artifacts.ts';
import type { EquityRow, FillRow, OrderRow, PositionRow, RunRecorder } from './recorder.ts';

const ORDER_COLUMNS: readonly Column<OrderRow>[] = [
  ['order_id', 'INTEGER', (r) => r.orderId],
  ['instrument', 'VARCHAR', (r) => r.instrument],
  ['side', 'VARCHAR', (r) => r.side],
  ['order_type', 'VARCHAR', (r) => r.orderType],
  ['time_in_force', 'VARCHAR', (r) => r.timeInForce],
  ['post_only', 'BOOLEAN', (r) => r.postOnly],
  ['created_seq', 'BIGINT', (r) => r.createdSeq],
  ['created_ts_local_ns', 'BIGINT', (r) => r.createdTsLocalNs],
  ['price_units', 'BIGINT', (r) => r.priceUnits],
  ['qty_units', 'BIGINT', (r) => r.qtyUnits],
  ['filled_qty_units', 'BIGINT', (r) => r.filledQtyUnits],
  ['replaces', 'INTEGER', (r) => r.replaces],
  ['cancel_requested', 'BOOLEAN', (r) => r.cancelRequested],
  ['status', 'VARCHAR', (r) => r.status],
];

const FILL_COLUMNS: readonly Column<FillRow>[] = [
  ['seq', 'BIGINT', (r) => r.seq],
  ['ts_local_ns', 'BIGINT', (r) => r.tsLocalNs],
  ['ts_event_ns', 'BIGINT', (r) => r.tsEventNs],
  ['order_id', 'INTEGER', (r) => r.orderId],
  ['instrument', 'VARCHAR', (r) => r.instrument],
  ['side', 'VARCHAR', (r) => r.side],
  ['price_units', 'BIGINT', (r) => r.priceUnits],
  ['qty_units', 'BIGINT', (r) => r.qtyUnits],
  ['price', 'DOUBLE', (r) => r.price],
  ['qty', 'DOUBLE', (r) => r.qty],
  ['liquidity', 'VARCHAR', (r) => r.liquidity],
  ['fee_units', 'BIGINT', (r) => r.feeUnits],
  ['fee', 'DOUBLE', (r) => r.fee],
  ['final', 'BOOLEAN', (r) => r.final],
];

const POSITION_COLUMNS: readonly Column<PositionRow>[] = [
  ['seq', 'BIGINT', (r) => r.seq],
  ['ts_local_ns', 'BIGINT', (r) => r.tsLocalNs],
  ['instrument', 'VARCHAR', (r) => r.instrument],
  ['qty_units', 'BIGINT', (r) => r.qtyUnits],
  ['qty', 'DOUBLE', (r) => r.qty],
  ['avg_price', 'DOUBLE', (r) => r.avgPrice],
  ['realized_pnl', 'DOUBLE', (r) => r.realizedPnl],
  ['fees', 'DOUBLE', (r) => r.fees],
];

const EQUITY_COLUMNS: readonly Column<EquityRow>[] = [
  ['seq', 'BIGINT', (r) => r.seq],
  ['ts_local_ns', 'BIGINT', (r) => r.tsLocalNs],
  ['realized_pnl', 'DOUBLE', (r) => r.realizedPnl],
  ['unrealized_pnl', 'DOUBLE', (r) => r.unrealizedPnl],
  ['fees', 'DOUBLE', (r) => r.fees],
  ['equity', 'DOUBLE', (r) => r.equity],
  ['inventory_lots', 'DOUBLE', (r) => r.inventory],
];

export async function writeSeries(dir: string, rec: RunRecorder, write: typeof writeParquet): Promise<void> {
  await write(join(dir, 'orders.parquet'), ORDER_COLUMNS, rec.orders.values());
  await write(join(dir, 'fills.parquet'), FILL_COLUMNS, rec.fills);
  await write(join(dir, 'positions.parquet'), POSITION_COLUMNS, rec.positions);
  await write(join(dir, 'equity.parquet'), EQUITY_COLUMNS, rec.equity);
}
