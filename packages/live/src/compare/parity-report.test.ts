// Parity of a paper session with a backtest, on real Binance USD-M data (the bundled capture's
// first 20 000 lines): the backtest of the example market maker on a recording of the window
// that lost 200 lines three quarters in (the quality gate records the depth gap in the dataset's
// manifest, so the backtest runs up to it), and sessions driven by the input events of
// full-window backtests through the session records API (session-fixture.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournal, readRunEvents, runBacktest } from '@chassis/backtesting';
import type { MarketEvent } from '@chassis/core';
import { openCatalog, openStorage } from '@chassis/storage';
import { importedDataRoot, REPO_ROOT } from '../../../backtesting/src/test-data.ts';
import { sessionFromRun } from '../records/session-fixture.ts';
import { readFillRecords, readOrderRecords } from '../records/execution-records.ts';
import { compareSessionWithRun, type ParityReport } from './parity-report.ts';
import { formatParityReport } from './parity-text.ts';
import { runChassis } from '../../../../test/chassis-process.ts';

const BASE = [REPO_ROOT];
let backtestDir = '';
let sameSessionDir = '';
let slowSessionDir = '';
let backtestEndNs = 0n;
let depthGap = { fromNs: 0n, message: '' };
let same: ParityReport;
let slow: ParityReport;

const mm = (venue: Record<string, unknown>, output?: string, toNs?: bigint) => ({
  data: { venue: 'binance-usdm', instrument: 'BTCUSDT', ...(toNs ? { to: toNs.toString() } : {}) },
  strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } },
  seed: 1,
  venue,
  ...(output ? { output: { dir: output } } : {}),
});

beforeAll(async () => {
  const [root, gapRoot] = await Promise.all([
    importedDataRoot({ lines: 20_000 }),
    importedDataRoot({ lines: 20_000, drop: [15_000, 15_200] }),
  ]);
  const depth = (await openCatalog(openStorage(gapRoot)).list()).find((d) => d.kind === 'book_delta')!;
  depthGap = { fromNs: depth.endNs, message: depth.gaps[0]!.message };
  const tmp = mkdtempSync(join(tmpdir(), 'parity-'));
  // The "paper" venue: 25 ms each way instead of the backtest's 1 ms.
  const b = await runBacktest({
    definition: mm({ latency: { model: 'constant', entryUs: 25_000, responseUs: 25_000 } }, join(tmp, 'slow-run')),
    baseDir: REPO_ROOT,
    dataRoot: root,
    codeVersion: 'test',
  });
  const a = await runBacktest({
    definition: mm({}, undefined, depthGap.fromNs),
    baseDir: REPO_ROOT,
    dataRoot: gapRoot,
    codeVersion: 'test',
  });
  backtestDir = a.outDir;
  // The backtest journal references its market events: the full stream regenerates them.
  const aMarket: MarketEvent[] = [];
  for await (const e of readRunEvents(a.outDir))
    if (e.kind === 'bbo' || e.kind === 'trade' || e.kind === 'book_delta') aMarket.push(e);
  backtestEndNs = aMarket.at(-1)!.tsLocalNs;
  sameSessionDir = join(tmp, 'same');
  slowSessionDir = join(tmp, 'slow');
  await sessionFromRun(a.outDir, sameSessionDir, { sessionId: 'same', baseDirs: BASE });
  await sessionFromRun(b.outDir, slowSessionDir, { sessionId: 'slow', baseDirs: BASE });
  same = await compareSessionWithRun(sameSessionDir, backtestDir);
  slow = await compareSessionWithRun(slowSessionDir, backtestDir);
}, 300_000);

