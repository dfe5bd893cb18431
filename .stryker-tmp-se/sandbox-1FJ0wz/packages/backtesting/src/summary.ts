/** The one-screen run summary the CLI prints. */
// @ts-nocheck

import type { BacktestResult } from './run.ts';

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

export function formatSummary(r: BacktestResult): string {
  const m = r.metrics;
  const denials = Object.entries(m.riskDenials).map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
  return [
    `run ${r.runId}  status ${r.status}${r.diagnostic ? `  (${r.diagnostic})` : ''}`,
    `events      ${m.events.total} (${m.events.market} market)  ${m.throughput.eventsPerSecond.toLocaleString('en-US')} events/s in ${fmt(m.throughput.wallSeconds)} s`,
    `pnl         net ${fmt(m.pnl.net, 4)}  realised ${fmt(m.pnl.realized, 4)}  unrealised ${fmt(m.pnl.unrealized, 4)}  fees ${fmt(m.pnl.fees, 4)}`,
    `orders      ${m.orders.sent} sent, ${m.orders.replaceRequests} replaces, ${m.orders.cancelRequests} cancels; ${m.orders.cancelled} cancelled, ${m.orders.rejected} rejected, ${m.orders.cancelReplaceRejected} cancel/replace rejected`,
    `fills       ${m.fills.count} (maker share ${fmt(m.fills.makerShare * 100, 1)}%)  volume ${fmt(m.volume.qty, 6)} / notional ${fmt(m.volume.notional)}`,
    `risk        denials: ${denials}`,
    `rate limit  ${m.rateLimit.deferrals} deferrals, ${m.rateLimit.controlTimeEvents} control-time events`,
    `inventory   max ${m.maxInventoryLots} lots  max drawdown ${fmt(m.maxDrawdown, 4)}`,
    `strategy    ${m.strategy.intents} intents, ${m.strategy.errors} errors${m.strategy.halted ? ', HALTED' : ''}`,
    `artifacts   ${r.outDir}`,
    `outputHash  ${r.outputHash}`,
  ].join('\n');
}
