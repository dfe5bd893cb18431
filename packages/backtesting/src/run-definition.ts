/**
 * The run definition: the one file that says what a backtest is (SPEC.md §5). Parsed with a
 * zod schema that is both the validator and the type; unknown fields are errors and every
 * error names the field path and, for files, the file. Defaults live here (and in README.md).
 *
 * Units a user writes:
 * - times (`from`/`to`): ISO-8601 strings or integer ns since epoch;
 * - durations: milliseconds (`...Ms`) or microseconds (`...Us`) as the name says;
 * - quantities in risk limits: lots of the instrument (1 lot = the instrument's lot size);
 * - balances: decimal strings in the currency (e.g. "100000" USDT, "1" BTC); default: the
 *   settlement asset of the first instrument (resolved-run.ts DEFAULT_BALANCES);
 * - fees: parts per million of notional (negative = rebate).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { z } from 'zod';
import { ChassisError, EXECUTION_EVENT_KINDS, MARKET_EVENT_KINDS, CONTROL_EVENT_KINDS } from '@chassis/core';

const EVENT_KINDS = [...MARKET_EVENT_KINDS, ...EXECUTION_EVENT_KINDS, 'request_sent', 'intent_denied', ...CONTROL_EVENT_KINDS] as const;

const time = z.union([z.string().min(1), z.number().int().nonnegative()]);

const dataSchema = z
  .strictObject({
    venue: z.string().min(1).optional(),
    instrument: z.string().min(1).optional(),
    instruments: z.array(z.string().min(1)).min(1).optional(),
    from: time.optional(),
    to: time.optional(),
    /** Explicit dataset ids from the catalog (alternative to venue + instrument(s)). */
    datasets: z.array(z.string().min(1)).min(1).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.datasets) return;
    if (!d.venue) ctx.addIssue({ code: 'custom', path: ['venue'], message: 'required unless data.datasets is given' });
    if (!d.instrument && !d.instruments) ctx.addIssue({ code: 'custom', path: ['instrument'], message: 'give data.instrument or data.instruments (or data.datasets)' });
    if (d.instrument && d.instruments) ctx.addIssue({ code: 'custom', path: ['instruments'], message: 'give either data.instrument or data.instruments, not both' });
  });

const strategySchema = z.strictObject({
  /** Path to a .ts or .js module, relative to the run file (or the working directory for flags). */
  module: z.string().min(1),
  /** Strategy parameters; quantities in lots and prices in ticks by convention of the examples. */
  params: z.record(z.string(), z.unknown()).default({}),
});

// The sections a run may leave out (triggers, risk, executionControl, venue, journal) are built on
// first use (z.lazy, and the venue's parts by functions called then): an absent section takes its
// default without its schema being built, and zod builds each field at ~0.1 ms of a backtest's
// start-up. The same schemas, so the same checks and messages.
const triggersSchema = z.lazy(() => z.strictObject({
  kinds: z.array(z.enum(EVENT_KINDS)).min(1),
  instruments: z.array(z.string()).optional(),
  everyN: z.array(z.strictObject({ kind: z.enum(EVENT_KINDS), n: z.number().int().positive() })).optional(),
}));

const riskSchema = z.lazy(() => z.strictObject({
  maxOrderQtyLots: z.number().int().positive().optional(),
  maxPositionQtyLots: z.number().int().positive().optional(),
  maxOpenOrders: z.number().int().positive().optional(),
  priceBandPpm: z.number().int().positive().optional(),
  allowedInstruments: z.array(z.string()).optional(),
  /** Record intent_denied events in the journal (audit trail). */
  recordDenials: z.boolean().default(false),
}));

const rateBucketSchema = () => z.strictObject({
  /** Venue id the bucket limits; default: the run's venue. */
  scope: z.string().optional(),
  capacity: z.number().int().positive(),
  refillTokens: z.number().int().positive(),
  refillIntervalMs: z.number().positive(),
  weights: z.strictObject({ new: z.number().int().nonnegative(), replace: z.number().int().nonnegative(), cancel: z.number().int().nonnegative() }),
});

