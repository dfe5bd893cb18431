/**
 * The recorder's configuration: `recorder.yaml` for several venues and feeds in one process, or
 * the command-line flags of `chassis record` for one feed. Both go through one strict zod schema,
 * so unknown fields are errors that name their path, like run files.
 *
 * ```yaml
 * data: ./data                  # data root: a directory or s3://bucket/prefix (default $CHASSIS_DATA or ./data)
 * spool: /var/lib/chassis/spool # local directory for open windows; required for an s3:// data root
 * window: 1h                    # window length, aligned to the UTC epoch; must divide a day
 * flushIntervalMs: 1000         # the most a SIGKILL can lose (≤ 1000)
 * bufferLimitBytes: 67108864    # per feed; beyond it the writer drops and records a gap
 * metricsPort: 9468
 * logFormat: json               # or pretty
 * feeds:
 *   - venue: binance-usdm
 *     symbols: [BTCUSDT, ETHUSDT]
 *     channels: [depth, trade, bbo]
 *     endpoint: ws://127.0.0.1:9001       # optional: replaces scheme, host and port only
 *     restEndpoint: http://127.0.0.1:9002 # optional
 * ```
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ChassisError } from '@chassis/core';
import { feedName, RECORD_CHANNELS, VENUE_IDS, venueProtocol, type FeedSpec, type VenueId } from '@chassis/venues';

export const DEFAULT_WINDOW = '1h';
export const DEFAULT_FLUSH_INTERVAL_MS = 1000;
/** 64 MiB per feed: about 20 s of all Binance bookTickers at their peak rate (12,400 msg/s, ~250 B each). */
export const DEFAULT_BUFFER_LIMIT_BYTES = 64 * 1024 * 1024;

const NS_PER_SECOND = 1_000_000_000n;
const SECONDS_PER_DAY = 86_400;
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: SECONDS_PER_DAY };

/**
 * Window length in ns from `30s`, `15m`, `1h`, `1d`. It must divide a day, so that windows
 * aligned to the UTC epoch also start on every midnight (a 7 m window would drift across days).
 */
export function parseWindow(text: string): bigint | string {
  const m = /^(\d+)([smhd])$/.exec(text.trim());
  if (!m) return `"${text}" is not a window length (e.g. 30s, 15m, 1h, 1d)`;
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  if (seconds < 1 || SECONDS_PER_DAY % seconds !== 0) return `window "${text}" must divide a day (86400 s) evenly, e.g. 1m, 5m, 15m, 1h, 4h, 1d`;
  return BigInt(seconds) * NS_PER_SECOND;
}

/** A base URL: scheme, host and port only (paths stay the venue's own). */
function baseUrl(schemes: readonly string[]) {
  return z.string().superRefine((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a URL` });
      return;
    }
    if (!schemes.includes(url.protocol.slice(0, -1))) ctx.addIssue({ code: 'custom', message: `"${text}" must use ${schemes.join(' or ')}` });
    if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
      ctx.addIssue({ code: 'custom', message: `"${text}" must be a base URL (scheme, host, port) without a path: the venue's paths are kept` });
    }
  });
}

