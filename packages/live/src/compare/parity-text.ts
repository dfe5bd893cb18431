/**
 * The parity report as the terminal shows it: the two sides in columns, the differences counted
 * by attribution, then the first differences one a line (time, what, both sides, why).
 */
import { nsToIso } from '@chassis/storage';
import type { OrderHistory } from './execution-history.ts';
import type { LatencySummary, ParityReport, SideSummary } from './parity-report.ts';

const num = (x: number | null) =>
  x === null ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(6).replace(/\.?0+$/, '');
const lat = (l: LatencySummary) => (l.count === 0 ? '–' : `${num(l.p50)} / ${num(l.p95)} / ${num(l.max)}`);

/** The side-by-side rows: label and value of one side. */
const ROWS: readonly (readonly [string | ((s: SideSummary) => string), (s: SideSummary) => string])[] = [
  ['orders', (s) => num(s.orders)],
  ['filled orders', (s) => num(s.filledOrders)],
  ['fills', (s) => num(s.fills)],
  ['filled qty (units)', (s) => num(s.fillQtyUnits)],
  ['replaces', (s) => num(s.replaces)],
  ['cancels', (s) => num(s.cancels)],
  ['duplicate fills ignored', (s) => num(s.duplicateFills)],
  [(s) => `PnL total (${s.currency})`, (s) => num(s.pnlTotal)],
  ['  realised', (s) => num(s.pnlRealised)],
  ['  unrealised', (s) => num(s.pnlUnrealised)],
  ['fees', (s) => num(s.fees)],
  ['maker share', (s) => num(s.makerShare)],
  ['signal→request ms p50/p95/max', (s) => lat(s.signalToRequest)],
  ['request→ack ms p50/p95/max', (s) => lat(s.requestToAck)],
];

function rows(s: SideSummary): [string, string][] {
  return ROWS.map(([label, value]) => [typeof label === 'string' ? label : label(s), value(s)]);
}

function order(o: OrderHistory | null): string {
  return o === null ? 'none' : `#${o.orderId} ${o.status} ${o.filledQtyUnits}/${o.qtyUnits}`;
}

export function formatParityReport(r: ParityReport, limit = 20): string {
  const s = rows(r.session);
  const b = rows(r.backtest);
  const w0 = Math.max(...s.map(([k]) => k.length));
  const w1 = Math.max('session'.length, ...s.map(([, v]) => v.length));
  const lines = [
    `${''.padEnd(w0)}  ${'session'.padStart(w1)}  backtest`,
    ...s.map(([k, v], i) => `${k.padEnd(w0)}  ${v.padStart(w1)}  ${b[i]![1]}`),
    '',
  ];
  lines.push(`session ${r.session.dir}`, `backtest ${r.backtest.dir}`, `instrument ${r.session.instrument}`);
  lines.push(`paired orders: ${r.pairedOrders} (session ${r.session.orders}, backtest ${r.backtest.orders})`);
  const counts = Object.entries(r.byAttribution)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
  lines.push(`differences: ${r.differences.length}${counts.length ? ` (${counts.join(', ')})` : ''}`);
  for (const g of r.gaps)
    lines.push(
      `data gap: ${g.instrument} ${nsToIso(g.fromNs)} → ${g.toNs === null ? 'end' : nsToIso(g.toNs)} (${g.reason})`,
    );
  for (const d of r.differences.slice(0, limit)) {
    const o = (d.pair.session ?? d.pair.backtest)!;
    lines.push(
      `  ${nsToIso(d.atNs)} ${d.kind} ${o.side} ${o.qtyUnits} @ ${o.priceUnits}: session ${order(d.pair.session)}, backtest ${order(d.pair.backtest)} — ${d.attribution}: ${d.why}`,
    );
  }
  if (r.differences.length > limit) lines.push(`  … ${r.differences.length - limit} more (--json for all)`);
  return lines.join('\n');
}
