/**
 * The engine configuration as JSON (session.json `engine`): exactly the core's EngineConfig,
 * with every bigint as a decimal integer string (minimum notionals, the order-notional risk
 * limit, rate-bucket refill intervals in ns, starting balances in settlement units) so that
 * replay rebuilds the same engine from the file alone. Risk rules (functions) cannot be
 * written: a configuration with `risk.rules` is refused (E_ENGINE_CONFIG).
 */
import { z } from 'zod';
import {
  ChassisError,
  CONTROL_EVENT_KINDS,
  EXECUTION_EVENT_KINDS,
  MARKET_EVENT_KINDS,
  type EngineConfig,
  type Instrument,
} from '@chassis/core';
import { describeIssues } from '@chassis/backtesting';

/** Every event kind, as the zod enums of trigger kinds need them (also used by live-config.ts). */
export const EVENT_KINDS = [
  ...MARKET_EVENT_KINDS,
  ...EXECUTION_EVENT_KINDS,
  'request_sent',
  'intent_denied',
  ...CONTROL_EVENT_KINDS,
] as const;

/** A bigint as a decimal integer string ("-12", "5000000"). */
const integerText = z.string().regex(/^-?\d+$/, 'an integer as a decimal string');
const nonNegativeIntegerText = z.string().regex(/^\d+$/, 'a non-negative integer as a decimal string');
const int = z.number().int();
const count = z.number().int().nonnegative();

/** The instrument shape of a resolved run (run.json `instruments`): the core's Instrument, minNotionalUnits as text. */
export const instrumentJsonSchema = z.strictObject({
  id: z.string().min(1),
  venue: z.string().min(1),
  symbol: z.string().min(1),
  contractType: z.enum(['spot', 'linear', 'inverse']),
  baseCurrency: z.string().min(1),
  quoteCurrency: z.string().min(1),
  priceDecimals: count,
  sizeDecimals: count,
  tickUnits: z.number().int().positive(),
  lotUnits: z.number().int().positive(),
  minNotionalUnits: nonNegativeIntegerText,
  multiplier: z.number().positive(),
  settlementDecimals: count.optional(),
  makerFeePpm: int,
  takerFeePpm: int,
});

const rateBucketJsonSchema = z.strictObject({
  scope: z.string().min(1),
  capacity: z.number().int().positive(),
  refillTokens: z.number().int().positive(),
  refillIntervalNs: nonNegativeIntegerText,
  weights: z.strictObject({ new: count, replace: count, cancel: count }),
});

export const engineConfigJsonSchema = z.strictObject({
  instruments: z.array(instrumentJsonSchema).min(1),
  triggers: z.strictObject({
    kinds: z.array(z.enum(EVENT_KINDS)),
    instruments: z.array(z.string()).optional(),
    everyN: z.array(z.strictObject({ kind: z.enum(EVENT_KINDS), n: z.number().int().positive() })).optional(),
  }),
  risk: z.strictObject({
    allowedInstruments: z.array(z.string()).optional(),
    maxOrderQtyUnits: count.optional(),
    maxOrderNotionalUnits: nonNegativeIntegerText.optional(),
    maxPositionQtyUnits: count.optional(),
    maxOpenOrders: count.optional(),
    priceBandPpm: count.optional(),
  }),
  executionControl: z.strictObject({ rateBuckets: z.array(rateBucketJsonSchema) }),
  maxConsecutiveStrategyFailures: z.number().int().positive(),
  recordIntentDenials: z.boolean(),
  initialBalances: z.record(z.string(), integerText).optional(),
  configVersion: z.string().optional(),
});

export type EngineConfigJson = z.infer<typeof engineConfigJsonSchema>;
export type InstrumentJson = z.infer<typeof instrumentJsonSchema>;

/** Drops undefined fields so the JSON holds only what the configuration sets. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function instrumentToJson(i: Instrument): InstrumentJson {
  return defined({ ...i, minNotionalUnits: i.minNotionalUnits.toString() });
}

export function instrumentFromJson(i: InstrumentJson): Instrument {
  return defined({ ...i, minNotionalUnits: BigInt(i.minNotionalUnits) });
}

/** EngineConfig → JSON-safe data (E_ENGINE_CONFIG for risk rules, which are code). */
export function encodeEngineConfig(c: EngineConfig): EngineConfigJson {
  if (c.risk.rules?.length)
    throw new ChassisError(
      'E_ENGINE_CONFIG',
      `risk.rules (${c.risk.rules.map((r) => r.name).join(', ')}) are code and cannot be written to session.json`,
    );
  const r = c.risk;
  const out: EngineConfigJson = defined({
    instruments: c.instruments.map(instrumentToJson),
    triggers: defined({
      kinds: [...c.triggers.kinds],
      instruments: c.triggers.instruments ? [...c.triggers.instruments] : undefined,
      everyN: c.triggers.everyN?.map((x) => ({ ...x })),
    }),
    risk: defined({
      allowedInstruments: r.allowedInstruments ? [...r.allowedInstruments] : undefined,
      maxOrderQtyUnits: r.maxOrderQtyUnits,
      maxOrderNotionalUnits: r.maxOrderNotionalUnits?.toString(),
      maxPositionQtyUnits: r.maxPositionQtyUnits,
      maxOpenOrders: r.maxOpenOrders,
      priceBandPpm: r.priceBandPpm,
    }),
    executionControl: {
      rateBuckets: c.executionControl.rateBuckets.map((b) => ({
        ...b,
        weights: { ...b.weights },
        refillIntervalNs: b.refillIntervalNs.toString(),
      })),
    },
    maxConsecutiveStrategyFailures: c.maxConsecutiveStrategyFailures,
    recordIntentDenials: c.recordIntentDenials,
    initialBalances: c.initialBalances
      ? Object.fromEntries(Object.entries(c.initialBalances).map(([k, v]) => [k, v.toString()]))
      : undefined,
    configVersion: c.configVersion,
  });
  return parseEngineConfigJson(out, 'the engine configuration being written');
}

/** Validated JSON → the core's EngineConfig. */
export function decodeEngineConfig(json: unknown, where = 'session.json engine'): EngineConfig {
  const j = parseEngineConfigJson(json, where);
  const r = j.risk;
  return defined({
    instruments: j.instruments.map(instrumentFromJson),
    triggers: j.triggers,
    risk: defined({
      ...r,
      maxOrderNotionalUnits: r.maxOrderNotionalUnits === undefined ? undefined : BigInt(r.maxOrderNotionalUnits),
    }),
    executionControl: {
      rateBuckets: j.executionControl.rateBuckets.map((b) => ({ ...b, refillIntervalNs: BigInt(b.refillIntervalNs) })),
    },
    maxConsecutiveStrategyFailures: j.maxConsecutiveStrategyFailures,
    recordIntentDenials: j.recordIntentDenials,
    initialBalances: j.initialBalances
      ? Object.fromEntries(Object.entries(j.initialBalances).map(([k, v]) => [k, BigInt(v)]))
      : undefined,
    configVersion: j.configVersion,
  });
}

export function parseEngineConfigJson(json: unknown, where: string): EngineConfigJson {
  const r = engineConfigJsonSchema.safeParse(json);
  if (!r.success) throw new ChassisError('E_ENGINE_CONFIG', describeIssues(r.error, where));
  return r.data;
}
