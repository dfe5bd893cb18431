/**
 * Parity evidence (`chassis compare <paper-session> <backtest-run>`): a session and a backtest
 * of its recorded window side by side — orders, fills, PnL, latency — and every order whose
 * fate differs, attributed (attribution.ts; data gaps from the session's feed health, the
 * backtest's data span and its datasets' recorded gaps, dataset-gaps.ts). Both sides are read from their journals with the
 * same code (execution-history.ts); PnL comes from @chassis/analysis's run metrics over each
 * journal (duplicate fills dropped first, as the core drops them).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { balanceDecimals, contractTerms, type EngineConfig, type Event } from '@chassis/core';
import { engineConfigOf, readJournal, readRunEvents, type ResolvedRun } from '@chassis/backtesting';
import { computeRunMetrics, seriesByInstrument } from '@chassis/analysis';
import { ChassisError } from '@chassis/core';
import { decodeEngineConfig } from '../records/engine-config-json.ts';
import { readSessionFile } from '../records/session-file.ts';
import { recordedDirKind } from '../records/recorded-dir.ts';
import { executionHistory, type ExecutionHistory, type Interval } from './execution-history.ts';
import { datasetGaps } from './dataset-gaps.ts';
import { pairOrders } from './order-pairs.ts';
import { attributeDifferences, type Attribution, type OrderDifference } from './attribution.ts';

export interface LatencySummary {
  readonly count: number;
  /** ms */
  readonly p50: number | null;
  readonly p95: number | null;
  readonly max: number | null;
}

export interface SideSummary {
  readonly dir: string;
  readonly instrument: string;
  /** Settlement currency of the money figures. */
  readonly currency: string;
  readonly orders: number;
  readonly filledOrders: number;
  readonly fills: number;
  readonly fillQtyUnits: number;
  readonly duplicateFills: number;
  readonly replaces: number;
  readonly cancels: number;
  readonly pnlTotal: number;
  readonly pnlRealised: number;
  readonly pnlUnrealised: number;
  readonly fees: number;
  readonly makerShare: number | null;
  readonly signalToRequest: LatencySummary;
  readonly requestToAck: LatencySummary;
}

export interface ParityReport {
  readonly session: SideSummary;
  readonly backtest: SideSummary;
  readonly pairedOrders: number;
  readonly differences: readonly OrderDifference[];
  readonly byAttribution: Readonly<Record<Attribution, number>>;
  readonly gaps: readonly Interval[];
}

export interface CompareOptions {
  /** Orders of the same intent requested further apart than this are not paired (default 1000 ms). */
  readonly matchWindowMs?: number;
  /** Data root whose catalog holds the run's datasets (default: the root of `<root>/experiments/<run-id>`). */
  readonly dataRoot?: string;
}

function percentile(sorted: readonly number[], q: number): number | null {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : null;
}

function latency(ns: readonly bigint[]): LatencySummary {
  const sorted = ns.map((x) => Number(x) / 1e6).sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    max: sorted.at(-1) ?? null,
  };
}

