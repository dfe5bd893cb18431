/**
 * live.yaml: what a paper or live session is. Parsed with a zod schema that is both the
 * validator and the type; unknown fields are errors naming their path, and every default is
 * written here (and in packages/live/README.md, examples/live-full.yaml).
 *
 * The minimum is three lines:
 *   venue: binance-usdm
 *   instruments: [BTCUSDT]
 *   strategy: { module: examples/strategies/market-maker.ts }
 *
 * Units a user writes: durations in milliseconds (`...Ms`) or microseconds (`...Us`) as the name
 * says; risk quantities in lots of the instrument; balances as decimal strings; fees as rates of
 * notional in parts per million (negative = rebate).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ChassisError } from '@chassis/core';
import { describeIssues, runDefinitionSchema } from '@chassis/backtesting';
import { VENUE_IDS } from '@chassis/venues';
import { venueRateLimits } from './session/venue-rate-limits.ts';
import { EVENT_KINDS } from './records/engine-config-json.ts';


const decimalText = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string, e.g. "0.10"');

/**
 * An instrument: its symbol alone, or the symbol with fields that override the catalog metadata
 * of the data root and the @chassis/venues instrument-spec table (in that order of precedence).
 */
const instrumentSchema = z.union([
  z.string().min(1),
  z.strictObject({
    symbol: z.string().min(1),
    tickSize: decimalText.optional(),
    lotSize: decimalText.optional(),
    priceDecimals: z.number().int().nonnegative().optional(),
    sizeDecimals: z.number().int().nonnegative().optional(),
    contractType: z.enum(['spot', 'linear', 'inverse']).optional(),
    multiplier: decimalText.optional(),
    baseCurrency: z.string().min(1).optional(),
    quoteCurrency: z.string().min(1).optional(),
    /** Fee rates of notional as decimals ("0.0002" = 2 bps). */
    makerFeeRate: decimalText.optional(),
    takerFeeRate: decimalText.optional(),
  }),
]);

/** The backtest run definition's venue models: the paper venue uses the same names and defaults. */
const backtestVenue = runDefinitionSchema.shape.venue.unwrap().unwrap();

const paperSchema = z.strictObject({
  queue: backtestVenue.shape.queue,
  latency: backtestVenue.shape.latency,
  tradeThroughFill: backtestVenue.shape.tradeThroughFill,
  fees: backtestVenue.shape.fees,
  /** Seed of the probabilistic queue model. */
  seed: z.number().int().nonnegative().default(1),
});

/** The backtest's risk limits (in lots), with the audit trail on by default in live (SPEC.md §2). */
const riskSchema = runDefinitionSchema.shape.risk.unwrap().unwrap().extend({
  recordDenials: z.boolean().default(true),
  maxConsecutiveStrategyFailures: z.number().int().positive().default(3),
});

/** A venue limit: at most `limit` weight within any `windowMs` window; weight per request kind. */
const rateLimitSchema = z.strictObject({
  name: z.string().min(1),
  limit: z.number().int().positive(),
  windowMs: z.number().int().positive(),
  weights: z.strictObject({
    new: z.number().int().nonnegative(),
    replace: z.number().int().nonnegative(),
    cancel: z.number().int().nonnegative(),
  }),
});

/** An explicit core token bucket (same shape as the backtest run definition's). */
const rateBucketSchema = z.strictObject({
  capacity: z.number().int().positive(),
  refillTokens: z.number().int().positive(),
  refillIntervalMs: z.number().positive(),
  weights: z.strictObject({
    new: z.number().int().nonnegative(),
    replace: z.number().int().nonnegative(),
    cancel: z.number().int().nonnegative(),
  }),
});

const executionControlSchema = z.strictObject({
  /** The venue's published limits; default: the venue's real limits (session/venue-rate-limits.ts). */
  limits: z.array(rateLimitSchema).min(1).optional(),
  /** The core's token bucket; default: derived from `limits` so that no window limit can be exceeded. */
  rateBucket: rateBucketSchema.optional(),
});

const timeoutsSchema = z.strictObject({
  /** A request with no venue answer after this long is resolved by querying the venue for the order (never re-sent). */
  requestAnswerMs: z.number().int().positive().default(5000),
  /** Time the venue gets to answer that query before the order is declared `lost` (order_disposition). */
  queryAnswerMs: z.number().int().positive().default(5000),
  /** Reconnect backoff of the venue and market connections: first wait, doubled up to the maximum. */
  reconnectInitialMs: z.number().int().positive().default(500),
  reconnectMaxMs: z.number().int().positive().default(30_000),
  /** A feed silent for this long is degraded (no new quotes until it is fresh again). */
  feedSilenceMs: z.number().int().positive().default(5000),
});

const reconciliationSchema = z.strictObject({
  /** Periodic reconciliation with the venue; 0 = only at start, on reconnect and on demand. */
  intervalMs: z.number().int().nonnegative().default(60_000),
  /** What to do with open venue orders the session did not send. */
  unknownOrders: z.enum(['adopt', 'cancel']).default('cancel'),
});

const loopbackHost = z
  .string()
  .default('127.0.0.1')
  .refine(
    (h) => h === '127.0.0.1' || h === '::1' || h === 'localhost',
    'the control API listens on loopback only (127.0.0.1, ::1 or localhost)',
  );

const controlSchema = z.strictObject({
  /** 0 = any free port (written to control.json). */
  port: z.number().int().min(0).max(65535).default(0),
  host: loopbackHost,
});

