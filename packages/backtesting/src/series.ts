/**
 * The run's time series as Parquet: orders (one row per order), fills, positions (after each
 * fill) and equity (once per second of local time and after each fill). Prices and sizes are
 * given both exactly (integer units) and as floats for analysis; sizes of contract instruments
 * are contracts. Fees and PnL are in the instrument's settlement asset (`fee_currency`,
 * `currency`: BTC for COIN-M, the quote otherwise); equity in the first instrument's.
 */
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
  ['fee_currency', 'VARCHAR', (r) => r.feeCurrency],
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
  ['currency', 'VARCHAR', (r) => r.currency],
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

/** A series' Parquet file and its columns as (name, SQL type): the documented schema SQL views read. */
export interface SeriesSchema {
  readonly file: string;
  readonly columns: readonly (readonly [name: string, type: string])[];
}

const schemaOf = (file: string, columns: readonly Column<never>[]): SeriesSchema => ({ file, columns: columns.map(([n, t]) => [n, t] as const) });

/** The run directory's series files and their columns, in file column order. */
export const RUN_SERIES_SCHEMAS = {
  orders: schemaOf('orders.parquet', ORDER_COLUMNS),
  fills: schemaOf('fills.parquet', FILL_COLUMNS),
  positions: schemaOf('positions.parquet', POSITION_COLUMNS),
  equity: schemaOf('equity.parquet', EQUITY_COLUMNS),
} as const satisfies Record<string, SeriesSchema>;

export async function writeSeries(dir: string, rec: RunRecorder, write: typeof writeParquet): Promise<void> {
  await write(join(dir, RUN_SERIES_SCHEMAS.orders.file), ORDER_COLUMNS, rec.orders.values());
  await write(join(dir, RUN_SERIES_SCHEMAS.fills.file), FILL_COLUMNS, rec.fills);
  await write(join(dir, RUN_SERIES_SCHEMAS.positions.file), POSITION_COLUMNS, rec.positions);
  await write(join(dir, RUN_SERIES_SCHEMAS.equity.file), EQUITY_COLUMNS, rec.equity);
}
