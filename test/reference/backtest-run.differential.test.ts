/**
 * The oracle on what a user runs: `chassis backtest` (runBacktest: the quality gate's canonical
 * data, the run definition's defaults, the journal and metrics.json). Its journal must be the
 * event stream the differential harness produced from the same market data (so every
 * agreement shown by captures.differential.test.ts holds for the real runtime), and the
 * realised PnL and fees in metrics.json must equal the reference ledger replayed over that
 * journal.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { MARKET_EVENT_KINDS, type Event, type Instrument, type MarketEvent } from '@chassis/core';
import { readRunEvents, runBacktest, type BacktestResult } from '@chassis/backtesting';
import { importCapture } from '@chassis/quality';
import { openStorage } from '@chassis/storage';
import marketMaker from '../../examples/strategies/market-maker.ts';
import { hftbacktestDir } from '../../examples/data/index.ts';
import { describe as list } from './differential.ts';
import { isExecutionEvent } from './production-run.ts';
import { ReferenceLedger } from './reference-ledger.ts';
import { ratio, type Rational } from './rational.ts';
import { runCase } from './run-case.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
/** Lines of the Binance USD-M capture imported (about 40 s of market data). */
const LINES = 12_000;

let result: BacktestResult;
let journal: Event[];
let instrument: Instrument;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chassis-reference-'));
  const lines = gunzipSync(readFileSync(join(hftbacktestDir, 'usdm_btcusdt_20240808.gz')))
    .toString('utf8')
    .split('\n');
  const capture = join(dir, 'usdm_btcusdt.txt');
  writeFileSync(capture, lines.slice(0, LINES).join('\n'));
  const dataRoot = join(dir, 'data');
  await importCapture(openStorage(dataRoot), capture, { venue: 'binance-usdm' });
  result = await runBacktest({
    definition: {
      data: { venue: 'binance-usdm', instrument: 'BTCUSDT' },
      strategy: { module: 'examples/strategies/market-maker.ts' },
      seed: 1,
    },
    baseDir: REPO_ROOT,
    dataRoot,
    codeVersion: 'reference-oracle',
  });
  // The journal references its market events: the full stream regenerates them from the datasets.
  journal = [];
  for await (const e of readRunEvents(result.outDir)) journal.push(e);
  const run = JSON.parse(readFileSync(join(result.outDir, 'run.json'), 'utf8')) as {
    instruments: (Omit<Instrument, 'minNotionalUnits'> & { minNotionalUnits: string })[];
  };
  instrument = { ...run.instruments[0]!, minNotionalUnits: BigInt(run.instruments[0]!.minNotionalUnits) };
}, 120_000);

const isMarket = (e: Event): e is MarketEvent => (MARKET_EVENT_KINDS as readonly string[]).includes(e.kind);

/** What identifies a request or an answer in a stream (market events are the input; session ids differ by design). */
function decisionsOf(stream: readonly Event[]): string[] {
  return stream
    .filter((e) => e.kind === 'request_sent' || isExecutionEvent(e))
    .map((e) =>
      Object.entries(e)
        .filter(([k]) => k !== 'fillId' && k !== 'venueOrderId')
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    );
}

describe('chassis backtest on Binance USD-M (market maker, defaults)', () => {
  it('completes with fills, so the checks below compare something', () => {
    expect(result.status).toBe('completed');
    expect(result.fills).toBeGreaterThan(10);
  });

  it('journals the same requests and venue answers, at the same positions and times, as the differential harness', async () => {
    const harness = await runCase(instrument, journal.filter(isMarket), marketMaker.create({}));
    expect(list(harness.venue.disagreements)).toBe('');
    const ours = decisionsOf(harness.run.stream);
    const theirs = decisionsOf(journal);
    const first = ours.findIndex((x, i) => x !== theirs[i]);
    expect(
      first === -1
        ? null
        : { index: first, harness: ours.slice(first, first + 3), journal: theirs.slice(first, first + 3) },
    ).toBeNull();
    expect(ours.length).toBe(theirs.length);
  });

  it('reports in metrics.json the realised PnL and fees the reference ledger computes from the journal', () => {
    const ledger = new ReferenceLedger([instrument], new Map([[instrument.quoteCurrency, ratio(100_000n)]]));
    for (const e of journal) {
      if (e.kind === 'request_sent') ledger.onRequestSent(e);
      else if (isExecutionEvent(e)) ledger.onExecution(e);
    }
    const p = ledger.positions.get(instrument.id)!;
    const asNumber = (x: Rational) => Number(x.num) / Number(x.den);
    // Whole settlement units: realised PnL within the ledger's documented allowance (differential.ts).
    expect(Math.abs(result.metrics.pnl.realized - asNumber(p.realisedPnl))).toBeLessThanOrEqual(
      asNumber(ledger.realisedAllowance(instrument.id)) + 1e-12,
    );
    expect(result.metrics.pnl.fees).toBeCloseTo(asNumber(p.fees), 9);
    expect(p.fees.num).not.toBe(0n);
  });
});
