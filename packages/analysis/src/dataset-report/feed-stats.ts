/**
 * Per time bucket aggregates of a report's datasets, computed by DuckDB straight from the
 * canonical Parquet files (streamed; nothing per row reaches JavaScript):
 * - messages and rows per kind (a book_delta message is one batch_id; a trade or BBO row is
 *   one message);
 * - feed latency = ts_local_ns − ts_event_ns of each message (capture or local receive time
 *   minus venue event time; negative when the capturing clock is behind the venue's), as
 *   nearest-rank percentiles (quantile_disc) per bucket, per kind and overall;
 * - trades: count, volume and signed volume (buyer-initiated minus seller-initiated; trades
 *   with an unknown aggressor count in the volume, not in the signed volume). Sums are exact:
 *   DuckDB sums DECIMAL(18, s) into DECIMAL(38, s), read here as integer units at the
 *   dataset's scale and brought to the finest scale of the report as bigints.
 */
// Types only: the DuckDB binding loads with the first report's statistics, not with @chassis/analysis.
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import type { CanonicalKind, DatasetMeta, Storage } from '@chassis/storage';
import type { TimeGrid } from './time-grid.ts';

export const LATENCY_QUANTILES = [0.5, 0.9, 0.99] as const;

export interface LatencyStats {
  readonly messages: number;
  /** Nanoseconds, one per LATENCY_QUANTILES. */
  readonly quantilesNs: readonly number[];
  readonly minNs: number;
  readonly maxNs: number;
}

export interface TradeTotals {
  readonly count: number;
  readonly buyCount: number;
  readonly sellCount: number;
  /** Integer units at `sizeDecimals`. */
  readonly volumeUnits: bigint;
  readonly buyVolumeUnits: bigint;
  readonly sellVolumeUnits: bigint;
  readonly sizeDecimals: number;
}

export interface FeedStats {
  /** Per kind: messages and rows per bucket, and the totals. */
  readonly counts: Readonly<Record<CanonicalKind, { readonly messages: Float64Array; readonly rows: Float64Array; readonly totalMessages: number; readonly totalRows: number }>>;
  /** Per bucket over all kinds (NaN where a bucket has no message). */
  readonly latencyByBucket: { readonly quantilesNs: readonly Float64Array[]; readonly maxNs: Float64Array; readonly minNs: Float64Array };
  readonly latencyByKind: Readonly<Partial<Record<CanonicalKind, LatencyStats>>>;
  readonly latencyAll: LatencyStats | undefined;
  /** Per bucket: trade count, volume and signed volume (sizes as floats, for charts). */
  readonly trades: { readonly count: Float64Array; readonly volume: Float64Array; readonly signedVolume: Float64Array };
  readonly tradeTotals: TradeTotals;
}

let instance: Promise<DuckDBInstance> | undefined;

