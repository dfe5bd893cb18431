/**
 * Per-run metrics of SPEC §7, computed from a run's columns in a few linear passes.
 *
 * Conventions (stated so numbers can be compared across runs):
 * - Money is in the run's settlement asset (`run.contract.currency`), values by contract type
 *   (run-series.ts contractValue: linear q × P × m, inverse −q × m / P).
 * - Equity = initial equity + cash flow of fills (−value − fee) + value of the position at mid,
 *   sampled on a fixed grid of `sampleMs` of simulated time (default 1 000 ms), last value
 *   carried forward.
 * - Sharpe / Sortino: mean / std (downside std) of the per-sample equity change, annualised
 *   by √(samples per 365-day year) — crypto trades 24/7. null when undefined (flat equity).
 * - Realised PnL uses the average basis (Σ value of the open fills): closing c of a position
 *   realises value(c at exit) − its basis share; unrealised = value(position at last mid) − basis.
 *   Linear: (X − E) × q × m; inverse: q × m × (1/E − 1/X), the venues' formulas.
 * - Turnover is Σ |value| of fills, in the settlement asset.
 * - Markout at horizon h: side × (mid(t + h) − fill price) per unit, quantity-weighted, in quote
 *   currency; h = 0 is the spread captured versus mid at the fill (positive = good for us).
 * - Rates are per minute of simulated time; time in market = share of time with position ≠ 0.
 */
import { contractValue, type RunSeries } from './run-series.ts';

export const DEFAULT_SAMPLE_MS = 1000;
export const DEFAULT_MARKOUT_HORIZONS_MS: readonly number[] = [0, 100, 1000, 5000];

export interface InventoryDistribution {
  readonly min: number;
  readonly max: number;
  /** Time-weighted. */
  readonly mean: number;
  readonly std: number;
  /** Time-weighted quantiles 5 %, 50 %, 95 %. */
  readonly p05: number;
  readonly p50: number;
  readonly p95: number;
}

export interface RunMetrics {
  readonly runId: string;
  readonly sampleMs: number;
  readonly durationMs: number;
  /** Settlement asset of every money figure below (pnl*, fees, drawdown, turnover). */
  readonly currency: string;
  readonly pnlTotal: number;
  readonly pnlRealised: number;
  readonly pnlUnrealised: number;
  readonly fees: number;
  readonly maxDrawdown: number;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly turnover: number;
  readonly fills: number;
  readonly fillQty: number;
  readonly fillRatio: number | null;
  readonly makerShare: number | null;
  readonly markoutByHorizonMs: Readonly<Record<string, number | null>>;
  readonly inventory: InventoryDistribution;
  readonly timeInMarket: number;
  readonly requests: { readonly new: number; readonly replace: number; readonly cancel: number };
  readonly ratesPerMinute: { readonly orders: number; readonly replaces: number; readonly cancels: number };
  readonly latencyMs: { readonly p50: number | null; readonly p95: number | null; readonly max: number | null };
  readonly riskDenials: number;
  readonly rateLimitDeferrals: number;
}

/** Equity, drawdown and position on the sampling grid. */
export interface EquityCurve {
  readonly tsMs: Float64Array;
  readonly equity: Float64Array;
  readonly drawdown: Float64Array;
  readonly position: Float64Array;
}

/** Index of the last mid at or before t (binary search); -1 if none. */
export function midIndexAt(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const m = (lo + hi) >> 1;
    if (ts[m]! <= t) {
      ans = m;
      lo = m + 1;
    } else hi = m - 1;
  }
  return ans;
}

