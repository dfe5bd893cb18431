/**
 * The catalog as a SQL table, `datasets`: one row per dataset the quality gate recorded (every
 * state), its identity, window, size, instrument terms and gate outcome. Decimal instrument
 * terms (tick, lot, multiplier, fee rates) are the catalog's exact strings; nanosecond times
 * are BIGINT.
 */
import type { DatasetMeta } from '@chassis/storage';
import { sqlIdentifier, sqlLiteral, type SqlColumn } from './view-sql.ts';

type Literal = string | number | bigint | boolean | null | undefined;

const CATALOG_COLUMNS: readonly (readonly [name: string, type: string, value: (d: DatasetMeta) => Literal])[] = [
  ['dataset_id', 'VARCHAR', (d) => d.id],
  ['venue', 'VARCHAR', (d) => d.venue],
  ['instrument', 'VARCHAR', (d) => d.symbol],
  ['kind', 'VARCHAR', (d) => d.kind],
  ['day', 'DATE', (d) => d.day],
  ['segment', 'INTEGER', (d) => d.segment],
  ['version', 'INTEGER', (d) => d.version],
  ['state', 'VARCHAR', (d) => d.state],
  ['start_ns', 'BIGINT', (d) => d.startNs],
  ['end_ns', 'BIGINT', (d) => d.endNs],
  ['rows', 'BIGINT', (d) => d.rows],
  ['files', 'INTEGER', (d) => d.files.length],
  ['bytes', 'BIGINT', (d) => d.files.reduce((s, f) => s + f.bytes, 0)],
  ['gaps', 'INTEGER', (d) => d.gaps.length],
  ['starts_with_snapshot', 'BOOLEAN', (d) => d.startsWithSnapshot],
  ['continues_from', 'VARCHAR', (d) => d.continuesFrom],
  ['contract_type', 'VARCHAR', (d) => d.instrument.contractType],
  ['base_currency', 'VARCHAR', (d) => d.instrument.baseCurrency],
  ['quote_currency', 'VARCHAR', (d) => d.instrument.quoteCurrency],
  ['price_decimals', 'INTEGER', (d) => d.instrument.priceDecimals],
  ['size_decimals', 'INTEGER', (d) => d.instrument.sizeDecimals],
  ['tick_size', 'VARCHAR', (d) => d.instrument.tickSize],
  ['lot_size', 'VARCHAR', (d) => d.instrument.lotSize],
  ['multiplier', 'VARCHAR', (d) => d.instrument.multiplier],
  ['maker_fee_rate', 'VARCHAR', (d) => d.instrument.makerFeeRate],
  ['taker_fee_rate', 'VARCHAR', (d) => d.instrument.takerFeeRate],
  ['content_hash', 'VARCHAR', (d) => d.contentHash],
  ['prefix', 'VARCHAR', (d) => d.prefix],
  ['created_at', 'VARCHAR', (d) => d.createdAt],
];

/** The `datasets` table's columns, in order. */
export const CATALOG_TABLE_COLUMNS: readonly SqlColumn[] = CATALOG_COLUMNS.map(([n, t]) => [n, t]);

/** Statements creating `datasets` and filling it with the catalog's entries (catalog order). */
export function catalogTableSql(datasets: readonly DatasetMeta[]): string[] {
  const create = `CREATE OR REPLACE TABLE datasets (${CATALOG_TABLE_COLUMNS.map(([n, t]) => `${sqlIdentifier(n)} ${t}`).join(', ')})`;
  if (datasets.length === 0) return [create];
  const rows = datasets.map((d) => `(${CATALOG_COLUMNS.map(([, , value]) => sqlLiteral(value(d))).join(', ')})`);
  return [create, `INSERT INTO datasets VALUES\n${rows.join(',\n')}`];
}
