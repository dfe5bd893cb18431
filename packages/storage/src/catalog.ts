import { ChassisError } from '@chassis/core';
import type { Storage } from './backends/storage.ts';
import type { CanonicalKind } from './canonical/batches.ts';
import { datasetFromJson, datasetToJson, type DatasetMeta, type DatasetState } from './canonical/dataset.ts';

/** The catalog object: one JSON file, replaced atomically on every change. */
export const CATALOG_KEY = 'canonical/_catalog.json';

export interface CatalogFilter {
  readonly venue?: string;
  readonly instrument?: string;
  readonly kind?: CanonicalKind;
  readonly state?: DatasetState;
}

export interface FindQuery {
  readonly venue: string;
  readonly instrument: string;
  readonly kind?: CanonicalKind;
  /** Inclusive ns lower bound of the wanted window. */
  readonly from?: bigint;
  /** Exclusive ns upper bound. */
  readonly to?: bigint;
}

export interface Catalog {
  /** Every dataset the gate has recorded (all states), oldest first. */
  list(filter?: CatalogFilter): Promise<DatasetMeta[]>;
  get(datasetId: string): Promise<DatasetMeta | undefined>;
  /**
   * Promoted datasets overlapping the window, ordered by start. Of the versions of one
   * kind/day/segment, a newer one replaces every older one its time span overlaps; versions with
   * disjoint spans (a recorder restarted within a day) are all kept.
   */
  find(query: FindQuery): Promise<DatasetMeta[]>;
  /** Records a dataset (idempotent by id); returns the stored entry and whether it was already present. */
  add(meta: DatasetMeta): Promise<{ meta: DatasetMeta; alreadyPresent: boolean }>;
  /** The version number a new dataset with this identity would get (advisory: see `record`). */
  nextVersion(meta: DatasetIdentity): Promise<number>;
  /**
   * The safe way for writers: under the catalog lock (exclusive across processes on fs), assigns
   * the version, lets `write(version)` write the dataset, and adds its entry — so concurrent
   * imports into one data root neither lose catalog entries nor hand out a version twice. An
   * id already in the catalog is returned as is, without calling `write`.
   */
  record(
    identity: DatasetIdentity & { readonly id: string },
    write: (version: number) => Promise<DatasetMeta>,
  ): Promise<{ meta: DatasetMeta; alreadyPresent: boolean }>;
}

export type DatasetIdentity = Pick<DatasetMeta, 'venue' | 'symbol' | 'kind' | 'day' | 'segment' | 'contentHash'>;

const LOCK = 'catalog';

interface CatalogFile {
  readonly format: 'chassis-catalog-v1';
  readonly datasets: DatasetMeta[];
}

class JsonCatalog implements Catalog {
  constructor(private readonly storage: Storage) {}

  private async load(): Promise<CatalogFile> {
    if ((await this.storage.stat(CATALOG_KEY)) === null) return { format: 'chassis-catalog-v1', datasets: [] };
    const text = new TextDecoder().decode(await this.storage.get(CATALOG_KEY));
    try {
      return datasetFromJson<CatalogFile>(text);
    } catch (err) {
      throw new ChassisError(
        'E_CATALOG_CORRUPT',
        `${CATALOG_KEY} in ${this.storage.root} is not valid JSON: ${(err as Error).message}`,
      );
    }
  }

  async list(filter: CatalogFilter = {}): Promise<DatasetMeta[]> {
    return (await this.load()).datasets.filter(
      (d) =>
        (filter.venue === undefined || d.venue === filter.venue) &&
        (filter.instrument === undefined || d.symbol === filter.instrument) &&
        (filter.kind === undefined || d.kind === filter.kind) &&
        (filter.state === undefined || d.state === filter.state),
    );
  }

  async get(datasetId: string): Promise<DatasetMeta | undefined> {
    return (await this.load()).datasets.find((d) => d.id === datasetId);
  }

  async find(q: FindQuery): Promise<DatasetMeta[]> {
    const candidates = (
      await this.list({
        venue: q.venue,
        instrument: q.instrument,
        state: 'Promoted',
        ...(q.kind ? { kind: q.kind } : {}),
      })
    ).filter((d) => (q.from === undefined || d.endNs >= q.from) && (q.to === undefined || d.startNs < q.to));
    return newestCoveringVersions(candidates).sort((a, b) =>
      a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : a.kind.localeCompare(b.kind),
    );
  }

  async nextVersion(m: DatasetIdentity): Promise<number> {
    return versionIn(await this.load(), m);
  }

  record(
    identity: DatasetIdentity & { readonly id: string },
    write: (version: number) => Promise<DatasetMeta>,
  ): Promise<{ meta: DatasetMeta; alreadyPresent: boolean }> {
    return this.storage.exclusive(LOCK, async () => {
      const file = await this.load();
      const existing = file.datasets.find((d) => d.id === identity.id);
      if (existing) return { meta: existing, alreadyPresent: true };
      const meta = await write(versionIn(file, identity));
      await this.save(file, meta);
      return { meta, alreadyPresent: false };
    });
  }

  private async save(file: CatalogFile, meta: DatasetMeta): Promise<void> {
    const next: CatalogFile = { format: 'chassis-catalog-v1', datasets: [...file.datasets, meta] };
    await this.storage.put(CATALOG_KEY, new TextEncoder().encode(datasetToJson(next)));
  }

  add(meta: DatasetMeta): Promise<{ meta: DatasetMeta; alreadyPresent: boolean }> {
    // Read-modify-write under the lock; the object itself is replaced atomically by the backend.
    return this.storage.exclusive(LOCK, async () => {
      const file = await this.load();
      const existing = file.datasets.find((d) => d.id === meta.id);
      if (existing) return { meta: existing, alreadyPresent: true };
      await this.save(file, meta);
      return { meta, alreadyPresent: false };
    });
  }
}

/**
 * Newest first per kind/day/segment (the preferred dataset first of all), each kept unless a
 * kept one overlaps its span: a re-import of the same data supersedes the old one, separate
 * recordings of one day add up.
 */
export function newestCoveringVersions(candidates: readonly DatasetMeta[], preferredId?: string): DatasetMeta[] {
  const byIdentity = new Map<string, DatasetMeta[]>();
  for (const d of candidates) {
    const k = `${d.kind}|${d.day}|${d.segment}`;
    byIdentity.set(k, [...(byIdentity.get(k) ?? []), d]);
  }
  const kept: DatasetMeta[] = [];
  for (const versions of byIdentity.values()) {
    const keptHere: DatasetMeta[] = [];
    const rank = (d: DatasetMeta): number => (d.id === preferredId ? Number.MAX_SAFE_INTEGER : d.version);
    for (const d of [...versions].sort((a, b) => rank(b) - rank(a))) {
      if (!keptHere.some((k) => d.startNs <= k.endNs && k.startNs <= d.endNs)) keptHere.push(d);
    }
    kept.push(...keptHere);
  }
  return kept;
}

/** Same content keeps its version; new content for the same identity gets the next one. */
function versionIn(file: CatalogFile, m: DatasetIdentity): number {
  const same = file.datasets.filter(
    (d) =>
      d.venue === m.venue && d.symbol === m.symbol && d.kind === m.kind && d.day === m.day && d.segment === m.segment,
  );
  const existing = same.find((d) => d.contentHash === m.contentHash);
  if (existing) return existing.version;
  return same.reduce((v, d) => Math.max(v, d.version), 0) + 1;
}

export function openCatalog(storage: Storage): Catalog {
  return new JsonCatalog(storage);
}