export function equityCurve(run: RunSeries, sampleMs = DEFAULT_SAMPLE_MS): EquityCurve {
  const n = Math.max(1, Math.floor((run.endMs - run.startMs) / sampleMs) + 1);
  const tsMs = new Float64Array(n);
  const equity = new Float64Array(n);
  const drawdown = new Float64Array(n);
  const position = new Float64Array(n);
  const f = run.fills;
  let fi = 0;
  let mi = -1;
  let cash = 0;
  let pos = 0;
  let peak = -Infinity;
  let lastMid = NaN;
  for (let i = 0; i < n; i++) {
    const t = run.startMs + i * sampleMs;
    while (fi < f.tsMs.length && f.tsMs[fi]! <= t) {
      cash -= contractValue(run.contract, f.side[fi]! * f.qty[fi]!, f.price[fi]!) + f.fee[fi]!;
      pos += f.side[fi]! * f.qty[fi]!;
      fi++;
    }
    while (mi + 1 < run.mid.tsMs.length && run.mid.tsMs[mi + 1]! <= t) mi++;
    if (mi >= 0) lastMid = run.mid.mid[mi]!;
    const mark = Number.isNaN(lastMid) || pos === 0 ? 0 : contractValue(run.contract, pos, lastMid);
    const eq = run.initialEquity + cash + mark;
    tsMs[i] = t;
    equity[i] = eq;
    position[i] = pos;
    if (eq > peak) peak = eq;
    drawdown[i] = peak - eq;
  }
  return { tsMs, equity, drawdown, position };
}

function quantileSorted(sorted: ArrayLike<number>, q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))]!;
}

function round(x: number, digits = 10): number {
  // Fixed significant digits so metrics files are byte-identical whatever summation noise.
  return x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(digits));
}

function roundOrNull(x: number | null): number | null {
  return x === null ? null : round(x);
}

export interface MetricsOptions {
  readonly sampleMs?: number;
  readonly markoutHorizonsMs?: readonly number[];
  /** `equityCurve(run, sampleMs)` when the caller has it already (a report draws it too). */
  readonly curve?: EquityCurve;
}

