/**
 * What the quality gate recorded about a report's datasets, as marks on the time axis and as
 * the quality record: every gap (`gaps`: where a sequence break was detected, event time),
 * every split (a dataset with segment > 0 starts a new segment: without a gap — a UTC day
 * boundary or a size split — when it `continuesFrom` the previous one, else after a gap), every span of a dataset that is not
 * Promoted (Quarantined, Rejected, Incomplete), every state transition and every check with
 * its reason.
 */
import { nsToIso, type DatasetMeta } from '@chassis/storage';

export interface TimeMark {
  readonly kind: 'gap' | 'split';
  readonly atNs: bigint;
  readonly label: string;
  readonly detail: string;
}

export interface SpanMark {
  readonly state: string;
  readonly fromNs: bigint;
  readonly toNs: bigint;
  readonly label: string;
}

export interface QualityMarks {
  readonly points: readonly TimeMark[];
  readonly spans: readonly SpanMark[];
}

export function qualityMarks(datasets: readonly DatasetMeta[]): QualityMarks {
  const points: TimeMark[] = [];
  const seen = new Set<string>();
  for (const d of datasets) {
    for (const g of d.gaps) {
      const key = `${g.atNs}|${g.location}`;
      if (seen.has(key)) continue;
      seen.add(key);
      points.push({ kind: 'gap', atNs: g.atNs, label: `gap (${d.kind})`, detail: `${g.message} at ${g.location}` });
    }
    if (d.segment > 0)
      points.push({
        kind: 'split',
        atNs: d.startNs,
        label: `split (${d.kind}, ${d.continuesFrom ? 'continues without a gap' : 'after a gap'})`,
        detail: `${d.id} starts segment ${d.segment}${d.continuesFrom ? `, continuing ${d.continuesFrom}` : ''}`,
      });
  }
  points.sort((a, b) => (a.atNs < b.atNs ? -1 : a.atNs > b.atNs ? 1 : a.label.localeCompare(b.label)));
  const spans = datasets
    .filter((d) => d.state !== 'Promoted')
    .map((d) => ({ state: d.state, fromNs: d.startNs, toNs: d.endNs, label: `${d.state} ${d.kind}` }));
  return { points, spans };
}

/** Rows of the quality record: one per transition, in recorded order per dataset. */
export function transitionRows(datasets: readonly DatasetMeta[]): (string | null)[][] {
  return datasets.flatMap((d) => d.transitions.map((t) => [d.id, d.kind, t.from, t.to, t.at, t.reason]));
}

/** Rows of the checks: one per check of each dataset. */
export function checkRows(datasets: readonly DatasetMeta[]): (string | number | null)[][] {
  return datasets.flatMap((d) => d.checks.map((c) => [d.id, d.kind, c.name, c.status, c.count, c.detail, c.location ?? null]));
}

export function markRows(marks: QualityMarks): (string | null)[][] {
  return [
    ...marks.points.map((p) => [p.kind, nsToIso(p.atNs), null, p.label, p.detail]),
    ...marks.spans.map((s) => ['not promoted', nsToIso(s.fromNs), nsToIso(s.toNs), s.label, s.state]),
  ];
}
