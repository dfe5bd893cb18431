/**
 * What a dataset report covers: a target (`ds_…` dataset id, or `venue:instrument`) and an
 * optional event-time window become one venue × instrument, a window [fromNs, toNs] and the
 * catalog's datasets of that instrument overlapping it — every state, so quarantined and
 * incomplete data are shown (and marked) rather than hidden. Where the catalog holds several
 * versions of one venue/instrument/kind/day/segment, the newest is shown, except that a
 * dataset named as the target is always the one shown for its slot.
 */
import { ChassisError } from '@chassis/core';
import { newestCoveringVersions, type Catalog, type DatasetMeta } from '@chassis/storage';

export interface ReportScope {
  readonly venue: string;
  readonly instrument: string;
  /** Inclusive event-time window (ns since epoch). */
  readonly fromNs: bigint;
  readonly toNs: bigint;
  /** Datasets shown, ordered by start then kind. */
  readonly datasets: readonly DatasetMeta[];
  /** The dataset named as the target, if one was. */
  readonly targetId?: string;
}

/** A time as given on the command line: integer ns since epoch, or an ISO 8601 date-time (UTC when no offset). */
export function parseReportTime(text: string, flag: string): bigint {
  if (/^-?\d+$/.test(text)) return BigInt(text);
  const m = /^(.*?)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$/.exec(text.trim());
  const base = m ? Date.parse(`${m[1]}${m[3] ?? 'Z'}`) : NaN;
  if (!m || Number.isNaN(base)) throw new ChassisError('E_REPORT_WINDOW', `${flag} ${text}: not a time; give ns since epoch or an ISO 8601 time such as 2024-08-08T23:55:00Z`);
  const fraction = BigInt((m[2] ?? '').padEnd(9, '0'));
  return BigInt(base) * 1_000_000n + fraction;
}

export async function reportScope(catalog: Catalog, target: string, window: { readonly fromNs?: bigint; readonly toNs?: bigint } = {}): Promise<ReportScope> {
  let venue: string;
  let instrument: string;
  let named: DatasetMeta | undefined;
  if (target.startsWith('ds_')) {
    named = await catalog.get(target);
    if (!named) throw new ChassisError('E_DATASET_NOT_FOUND', `no dataset ${target} in the catalog`);
    venue = named.venue;
    instrument = named.symbol;
  } else {
    const i = target.indexOf(':');
    if (i <= 0 || i === target.length - 1) throw new ChassisError('E_REPORT_TARGET', `${target}: give a dataset id (ds_…) or venue:instrument, e.g. binance-usdm:BTCUSDT`);
    venue = target.slice(0, i);
    instrument = target.slice(i + 1);
  }
  const all = await catalog.list({ venue, instrument });
  if (all.length === 0) throw new ChassisError('E_DATASET_NOT_FOUND', `no dataset of ${venue}:${instrument} in the catalog`);
  const fromNs = window.fromNs ?? named?.startNs ?? all.reduce((m, d) => (d.startNs < m ? d.startNs : m), all[0]!.startNs);
  const toNs = window.toNs ?? named?.endNs ?? all.reduce((m, d) => (d.endNs > m ? d.endNs : m), all[0]!.endNs);
  if (toNs < fromNs) throw new ChassisError('E_REPORT_WINDOW', `the window ends (${toNs} ns) before it starts (${fromNs} ns)`);
  const inWindow = all.filter((d) => d.endNs >= fromNs && d.startNs <= toNs);
  const datasets = newestCoveringVersions(inWindow, named?.id).sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : a.kind.localeCompare(b.kind)));
  if (datasets.length === 0) throw new ChassisError('E_REPORT_WINDOW', `no dataset of ${venue}:${instrument} overlaps the window`);
  return { venue, instrument, fromNs, toNs, datasets, ...(named ? { targetId: named.id } : {}) };
}
