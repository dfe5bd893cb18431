/**
 * Resolution of a run definition, before anything runs: validate it, find its datasets in the
 * catalog (promoted, window covered without gaps), load the strategy, and build the resolved
 * run whose hash is the run id. runBacktest starts with this; sweeps call it to know a
 * member's run id (and so whether it is already done) without running it.
 */
import { ChassisError, type Instrument } from '@chassis/core';
import { openCatalog, openStorage, type CanonicalKind, type DatasetMeta, type Storage } from '@chassis/storage';
import { parseRunDefinition, parseTimeNs, type RunDefinition } from './run-definition.ts';
import { datasetRef, instrumentFromMeta, runIdOf, type ResolvedRun } from './resolved-run.ts';
import { loadStrategy, resolveStrategyPath, type LoadedStrategy } from './strategy-loader.ts';

export const KINDS: readonly CanonicalKind[] = ['book_delta', 'trade', 'bbo'];

export interface RunResolutionInput {
  /** Raw run data (a parsed run file with flag overrides applied), or an already parsed definition. */
  readonly definition: Record<string, unknown> | RunDefinition;
  /** Where relative strategy paths resolve from. */
  readonly baseDir: string;
  readonly dataRoot: string;
  /** Part of the run id, e.g. `chassis@0.1.0+<fingerprint>`. */
  readonly codeVersion: string;
  /** Name of the definition's source for error messages. */
  readonly where?: string;
}

export interface RunResolution {
  readonly runId: string;
  readonly definition: RunDefinition;
  /** Window bounds in ns since the epoch, when given. */
  readonly fromNs: bigint | undefined;
  readonly toNs: bigint | undefined;
  readonly storage: Storage;
  readonly datasets: readonly DatasetMeta[];
  readonly strategy: LoadedStrategy;
  /** What run.json records; its hash is `runId`. */
  readonly resolved: ResolvedRun;
}

function instrumentsOfDefinition(def: RunDefinition): string[] {
  return def.data.instruments ?? (def.data.instrument ? [def.data.instrument] : []);
}

/** Finds the datasets of the run and checks the window is covered without gaps. */
async function resolveDatasets(storage: Storage, def: RunDefinition, fromNs: bigint | undefined, toNs: bigint | undefined): Promise<DatasetMeta[]> {
  const catalog = openCatalog(storage);
  const out: DatasetMeta[] = [];
  if (def.data.datasets) {
    for (const id of def.data.datasets) {
      const d = await catalog.get(id);
      if (!d) throw new ChassisError('E_DATASET_NOT_FOUND', `dataset ${id} (data.datasets) is not in the catalog of ${storage.root}`);
      if (d.state !== 'Promoted') throw new ChassisError('E_DATASET_NOT_PROMOTED', `dataset ${id} is ${d.state}, not Promoted`);
      out.push(d);
    }
  } else {
    const venue = def.data.venue!;
    for (const instrument of instrumentsOfDefinition(def)) {
      // One catalog read for the three kinds (a read parses the whole catalog file); find keeps
      // each kind's versions apart and orders by start, so a kind's share is what find({ kind }) gives.
      const all = await catalog.find({ venue, instrument, ...(fromNs !== undefined ? { from: fromNs } : {}), ...(toNs !== undefined ? { to: toNs } : {}) });
      for (const kind of KINDS) out.push(...all.filter((d) => d.kind === kind));
      if (all.length === 0) {
        const window = fromNs !== undefined || toNs !== undefined ? ` in the window ${def.data.from ?? '-∞'} .. ${def.data.to ?? '+∞'}` : '';
        throw new ChassisError('E_DATASET_NOT_FOUND', `no promoted canonical data for ${venue} ${instrument}${window} in ${storage.root} (import some with \`chassis import <file> --data ${storage.root}\`)`);
      }
    }
  }
  checkGaps(out, fromNs, toNs);
  return out;
}

function checkGaps(datasets: readonly DatasetMeta[], fromNs: bigint | undefined, toNs: bigint | undefined): void {
  const inWindow = (t: bigint) => (fromNs === undefined || t >= fromNs) && (toNs === undefined || t < toNs);
  const groups = new Map<string, DatasetMeta[]>();
  for (const d of datasets) {
    for (const g of d.gaps) {
      if (inWindow(g.atNs)) throw new ChassisError('E_DATASET_GAP', `dataset ${d.id} (${d.venue} ${d.symbol} ${d.kind}) has a gap inside the window at ${g.location}: ${g.message}`);
    }
    const key = `${d.venue}|${d.symbol}|${d.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  for (const list of groups.values()) {
    list.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const next = list[i]!;
      if (next.continuesFrom === prev.id) continue;
      const gapStart = prev.endNs;
      if (next.startNs > gapStart && inWindow(next.startNs) && (fromNs === undefined || next.startNs > fromNs)) {
        throw new ChassisError(
          'E_DATASET_GAP',
          `${next.venue} ${next.symbol} ${next.kind}: no data between ${prev.endNs} (end of ${prev.id}) and ${next.startNs} (start of ${next.id}) inside the window; narrow --from/--to or import the missing data`,
        );
      }
    }
  }
}

/** Resolves a run definition to its run id, datasets and strategy. Throws ChassisError for input problems. */
export async function resolveRun(o: RunResolutionInput): Promise<RunResolution> {
  const def = parseRunDefinition(o.definition, o.where);
  const fromNs = def.data.from !== undefined ? parseTimeNs(def.data.from, 'data.from') : undefined;
  const toNs = def.data.to !== undefined ? parseTimeNs(def.data.to, 'data.to') : undefined;
  if (fromNs !== undefined && toNs !== undefined && toNs <= fromNs) throw new ChassisError('E_RUN_DEFINITION', `data.to must be after data.from (in ${o.where ?? 'run definition'})`);
  const storage = openStorage(o.dataRoot);
  const datasets = await resolveDatasets(storage, def, fromNs, toNs);
  const strategy = await loadStrategy(resolveStrategyPath(def.strategy.module, o.baseDir));

  const instrumentMetas = new Map<string, Instrument>();
  for (const d of datasets) {
    const inst = instrumentFromMeta(d.instrument);
    if (!instrumentMetas.has(inst.id)) instrumentMetas.set(inst.id, inst);
  }
  const { output: _output, ...definition } = def;
  const resolved: ResolvedRun = {
    format: 'chassis-run-v1',
    definition,
    instruments: [...instrumentMetas.values()].map((i) => ({ ...i, minNotionalUnits: i.minNotionalUnits.toString() })),
    datasets: datasets.map(datasetRef),
    window: { fromNs: fromNs?.toString() ?? null, toNs: toNs?.toString() ?? null },
    strategy: { module: def.strategy.module, sha256: strategy.sha256 },
    codeVersion: o.codeVersion,
  };
  return { runId: runIdOf(resolved), definition: def, fromNs, toNs, storage, datasets, strategy, resolved };
}