/** The report's own in-memory DuckDB (two threads: aggregations over a day of data). */
async function connection(): Promise<DuckDBConnection> {
  instance ??= import('@duckdb/node-api').then(({ DuckDBInstance }) => DuckDBInstance.create(':memory:', { threads: '2' }));
  return (await instance).connect();
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

async function filesOf(storage: Storage, datasets: readonly DatasetMeta[]): Promise<string> {
  const paths: string[] = [];
  for (const d of datasets) for (const f of d.files) paths.push(await storage.localPath(f.key));
  return `[${paths.map(sqlString).join(', ')}]`;
}

const KINDS: readonly CanonicalKind[] = ['book_delta', 'trade', 'bbo'];

/** One row per message: kind, event time (ns), latency (ns), rows. */
function messagesSql(kind: CanonicalKind, files: string, where: string): string {
  if (kind === 'book_delta')
    return `SELECT 'book_delta' AS kind, min(ts_event_ns) AS ts_event_ns, min(ts_local_ns) - min(ts_event_ns) AS lat, count(*) AS n
      FROM read_parquet(${files}, filename = true) WHERE ${where} GROUP BY filename, batch_id`;
  return `SELECT '${kind}' AS kind, ts_event_ns, ts_local_ns - ts_event_ns AS lat, 1 AS n FROM read_parquet(${files}) WHERE ${where}`;
}

const num = (v: DuckDBValue): number => Number(v as bigint | number);

function latencyOf(row: readonly DuckDBValue[], at: number): LatencyStats {
  const q = (row[at] as { items: DuckDBValue[] }).items.map(num);
  return { messages: num(row[at - 1]!), quantilesNs: q, minNs: num(row[at + 1]!), maxNs: num(row[at + 2]!) };
}

async function countsAndLatency(con: DuckDBConnection, storage: Storage, datasets: readonly DatasetMeta[], grid: TimeGrid, where: string, bucket: string) {
  const n = grid.buckets;
  const counts = Object.fromEntries(KINDS.map((k) => [k, { messages: new Float64Array(n), rows: new Float64Array(n), totalMessages: 0, totalRows: 0 }])) as {
    -readonly [K in CanonicalKind]: { messages: Float64Array; rows: Float64Array; totalMessages: number; totalRows: number };
  };
  const latencyByBucket = { quantilesNs: LATENCY_QUANTILES.map(() => new Float64Array(n).fill(NaN)), maxNs: new Float64Array(n).fill(NaN), minNs: new Float64Array(n).fill(NaN) };
  const latencyByKind: Partial<Record<CanonicalKind, LatencyStats>> = {};
  let latencyAll: LatencyStats | undefined;
  const parts: string[] = [];
  for (const kind of KINDS) {
    const of = datasets.filter((d) => d.kind === kind);
    if (of.length) parts.push(messagesSql(kind, await filesOf(storage, of), where));
  }
  if (parts.length === 0) return { counts, latencyByBucket, latencyByKind, latencyAll };
  const quantiles = `[${LATENCY_QUANTILES.join(', ')}]`;
  const rows = (
    await con.runAndReadAll(`SELECT kind, k, GROUPING(kind) AS gkind, GROUPING(k) AS gk, sum(n) AS rows, count(*) AS messages, quantile_disc(lat, ${quantiles}) AS q, min(lat), max(lat)
      FROM (SELECT kind, ${bucket} AS k, lat, n FROM (${parts.join('\nUNION ALL\n')})) GROUP BY GROUPING SETS ((kind, k), (k), (kind), ())`)
  ).getRows();
  for (const r of rows) {
    const kind = r[0] as CanonicalKind | null;
    const k = r[1] === null ? -1 : num(r[1]!);
    const allKinds = num(r[2]!) === 1;
    const allBuckets = num(r[3]!) === 1;
    if (!allKinds && !allBuckets && k >= 0 && k < n) {
      counts[kind!].messages[k] = num(r[5]!);
      counts[kind!].rows[k] = num(r[4]!);
    } else if (allKinds && !allBuckets && k >= 0 && k < n) {
      const l = latencyOf(r, 6);
      l.quantilesNs.forEach((q, i) => (latencyByBucket.quantilesNs[i]![k] = q));
      latencyByBucket.minNs[k] = l.minNs;
      latencyByBucket.maxNs[k] = l.maxNs;
    } else if (!allKinds && allBuckets) {
      counts[kind!].totalMessages = num(r[5]!);
      counts[kind!].totalRows = num(r[4]!);
      latencyByKind[kind!] = latencyOf(r, 6);
    } else if (allKinds && allBuckets) latencyAll = latencyOf(r, 6);
  }
  return { counts, latencyByBucket, latencyByKind, latencyAll };
}

/** An exact DECIMAL sum as integer units at `scale` (null sum = 0). */
function unitsAt(v: DuckDBValue, scale: number): bigint {
  if (v === null) return 0n;
  const d = v as { value: bigint; scale: number };
  return d.value * 10n ** BigInt(scale - d.scale);
}

async function tradeStats(con: DuckDBConnection, storage: Storage, datasets: readonly DatasetMeta[], grid: TimeGrid, where: string, bucket: string) {
  const n = grid.buckets;
  const trades = { count: new Float64Array(n), volume: new Float64Array(n), signedVolume: new Float64Array(n) };
  const of = datasets.filter((d) => d.kind === 'trade');
  const sizeDecimals = Math.max(0, ...of.map((d) => d.instrument.sizeDecimals));
  const totals = { count: 0, buyCount: 0, sellCount: 0, volumeUnits: 0n, buyVolumeUnits: 0n, sellVolumeUnits: 0n, sizeDecimals };
  // One query per dataset: datasets may differ in DECIMAL scale.
  for (const d of of) {
    const rows = (
      await con.runAndReadAll(`SELECT ${bucket} AS k, count(*), count(*) FILTER (aggressor = 'buy'), count(*) FILTER (aggressor = 'sell'),
        sum(size), sum(size) FILTER (aggressor = 'buy'), sum(size) FILTER (aggressor = 'sell')
        FROM read_parquet(${await filesOf(storage, [d])}) WHERE ${where} GROUP BY ROLLUP (k)`)
    ).getRows();
    for (const r of rows) {
      const [volume, buy, sell] = [r[4]!, r[5]!, r[6]!].map((v) => unitsAt(v, sizeDecimals));
      if (r[0] === null) {
        totals.count += num(r[1]!);
        totals.buyCount += num(r[2]!);
        totals.sellCount += num(r[3]!);
        totals.volumeUnits += volume!;
        totals.buyVolumeUnits += buy!;
        totals.sellVolumeUnits += sell!;
        continue;
      }
      const k = num(r[0]!);
      if (k < 0 || k >= n) continue;
      const scale = 10 ** sizeDecimals;
      trades.count[k]! += num(r[1]!);
      trades.volume[k]! += Number(volume) / scale;
      trades.signedVolume[k]! += Number(buy! - sell!) / scale;
    }
  }
  return { trades, tradeTotals: totals };
}

export async function computeFeedStats(storage: Storage, datasets: readonly DatasetMeta[], grid: TimeGrid, window: { readonly fromNs: bigint; readonly toNs: bigint }): Promise<FeedStats> {
  const where = `ts_event_ns BETWEEN ${window.fromNs} AND ${window.toNs}`;
  const bucket = `CAST((ts_event_ns - ${grid.startNs}) // ${grid.bucketNs} AS BIGINT)`;
  const con = await connection();
  try {
    return { ...(await countsAndLatency(con, storage, datasets, grid, where, bucket)), ...(await tradeStats(con, storage, datasets, grid, where, bucket)) };
  } finally {
    con.closeSync();
  }
}
