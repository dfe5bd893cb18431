import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDBInstance, type Json } from '@duckdb/node-api';
import type { AddressInfo } from 'node:net';
// @ts-expect-error s3rver ships no type declarations; its use is typed at the call below
import S3rver from 's3rver';
import {
  contentHash,
  canonicalPrefix,
  openCatalog,
  openStorage,
  parquetColumns,
  S3Storage,
  writeDataset,
  type DatasetMeta,
  type InstrumentMeta,
  type Storage,
  type TradeBatch,
} from '@chassis/storage';
import { RUN_SERIES_SCHEMAS } from '@chassis/backtesting';
import { openSqlSession, type SqlSession } from './sql-session.ts';
import { CATALOG_TABLE_COLUMNS } from './catalog-table.ts';
import { EXPERIMENTS_VIEW_COLUMNS } from './experiments-view.ts';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function freshRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'chassis-sql-'));
  roots.push(root);
  return root;
}

async function rowsOf(session: SqlSession, sql: string): Promise<Json[][]> {
  const out: Json[][] = [];
  for await (const result of session.statements(sql))
    for await (const chunk of result.rows()) out.push(...chunk.map((r) => [...r]));
  return out;
}

async function describeView(session: SqlSession, view: string): Promise<[string, string][]> {
  return (await rowsOf(session, `DESCRIBE ${view}`)).map((r) => [String(r[0]), String(r[1])]);
}

const stripNotNull = (cols: readonly (readonly [string, string])[]) =>
  cols.map(([n, t]): [string, string] => [n, t.replace(' NOT NULL', '')]);
const IDENTITY: [string, string][] = [
  ['dataset_id', 'VARCHAR'],
  ['venue', 'VARCHAR'],
  ['instrument', 'VARCHAR'],
];

function instrument(symbol: string, priceDecimals: number, sizeDecimals: number): InstrumentMeta {
  return {
    venue: 'test-venue',
    symbol,
    contractType: 'linear',
    baseCurrency: 'X',
    quoteCurrency: 'USDT',
    priceDecimals,
    sizeDecimals,
    tickSize: '1',
    lotSize: '1',
    multiplier: '1',
  };
}

/** Writes a trade dataset whose prices/sizes are the given integer units at the instrument's decimals. */
async function writeTrades(
  root: string | Storage,
  inst: InstrumentMeta,
  priceUnits: readonly number[],
  sizeUnits: readonly number[],
  gate: Pick<DatasetMeta, 'gaps' | 'checks' | 'transitions'> = { gaps: [], checks: [], transitions: [] },
): Promise<string> {
  const n = priceUnits.length;
  const ts = BigInt64Array.from({ length: n }, (_, i) => 1_723_075_200_000_000_000n + BigInt(i) * 1_000_000n);
  const batch: TradeBatch = {
    kind: 'trade',
    length: n,
    tsEventNs: ts,
    tsLocalNs: ts,
    tradeId: Array.from({ length: n }, (_, i) => `t${i}`),
    price: Float64Array.from(priceUnits),
    size: Float64Array.from(sizeUnits),
    aggressor: new Uint8Array(n),
  };
  const hash = contentHash(batch, inst);
  const base = {
    id: `ds_${hash.slice(0, 24)}`,
    venue: inst.venue,
    symbol: inst.symbol,
    kind: 'trade' as const,
    day: '2024-08-08',
  };
  const storage = typeof root === 'string' ? openStorage(root) : root;
  const { meta } = await writeDataset(storage, batch, {
    ...base,
    contentHash: hash,
    startNs: ts[0]!,
    endNs: ts[n - 1]!,
    rows: n,
    version: 1,
    segment: 0,
    state: 'Promoted',
    prefix: canonicalPrefix(base),
    instrument: inst,
    ...gate,
    provenance: { rawKeys: [], sourceFiles: [], sourceSha256: [], tsLocalFromEvent: false },
    createdAt: '2024-08-08T00:00:00Z',
  });
  await openCatalog(storage).add(meta);
  return meta.id;
}

const SHA = 'a'.repeat(64);

