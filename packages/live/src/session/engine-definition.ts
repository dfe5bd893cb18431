/**
 * The engine configuration a session runs (and replays) with, built from the validated
 * live.yaml and its resolved instruments by the same rules as a backtest's (risk limits in lots,
 * balances as decimal strings in the settlement asset: @chassis/backtesting engineConfigOf), with
 * the venue's rate limits as the execution-control bucket. session.json stores it
 * (records/engine-config-json.ts), so the file alone rebuilds the engine on recovery and replay.
 */
import { ChassisError, type EngineConfig, type Instrument, type RateBucketConfig } from '@chassis/core';
import { engineConfigOf, type ResolvedRun } from '@chassis/backtesting';
import { openCatalog, openStorage, type InstrumentMeta } from '@chassis/storage';
import type { LiveConfig } from '../live-config.ts';
import { bucketWithin } from './venue-rate-limits.ts';
import type { CatalogInstrumentLookup } from './instrument-resolution.ts';

/** The session's core token bucket: the explicit one of live.yaml, else derived from the venue limits. */
export function rateBucketOf(config: LiveConfig): RateBucketConfig {
  const b = config.executionControl.rateBucket;
  if (!b) return bucketWithin(config.venue, config.executionControl.limits);
  return {
    scope: config.venue,
    capacity: b.capacity,
    refillTokens: b.refillTokens,
    refillIntervalNs: BigInt(Math.round(b.refillIntervalMs * 1_000_000)),
    weights: b.weights,
  };
}

export function engineConfigOfLive(
  config: LiveConfig,
  instruments: readonly Instrument[],
  configVersion: string,
): EngineConfig {
  const r = config.risk;
  // engineConfigOf reads only these fields of a run: one rule for lots and balances in both runtimes.
  const asRun = {
    definition: {
      triggers: config.triggers,
      risk: { ...r },
      balances: config.balances,
      executionControl: { rateBuckets: [] },
      venue: { fees: config.paper.fees },
      maxConsecutiveStrategyFailures: r.maxConsecutiveStrategyFailures,
    },
    instruments: instruments.map((i) => ({ ...i, minNotionalUnits: i.minNotionalUnits.toString() })),
  } as unknown as ResolvedRun;
  let base: EngineConfig;
  try {
    base = engineConfigOf(asRun);
  } catch (err) {
    throw new ChassisError('E_LIVE_CONFIG', (err as Error).message.replace('E_RUN_DEFINITION', ''));
  }
  return {
    ...base,
    executionControl: { rateBuckets: [rateBucketOf(config)] },
    recordIntentDenials: r.recordDenials,
    configVersion,
  };
}

/** The catalog's instrument metadata of a data root (newest promoted dataset per venue symbol); empty when it has no catalog. */
export async function catalogInstruments(dataRoot: string): Promise<CatalogInstrumentLookup> {
  const byKey = new Map<string, InstrumentMeta>();
  try {
    const metas = await openCatalog(openStorage(dataRoot)).list({ state: 'Promoted' });
    for (const m of metas) byKey.set(`${m.venue}:${m.symbol}`, m.instrument);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return (venue, symbol) => byKey.get(`${venue}:${symbol}`);
}
