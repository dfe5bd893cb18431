/**
 * The catalog as SQL tables: `datasets`, one row per dataset the quality gate recorded (every
 * state) with its identity, window, size, instrument terms and state; and the gate's record of
 * each, one row per item: `dataset_transitions` (every state change and its reason, in order),
 * `dataset_checks` (every check, its status, count and first location) and `dataset_gaps`
 * (where the source had a gap). Decimal instrument terms (tick, lot, multiplier, fee rates) are
 * the catalog's exact strings; nanosecond times are BIGINT.
 */
import type { CheckResult, DatasetMeta, GapRecord, StateTransition } from '@chassis/storage';
import { createTableSql, type SqlColumn, type TableColumn } from './view-sql.ts';

const CATALOG_COLUMNS: readonly TableColumn<DatasetMeta>[] = [
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

type Of<T> = { readonly datasetId: string; readonly index: number; readonly item: T };

const TRANSITION_COLUMNS: readonly TableColumn<Of<StateTransition>>[] = [
  ['dataset_id', 'VARCHAR', (r) => r.datasetId],
  ['step', 'INTEGER', (r) => r.index],
  ['from_state', 'VARCHAR', (r) => r.item.from],
  ['to_state', 'VARCHAR', (r) => r.item.to],
  ['at', 'VARCHAR', (r) => r.item.at],
  ['reason', 'VARCHAR', (r) => r.item.reason],
];

const CHECK_COLUMNS: readonly TableColumn<Of<CheckResult>>[] = [
  ['dataset_id', 'VARCHAR', (r) => r.datasetId],
  ['name', 'VARCHAR', (r) => r.item.name],
  ['status', 'VARCHAR', (r) => r.item.status],
  ['count', 'BIGINT', (r) => r.item.count],
  ['detail', 'VARCHAR', (r) => r.item.detail],
  ['location', 'VARCHAR', (r) => r.item.location],
];

const GAP_COLUMNS: readonly TableColumn<Of<GapRecord>>[] = [
  ['dataset_id', 'VARCHAR', (r) => r.datasetId],
  ['at_ns', 'BIGINT', (r) => r.item.atNs],
  ['location', 'VARCHAR', (r) => r.item.location],
  ['message', 'VARCHAR', (r) => r.item.message],
];

const columnsOf = <R>(columns: readonly TableColumn<R>[]): SqlColumn[] => columns.map(([n, t]) => [n, t]);

/** Each catalog table's columns, in order. */
export const CATALOG_TABLES: Readonly<
  Record<'datasets' | 'dataset_transitions' | 'dataset_checks' | 'dataset_gaps', readonly SqlColumn[]>
> = {
  datasets: columnsOf(CATALOG_COLUMNS),
  dataset_transitions: columnsOf(TRANSITION_COLUMNS),
  dataset_checks: columnsOf(CHECK_COLUMNS),
  dataset_gaps: columnsOf(GAP_COLUMNS),
};

/** The `datasets` table's columns, in order. */
export const CATALOG_TABLE_COLUMNS: readonly SqlColumn[] = CATALOG_TABLES.datasets;

function itemsOf<T>(datasets: readonly DatasetMeta[], items: (d: DatasetMeta) => readonly T[]): Of<T>[] {
  return datasets.flatMap((d) => items(d).map((item, index) => ({ datasetId: d.id, index, item })));
}

/** Statements creating the catalog tables and filling them from the catalog's entries (catalog order). */
export function catalogTableSql(datasets: readonly DatasetMeta[]): string[] {
  return [
    ...createTableSql('datasets', CATALOG_COLUMNS, datasets),
    ...createTableSql(
      'dataset_transitions',
      TRANSITION_COLUMNS,
      itemsOf(datasets, (d) => d.transitions),
    ),
    ...createTableSql(
      'dataset_checks',
      CHECK_COLUMNS,
      itemsOf(datasets, (d) => d.checks),
    ),
    ...createTableSql(
      'dataset_gaps',
      GAP_COLUMNS,
      itemsOf(datasets, (d) => d.gaps),
    ),
  ];
}