describe('compare <paper-session> <backtest-run>', () => {
  it('finds no difference between a session and the backtest whose events drove it', () => {
    expect(same.differences).toEqual([]);
    expect(same.pairedOrders).toBe(same.backtest.orders);
    expect(same.session.pnlTotal).toBe(same.backtest.pnlTotal);
    expect(same.session.requestToAck).toEqual(same.backtest.requestToAck);
  });

  it("counts a session's orders and fills as its own execution records do (engine view, written as it ran)", () => {
    const last = new Map(readOrderRecords(slowSessionDir).map((o) => [o.orderId, o]));
    expect(slow.session.orders).toBe(last.size);
    expect(slow.session.filledOrders).toBe([...last.values()].filter((o) => o.status === 'filled').length);
    expect(slow.session.fills).toBe(readFillRecords(slowSessionDir).length);
  });

  it("counts the backtest's fills and PnL as the backtest's own metrics do", () => {
    const metrics = JSON.parse(readFileSync(join(backtestDir, 'metrics.json'), 'utf8')) as {
      fills: { count: number };
      pnl: { realized: string; fees: string };
    };
    expect(slow.backtest.fills).toBe(metrics.fills.count);
    expect(slow.backtest.pnlRealised).toBeCloseTo(Number(metrics.pnl.realized), 6);
    expect(slow.backtest.fees).toBeCloseTo(Number(metrics.pnl.fees), 6);
  });

  it('shows the slower venue in the request→ack latency (25 ms each way against 1 ms)', () => {
    expect(slow.session.requestToAck.p50).toBeGreaterThanOrEqual(50);
    expect(slow.backtest.requestToAck.p50).toBeLessThan(5);
    expect(slow.differences.length).toBeGreaterThan(0);
  });

  it("reads the depth gap recorded in the backtest dataset's manifest, and the session's data past the backtest's end", () => {
    expect(depthGap.message).toMatch(/^gap: depthUpdate pu=\d+ != previous u=\d+/);
    expect(slow.gaps).toEqual([
      {
        instrument: 'binance-usdm:BTCUSDT',
        fromNs: depthGap.fromNs,
        toNs: null,
        reason: expect.stringMatching(/^book_delta dataset ds_\w+: gap: depthUpdate pu=/),
      },
      { instrument: 'binance-usdm:BTCUSDT', fromNs: backtestEndNs, toNs: null, reason: 'after the backtest data ends' },
    ]);
  });

  it("attributes every difference after the backtest's data ends to the data gap, naming the recorded gap once it began", () => {
    const after = slow.differences.filter((d) => (d.pair.session ?? d.pair.backtest)!.requestNs > backtestEndNs);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((d) => d.attribution === 'data_gap')).toBe(true);
    const inRecordedGap = after.filter((d) => (d.pair.session ?? d.pair.backtest)!.requestNs >= depthGap.fromNs);
    expect(inRecordedGap.length).toBeGreaterThan(0);
    expect(inRecordedGap.every((d) => d.why.includes('gap: depthUpdate'))).toBe(true);
  });

  it("attributes a fill difference to latency only when the fill came before the other side's order was acknowledged, and to queue position only a maker fill with both orders live", () => {
    const fillDiffs = slow.differences.filter(
      (d) => d.kind === 'fill_outcome' && (d.attribution === 'latency' || d.attribution === 'queue_position'),
    );
    expect(fillDiffs.length).toBeGreaterThan(0);
    for (const d of fillDiffs) {
      const [f, o] =
        d.pair.session!.filledQtyUnits > d.pair.backtest!.filledQtyUnits
          ? [d.pair.session!, d.pair.backtest!]
          : [d.pair.backtest!, d.pair.session!];
      const fillDelay = f.firstFillNs! - f.requestNs;
      const ackDelay = o.ackNs === null ? null : o.ackNs - o.requestNs;
      if (d.attribution === 'latency') expect(ackDelay === null || fillDelay < ackDelay).toBe(true);
      else expect(ackDelay !== null && fillDelay >= ackDelay && f.firstFillLiquidity === 'maker').toBe(true);
    }
  });

  it('attributes an order made on one side only to latency exactly when the two sides had different numbers of requests in flight at that moment', () => {
    // A second, deliberately plain count straight from each journal: requests sent before t whose answer (by requestSeq) came after t or never.
    const inFlightAt = (dir: string, t: bigint): number => {
      const open = new Map<number, bigint>();
      for (const e of readJournal(join(dir, 'journal.bin'))) {
        if (e.tsLocalNs > t) break;
        if (e.kind === 'request_sent' && e.tsLocalNs < t) open.set(e.seq, e.tsLocalNs);
        else if ('requestSeq' in e && e.tsLocalNs <= t) open.delete(e.requestSeq);
      }
      return open.size;
    };
    const oneSided = slow.differences
      .filter((d) => d.kind !== 'fill_outcome' && d.attribution !== 'data_gap')
      .slice(0, 40);
    expect(oneSided.some((d) => d.attribution === 'latency')).toBe(true);
    for (const d of oneSided) {
      const t = (d.pair.session ?? d.pair.backtest)!.requestNs;
      expect(d.attribution === 'latency').toBe(inFlightAt(slowSessionDir, t) !== inFlightAt(backtestDir, t));
    }
  });

  it('counts each difference under exactly one attribution, and prints them', () => {
    expect(Object.values(slow.byAttribution).reduce((s, n) => s + n, 0)).toBe(slow.differences.length);
    const text = formatParityReport(slow, 5);
    expect(text).toMatch(/request→ack ms p50\/p95\/max\s+5\d/);
    expect(text).toContain('data gap: binance-usdm:BTCUSDT');
    expect(text).toMatch(/differences: \d+ \(/);
  });

  it('is what `chassis compare <paper-session> <backtest-run>` prints, and --json gives the whole report', async () => {
    const [text, json] = await Promise.all([
      runChassis(['compare', slowSessionDir, backtestDir, '--limit', '3']),
      runChassis(['compare', slowSessionDir, backtestDir, '--json']),
    ]);
    expect(text.code).toBe(0);
    expect(text.out).toBe(`${formatParityReport(slow, 3)}\n`);
    const parsed = JSON.parse(json.out) as { differences: unknown[]; byAttribution: Record<string, number> };
    expect(parsed.differences).toHaveLength(slow.differences.length);
    expect(parsed.byAttribution).toEqual(slow.byAttribution);
  });

  it('refuses the arguments the wrong way round, naming the directory', async () => {
    const r = await runChassis(['compare', backtestDir, slowSessionDir]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `E_COMPARE_INPUT: ${backtestDir} is a backtest run, not a session: compare <paper-session> <backtest-run>\n`,
    );
  });

  it('replays the session with `chassis replay <session-dir>`', async () => {
    const r = await runChassis(['replay', slowSessionDir]);
    expect(r.err).toBe('');
    expect(r.out).toMatch(
      /^replay ok: \d+ events, \d+ state-hash checkpoints and \d+ RequestSent verified; final state [0-9a-f]{16}\n$/,
    );
  });
});