/** A finished run directory whose series files hold one all-NULL row of the documented columns, minus `drop` (file:column). */
async function writeRunDir(root: string, runId: string, drop: readonly string[] = []): Promise<void> {
  const dir = join(root, 'experiments', runId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      format: 'chassis-run-manifest-v1',
      runId,
      status: 'completed',
      diagnostic: null,
      codeVersion: 'test',
      startedAt: 't0',
      endedAt: 't1',
      datasets: [],
      events: { total: 0, market: 0, controlTime: 0, lastSeq: 0 },
      journal: {
        file: 'journal.bin',
        events: 0,
        blocks: 0,
        bytes: 0,
        sha256: SHA,
        checkpointInterval: 1,
        checkpoints: 0,
      },
      finalStateHash: 'x',
      outputs: {},
      outputHash: SHA,
    }),
  );
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    for (const { file, columns } of Object.values(RUN_SERIES_SCHEMAS)) {
      const kept = columns.filter(([name]) => !drop.includes(`${file}:${name}`));
      const select = kept.map(([name, type]) => `CAST(NULL AS ${type}) AS "${name}"`).join(', ');
      await con.run(`COPY (SELECT ${select}) TO '${join(dir, file)}' (FORMAT parquet)`);
    }
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/** A DuckDB decimal string as integer units at `scale` (exact: no float on the way). */
function decimalUnits(text: string, scale: number): bigint {
  const [int, frac = ''] = text.split('.');
  expect(frac.length).toBeLessThanOrEqual(scale);
  return BigInt(`${int}${frac.padEnd(scale, '0')}`);
}

