/**
 * The market side of a run's analysis columns read from the run's canonical datasets instead of
 * its journal (a backtest journal need not hold the market events it replayed). The mid path is
 * rebuilt the way the backtest fed the data: the instrument's bbo datasets (else its trades) in
 * run.json order, rows with event time in the run's window [from, to), local time = the
 * recorded tsLocal (or tsEvent + the venue's feed latency for datasets without capture time),
 * fed `repeat` times with every time shifted by k × (span of all datasets + 1 s) as
 * repeatBatches does. Each dataset read is found in the data root's catalog by id and its
 * content is hashed (storage's contentHash) against the run manifest's hash before it is used.
 */
import { ChassisError } from '@chassis/core';
import type { ResolvedRun } from '@chassis/backtesting';
import { contentHash, openCatalog, openStorage, readCanonical, type BboBatch, type CanonicalBatch, type DatasetMeta, type Storage, type TradeBatch } from '@chassis/storage';
import type { MidColumns } from './run-series.ts';
import type { RunManifest } from './run-dir.ts';
import type { SeriesInstrument } from './run-loader.ts';

const NS_PER_MS = 1_000_000n;
/** Gap between repetitions of a repeated run, as run.ts: span of the datasets + this. */
const REPEAT_GAP_NS = 1_000_000_000n;

export interface DatasetMarketInput {
  readonly dataRoot: string;
  readonly manifest: RunManifest;
  readonly run: ResolvedRun;
  /** Rows with tsLocal after this (float ms) are left out: a halted run stopped reading there. */
  readonly untilMs?: number;
}

/** One row source: its rows' local times split as integer ms + ns remainder, and the mid values. */
interface BaseMids {
  readonly ms: Float64Array;
  readonly rem: Float64Array;
  readonly mid: Float64Array;
}

/** Mid columns per instrument id, from the run's datasets; instruments without bbo or trade data are absent. */
export async function midsFromDatasets(input: DatasetMarketInput, instruments: readonly SeriesInstrument[]): Promise<Map<string, MidColumns>> {
  const storage = openStorage(input.dataRoot);
  const catalog = openCatalog(storage);
  const { run, manifest } = input;
  const out = new Map<string, MidColumns>();
  const shiftNs = repeatShiftNs(run);
  const repeat = manifest.repeat ?? 1;
  const window = { from: run.window.fromNs === null ? undefined : BigInt(run.window.fromNs), to: run.window.toNs === null ? undefined : BigInt(run.window.toNs) };
  const latencyNs = BigInt(Math.round(run.definition.venue.feedLatencyUs * 1000));
  for (const inst of instruments) {
    let base: BaseMids | undefined;
    for (const kind of ['bbo', 'trade'] as const) {
      const refs = run.datasets.filter((d) => d.instrument === inst.id && d.kind === kind);
      if (refs.length === 0) continue;
      const metas = await Promise.all(refs.map((r) => verifiedMeta(catalog, input, r.id)));
      const batches: CanonicalBatch[] = [];
      for (const m of metas) batches.push(...(await verifiedRows(storage, m)));
      base = baseMids(batches, window, refs[0]!.tsLocalFromEvent ? latencyNs : undefined, 10 ** -inst.priceDecimals);
      if (base.mid.length > 0) break; // bbo mids when there are any, else trades (run-loader.ts)
    }
    if (base) out.set(inst.id, repeated(base, repeat, shiftNs, input.untilMs));
  }
  return out;
}

/** k × this is the shift of repetition k (run.ts: dataset span + 1 s). */
function repeatShiftNs(run: ResolvedRun): bigint {
  if (run.datasets.length === 0) return 0n;
  let start = BigInt(run.datasets[0]!.startNs);
  let end = BigInt(run.datasets[0]!.endNs);
  for (const d of run.datasets) {
    const s = BigInt(d.startNs);
    const e = BigInt(d.endNs);
    if (s < start) start = s;
    if (e > end) end = e;
  }
  return end - start + REPEAT_GAP_NS;
}

/** The catalog entry of a dataset the manifest names; E_RUN_DATASET_MISSING when it is not there, E_RUN_DATASET_CHANGED when its hash differs. */
async function verifiedMeta(catalog: ReturnType<typeof openCatalog>, input: DatasetMarketInput, id: string): Promise<DatasetMeta> {
  const want = input.manifest.datasets.find((d) => d.id === id);
  if (!want) throw new ChassisError('E_RUN_DATASET_MISSING', `run ${input.manifest.runId}: dataset ${id} of run.json is not in its manifest`);
  const meta = await catalog.get(id);
  if (!meta) throw new ChassisError('E_RUN_DATASET_MISSING', `run ${input.manifest.runId}: dataset ${id} is not in the catalog of ${input.dataRoot} (give the data root the run was made from with --data)`);
  if (meta.contentHash !== want.contentHash)
    throw new ChassisError('E_RUN_DATASET_CHANGED', `run ${input.manifest.runId}: dataset ${id} in ${input.dataRoot} has content hash ${meta.contentHash}, the run used ${want.contentHash}`);
  return meta;
}

