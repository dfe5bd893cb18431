/**
 * metrics.json: what a run did. Money is in the settlement asset of the run's first instrument,
 * named in `pnl.currency` (BTC for Binance COIN-M, USDT for USDⓈ-M, the quote for spot); a run
 * whose instruments settle in several assets also lists each in `pnlByCurrency`. Realised PnL,
 * fees and traded value are exact decimals of the settlement precision (computed in bigint
 * units, then written as the JSON number of that decimal); unrealised PnL (marked to mid) and
 * drawdown are float analytics rounded to the same precision. Inventory is in lots, traded
 * quantity in the instrument's unit (contracts for contract instruments).
 * Everything except `throughput` is a pure function of the event stream; `throughput` is
 * wall-clock and left out of the output hash.
 */
import { contractTerms, formatDecimalUnits, notionalValueUnits, type Instrument, type StateView } from '@chassis/core';
import type { CurrencyPnl, RunRecorder } from './recorder.ts';
import type { TimelineOutcome } from './timeline.ts';

export interface Metrics {
  readonly runId: string;
  readonly status: string;
  readonly events: { readonly total: number; readonly market: number };
  readonly pnl: PnlMetrics;
  /** Present when the instruments settle in more than one asset: the figures per asset. */
  readonly pnlByCurrency?: readonly PnlMetrics[];
  /** Traded quantity (base units or contracts) and traded value |q × P × m| or |q × m / P| in `currency`. */
  readonly volume: { readonly qty: number; readonly notional: number; readonly currency: string };
  readonly fills: { readonly count: number; readonly maker: number; readonly taker: number; readonly makerShare: number };
  readonly orders: {
    readonly sent: number;
    readonly replaceRequests: number;
    readonly cancelRequests: number;
    readonly cancelled: number;
    readonly rejected: number;
    readonly cancelReplaceRejected: number;
  };
  readonly riskDenials: Readonly<Record<string, number>>;
  readonly rateLimit: { readonly deferrals: number; readonly controlTimeEvents: number };
  readonly strategy: { readonly intents: number; readonly errors: number; readonly halted: boolean };
  readonly maxInventoryLots: number;
  readonly maxDrawdown: number;
  readonly throughput: { readonly wallSeconds: number; readonly eventsPerSecond: number; readonly marketEventsPerSecond: number };
}

export interface PnlMetrics {
  /** Settlement asset the figures are in. */
  readonly currency: string;
  readonly realized: number;
  readonly unrealized: number;
  readonly fees: number;
  /** realized + unrealized − fees. */
  readonly net: number;
}

/** The JSON number of an exact decimal: `units` × 10^-decimals, printed without binary noise. */
export function decimalNumber(units: bigint, decimals: number): number {
  return Number(formatDecimalUnits(units, decimals));
}

/** A float rounded to `decimals` places (analytics, e.g. mark-to-mid), so it prints as a short decimal. */
export function roundedNumber(x: number, decimals: number): number {
  return Number.isFinite(x) ? Number(x.toFixed(Math.min(decimals, 20))) : x;
}

function pnlMetrics(c: CurrencyPnl): PnlMetrics {
  const realized = decimalNumber(c.realizedUnits, c.decimals);
  const fees = decimalNumber(c.feesUnits, c.decimals);
  const unrealized = roundedNumber(c.unrealized, c.decimals);
  const net = roundedNumber(Number(formatDecimalUnits(c.realizedUnits - c.feesUnits, c.decimals)) + c.unrealized, c.decimals);
  return { currency: c.currency, realized, unrealized, fees, net };
}

export function buildMetrics(a: {
  runId: string;
  status: string;
  outcome: TimelineOutcome;
  recorder: RunRecorder;
  view: StateView;
  instruments: readonly Instrument[];
  wallSeconds: number;
}): Metrics {
  const r = a.recorder;
  const raw = r.pnlByCurrency(a.view);
  const byCurrency = raw.map(pnlMetrics);
  const pnl = byCurrency.find((c) => c.currency === r.currency) ?? { currency: r.currency, realized: 0, unrealized: 0, fees: 0, net: 0 };
  const valueDecimals = raw.find((c) => c.currency === r.currency)?.decimals ?? 0;
  const qtyDecimals = Math.max(0, ...a.instruments.map((i) => i.sizeDecimals));
  const byId = new Map(a.instruments.map((i) => [i.id, i]));
  let maker = 0;
  let qty = 0;
  let valueUnits = 0n;
  for (const f of r.fills) {
    if (f.liquidity === 'maker') maker++;
    qty += f.qty;
    const inst = byId.get(f.instrument);
    if (inst !== undefined && f.feeCurrency === r.currency) {
      valueUnits += notionalValueUnits(inst, f.priceUnits, f.qtyUnits) * 10n ** BigInt(valueDecimals - contractTerms(inst).settlementDecimals);
    }
  }
  const denials: Record<string, number> = {};
  for (const k of [...r.denials.keys()].sort()) denials[k] = r.denials.get(k)!;
  const w = a.wallSeconds > 0 ? a.wallSeconds : Number.EPSILON;
  return {
    runId: a.runId,
    status: a.status,
    events: { total: a.outcome.events, market: a.outcome.marketEvents },
    pnl,
    ...(byCurrency.length > 1 ? { pnlByCurrency: byCurrency } : {}),
    volume: { qty: roundedNumber(qty, qtyDecimals), notional: decimalNumber(valueUnits, valueDecimals), currency: r.currency },
    fills: { count: r.fills.length, maker, taker: r.fills.length - maker, makerShare: r.fills.length ? maker / r.fills.length : 0 },
    orders: {
      sent: r.counts.requestsNew,
      replaceRequests: r.counts.requestsReplace,
      cancelRequests: r.counts.requestsCancel,
      cancelled: r.counts.cancelled,
      rejected: r.counts.rejected,
      cancelReplaceRejected: r.counts.replaceRejected,
    },
    riskDenials: denials,
    rateLimit: { deferrals: a.outcome.obligations, controlTimeEvents: a.outcome.controlTimeEvents },
    strategy: { intents: r.counts.intents, errors: r.counts.strategyErrors, halted: r.counts.strategyHalted > 0 },
    maxInventoryLots: r.maxInventoryLots,
    maxDrawdown: roundedNumber(r.maxDrawdown, valueDecimals),
    throughput: { wallSeconds: a.wallSeconds, eventsPerSecond: Math.round(a.outcome.events / w), marketEventsPerSecond: Math.round(a.outcome.marketEvents / w) },
  };
}