function unique(what: string) {
  return (list: readonly string[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    for (const item of list) {
      if (seen.has(item)) ctx.addIssue({ code: 'custom', message: `${what} "${item}" is listed twice` });
      seen.add(item);
    }
  };
}

/** Venues with a recording connector: the connector registry decides (some venues can only be imported). */
function connectorError(venue: VenueId): string | null {
  try {
    venueProtocol(venue);
    return null;
  } catch (err) {
    if (err instanceof ChassisError) return err.message;
    throw err;
  }
}
const RECORDABLE_VENUES = VENUE_IDS.filter((v) => connectorError(v) === null);

const feedSchema = z.strictObject({
  venue: z.enum(VENUE_IDS, { error: (i) => `unknown venue ${JSON.stringify(i.input)}; expected one of ${RECORDABLE_VENUES.join(', ')}` }).superRefine((venue, ctx) => {
    const why = connectorError(venue);
    if (why !== null) ctx.addIssue({ code: 'custom', message: `${why}; recordable: ${RECORDABLE_VENUES.join(', ')}` });
  }),
  symbols: z.array(z.string().trim().min(1, 'symbol is empty')).min(1, 'give at least one symbol').superRefine(unique('symbol')),
  channels: z
    .array(z.enum(RECORD_CHANNELS, { error: (i) => `unknown channel ${JSON.stringify(i.input)}; expected ${RECORD_CHANNELS.join(', ')}` }))
    .min(1, 'give at least one channel')
    .superRefine(unique('channel')),
  /** Directory name under raw/{venue}/; default: the channels in RECORD_CHANNELS order joined by '+'. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9@+._-]+$/, 'feed name may use letters, digits and @ + . _ - only (it is a directory name)')
    .optional(),
  endpoint: baseUrl(['ws', 'wss']).optional(),
  restEndpoint: baseUrl(['http', 'https']).optional(),
});

export const recorderConfigSchema = z
  .strictObject({
    data: z.string().min(1).optional(),
    spool: z.string().min(1).optional(),
    window: z.string().default(DEFAULT_WINDOW),
    flushIntervalMs: z.number().int().min(1).max(1000, 'flushIntervalMs is at most 1000: it bounds what a SIGKILL loses').default(DEFAULT_FLUSH_INTERVAL_MS),
    bufferLimitBytes: z.number().int().min(1024 * 1024, 'bufferLimitBytes must be at least 1 MiB').default(DEFAULT_BUFFER_LIMIT_BYTES),
    metricsPort: z.number().int().min(1).max(65535).optional(),
    metricsHost: z.string().min(1).optional(),
    logFormat: z.enum(['json', 'pretty']).default('json'),
    feeds: z.array(feedSchema).min(1, 'give at least one feed'),
  })
  .superRefine((c, ctx) => {
    const w = parseWindow(c.window);
    if (typeof w === 'string') ctx.addIssue({ code: 'custom', path: ['window'], message: w });
    const dirs = new Map<string, number>();
    c.feeds.forEach((f, i) => {
      const dir = `${f.venue}/${f.name ?? feedName(f)}`;
      const first = dirs.get(dir);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['feeds', i], message: `records into raw/${dir}/ like feeds.${first}: give one of them another name` });
      else dirs.set(dir, i);
    });
  });

export type RecorderConfigFile = z.infer<typeof recorderConfigSchema>;

/** One feed, resolved: what its connector subscribes and where its FeedRecorder writes. */
export interface RecorderFeed {
  readonly spec: FeedSpec;
  /** Directory under raw/{venue}/. */
  readonly feed: string;
  readonly endpoints: { readonly wsBaseUrl?: string; readonly restBaseUrl?: string };
}

/** The validated configuration the recorder runs with. */
export interface RecorderConfig {
  /** Data root as given (resolved by resolveDataRoot; undefined = $CHASSIS_DATA or ./data). */
  readonly data: string | undefined;
  readonly spool: string | undefined;
  readonly window: string;
  readonly windowNs: bigint;
  readonly flushIntervalMs: number;
  readonly bufferLimitBytes: number;
  readonly metricsPort: number | undefined;
  readonly metricsHost: string | undefined;
  readonly logFormat: 'json' | 'pretty';
  readonly feeds: readonly RecorderFeed[];
}

/** `path: message` per issue, `unknown field "x"` for unrecognised keys, then `(in <source>)`. */
function describeConfigIssues(error: z.ZodError, source: string, nameOf: (path: readonly PropertyKey[]) => string): string {
  return error.issues
    .map((i) => {
      const path = i.path.length ? nameOf(i.path) : '(root)';
      if (i.code === 'unrecognized_keys') return `${path}: unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
      return `${path}: ${i.message}`;
    })
    .join('; ')
    .concat(` (in ${source})`);
}

function toConfig(c: RecorderConfigFile): RecorderConfig {
  return {
    data: c.data,
    spool: c.spool,
    window: c.window,
    windowNs: parseWindow(c.window) as bigint,
    flushIntervalMs: c.flushIntervalMs,
    bufferLimitBytes: c.bufferLimitBytes,
    metricsPort: c.metricsPort,
    metricsHost: c.metricsHost,
    logFormat: c.logFormat,
    feeds: c.feeds.map((f) => ({
      spec: { venue: f.venue, symbols: f.symbols, channels: RECORD_CHANNELS.filter((ch) => f.channels.includes(ch)) },
      feed: f.name ?? feedName(f),
      endpoints: { ...(f.endpoint ? { wsBaseUrl: f.endpoint } : {}), ...(f.restEndpoint ? { restBaseUrl: f.restEndpoint } : {}) },
    })),
  };
}

/** Validates a parsed recorder.yaml; errors are E_RECORDER_CONFIG naming each bad field's path. */
export function parseRecorderConfig(doc: unknown, source: string): RecorderConfig {
  const r = recorderConfigSchema.safeParse(doc);
  if (!r.success) throw new ChassisError('E_RECORDER_CONFIG', describeConfigIssues(r.error, source, (p) => p.map(String).join('.')), { exitCode: 2 });
  return toConfig(r.data);
}

/** Reads and validates a recorder.yaml (YAML or JSON); syntax errors name the file and line. */
export function loadRecorderConfig(path: string): RecorderConfig {
  const abs = resolve(path);
  return parseRecorderConfig(readConfigDocument(abs), abs);
}

/** The flags of `chassis record`, as commander hands them over (all strings but the port). */
export interface RecordFlags {
  readonly config?: string;
  readonly venue?: string;
  readonly symbols?: string;
  readonly channels?: string;
  readonly name?: string;
  readonly endpoint?: string;
  readonly restEndpoint?: string;
  readonly data?: string;
  readonly spool?: string;
  readonly window?: string;
  readonly flushIntervalMs?: string;
  readonly bufferLimitBytes?: string;
  readonly metricsPort?: number;
  readonly metricsHost?: string;
  readonly logFormat?: string;
}

/** Which flag sets each config path, so flag errors name the flag the user typed. */
const FLAG_OF: Readonly<Record<string, string>> = {
  data: '--data',
  spool: '--spool',
  window: '--window',
  flushIntervalMs: '--flush-interval-ms',
  bufferLimitBytes: '--buffer-limit-bytes',
  metricsPort: '--metrics-port',
  metricsHost: '--metrics-host',
  logFormat: '--log-format',
  venue: '--venue',
  symbols: '--symbols',
  channels: '--channels',
  name: '--name',
  endpoint: '--endpoint',
  restEndpoint: '--rest-endpoint',
};

const FEED_FLAGS = ['venue', 'symbols', 'channels', 'name', 'endpoint', 'restEndpoint'] as const;

const list = (text: string): string[] => text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);

/** A number flag as a number when it is one, else the text itself so the schema names the flag. */
const numberFlag = (text: string): number | string => (/^\d+$/.test(text.trim()) ? Number(text) : text);

/** The process-wide settings the flags give (they override the same fields of a config file). */
function processSettingsOf(flags: RecordFlags): Record<string, unknown> {
  return {
    ...(flags.data !== undefined ? { data: flags.data } : {}),
    ...(flags.spool !== undefined ? { spool: flags.spool } : {}),
    ...(flags.window !== undefined ? { window: flags.window } : {}),
    ...(flags.flushIntervalMs !== undefined ? { flushIntervalMs: numberFlag(flags.flushIntervalMs) } : {}),
    ...(flags.bufferLimitBytes !== undefined ? { bufferLimitBytes: numberFlag(flags.bufferLimitBytes) } : {}),
    ...(flags.metricsPort !== undefined ? { metricsPort: flags.metricsPort } : {}),
    ...(flags.metricsHost !== undefined ? { metricsHost: flags.metricsHost } : {}),
    ...(flags.logFormat !== undefined ? { logFormat: flags.logFormat } : {}),
  };
}

/**
 * The configuration of `chassis record`: either `--config FILE` (process-wide flags such as
 * --data, --window or --metrics-port override the file) or one feed from --venue, --symbols and
 * --channels. Feed flags together with --config are a usage error: the file lists the feeds.
 */
export function recorderConfigFromFlags(flags: RecordFlags, readFile: (path: string) => unknown = readConfigDocument): RecorderConfig {
  const feedFlags = FEED_FLAGS.filter((k) => flags[k] !== undefined);
  if (flags.config !== undefined) {
    if (feedFlags.length > 0) {
      throw new ChassisError('E_USAGE', `${feedFlags.map((k) => FLAG_OF[k]).join(', ')} cannot be combined with --config: the config file lists the feeds`, { exitCode: 2 });
    }
    const abs = resolve(flags.config);
    const doc = readFile(abs);
    const merged = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? { ...(doc as Record<string, unknown>), ...processSettingsOf(flags) } : doc;
    return parseRecorderConfig(merged, abs);
  }
  if (flags.venue === undefined || flags.symbols === undefined || flags.channels === undefined) {
    throw new ChassisError('E_USAGE', 'give --venue, --symbols and --channels (one feed), or --config FILE (see chassis record --help)', { exitCode: 2 });
  }
  const feed = {
    venue: flags.venue,
    symbols: list(flags.symbols),
    channels: list(flags.channels),
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    ...(flags.endpoint !== undefined ? { endpoint: flags.endpoint } : {}),
    ...(flags.restEndpoint !== undefined ? { restEndpoint: flags.restEndpoint } : {}),
  };
  const r = recorderConfigSchema.safeParse({ ...processSettingsOf(flags), feeds: [feed] });
  if (!r.success) {
    // feeds.0.symbols → --symbols: the user typed flags, not a file.
    const nameOf = (path: readonly PropertyKey[]) => FLAG_OF[String(path[0] === 'feeds' ? (path[2] ?? path[0]) : path[0])] ?? path.map(String).join('.');
    throw new ChassisError('E_USAGE', describeConfigIssues(r.error, 'command-line flags', nameOf), { exitCode: 2 });
  }
  return toConfig(r.data);
}

function readConfigDocument(abs: string): unknown {
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    throw new ChassisError('E_RECORDER_CONFIG', `cannot read recorder config ${abs}: ${(err as Error).message}`, { exitCode: 2 });
  }
  try {
    return parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new ChassisError('E_RECORDER_CONFIG', `${abs}: ${(err as Error).message.split('\n')[0]}`, { exitCode: 2 });
  }
}
