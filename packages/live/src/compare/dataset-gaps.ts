/**
 * Data gaps the backtest's datasets record (the quality gate's gap records in each dataset's
 * manifest, e.g. a depth update sequence break): from where the dataset with the gap ends to
 * where the next dataset of the same kind starts (or open-ended). Read from the catalog of the
 * run's data root (`<root>/experiments/<run-id>`); a run written elsewhere has none to read.
 */
import type { CanonicalKind } from '@chassis/storage';
import { openCatalog, openStorage } from '@chassis/storage';
import { dataRootOfRunDir } from '@chassis/analysis';
import type { ResolvedRun } from '@chassis/backtesting';
import type { Interval } from './execution-history.ts';

/** Gaps of the run's instruments and kinds among the datasets overlapping [fromNs, toNs]. */
export async function datasetGaps(
  runDir: string,
  run: ResolvedRun,
  fromNs: bigint,
  toNs: bigint,
  dataRoot = dataRootOfRunDir(runDir),
): Promise<Interval[]> {
  if (dataRoot === undefined) return [];
  const catalog = openCatalog(openStorage(dataRoot));
  const gaps: Interval[] = [];
  const seen = new Set<string>();
  for (const ref of run.datasets) {
    const key = `${ref.instrument}|${ref.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const [venue, symbol] = [
      ref.instrument.slice(0, ref.instrument.indexOf(':')),
      ref.instrument.slice(ref.instrument.indexOf(':') + 1),
    ];
    const found = await catalog.find({
      venue,
      instrument: symbol,
      kind: ref.kind as CanonicalKind,
      from: fromNs,
      to: toNs + 1n,
    });
    found.forEach((d, i) => {
      for (const g of d.gaps) {
        gaps.push({
          instrument: ref.instrument,
          fromNs: d.endNs < g.atNs ? d.endNs : g.atNs,
          toNs: found[i + 1]?.startNs ?? null,
          reason: `${ref.kind} dataset ${d.id}: ${g.message.replace(/ \(line \d+ of .*\)$/, '')}`,
        });
      }
    });
  }
  return gaps;
}