const queueSchema = () => z.discriminatedUnion('model', [
  z.strictObject({ model: z.literal('conservative') }),
  z
    .strictObject({
      model: z.literal('probabilistic'),
      family: z.enum(['power', 'log']).default('power'),
      /** power: the exponent n of f(x) = x^n (default 2); log: the base-asset (or contract) quantity that counts as 1 in f(x) = ln(1 + x), default 1. */
      parameter: z.number().positive().optional(),
    })
    .transform((q) => ({ ...q, parameter: q.parameter ?? (q.family === 'log' ? 1 : 2) })),
]);

const latencySchema = () => z.discriminatedUnion('model', [
  z.strictObject({ model: z.literal('constant'), entryUs: z.number().nonnegative(), responseUs: z.number().nonnegative() }),
  z.strictObject({
    model: z.literal('table'),
    /** Recorded points: at local time tsNs, the order-entry and response latency in µs; interpolated. */
    points: z.array(z.strictObject({ tsNs: z.union([z.string(), z.number()]), entryUs: z.number().nonnegative(), responseUs: z.number().nonnegative() })).min(1),
  }),
]);

/** The simulated venue's models (queue, latency, fees, clock): the backtest's `venue:` section, reused by paper trading. */
export const venueModelSchema = z.lazy(() => z.strictObject({
  queue: queueSchema().default({ model: 'conservative' }),
  latency: latencySchema().default({ model: 'constant', entryUs: 1000, responseUs: 1000 }),
  /** How much a trade printed beyond our resting price fills (venues' TradeThroughFill): the whole remainder, or at most the printed size. */
  tradeThroughFill: z.enum(['whole_order', 'traded_qty']).default('whole_order'),
  /** Fee overrides in ppm of notional; default: the dataset's instrument metadata. */
  fees: z.strictObject({ makerPpm: z.number().int().optional(), takerPpm: z.number().int().optional() }).default({}),
  /** Feed latency added to tsEventNs when a dataset has no capture time, in µs. */
  feedLatencyUs: z.number().nonnegative().default(1000),
  /** Recorder clock minus venue clock, in µs (exchange time + offset = local time); README "Clock model". */
  clockOffsetUs: z.number().default(0),
  /** Largest feed latency the exchange-time reorder window covers, in ms; README "Clock model". */
  feedWindowMs: z.number().positive().default(5000),
}));

