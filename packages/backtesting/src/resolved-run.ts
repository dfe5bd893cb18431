/**
 * A resolved run: the run definition plus everything it was resolved against (instruments
 * from dataset metadata, dataset ids and content hashes, the strategy module's hash, the code
 * version). Written as `run.json` in the run directory; replay rebuilds the engine from it
 * alone. The run id hashes it (minus the output directory), so identical runs share an id.
 */
import { ChassisError, balanceDecimals, contractTerms, parseDecimalBigUnits, parseDecimalUnits, type EngineConfig, type Instrument } from '@chassis/core';
import type { DatasetMeta, InstrumentMeta } from '@chassis/storage';
import type { QueueModel, QueueModelOf, LatencyModel } from '@chassis/venues';
import { conservativeQueue, powerProbQueue, logProbQueue, constantLatency, recordedLatency } from '@chassis/venues';
import type { RunDefinition } from './run-definition.ts';

/** The simulated venue's models of a run definition (`venue:` section, defaults applied). */
export type VenueModelDefinition = RunDefinition['venue'];
import { canonicalJson, sha256Hex } from './canonical-json.ts';

export interface DatasetRef {
  readonly id: string;
  readonly kind: string;
  readonly instrument: string;
  readonly contentHash: string;
  readonly startNs: string;
  readonly endNs: string;
  /** true when the dataset has no capture time (tsLocal = tsEvent + feed latency). */
  readonly tsLocalFromEvent: boolean;
}

export interface ResolvedRun {
  readonly format: 'chassis-run-v1';
  /** The definition as validated with defaults applied; `output` removed (not part of the run). */
  readonly definition: Omit<RunDefinition, 'output'>;
  readonly instruments: readonly (Omit<Instrument, 'minNotionalUnits'> & { readonly minNotionalUnits: string })[];
  readonly datasets: readonly DatasetRef[];
  /** Window actually replayed, ns since epoch (inclusive from, exclusive to) as decimal strings. */
  readonly window: { readonly fromNs: string | null; readonly toNs: string | null };
  readonly strategy: { readonly module: string; readonly sha256: string };
  readonly codeVersion: string;
}

function rateToPpm(rate: string | undefined, field: string): number {
  return rate === undefined ? 0 : metadataUnits(rate, 6, field);
}

/**
 * A metadata decimal (tick, lot, fee rate) in integer units of 10^-decimals. These are JS numbers
 * (|units| < 2^53, the core's hot-path contract), so a value beyond that range at the dataset's
 * decimals is refused here, at run start, naming the instrument, the field and the scale.
 */
function metadataUnits(text: string, decimals: number, field: string): number {
  try {
    return parseDecimalUnits(text, decimals);
  } catch (err) {
    throw new ChassisError('E_DATASET_METADATA', `${field} at ${decimals} decimals: ${(err as Error).message}`);
  }
}

/** Dataset instrument metadata → the core's Instrument (integer units). */
export function instrumentFromMeta(m: InstrumentMeta): Instrument {
  const where = `instrument ${m.venue}:${m.symbol}`;
  return {
    id: `${m.venue}:${m.symbol}`,
    venue: m.venue,
    symbol: m.symbol,
    contractType: m.contractType,
    baseCurrency: m.baseCurrency,
    quoteCurrency: m.quoteCurrency,
    priceDecimals: m.priceDecimals,
    sizeDecimals: m.sizeDecimals,
    tickUnits: metadataUnits(m.tickSize, m.priceDecimals, `${where} tickSize`),
    lotUnits: metadataUnits(m.lotSize, m.sizeDecimals, `${where} lotSize`),
    minNotionalUnits: 0n,
    multiplier: Number(m.multiplier),
    makerFeePpm: rateToPpm(m.makerFeeRate, `${where} makerFeeRate`),
    takerFeePpm: rateToPpm(m.takerFeeRate, `${where} takerFeeRate`),
  };
}

export function datasetRef(d: DatasetMeta): DatasetRef {
  return {
    id: d.id,
    kind: d.kind,
    instrument: `${d.venue}:${d.symbol}`,
    contentHash: d.contentHash,
    startNs: d.startNs.toString(),
    endNs: d.endNs.toString(),
    tsLocalFromEvent: d.provenance.tsLocalFromEvent,
  };
}

export function instrumentsOf(run: ResolvedRun): Instrument[] {
  const fees = run.definition.venue.fees;
  return run.instruments.map((i) => ({
    ...i,
    minNotionalUnits: BigInt(i.minNotionalUnits),
    makerFeePpm: fees.makerPpm ?? i.makerFeePpm,
    takerFeePpm: fees.takerPpm ?? i.takerFeePpm,
  }));
}