describe('SQL session over a data root', () => {
  it('has every view on an empty data root, with no rows and the documented columns', async () => {
    const session = await openSqlSession(freshRoot());
    try {
      for (const kind of ['book_delta', 'trade', 'bbo'] as const) {
        expect(await describeView(session, kind)).toEqual([...IDENTITY, ...stripNotNull(parquetColumns(kind, 0, 0))]);
        expect(await rowsOf(session, `SELECT count(*) FROM ${kind}`)).toEqual([['0']]);
      }
      for (const [view, schema] of Object.entries(RUN_SERIES_SCHEMAS)) {
        expect(await describeView(session, view)).toEqual([['run_id', 'VARCHAR'], ...schema.columns]);
        expect(await rowsOf(session, `SELECT count(*) FROM ${view}`)).toEqual([['0']]);
      }
      expect(await describeView(session, 'datasets')).toEqual(CATALOG_TABLE_COLUMNS);
      expect(await describeView(session, 'experiments')).toEqual(EXPERIMENTS_VIEW_COLUMNS);
      expect(await session.tables()).toEqual([
        'bbo',
        'book_delta',
        'dataset_checks',
        'dataset_gaps',
        'dataset_transitions',
        'datasets',
        'equity',
        'experiments',
        'fills',
        'orders',
        'positions',
        'trade',
      ]);
    } finally {
      session.close();
    }
  });

  it('keeps the documented DECIMAL(18, decimals) when all datasets of a kind share their decimals', async () => {
    const root = freshRoot();
    await writeTrades(root, instrument('AAA', 1, 3), [600_001, 600_002], [1, 2_500]);
    const session = await openSqlSession(root);
    try {
      expect(await describeView(session, 'trade')).toEqual([
        ...IDENTITY,
        ...stripNotNull(parquetColumns('trade', 1, 3)),
      ]);
      expect(await rowsOf(session, 'SELECT price, size FROM trade ORDER BY ts_event_ns')).toEqual([
        ['60000.1', '0.001'],
        ['60000.2', '2.500'],
      ]);
    } finally {
      session.close();
    }
  });

  it('sums sizes of datasets with different decimals exactly: the SQL sum equals the bigint sum of their units', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            sizeDecimals: fc.integer({ min: 0, max: 8 }),
            sizeUnits: fc.array(fc.integer({ min: 1, max: 2 ** 50 }), { minLength: 1, maxLength: 20 }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        async (sets) => {
          const root = freshRoot();
          for (const [i, s] of sets.entries())
            await writeTrades(
              root,
              instrument(`S${i}`, 2, s.sizeDecimals),
              s.sizeUnits.map(() => 100),
              s.sizeUnits,
            );
          const scale = Math.max(...sets.map((s) => s.sizeDecimals));
          // Independent oracle: integer units rescaled to the largest scale, summed as bigints.
          const expected = sets.reduce(
            (sum, s) => sum + s.sizeUnits.reduce((a, u) => a + BigInt(u) * 10n ** BigInt(scale - s.sizeDecimals), 0n),
            0n,
          );
          const session = await openSqlSession(root);
          try {
            const [[sum, type]] = (await rowsOf(
              session,
              'SELECT sum(size)::VARCHAR, typeof(sum(size)) FROM trade',
            )) as [[string, string]];
            expect(type).toMatch(/^DECIMAL\(38,/);
            expect(decimalUnits(sum, scale)).toBe(expected);
          } finally {
            session.close();
          }
          rmSync(root, { recursive: true, force: true });
        },
      ),
      { numRuns: 12 },
    );
  });

  it('names each row’s dataset: per-dataset counts equal the catalog’s row counts', async () => {
    const root = freshRoot();
    const a = await writeTrades(root, instrument('AAA', 1, 3), [1, 2, 3], [1, 1, 1]);
    const b = await writeTrades(root, instrument('BBB', 2, 0), [5, 6], [7, 8]);
    const session = await openSqlSession(root);
    try {
      expect(
        await rowsOf(
          session,
          'SELECT dataset_id, instrument, count(*)::INT FROM trade GROUP BY ALL ORDER BY instrument',
        ),
      ).toEqual([
        [a, 'AAA', 3],
        [b, 'BBB', 2],
      ]);
      expect(
        await rowsOf(
          session,
          'SELECT dataset_id, rows::INT, price_decimals, size_decimals, day::VARCHAR FROM datasets ORDER BY instrument',
        ),
      ).toEqual([
        [a, 3, 1, 3, '2024-08-08'],
        [b, 2, 2, 0, '2024-08-08'],
      ]);
    } finally {
      session.close();
    }
  });

  it('turns a bad statement into E_SQL carrying DuckDB’s message', async () => {
    const session = await openSqlSession(freshRoot());
    try {
      await expect(rowsOf(session, 'SELEC 1')).rejects.toMatchObject({
        code: 'E_SQL',
        message: expect.stringMatching(/^Parser Error: syntax error at or near "SELEC"/),
      });
      await expect(rowsOf(session, 'SELECT * FROM tardes')).rejects.toMatchObject({
        code: 'E_SQL',
        message: expect.stringMatching(/^Catalog Error: Table with name tardes does not exist/),
      });
    } finally {
      session.close();
    }
  });

  it('reads an S3 data root through the storage cache: the same rows and exact sums as on disk', async () => {
    const server = new (
      S3rver as unknown as new (o: object) => { run(): Promise<AddressInfo>; close(): Promise<void> }
    )({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: freshRoot(),
      configureBuckets: [{ name: 'chassis' }],
    });
    const { port } = await server.run();
    const s3 = new S3Storage({
      url: 's3://chassis/team-a',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      cacheDir: freshRoot(),
    });
    try {
      const id = await writeTrades(s3, instrument('AAA', 1, 3), [600_001, 600_002, 600_003], [1, 2_500, 7]);
      const session = await openSqlSession('s3://chassis/team-a', s3);
      try {
        expect(
          await rowsOf(session, 'SELECT dataset_id, count(*)::INT, sum(size)::VARCHAR FROM trade GROUP BY ALL'),
        ).toEqual([[id, 3, '2.508']]);
        expect(await rowsOf(session, 'SELECT count(*)::INT FROM fills')).toEqual([[0]]);
      } finally {
        session.close();
      }
    } finally {
      s3.close();
      await server.close();
    }
  });

  it('leaves a dataset whose file is missing out of its view, names it, and still answers for the others', async () => {
    const root = freshRoot();
    const kept = await writeTrades(root, instrument('AAA', 1, 3), [1, 2], [1, 1]);
    const lost = await writeTrades(root, instrument('BBB', 1, 3), [3], [1]);
    const meta = (await openCatalog(openStorage(root)).get(lost))!;
    rmSync(join(root, meta.files[0]!.key));
    const session = await openSqlSession(root);
    try {
      expect(session.skipped).toEqual([
        expect.stringContaining(`dataset ${lost} (trade): no object ${meta.files[0]!.key}`),
      ]);
      expect(await rowsOf(session, 'SELECT dataset_id, count(*)::INT FROM trade GROUP BY ALL')).toEqual([[kept, 2]]);
      expect(await rowsOf(session, 'SELECT count(*)::INT FROM datasets')).toEqual([[2]]);
    } finally {
      session.close();
    }
  });

  it('names a run directory whose manifest cannot be read, and ignores failed runs and staging directories', async () => {
    const root = freshRoot();
    const experiments = join(root, 'experiments');
    for (const d of ['broken', 'failed-run', '.staging-x']) mkdirSync(join(experiments, d), { recursive: true });
    writeFileSync(join(experiments, 'broken', 'manifest.json'), '{"format": "chassis-run-manifest-v1"');
    writeFileSync(
      join(experiments, 'failed-run', 'manifest.json'),
      JSON.stringify({
        format: 'chassis-run-manifest-v1',
        runId: 'failed-run',
        status: 'failed',
        error: { code: 'E_X', message: 'x' },
        codeVersion: 'v',
        endedAt: '2024-08-08T00:00:00Z',
      }),
    );
    writeFileSync(join(experiments, '.staging-x', 'manifest.json'), '{}');
    const session = await openSqlSession(root);
    try {
      expect(session.skipped).toEqual([
        expect.stringMatching(/broken: E_RUN_MANIFEST: .*manifest\.json is not readable JSON/),
      ]);
      expect(await rowsOf(session, 'SELECT count(*)::INT FROM fills')).toEqual([[0]]);
    } finally {
      session.close();
    }
  });

  it('refuses a local data root that does not exist, so a mistyped path is not an empty answer', async () => {
    const missing = join(freshRoot(), 'no-such-root');
    await expect(openSqlSession(missing)).rejects.toMatchObject({
      code: 'E_DATA_ROOT_NOT_FOUND',
      message: expect.stringContaining(missing),
    });
  });

  it('lists the gate’s record of each dataset — transitions in order, checks, gaps — as the catalog holds it', async () => {
    const root = freshRoot();
    const gate: Pick<DatasetMeta, 'gaps' | 'checks' | 'transitions'> = {
      transitions: [
        { from: null, to: 'Discovered', at: '2024-08-08T00:00:00Z', reason: 'manifest found' },
        {
          from: 'Discovered',
          to: 'Quarantined',
          at: '2024-08-08T00:00:01Z',
          reason: "sequence gap at line 4812, it's real",
        },
      ],
      checks: [
        { name: 'sequence', status: 'fail', count: 2, detail: 'update id jumped', location: 'raw/x.gz:4812' },
        { name: 'crossed-book', status: 'pass', count: 0, detail: '' },
      ],
      gaps: [{ atNs: 1_723_075_200_123_456_789n, location: 'raw/x.gz:4812', message: 'u 10 → 15' }],
    };
    const id = await writeTrades(root, instrument('AAA', 1, 3), [1], [1], gate);
    const session = await openSqlSession(root);
    try {
      expect(await rowsOf(session, 'SELECT * FROM dataset_transitions ORDER BY step')).toEqual([
        [id, 0, null, 'Discovered', '2024-08-08T00:00:00Z', 'manifest found'],
        [id, 1, 'Discovered', 'Quarantined', '2024-08-08T00:00:01Z', "sequence gap at line 4812, it's real"],
      ]);
      expect(await rowsOf(session, 'SELECT * FROM dataset_checks ORDER BY name')).toEqual([
        [id, 'crossed-book', 'pass', '0', '', null],
        [id, 'sequence', 'fail', '2', 'update id jumped', 'raw/x.gz:4812'],
      ]);
      expect(await rowsOf(session, 'SELECT * FROM dataset_gaps')).toEqual([
        [id, '1723075200123456789', 'raw/x.gz:4812', 'u 10 → 15'],
      ]);
      expect(await rowsOf(session, 'SELECT gaps FROM datasets')).toEqual([[1]]);
    } finally {
      session.close();
    }
  });

  it('leaves out a run whose series lack a documented column, naming the column, and keeps the others queryable', async () => {
    const root = freshRoot();
    await writeRunDir(root, 'run-ok');
    await writeRunDir(root, 'run-old', ['fills.parquet:fee_currency']);
    const session = await openSqlSession(root);
    try {
      expect(session.skipped).toEqual([
        expect.stringMatching(/run-old: series written without column\(s\) fills\.parquet:fee_currency$/),
      ]);
      expect(await rowsOf(session, 'SELECT run_id, count(*)::INT FROM fills GROUP BY ALL')).toEqual([['run-ok', 1]]);
      expect(await rowsOf(session, 'SELECT run_id FROM equity')).toEqual([['run-ok']]);
    } finally {
      session.close();
    }
  });
});
