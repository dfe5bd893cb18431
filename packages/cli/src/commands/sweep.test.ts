// End to end on the bundled real Binance USD-M capture: import, sweep the example market maker
// (locally and through real redis-server + `chassis worker` processes), report in headless
// Chromium, compare, and bad input that must leave nothing behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { DuckDBInstance } from '@duckdb/node-api';
import { freePort } from '../../../../test/loopback-port.ts';

const chassis = fileURLToPath(new URL('../../bin/chassis.js', import.meta.url));
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const capture = join(repo, 'examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz');
const outputDir = join(repo, 'test-output');

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

function start(args: string[]): { child: ChildProcess; done: Promise<Ran>; out: () => string } {
  const child = spawn(process.execPath, [chassis, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Ran>((res) => child.once('exit', (code) => res({ code, out, err })));
  return { child, done, out: () => out };
}

const run = (args: string[]) => start(args).done;

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((res) => {
      const sock = connect(port, '127.0.0.1', () => {
        sock.end();
        res(true);
      });
      sock.once('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not listen on ${port}`);
}

interface SweepJson {
  experimentId: string;
  runs: { runId: string; status: string; params: Record<string, number>; outDir: string; metrics: Record<string, number> }[];
}

describe('chassis sweep / worker / report / compare on real data', () => {
  let root: string;
  let work: string;
  let first: SweepJson;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'chassis-sweep-cli-'));
    work = mkdtempSync(join(tmpdir(), 'chassis-sweep-files-'));
    const imp = await run(['import', capture, '--venue', 'binance-usdm', '--data', root]);
    expect(imp.code, imp.err).toBe(0);
    writeFileSync(
      join(work, 'run.yaml'),
      `data: { venue: binance-usdm, instrument: BTCUSDT }\nstrategy:\n  module: ${join(repo, 'examples/strategies/market-maker.ts')}\n  params: { spreadTicks: 2, qty: 1 }\nseed: 1\n`,
    );
    writeFileSync(join(work, 'sweep.yaml'), 'base: run.yaml\ngrid: { strategy.params.spreadTicks: [1, 3], strategy.params.qty: [1, 2] }\n');
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('sweeps spread × size in parallel, prints the JSON result and writes a SQL-queryable index', async () => {
    const r = await run(['sweep', join(work, 'sweep.yaml'), '--data', root, '--workers', '2', '--json']);
    expect(r.code, r.err).toBe(0);
    first = JSON.parse(r.out) as SweepJson;
    expect(first.experimentId).toMatch(/^exp-[0-9a-f]{16}$/);
    expect(first.runs.map((x) => x.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(new Set(first.runs.map((x) => x.runId)).size).toBe(4);
    for (const x of first.runs) expect(existsSync(join(x.outDir, 'manifest.json'))).toBe(true);
    expect(first.runs[3]!.params).toEqual({ 'strategy.params.spreadTicks': 3, 'strategy.params.qty': 2 });
    expect(typeof first.runs[0]!.metrics.pnl).toBe('number');
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const rows = (await con.runAndReadAll(`SELECT spreadTicks::INT AS s, qty::INT AS q, status, pnl FROM read_parquet('${join(root, 'experiments', first.experimentId, 'index.parquet')}') ORDER BY pnl DESC`)).getRowObjectsJson();
    con.closeSync();
    expect(rows).toHaveLength(4);
    expect(rows.map((x) => x.status)).toEqual(Array(4).fill('completed'));
    expect(rows[0]!.pnl).toBe(Math.max(...first.runs.map((x) => x.metrics.pnl!)));
  });

  it('reuses every completed run when the same sweep runs again', async () => {
    const r = await run(['sweep', join(work, 'sweep.yaml'), '--data', root, '--json']);
    expect(r.code, r.err).toBe(0);
    const again = JSON.parse(r.out) as SweepJson;
    expect(again.experimentId).toBe(first.experimentId);
    expect(again.runs.map((x) => x.status)).toEqual(Array(4).fill('reused'));
    expect(again.runs.map((x) => x.metrics)).toEqual(first.runs.map((x) => x.metrics));
  });

  it("prints the run backend's own coded error for a base run definition it refuses (E_RUN_DEFINITION naming the file, exit 1)", async () => {
    // The backend is loaded by module path; the command must share its error classes (bin/chassis.js PER_FILE_COMMANDS).
    writeFileSync(join(work, 'bad-run.yaml'), 'venue: binance-usdm\n');
    writeFileSync(join(work, 'bad-base.yaml'), 'base: bad-run.yaml\ngrid: { strategy.params.spreadTicks: [1, 2] }\n');
    const r = await run(['sweep', join(work, 'bad-base.yaml'), '--data', root]);
    expect(r.err).toMatch(/^E_RUN_DEFINITION: .*bad-run\.yaml/m);
    expect(r.code).toBe(1);
  });

  it('rejects bad sweeps with a clear message and writes nothing', async () => {
    const before = readdirSync(join(root, 'experiments')).sort();
    const cases: [string, RegExp][] = [
      ['base: run.yaml\ngrid: { strategy.params.spreadTcks: [1, 2] }\n', /E_SWEEP_PARAM: .*unknown parameter "strategy.params.spreadTcks"/],
      ['base: run.yaml\ngrid: { strategy.params.spreadTicks: [] }\n', /E_SWEEP_INVALID: .*grid.strategy.params.spreadTicks: axis is empty/],
      ['base: run.yaml\ngrid: { strategy.params.spreadTicks: { from: 1, to: 40, step: 1 } }\nlimit: 20\n', /E_SWEEP_TOO_BIG: .*40 runs, more than its limit of 20; pass --yes/],
      ['base: run.yaml\ngrid: { strategy.params.spreadTicks: [1] }\nworkers: 3\n', /E_SWEEP_INVALID: .*workers/],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      writeFileSync(join(work, `bad-${i}.yaml`), text);
      const r = await run(['sweep', join(work, `bad-${i}.yaml`), '--data', root]);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(message);
    }
    expect(readdirSync(join(root, 'experiments')).sort()).toEqual(before);
  });

  it('runs the same sweep through a real redis-server and two chassis worker processes', async () => {
    const port = await freePort();
    const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const workers: ReturnType<typeof start>[] = [];
    try {
      await waitForPort(port);
      const url = `redis://127.0.0.1:${port}`;
      const qroot = join(root, '..', `${root.split('/').pop()}-queue`);
      mkdirSync(qroot, { recursive: true });
      cpSync(join(root, 'canonical'), join(qroot, 'canonical'), { recursive: true });
      for (const f of readdirSync(root)) if (f !== 'canonical' && f !== 'experiments' && f !== 'derived') cpSync(join(root, f), join(qroot, f), { recursive: true });
      for (let i = 0; i < 2; i++) workers.push(start(['worker', '--queue', url, '--data', qroot]));
      const r = await run(['sweep', join(work, 'sweep.yaml'), '--data', qroot, '--queue', url, '--json']);
      expect(r.code, r.err).toBe(0);
      const q = JSON.parse(r.out) as SweepJson;
      expect(q.experimentId).toBe(first.experimentId);
      expect(q.runs.map((x) => x.status)).toEqual(Array(4).fill('completed'));
      // Same run ids ⇒ same results as the local sweep (determinism across machines).
      expect(q.runs.map((x) => [x.runId, x.metrics])).toEqual(first.runs.map((x) => [x.runId, x.metrics]));
      const log = workers.map((w) => w.out()).join('');
      expect(log.match(/^completed /gm)?.length).toBe(4);
      rmSync(qroot, { recursive: true, force: true });
    } finally {
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.done));
      redis.kill('SIGTERM');
    }
  });

  it('writes self-contained HTML reports that render in headless Chromium without console errors', async () => {
    mkdirSync(outputDir, { recursive: true });
    const expDir = join(root, 'experiments', first.experimentId);
    const reports: [string, string, number][] = [
      [expDir, join(outputDir, 'experiment-report.html'), 3], // sensitivity × 2 parameters + heatmap
      [first.runs[0]!.outDir, join(outputDir, 'run-report.html'), 5],
    ];
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    try {
      for (const [target, out, minCharts] of reports) {
        const r = await run(['report', target, '--out', out]);
        expect(r.code, r.err).toBe(0);
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const errors: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('request', (req) => {
          if (!req.url().startsWith('file:') && !req.url().startsWith('data:')) requests.push(req.url());
        });
        await page.goto(`file://${out}`);
        // Browser-side code as strings: this project compiles without the DOM library.
        await page.waitForFunction('window.__chassisChartsRendered !== undefined');
        const rendered = (await page.evaluate('window.__chassisChartsRendered')) as number;
        expect(rendered).toBeGreaterThanOrEqual(minCharts);
        // Every chart drew into a canvas of real size with non-blank pixels.
        const painted = (await page.evaluate(`[...document.querySelectorAll('.chart canvas')].map((c) => {
          const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let ink = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
          return ink;
        })`)) as number[];
        expect(painted.length).toBeGreaterThanOrEqual(minCharts);
        expect(painted.every((ink) => ink > 1000)).toBe(true);
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
        await page.screenshot({ path: out.replace(/\.html$/, '.png'), fullPage: true });
        await page.close();
      }
    } finally {
      // Playwright gave the browser a fresh temporary profile and removes it on close.
      await browser.close();
    }
    expect(existsSync(join(outputDir, 'experiment-report.png'))).toBe(true);
    // Stored as a versioned analysis with provenance; a second report is byte-identical (same id, not rewritten).
    const analyses = readdirSync(join(root, 'derived', 'analysis'));
    expect(analyses.some((d) => d.startsWith('experiment-report-'))).toBe(true);
    const again = await run(['report', expDir]);
    expect(again.code).toBe(0);
    expect(readdirSync(join(root, 'derived', 'analysis'))).toEqual(analyses);
  });

  it('compares runs in a terminal table ranked by PnL', async () => {
    const r = await run(['compare', ...first.runs.map((x) => x.outDir)]);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^run\s+qty\s+spreadTicks\s+pnl/);
    expect(lines).toHaveLength(6);
    // Ranked by PnL, ties by run id (qty 1 and 2 can earn the same when every fill is one lot).
    const best = [...first.runs].sort((a, b) => b.metrics.pnl! - a.metrics.pnl! || (a.runId < b.runId ? -1 : 1))[0]!;
    expect(lines[2]!.startsWith(best.runId)).toBe(true);
  });

  it('refuses to report an incomplete run directory, naming the missing file', async () => {
    const broken = join(work, 'broken-run');
    cpSync(first.runs[0]!.outDir, broken, { recursive: true });
    rmSync(join(broken, 'journal.bin'));
    const r = await run(['report', broken, '--out', join(work, 'never.html')]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/E_RUN_INCOMPLETE: .*missing journal.bin/);
    expect(existsSync(join(work, 'never.html'))).toBe(false);
  });
});