export function computeRunMetrics(run: RunSeries, options: MetricsOptions = {}): RunMetrics {
  const sampleMs = options.sampleMs ?? DEFAULT_SAMPLE_MS;
  const horizons = options.markoutHorizonsMs ?? DEFAULT_MARKOUT_HORIZONS_MS;
  const f = run.fills;
  const nf = f.tsMs.length;
  // Average-basis realised PnL (basis = Σ value of the open fills).
  const c = run.contract;
  let pos = 0;
  let basis = 0;
  let realised = 0;
  let fees = 0;
  let turnover = 0;
  let qtySum = 0;
  let makerQty = 0;
  for (let i = 0; i < nf; i++) {
    const s = f.side[i]!;
    const q = f.qty[i]!;
    const p = f.price[i]!;
    fees += f.fee[i]!;
    turnover += Math.abs(contractValue(c, q, p));
    qtySum += q;
    if (f.maker[i]) makerQty += q;
    if (pos === 0 || Math.sign(pos) === s) {
      basis += contractValue(c, s * q, p);
      pos += s * q;
    } else {
      const closing = Math.min(q, Math.abs(pos)) * Math.sign(pos);
      const share = (basis * closing) / pos;
      realised += contractValue(c, closing, p) - share;
      basis -= share;
      pos += s * q;
      if (Math.abs(pos) < 1e-12) {
        pos = 0;
        basis = 0;
      } else if (Math.sign(pos) === s) basis = contractValue(c, pos, p); // flipped through zero: the remainder opened at p
    }
  }
  const lastMid = run.mid.mid.length ? run.mid.mid[run.mid.mid.length - 1]! : NaN;
  const unrealised = pos !== 0 && !Number.isNaN(lastMid) ? contractValue(c, pos, lastMid) - basis : 0;
  // Markouts.
  const markout: Record<string, number | null> = {};
  for (const h of horizons) {
    let acc = 0;
    let w = 0;
    for (let i = 0; i < nf; i++) {
      const k = midIndexAt(run.mid.tsMs, f.tsMs[i]! + h);
      if (k < 0) continue;
      acc += f.side[i]! * (run.mid.mid[k]! - f.price[i]!) * f.qty[i]!;
      w += f.qty[i]!;
    }
    markout[String(h)] = w > 0 ? round(acc / w) : null;
  }
  // Equity on the grid: drawdown, Sharpe, Sortino, inventory distribution.
  const curve = options.curve ?? equityCurve(run, sampleMs);
  const n = curve.equity.length;
  let maxDd = 0;
  for (let i = 0; i < n; i++) if (curve.drawdown[i]! > maxDd) maxDd = curve.drawdown[i]!;
  let sum = 0;
  let sumSq = 0;
  let downSq = 0;
  for (let i = 1; i < n; i++) {
    const d = curve.equity[i]! - curve.equity[i - 1]!;
    sum += d;
    sumSq += d * d;
    if (d < 0) downSq += d * d;
  }
  const m = n - 1;
  const annual = Math.sqrt((365 * 86_400_000) / sampleMs);
  const mean = m > 0 ? sum / m : 0;
  const std = m > 1 ? Math.sqrt(Math.max(0, (sumSq - m * mean * mean) / (m - 1))) : 0;
  const downStd = m > 0 ? Math.sqrt(downSq / m) : 0;
  const posSorted = Float64Array.from(curve.position).sort();
  let inMarket = 0;
  let pMean = 0;
  for (let i = 0; i < n; i++) {
    pMean += curve.position[i]!;
    if (curve.position[i] !== 0) inMarket++;
  }
  pMean /= n;
  let pVar = 0;
  for (let i = 0; i < n; i++) pVar += (curve.position[i]! - pMean) ** 2;
  // Requests, rates, latency.
  const r = run.requests;
  const counts = [0, 0, 0];
  for (let i = 0; i < r.kind.length; i++) counts[r.kind[i]!]!++;
  const lat = Float64Array.from(r.latencyMs.filter((x) => !Number.isNaN(x))).sort();
  const durationMs = run.endMs - run.startMs;
  const minutes = durationMs / 60_000;
  const perMin = (x: number) => (minutes > 0 ? round(x / minutes) : 0);
  return {
    runId: run.runId,
    sampleMs,
    durationMs,
    currency: c.currency,
    pnlTotal: round(realised + unrealised - fees),
    pnlRealised: round(realised),
    pnlUnrealised: round(unrealised),
    fees: round(fees),
    maxDrawdown: round(maxDd),
    sharpe: std > 0 ? round((mean / std) * annual) : null,
    sortino: downStd > 0 ? round((mean / downStd) * annual) : null,
    turnover: round(turnover),
    fills: nf,
    fillQty: round(qtySum),
    fillRatio: counts[0]! > 0 ? round(run.counters.ordersFilled / counts[0]!) : null,
    makerShare: qtySum > 0 ? round(makerQty / qtySum) : null,
    markoutByHorizonMs: markout,
    inventory: {
      min: round(posSorted[0] ?? 0),
      max: round(posSorted[n - 1] ?? 0),
      mean: round(pMean),
      std: round(Math.sqrt(pVar / n)),
      p05: round(quantileSorted(posSorted, 0.05) ?? 0),
      p50: round(quantileSorted(posSorted, 0.5) ?? 0),
      p95: round(quantileSorted(posSorted, 0.95) ?? 0),
    },
    timeInMarket: round(inMarket / n),
    requests: { new: counts[0]!, replace: counts[1]!, cancel: counts[2]! },
    ratesPerMinute: { orders: perMin(counts[0]!), replaces: perMin(counts[1]!), cancels: perMin(counts[2]!) },
    latencyMs: { p50: roundOrNull(quantileSorted(lat, 0.5)), p95: roundOrNull(quantileSorted(lat, 0.95)), max: roundOrNull(lat.length ? lat[lat.length - 1]! : null) },
    riskDenials: run.counters.riskDenials,
    rateLimitDeferrals: run.counters.rateLimitDeferrals,
  };
}

/** Flat headline numbers for indexes and ranked tables. */
export function headlineMetrics(m: RunMetrics): Record<string, number | null> {
  return {
    pnl: m.pnlTotal,
    pnlRealised: m.pnlRealised,
    fees: m.fees,
    maxDrawdown: m.maxDrawdown,
    sharpe: m.sharpe,
    fills: m.fills,
    turnover: m.turnover,
    makerShare: m.makerShare,
    fillRatio: m.fillRatio,
    markout1s: m.markoutByHorizonMs['1000'] ?? null,
    timeInMarket: m.timeInMarket,
  };
}