/** Run id: SHA-256 over the canonical resolved run (definition, dataset hashes, strategy hash, code version), first 16 hex. */
export function runIdOf(run: ResolvedRun): string {
  return sha256Hex(canonicalJson(run)).slice(0, 16);
}

/** Cash-like settlement assets whose default starting balance is 100000; any other (a coin) starts with 1. */
const CASH = new Set(['USDT', 'USDC', 'USD', 'BUSD', 'FDUSD', 'TUSD', 'EUR', 'TRY']);

/** Default starting balance: in the first instrument's settlement asset (USDT for USDⓈ-M, BTC for COIN-M BTCUSD). */
export function defaultBalances(first: Instrument): Record<string, string> {
  const currency = contractTerms(first).settlementCurrency;
  return { [currency]: CASH.has(currency) ? '100000' : '1' };
}

/** The engine configuration a resolved run stands for (the same in the run and in replay). */
export function engineConfigOf(run: ResolvedRun): EngineConfig {
  const d = run.definition;
  const instruments = instrumentsOf(run);
  const first = instruments[0];
  if (!first) throw new ChassisError('E_RUN_DEFINITION', 'the run has no instruments');
  // Risk limits are written in lots; the smallest lot of the run's instruments converts them.
  const lot = Math.min(...instruments.map((i) => i.lotUnits));
  const r = d.risk;
  const balances: Record<string, bigint> = {};
  const decimals = balanceDecimals(instruments);
  for (const [currency, text] of Object.entries(d.balances ?? defaultBalances(first))) {
    const places = decimals.get(currency);
    if (places === undefined) throw new ChassisError('E_RUN_DEFINITION', `balances.${currency}: no instrument of the run settles in ${currency} (settlement assets: ${[...decimals.keys()].join(', ')})`);
    try {
      balances[currency] = parseDecimalBigUnits(text, places);
    } catch (err) {
      const at = instruments.map((i) => i.id).join(', ');
      throw new ChassisError('E_RUN_DEFINITION', `balances.${currency} "${text}": ${currency} balances of ${at} are held at ${places} decimals: ${(err as Error).message}`);
    }
  }
  return {
    instruments,
    triggers: d.triggers,
    risk: {
      ...(r.allowedInstruments ? { allowedInstruments: r.allowedInstruments } : {}),
      ...(r.maxOrderQtyLots ? { maxOrderQtyUnits: r.maxOrderQtyLots * lot } : {}),
      ...(r.maxPositionQtyLots ? { maxPositionQtyUnits: r.maxPositionQtyLots * lot } : {}),
      ...(r.maxOpenOrders ? { maxOpenOrders: r.maxOpenOrders } : {}),
      ...(r.priceBandPpm ? { priceBandPpm: r.priceBandPpm } : {}),
    },
    executionControl: {
      rateBuckets: d.executionControl.rateBuckets.map((b) => ({
        scope: b.scope ?? first.venue,
        capacity: b.capacity,
        refillTokens: b.refillTokens,
        refillIntervalNs: BigInt(Math.round(b.refillIntervalMs * 1_000_000)),
        weights: b.weights,
      })),
    },
    maxConsecutiveStrategyFailures: d.maxConsecutiveStrategyFailures,
    recordIntentDenials: r.recordDenials,
    initialBalances: balances,
  };
}

/** The venue's queue model; the log family's scale is in base-asset units, so it is built per instrument. */
export function queueModelOf(run: ResolvedRun): QueueModel | QueueModelOf {
  return queueModelFor(run.definition.venue.queue);
}

/** The queue model a run definition's `venue.queue` section stands for (backtest and paper venue alike). */
export function queueModelFor(q: VenueModelDefinition['queue']): QueueModel | QueueModelOf {
  if (q.model === 'conservative') return conservativeQueue();
  if (q.family === 'power') return powerProbQueue(q.parameter);
  return logProbQueue(q.parameter);
}

export function latencyModelOf(run: ResolvedRun): LatencyModel {
  return latencyModelFor(run.definition.venue.latency);
}

/** The latency model a run definition's `venue.latency` section stands for (backtest and paper venue alike). */
export function latencyModelFor(l: VenueModelDefinition['latency']): LatencyModel {
  const us = (x: number) => BigInt(Math.round(x * 1000));
  if (l.model === 'constant') return constantLatency(us(l.entryUs), us(l.responseUs));
  return recordedLatency(l.points.map((p) => ({ tsNs: BigInt(p.tsNs), entryNs: us(p.entryUs), responseNs: us(p.responseUs) })));
}
