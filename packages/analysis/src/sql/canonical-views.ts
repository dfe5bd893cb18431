/**
 * The canonical data kinds as SQL views (`book_delta`, `trade`, `bbo`): one SELECT per catalog
 * dataset over its Parquet files, the dataset's identity as constant columns first, then the
 * kind's documented schema (@chassis/storage `parquetColumns`). Prices and sizes stay DECIMAL:
 * when every dataset of a kind has the same decimals the view keeps the documented
 * DECIMAL(18, decimals); when they differ, every decimal column widens to DECIMAL(38, largest
 * scale) — exact for every stored value (18 digits at most, scale ≤ 18). Never a double.
 */
import { parquetColumns, type CanonicalKind, type DatasetMeta } from '@chassis/storage';
import { castColumns, createViewSql, readParquet, sqlString, type SqlColumn } from './view-sql.ts';

export const CANONICAL_KINDS: readonly CanonicalKind[] = ['book_delta', 'trade', 'bbo'];

/** The columns naming the dataset each row comes from, first in every canonical view. */
export const DATASET_IDENTITY_COLUMNS: readonly SqlColumn[] = [
  ['dataset_id', 'VARCHAR'],
  ['venue', 'VARCHAR'],
  ['instrument', 'VARCHAR'],
];

/** A catalog dataset with its files as local paths (the file itself on fs, a cached copy on S3). */
export interface LocalDataset {
  readonly meta: DatasetMeta;
  readonly paths: readonly string[];
}

const WIDE_PRECISION = 38;

/** The view's columns for the datasets of `kind` (empty: the schema at 0 decimals). */
export function canonicalViewColumns(kind: CanonicalKind, datasets: readonly DatasetMeta[]): SqlColumn[] {
  const priceScales = new Set(datasets.map((d) => d.instrument.priceDecimals));
  const sizeScales = new Set(datasets.map((d) => d.instrument.sizeDecimals));
  const widen = priceScales.size > 1 || sizeScales.size > 1;
  const schema = parquetColumns(kind, Math.max(0, ...priceScales), Math.max(0, ...sizeScales)).map(
    ([name, declared]): SqlColumn => {
      const type = declared.replace(' NOT NULL', '');
      return [name, widen ? type.replace(/^DECIMAL\(18,/, `DECIMAL(${WIDE_PRECISION},`) : type];
    },
  );
  return [...DATASET_IDENTITY_COLUMNS, ...schema];
}

/** `CREATE VIEW <kind>` over every dataset of that kind that has files. */
export function canonicalViewSql(kind: CanonicalKind, datasets: readonly LocalDataset[]): string {
  const ofKind = datasets.filter((d) => d.meta.kind === kind && d.paths.length > 0);
  const columns = canonicalViewColumns(
    kind,
    ofKind.map((d) => d.meta),
  );
  const schema = columns.slice(DATASET_IDENTITY_COLUMNS.length);
  const selects = ofKind.map(
    ({ meta, paths }) =>
      `SELECT ${sqlString(meta.id)} AS dataset_id, ${sqlString(meta.venue)} AS venue, ${sqlString(meta.symbol)} AS instrument, ${castColumns(schema)} FROM ${readParquet(paths)}`,
  );
  return createViewSql(kind, selects, columns);
}