const monitoringSchema = z.strictObject({
  /** Prometheus /metrics port; null = no metrics endpoint. */
  metricsPort: z.number().int().min(0).max(65535).nullable().default(null),
  host: z.string().default('127.0.0.1'),
});

const journalSchema = z.strictObject({
  /** A state-hash checkpoint after every this many events (at the first step boundary past it). */
  checkpointEvents: z.number().int().positive().default(1000),
  /** Longest time an appended event may wait for fsync (the journal is written before processing; fsync is batched). */
  fsyncWindowMs: z.number().int().nonnegative().default(50),
});

const DEFAULT_TRIGGER_KINDS = [
  'bbo',
  'trade',
  'order_filled',
  'order_cancelled',
  'order_rejected',
  'order_replaced',
  'cancel_replace_rejected',
  'control_time',
  'feed_health',
] as const;

export const liveConfigSchema = z.strictObject({
  venue: z.enum(VENUE_IDS),
  /** `chassis live`'s venue adapter: native (binance-usdm only) or ccxt; default native where it exists, else ccxt. */
  adapter: z.enum(['native', 'ccxt']).optional(),
  instruments: z.array(instrumentSchema).min(1),
  strategy: z.strictObject({
    /** Path to a .ts or .js strategy module, relative to the live.yaml file. */
    module: z.string().min(1),
    params: z.record(z.string(), z.unknown()).default({}),
  }),
  triggers: z
    .strictObject({
      kinds: z.array(z.enum(EVENT_KINDS)).min(1),
      instruments: z.array(z.string()).optional(),
      everyN: z.array(z.strictObject({ kind: z.enum(EVENT_KINDS), n: z.number().int().positive() })).optional(),
    })
    .default({ kinds: [...DEFAULT_TRIGGER_KINDS] }),
  risk: riskSchema.default({ recordDenials: true, maxConsecutiveStrategyFailures: 3 }),
  executionControl: executionControlSchema.default({}),
  /** Paper mode's simulated venue: the backtest's queue, latency, trade-through and fee models. */
  paper: paperSchema.default({
    queue: { model: 'conservative' },
    latency: { model: 'constant', entryUs: 1000, responseUs: 1000 },
    tradeThroughFill: 'whole_order',
    fees: {},
    seed: 1,
  }),
  /** Starting balances (paper) by currency as decimal strings; absent = 100000 of a cash settlement asset, else 1. */
  balances: z.record(z.string(), decimalText).optional(),
  timeouts: timeoutsSchema.default({
    requestAnswerMs: 5000,
    queryAnswerMs: 5000,
    reconnectInitialMs: 500,
    reconnectMaxMs: 30_000,
    feedSilenceMs: 5000,
  }),
  reconciliation: reconciliationSchema.default({ intervalMs: 60_000, unknownOrders: 'cancel' }),
  control: controlSchema.default({ port: 0, host: '127.0.0.1' }),
  monitoring: monitoringSchema.default({ metricsPort: null, host: '127.0.0.1' }),
  journal: journalSchema.default({ checkpointEvents: 1000, fsyncWindowMs: 50 }),
});

export type LiveConfigInput = z.input<typeof liveConfigSchema>;
/** A validated live.yaml with its defaults, except `executionControl.limits`, filled by the venue's table. */
export type LiveConfig = z.output<typeof liveConfigSchema> & {
  readonly adapter: LiveAdapterKind;
  readonly executionControl: { readonly limits: readonly z.output<typeof rateLimitSchema>[] };
};
export type LiveAdapterKind = 'native' | 'ccxt';
export type RateLimit = z.output<typeof rateLimitSchema>;
export type LiveInstrumentEntry = z.output<typeof instrumentSchema>;

/** Validates plain data as a live configuration; throws E_LIVE_CONFIG naming each bad field. */
export function parseLiveConfig(data: unknown, where = 'live.yaml'): LiveConfig {
  const r = liveConfigSchema.safeParse(data);
  if (!r.success) throw new ChassisError('E_LIVE_CONFIG', describeIssues(r.error, where));
  const c = r.data;
  const limits = c.executionControl.limits ?? venueRateLimits(c.venue);
  if (c.timeouts.reconnectMaxMs < c.timeouts.reconnectInitialMs) {
    throw new ChassisError(
      'E_LIVE_CONFIG',
      `timeouts.reconnectMaxMs: must be at least reconnectInitialMs (${c.timeouts.reconnectInitialMs}) (in ${where})`,
    );
  }
  const adapter = c.adapter ?? (c.venue === 'binance-usdm' ? 'native' : 'ccxt');
  if (adapter === 'native' && c.venue !== 'binance-usdm')
    throw new ChassisError(
      'E_LIVE_CONFIG',
      `adapter: the native adapter trades binance-usdm only; ${c.venue} is traded through ccxt (in ${where})`,
    );
  return { ...c, adapter, executionControl: { ...c.executionControl, limits } };
}

/** Parses live.yaml text (YAML or JSON); syntax errors name the source and line. */
export function parseLiveConfigText(text: string, where: string): LiveConfig {
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new ChassisError('E_LIVE_CONFIG', `${where}: ${(err as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new ChassisError('E_LIVE_CONFIG', `${where}: a live configuration must be a mapping`);
  return parseLiveConfig(data, where);
}

/** Reads and validates a live.yaml file. */
export function readLiveConfigFile(path: string): LiveConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ChassisError('E_LIVE_CONFIG', `cannot read ${path}: ${(err as Error).message}`);
  }
  return parseLiveConfigText(text, path);
}
