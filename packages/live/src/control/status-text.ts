/**
 * A session status as an operator reads it in a terminal (`chassis ctl status`): what runs, whether
 * it may trade, and what it holds. Instruments are listed in name order so two prints compare.
 */
import type { SessionStatus } from '../contracts.ts';

const onOff = (on: boolean, yes: string, no: string): string => (on ? yes : no);

function listOrNone(entries: ReadonlyArray<readonly [string, string]>): string {
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ${v}`).join(', ');
}

const sortedEntries = (record: Readonly<Record<string, string>>): Array<[string, string]> =>
  Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export function formatSessionStatus(s: SessionStatus): string {
  const blocked: string[] = [];
  if (s.killSwitch) blocked.push('kill switch engaged');
  if (s.strategyPaused) blocked.push('strategy paused');
  if (s.reconciliation === 'mismatch') blocked.push('reconciliation mismatch');
  const degraded = Object.entries(s.feeds).filter(([, h]) => h === 'degraded').length;
  if (degraded > 0) blocked.push(`${degraded} feed${degraded > 1 ? 's' : ''} degraded`);
  return [
    `session ${s.sessionId} (${s.mode}, ${s.venue}): ${s.state}`,
    `  trading      ${blocked.length === 0 ? 'allowed' : `blocked or limited: ${blocked.join(', ')}`}`,
    `  kill switch  ${onOff(s.killSwitch, 'ENGAGED', 'off')}`,
    `  strategy     ${onOff(s.strategyPaused, 'paused', 'running')}`,
    `  reconciled   ${s.reconciliation}`,
    `  feeds        ${listOrNone(sortedEntries(s.feeds))}`,
    `  open orders  ${s.openOrders}`,
    `  positions    ${listOrNone(sortedEntries(s.positions))}`,
    `  config       ${s.configVersion}`,
    `  journal      seq ${s.lastSeq}, state hash ${s.stateHash}`,
  ].join('\n');
}