export const runDefinitionSchema = z.strictObject({
  data: dataSchema,
  strategy: strategySchema,
  triggers: triggersSchema.default({
    kinds: ['bbo', 'trade', 'order_filled', 'order_cancelled', 'order_rejected', 'order_replaced', 'cancel_replace_rejected', 'control_time'],
  }),
  risk: riskSchema.default({ recordDenials: false }),
  executionControl: z
    .lazy(() => z.strictObject({ rateBuckets: z.array(rateBucketSchema()) }))
    .default({ rateBuckets: [{ capacity: 10, refillTokens: 2, refillIntervalMs: 100, weights: { new: 1, replace: 1, cancel: 1 } }] }),
  venue: venueModelSchema.default({
    queue: { model: 'conservative' },
    latency: { model: 'constant', entryUs: 1000, responseUs: 1000 },
    tradeThroughFill: 'whole_order',
    fees: {},
    feedLatencyUs: 1000,
    clockOffsetUs: 0,
    feedWindowMs: 5000,
  }),
  /** Starting balances by currency as decimal strings; absent = a default in the first instrument's settlement asset. */
  balances: z.record(z.string(), z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string, e.g. "100000"')).optional(),
  seed: z.number().int().nonnegative().default(1),
  maxConsecutiveStrategyFailures: z.number().int().positive().default(3),
  journal: z.lazy(() => z.strictObject({ checkpointInterval: z.number().int().positive().default(10_000) })).default({ checkpointInterval: 10_000 }),
  /** After the last market event, venue answers, requests and obligations due within this many ms of simulated time are still simulated (timeline.ts). */
  endGraceMs: z.number().nonnegative().default(5000),
  /** Output directory; default `<data root>/experiments/<run-id>`. Not part of the run id. */
  output: z.strictObject({ dir: z.string().min(1).optional() }).default({}),
});

export type RunDefinitionInput = z.input<typeof runDefinitionSchema>;
export type RunDefinition = z.output<typeof runDefinitionSchema>;

/** One line naming each bad field of a zod error (`risk: unknown field "x"; seed: …`), then `(in <where>)`. */
export function describeIssues(error: z.ZodError, where: string): string {
  return error.issues
    .map((i) => {
      const path = i.path.length ? i.path.join('.') : '(root)';
      const msg = i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}` : i.message;
      const at = i.code === 'unrecognized_keys' ? (i.path.length ? `${path}: ` : '') : `${path}: `;
      return `${at}${msg}`;
    })
    .join('; ')
    .concat(` (in ${where})`);
}

/** Validates plain data as a run definition; throws E_RUN_DEFINITION naming the field. */
export function parseRunDefinition(data: unknown, where = 'run definition'): RunDefinition {
  // Without zod's compiled object parsers (jitless): a run parses one definition, and compiling
  // them (new Function per object schema) costs more than the one parse they would speed up.
  const r = runDefinitionSchema.safeParse(data, { jitless: true });
  if (!r.success) throw new ChassisError('E_RUN_DEFINITION', describeIssues(r.error, where));
  return r.data;
}

/**
 * The YAML parser (~70 modules) is required on the first run file read, not with this module:
 * a backtest from flags, a sweep member or a replay never parses YAML. CommonJS, so synchronous.
 */
let yaml: typeof Yaml | undefined;
const yamlParser = (): typeof Yaml => (yaml ??= createRequire(import.meta.url)('yaml') as typeof Yaml);

/** Reads a YAML or JSON run file (JSON is YAML) into plain data; parse errors name the file and line. */
export function readRunFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ChassisError('E_RUN_FILE', `cannot read run file ${path}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = yamlParser().parse(text, { prettyErrors: true });
  } catch (err) {
    throw new ChassisError('E_RUN_FILE', `${path}: ${(err as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new ChassisError('E_RUN_FILE', `${path}: a run definition must be a mapping`);
  return data as Record<string, unknown>;
}

/** Command-line overrides; each replaces the file's value (flags form the run without a file). */
export interface RunOverrides {
  readonly venue?: string;
  readonly instrument?: string;
  readonly from?: string;
  readonly to?: string;
  readonly strategy?: string;
  /** `key=value` pairs; values parse as JSON when they can (numbers, booleans), else strings. */
  readonly params?: readonly string[];
  readonly seed?: number;
  readonly out?: string;
}

function parseParamValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Applies flags over raw (unvalidated) run data. */
export function applyOverrides(raw: Record<string, unknown>, o: RunOverrides): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  const data = { ...((raw.data as Record<string, unknown> | undefined) ?? {}) };
  if (o.venue !== undefined) data.venue = o.venue;
  if (o.instrument !== undefined) {
    data.instrument = o.instrument;
    delete data.instruments;
    delete data.datasets;
  }
  if (o.from !== undefined) data.from = o.from;
  if (o.to !== undefined) data.to = o.to;
  if (Object.keys(data).length) out.data = data;
  const strategy = { ...((raw.strategy as Record<string, unknown> | undefined) ?? {}) };
  if (o.strategy !== undefined) strategy.module = o.strategy;
  if (o.params?.length) {
    const params = { ...((strategy.params as Record<string, unknown> | undefined) ?? {}) };
    for (const kv of o.params) {
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new ChassisError('E_USAGE', `--param expects key=value, got "${kv}"`);
      params[kv.slice(0, eq)] = parseParamValue(kv.slice(eq + 1));
    }
    strategy.params = params;
  }
  if (Object.keys(strategy).length) out.strategy = strategy;
  if (o.seed !== undefined) out.seed = o.seed;
  if (o.out !== undefined) out.output = { ...((raw.output as Record<string, unknown> | undefined) ?? {}), dir: o.out };
  return out;
}

/** Parses a time bound: ISO-8601 (UTC unless an offset is given) or integer ns since epoch. */
export function parseTimeNs(value: string | number, field: string): bigint {
  if (typeof value === 'number') return BigInt(value);
  if (/^\d+$/.test(value)) return BigInt(value);
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) || !/T/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(ms)) throw new ChassisError('E_RUN_DEFINITION', `${field}: not a time: "${value}" (ISO-8601 or integer ns since epoch)`);
  return BigInt(ms) * 1_000_000n;
}