/** Drops fills whose (orderId, fillId) was seen: the core counts them and never applies them. */
function* withoutDuplicateFills(stream: Iterable<Event>): Generator<Event> {
  const seen = new Set<string>();
  for (const e of stream) {
    if (e.kind === 'order_filled') {
      const key = `${e.orderId}\u0000${e.fillId}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    yield e;
  }
}

function readRun(dir: string): ResolvedRun {
  return JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as ResolvedRun;
}

function summarise(dir: string, config: EngineConfig, h: ExecutionHistory, events: Iterable<Event>): SideSummary {
  const first = config.instruments[0]!;
  const currency = contractTerms(first).settlementCurrency;
  const units = config.initialBalances?.[currency] ?? 0n;
  const initialEquity = Number(units) / 10 ** (balanceDecimals(config.instruments).get(currency) ?? 0);
  const series = seriesByInstrument(withoutDuplicateFills(events), {
    runId: dir,
    instruments: config.instruments,
    initialEquity,
    riskDenials: 0,
    rateLimitDeferrals: 0,
  })[0]!;
  const m = computeRunMetrics(series);
  const mine = h.orders.filter((o) => o.instrument === first.id);
  return {
    dir,
    instrument: first.id,
    currency,
    orders: mine.length,
    filledOrders: mine.filter((o) => o.status === 'filled').length,
    fills: h.fills.filter((f) => mine.some((o) => o.orderId === f.orderId)).length,
    fillQtyUnits: mine.reduce((s, o) => s + o.filledQtyUnits, 0),
    duplicateFills: h.duplicateFills,
    replaces: mine.reduce((s, o) => s + o.replaces, 0),
    cancels: mine.reduce((s, o) => s + o.cancels, 0),
    pnlTotal: m.pnlTotal,
    pnlRealised: m.pnlRealised,
    pnlUnrealised: m.pnlUnrealised,
    fees: m.fees,
    makerShare: m.makerShare,
    signalToRequest: latency(h.signalToRequestNs),
    requestToAck: latency(h.requestToAckNs),
  };
}

/** Where either side lacked market data: the session's degraded feed, and the session's market span outside the backtest's. */
function coverageGaps(
  session: ExecutionHistory,
  backtest: ExecutionHistory,
  instruments: readonly string[],
): Interval[] {
  const gaps = [...session.degraded];
  const { marketFromNs: sFrom, marketToNs: sTo } = session;
  const { marketFromNs: bFrom, marketToNs: bTo } = backtest;
  for (const instrument of instruments) {
    if (sFrom !== null && bFrom !== null && sFrom < bFrom)
      gaps.push({ instrument, fromNs: sFrom, toNs: bFrom, reason: 'before the backtest data starts' });
    if (sTo !== null && bTo !== null && sTo > bTo)
      gaps.push({ instrument, fromNs: bTo, toNs: null, reason: 'after the backtest data ends' });
  }
  return gaps;
}

export async function compareSessionWithRun(
  sessionDir: string,
  runDir: string,
  options: CompareOptions = {},
): Promise<ParityReport> {
  if (recordedDirKind(sessionDir) !== 'session')
    throw new ChassisError(
      'E_COMPARE_INPUT',
      `${sessionDir} is a backtest run, not a session: compare <paper-session> <backtest-run>`,
    );
  if (recordedDirKind(runDir) !== 'run')
    throw new ChassisError(
      'E_COMPARE_INPUT',
      `${runDir} is a session, not a backtest run: compare <paper-session> <backtest-run>`,
    );
  const sConfig = decodeEngineConfig(readSessionFile(sessionDir).engine, join(sessionDir, 'session.json'));
  const run = readRun(runDir);
  const bConfig = engineConfigOf(run);
  const s = executionHistory(readJournal(join(sessionDir, 'journal.bin')));
  // A backtest journal references its market events: the full stream regenerates them from the run's datasets.
  const runEvents: Event[] = [];
  for await (const e of readRunEvents(runDir, { dataRoot: options.dataRoot })) runEvents.push(e);
  const b = executionHistory(runEvents);
  const pairs = pairOrders(s.orders, b.orders, BigInt(Math.round((options.matchWindowMs ?? 1000) * 1e6)));
  const recorded =
    s.marketFromNs === null || s.marketToNs === null
      ? []
      : await datasetGaps(runDir, run, s.marketFromNs, s.marketToNs, options.dataRoot);
  // Recorded gaps first: their reason is the most specific.
  const gaps = [
    ...recorded,
    ...coverageGaps(
      s,
      b,
      sConfig.instruments.map((i) => i.id),
    ),
  ];
  const endNs = [s.marketToNs, b.marketToNs].reduce<bigint>((m, x) => (x !== null && x > m ? x : m), 0n);
  const differences = attributeDifferences(pairs, { session: s, backtest: b }, { gaps }, endNs);
  const byAttribution: Record<Attribution, number> = {
    data_gap: 0,
    latency: 0,
    queue_position: 0,
    earlier_difference: 0,
    unexplained: 0,
  };
  for (const d of differences) byAttribution[d.attribution]++;
  return {
    session: summarise(sessionDir, sConfig, s, readJournal(join(sessionDir, 'journal.bin'))),
    backtest: summarise(runDir, bConfig, b, runEvents),
    pairedOrders: pairs.filter((p) => p.session && p.backtest).length,
    differences,
    byAttribution,
    gaps,
  };
}
