/** The one-screen run summary the CLI prints. Money is printed as the exact decimal metrics.json holds, with its currency. */
import type { BacktestResult } from './run.ts';

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

/**
 * A JSON number as a plain decimal, digit for digit (no exponent, no rounding): 8.4e-7 →
 * "0.00000084", -176.98166 → "-176.98166". Shifts the decimal point of the shortest
 * round-trip representation, so it prints exactly the decimal the number was made from.
 */
export function plainDecimal(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(String(x));
  if (m === null) return String(x);
  const [, sign, int, frac = '', expText] = m;
  const exp = Number(expText);
  const digits = int! + frac;
  const point = int!.length + exp; // position of the decimal point within digits
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

export function formatSummary(r: BacktestResult): string {
  const m = r.metrics;
  const denials = Object.entries(m.riskDenials).map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
  const money = (p: BacktestResult['metrics']['pnl']) =>
    `net ${plainDecimal(p.net)} ${p.currency}  realised ${plainDecimal(p.realized)}  unrealised ${plainDecimal(p.unrealized)}  fees ${plainDecimal(p.fees)}`;
  const others = (m.pnlByCurrency ?? []).filter((p) => p.currency !== m.pnl.currency).map((p) => `            ${money(p)}`);
  return [
    `run ${r.runId}  status ${r.status}${r.diagnostic ? `  (${r.diagnostic})` : ''}`,
    `events      ${m.events.total} (${m.events.market} market)  ${m.throughput.eventsPerSecond.toLocaleString('en-US')} events/s in ${fmt(m.throughput.wallSeconds)} s`,
    `pnl         ${money(m.pnl)}`,
    ...others,
    `orders      ${m.orders.sent} sent, ${m.orders.replaceRequests} replaces, ${m.orders.cancelRequests} cancels; ${m.orders.cancelled} cancelled, ${m.orders.rejected} rejected, ${m.orders.cancelReplaceRejected} cancel/replace rejected`,
    `fills       ${m.fills.count} (maker share ${fmt(m.fills.makerShare * 100, 1)}%)  volume ${plainDecimal(m.volume.qty)} / value ${plainDecimal(m.volume.notional)} ${m.volume.currency}`,
    `risk        denials: ${denials}`,
    `rate limit  ${m.rateLimit.deferrals} deferrals, ${m.rateLimit.controlTimeEvents} control-time events`,
    `inventory   max ${m.maxInventoryLots} lots  max drawdown ${plainDecimal(m.maxDrawdown)} ${m.pnl.currency}`,
    ...clockLine(r),
    `strategy    ${m.strategy.intents} intents, ${m.strategy.errors} errors${m.strategy.halted ? ', HALTED' : ''}`,
    `artifacts   ${r.outDir}`,
    `outputHash  ${r.outputHash}`,
  ].join('\n');
}

/** Only when the clock model had to clamp exchange times: the data's clocks disagree with venue.clockOffsetUs / feedWindowMs. */
function clockLine(r: BacktestResult): string[] {
  const { toReceipt, toWindow } = r.exchangeTimeClamps;
  if (toReceipt === 0 && toWindow === 0) return [];
  const hint = toReceipt > 0 ? 'received before their exchange time: the recorder clock is behind the venue\'s, see venue.clockOffsetUs' : 'received later than venue.feedWindowMs after their exchange time';
  return [`clock       ${toReceipt + toWindow} of ${r.marketEvents} market events clamped (${toReceipt} to receipt, ${toWindow} to the feed window): ${hint}`];
}
