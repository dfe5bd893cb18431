// `chassis sql` end to end on the bundled real Binance USD-M capture (its first 30 000 lines):
// imported through the quality gate, one backtest and a two-run sweep of the example market
// maker, then queried through the CLI as a child process — counts against the catalog, sums
// against the raw capture text, columns against the schema modules, runs against the backtest.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { openCatalog, openStorage, parquetColumns, type DatasetMeta } from '@chassis/storage';
import { importCapture } from '@chassis/quality';
import { RUN_SERIES_SCHEMAS } from '@chassis/backtesting';
import { CATALOG_TABLE_COLUMNS, EXPERIMENTS_VIEW_COLUMNS } from '@chassis/analysis';

const chassis = fileURLToPath(new URL('../../bin/chassis.js', import.meta.url));
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const capture = join(repo, 'examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz');
const LINES = 30_000;

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

function run(args: string[], stdin?: string): Promise<Ran> {
  const child = spawn(process.execPath, [chassis, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.end(stdin ?? '');
  return new Promise((res) => child.once('exit', (code) => res({ code, out, err })));
}

type Row = Record<string, string | number | boolean | null>;

async function sql(root: string, query: string): Promise<Row[]> {
  const r = await run(['sql', query, '--data', root, '--format', 'json']);
  expect(r.code, r.err).toBe(0);
  return r.out
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Row);
}

const stripNotNull = (cols: readonly (readonly [string, string])[]) =>
  cols.map(([n, t]): [string, string] => [n, t.replace(' NOT NULL', '')]);

/** Sum of the `q` fields of the capture's trade messages, in units of 10^-scale: read from the text, never a float. */
function rawTradeSizeUnits(lines: readonly string[], scale: number): bigint {
  let sum = 0n;
  for (const line of lines) {
    if (!line.includes('"e":"trade"')) continue;
    const q = /"q":"([0-9.]+)"/.exec(line)![1]!;
    const [int, frac = ''] = q.split('.');
    sum += BigInt(`${int}${frac.padEnd(scale, '0')}`);
  }
  return sum;
}

// Each query is a child process (~2-9 s on a loaded 2-core machine); some tests run three.
describe('chassis sql on real data', { timeout: 180_000 }, () => {
  let work: string;
  let root: string;
  let lines: string[];
  let catalog: DatasetMeta[];
  let backtest: { runId: string; fills: number; orders: number };
  let experimentId: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'chassis-sql-cli-'));
    root = join(work, 'data');
    lines = gunzipSync(readFileSync(capture)).toString('utf8').split('\n').slice(0, LINES);
    writeFileSync(join(work, 'capture.txt'), lines.join('\n'));
    await importCapture(openStorage(root), join(work, 'capture.txt'), { venue: 'binance-usdm' });
    catalog = await openCatalog(openStorage(root)).list();
    const mm = join(repo, 'examples/strategies/market-maker.ts');
    const bt = await run([
      'backtest',
      '--data',
      root,
      '--venue',
      'binance-usdm',
      '--instrument',
      'BTCUSDT',
      '--strategy',
      mm,
      '--param',
      'spreadTicks=1',
      '--seed',
      '1',
      '--json',
    ]);
    expect(bt.code, bt.err).toBe(0);
    backtest = JSON.parse(bt.out) as typeof backtest;
    writeFileSync(
      join(work, 'run.yaml'),
      `data: { venue: binance-usdm, instrument: BTCUSDT }\nstrategy:\n  module: ${mm}\n  params: { spreadTicks: 2, qty: 1 }\nseed: 1\n`,
    );
    writeFileSync(join(work, 'sweep.yaml'), 'base: run.yaml\ngrid: { strategy.params.qty: [1, 2] }\n');
    const sw = await run(['sweep', join(work, 'sweep.yaml'), '--data', root, '--workers', '1', '--json']);
    expect(sw.code, sw.err).toBe(0);
    experimentId = (JSON.parse(sw.out) as { experimentId: string }).experimentId;
  }, 240_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('counts the rows of every dataset as the catalog records them, and lists the catalog’s entries and gate records', async () => {
    expect(catalog.length).toBeGreaterThanOrEqual(3);
    const counted = await sql(
      root,
      `SELECT dataset_id, count(*) AS n FROM book_delta GROUP BY ALL UNION ALL SELECT dataset_id, count(*) FROM trade GROUP BY ALL UNION ALL SELECT dataset_id, count(*) FROM bbo GROUP BY ALL`,
    );
    const byId = Object.fromEntries(counted.map((r) => [String(r.dataset_id), Number(r.n)]));
    expect(byId).toEqual(Object.fromEntries(catalog.filter((d) => d.files.length > 0).map((d) => [d.id, d.rows])));
    const listed = await sql(
      root,
      'SELECT dataset_id, venue, instrument, kind, day::VARCHAR AS day, segment, version, state, start_ns, end_ns, rows, files, bytes, gaps, price_decimals, size_decimals, tick_size, lot_size, content_hash, prefix, (SELECT count(*) FROM dataset_transitions t WHERE t.dataset_id = d.dataset_id) AS transitions, (SELECT count(*) FROM dataset_checks c WHERE c.dataset_id = d.dataset_id) AS checks FROM datasets d',
    );
    expect(listed).toEqual(
      catalog.map((d) => ({
        dataset_id: d.id,
        venue: d.venue,
        instrument: d.symbol,
        kind: d.kind,
        day: d.day,
        segment: d.segment,
        version: d.version,
        state: d.state,
        start_ns: String(d.startNs),
        end_ns: String(d.endNs),
        rows: String(d.rows),
        files: d.files.length,
        bytes: String(d.files.reduce((sum, f) => sum + f.bytes, 0)),
        gaps: d.gaps.length,
        price_decimals: d.instrument.priceDecimals,
        size_decimals: d.instrument.sizeDecimals,
        tick_size: d.instrument.tickSize,
        lot_size: d.instrument.lotSize,
        content_hash: d.contentHash,
        prefix: d.prefix,
        transitions: String(d.transitions.length),
        checks: String(d.checks.length),
      })),
    );
  });

  it('sums trade sizes exactly: the DECIMAL sum equals the bigint sum of the sizes in the raw capture text', async () => {
    const scale = catalog.find((d) => d.kind === 'trade')!.instrument.sizeDecimals;
    const [row] = await sql(root, 'SELECT sum(size) AS total, typeof(sum(size)) AS type, count(*) AS n FROM trade');
    expect(row!.type).toBe(`DECIMAL(38,${scale})`);
    const [int, frac] = String(row!.total).split('.');
    expect(frac).toHaveLength(scale);
    expect(BigInt(`${int}${frac}`)).toBe(rawTradeSizeUnits(lines, scale));
    expect(Number(row!.n)).toBe(lines.filter((l) => l.includes('"e":"trade"')).length);
  });

  it('gives each view the documented columns after the identifying ones', async () => {
    const described = await sql(
      root,
      'SELECT table_name, column_name, data_type FROM information_schema.columns ORDER BY table_name, ordinal_position',
    );
    const columnsOf = (view: string) =>
      described.filter((r) => r.table_name === view).map((r) => [String(r.column_name), String(r.data_type)]);
    for (const kind of ['book_delta', 'trade', 'bbo'] as const) {
      const { priceDecimals, sizeDecimals } = catalog.find((d) => d.kind === kind)!.instrument;
      expect(columnsOf(kind)).toEqual([
        ['dataset_id', 'VARCHAR'],
        ['venue', 'VARCHAR'],
        ['instrument', 'VARCHAR'],
        ...stripNotNull(parquetColumns(kind, priceDecimals, sizeDecimals)),
      ]);
    }
    for (const [view, schema] of Object.entries(RUN_SERIES_SCHEMAS))
      expect(columnsOf(view)).toEqual([['run_id', 'VARCHAR'], ...schema.columns]);
    expect(columnsOf('datasets')).toEqual(CATALOG_TABLE_COLUMNS);
    // experiments: the index file's own columns (read here without the view), the fixed ones as VARCHAR.
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const index = (
      await con.runAndReadAll(
        `DESCRIBE SELECT * FROM read_parquet('${join(root, 'experiments', experimentId, 'index.parquet')}')`,
      )
    ).getRowObjectsJson();
    con.closeSync();
    db.closeSync();
    const fixed = new Map(EXPERIMENTS_VIEW_COLUMNS);
    const fileColumns = index.map((r) => [
      String(r.column_name),
      fixed.get(String(r.column_name)) ?? String(r.column_type),
    ]);
    expect(new Set(columnsOf('experiments'))).toEqual(new Set([['experiment_id', 'VARCHAR'], ...fileColumns]));
    expect(columnsOf('experiments').slice(0, EXPERIMENTS_VIEW_COLUMNS.length)).toEqual(EXPERIMENTS_VIEW_COLUMNS);
    expect(fileColumns).toContainEqual(['qty', 'BIGINT']);
  });

  it('shows a backtest run’s orders and fills as the run reported them, and positions that are the sum of its fills', async () => {
    const [counts] = await sql(
      root,
      `SELECT (SELECT count(*) FROM fills WHERE run_id = '${backtest.runId}') AS fills, (SELECT count(*) FROM orders WHERE run_id = '${backtest.runId}') AS orders`,
    );
    expect(backtest.fills).toBeGreaterThan(0);
    expect({ fills: Number(counts!.fills), orders: Number(counts!.orders) }).toEqual({
      fills: backtest.fills,
      orders: backtest.orders,
    });
    const check = await sql(
      root,
      `SELECT f.run_id, f.signed, p.last_qty FROM (SELECT run_id, sum(CASE side WHEN 'buy' THEN qty_units ELSE -qty_units END) AS signed FROM fills GROUP BY run_id) f
       JOIN (SELECT run_id, arg_max(qty_units, seq) AS last_qty FROM positions GROUP BY run_id) p USING (run_id) ORDER BY run_id`,
    );
    expect(check.length).toBe(3);
    for (const r of check) expect(r.signed).toBe(r.last_qty);
    const members = await sql(root, `SELECT run_id, status FROM experiments WHERE experiment_id = '${experimentId}'`);
    expect(members.map((m) => m.status)).toEqual(['completed', 'completed']);
  });

  it('answers a bad query with DuckDB’s message as E_SQL and exit code 1, no stack trace', async () => {
    const r = await run(['sql', 'SELECT * FROM tardes', '--data', root]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^E_SQL: Catalog Error: Table with name tardes does not exist!/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toBe('');
    const f = await run(['sql', 'SELECT 1', '--data', root, '--format', 'xml']);
    expect(f.code).toBe(2);
    expect(f.err).toMatch(/^E_USAGE: .*xml/);
  });

  it('stops quietly with exit 0 when the reader of its output goes away (| head)', async () => {
    const child = spawn(
      process.execPath,
      [chassis, 'sql', 'SELECT * FROM book_delta', '--data', root, '--format', 'csv'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((res) => child.once('exit', res));
    expect(err).toBe('');
    expect(code).toBe(0);
  });

  it('runs piped statements as a batch that stops at the first error', async () => {
    const r = await run(
      ['sql', '--data', root, '--format', 'csv'],
      'SELECT count(*) AS n\n  FROM trade;\nSELECT * FROM nope;\nSELECT 42 AS never;\n',
    );
    expect(r.code).toBe(1);
    expect(r.out).toBe(`n\r\n${lines.filter((l) => l.includes('"e":"trade"')).length}\r\n`);
    expect(r.err).toMatch(/^E_SQL: Catalog Error: Table with name nope does not exist!/);
  });

  it('keeps an interactive session going through dot commands, a multi-line statement and an error, until .quit', async () => {
    const child = spawn(process.execPath, [chassis, 'sql', '--data', root, '--interactive'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((res) => child.once('exit', res));
    const until = async (test: () => boolean, what: string) => {
      for (let i = 0; i < 300 && !test(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(test(), `waiting for ${what}; stdout: ${out}; stderr: ${err}`).toBe(true);
    };
    const prompts = () => out.split('sql> ').length - 1;
    await until(() => prompts() === 1, 'the first prompt');
    child.stdin.write('.help\n');
    await until(() => out.includes('Views:') && prompts() === 2, '.help');
    expect(out).toMatch(/ {2}experiments {2}/);
    child.stdin.write('SELECT count(*) AS n\n');
    await until(() => out.endsWith('...> '), 'the continuation prompt');
    child.stdin.write('FROM bbo;\n');
    const bboRows = catalog.filter((d) => d.kind === 'bbo').reduce((s, d) => s + d.rows, 0);
    await until(() => out.includes('(1 row)') && prompts() === 3, 'the count');
    expect(out).toMatch(new RegExp(`\\n\\s*${bboRows}\\n\\(1 row\\)`));
    child.stdin.write('SELECT * FROM nope;\n');
    await until(() => err.includes('E_SQL: Catalog Error: Table with name nope') && prompts() === 4, 'the error');
    child.stdin.write('.tables\n');
    await until(() => out.includes('positions\ntrade\n') && prompts() === 5, '.tables');
    child.stdin.write('.quit\n');
    expect(await exited).toBe(0);
  }, 60_000);
});