/** Every row of the dataset, after checking that its content hashes to its catalog hash. */
async function verifiedRows(storage: Storage, meta: DatasetMeta): Promise<CanonicalBatch[]> {
  const parts: CanonicalBatch[] = [];
  for await (const b of readCanonical(storage, meta)) parts.push(b);
  const got = contentHash(concat(meta.kind, parts), meta.instrument);
  if (got !== meta.contentHash)
    throw new ChassisError('E_RUN_DATASET_CHANGED', `dataset ${meta.id} (${meta.venue} ${meta.symbol} ${meta.kind}) in ${storage.root}: its content hashes to ${got}, not ${meta.contentHash}: the data was altered`);
  return parts;
}

function concat(kind: CanonicalBatch['kind'], parts: readonly CanonicalBatch[]): CanonicalBatch {
  const length = parts.reduce((s, b) => s + b.length, 0);
  const col = <T extends BigInt64Array | Float64Array | Uint8Array>(pick: (b: CanonicalBatch) => T, ctor: new (n: number) => T): T => {
    const out = new ctor(length);
    let at = 0;
    for (const b of parts) {
      out.set(pick(b).subarray(0, b.length) as never, at);
      at += b.length;
    }
    return out;
  };
  const common = { length, tsEventNs: col((b) => b.tsEventNs, BigInt64Array), tsLocalNs: col((b) => b.tsLocalNs, BigInt64Array) };
  switch (kind) {
    case 'bbo': {
      const f = (k: 'bidPrice' | 'bidSize' | 'askPrice' | 'askSize') => col((b) => (b as BboBatch)[k], Float64Array);
      return { kind, ...common, updateId: col((b) => (b as BboBatch).updateId, BigInt64Array), bidPrice: f('bidPrice'), bidSize: f('bidSize'), askPrice: f('askPrice'), askSize: f('askSize') };
    }
    case 'trade':
      return {
        kind,
        ...common,
        tradeId: parts.flatMap((b) => (b as TradeBatch).tradeId.slice(0, b.length)),
        price: col((b) => (b as TradeBatch).price, Float64Array),
        size: col((b) => (b as TradeBatch).size, Float64Array),
        aggressor: col((b) => (b as TradeBatch).aggressor, Uint8Array),
      };
    case 'book_delta':
      throw new Error('midsFromDatasets reads no book_delta');
  }
}

/**
 * Mid per row in the window (bbo: both sizes > 0, (bid + ask) / 2; trade: its price), in
 * instrument units, with the row's local time split into integer ms and ns remainder.
 */
function baseMids(batches: readonly CanonicalBatch[], window: { from: bigint | undefined; to: bigint | undefined }, latencyNs: bigint | undefined, pScale: number): BaseMids {
  const n = batches.reduce((s, b) => s + b.length, 0);
  const ms = new Float64Array(n);
  const rem = new Float64Array(n);
  const mid = new Float64Array(n);
  let k = 0;
  for (const b of batches) {
    if (b.kind === 'book_delta') continue;
    for (let r = 0; r < b.length; r++) {
      const ev = b.tsEventNs[r]!;
      if ((window.from !== undefined && ev < window.from) || (window.to !== undefined && ev >= window.to)) continue;
      let v: number;
      if (b.kind === 'bbo') {
        if (!(b.bidSize[r]! > 0 && b.askSize[r]! > 0)) continue;
        v = ((b.bidPrice[r]! + b.askPrice[r]!) / 2) * pScale;
      } else v = b.price[r]! * pScale;
      const local = latencyNs === undefined ? b.tsLocalNs[r]! : ev + latencyNs;
      ms[k] = Number(local / NS_PER_MS);
      rem[k] = Number(local % NS_PER_MS);
      mid[k++] = v;
    }
  }
  return { ms: ms.subarray(0, k), rem: rem.subarray(0, k), mid: mid.subarray(0, k) };
}

/** The base rows `repeat` times, repetition k shifted by k × shiftNs; times as run-loader's toMs. */
function repeated(base: BaseMids, repeat: number, shiftNs: bigint, untilMs: number | undefined): MidColumns {
  const n = base.mid.length;
  const tsMs = new Float64Array(n * repeat);
  const mid = new Float64Array(n * repeat);
  let k = 0;
  for (let rep = 0; rep < repeat; rep++) {
    const shift = shiftNs * BigInt(rep);
    const sMs = Number(shift / NS_PER_MS);
    const sRem = Number(shift % NS_PER_MS);
    for (let i = 0; i < n; i++) {
      let r = base.rem[i]! + sRem;
      let m = base.ms[i]! + sMs;
      if (r >= 1e6) {
        r -= 1e6;
        m += 1;
      }
      const t = m + r / 1e6;
      if (untilMs !== undefined && t > untilMs) continue;
      tsMs[k] = t;
      mid[k++] = base.mid[i]!;
    }
  }
  return { tsMs: tsMs.slice(0, k), mid: mid.slice(0, k) };
}
