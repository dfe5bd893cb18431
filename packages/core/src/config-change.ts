/**
 * The configuration a `config_version` event introduces (SPEC.md L2: state = f(stream,
 * configuration); a configuration change is itself an event, so replaying the stream under the
 * starting configuration applies it at the same position).
 *
 * Carried in the event as `config`: canonical JSON text of a ConfigChange, '' when the event
 * only relabels the version. Canonical = object keys sorted, no whitespace, bigints as decimal
 * strings, absent fields left out; one configuration has exactly one text (parseConfigChange
 * refuses any other spelling), so the text can be hashed and compared byte for byte.
 *
 *   {"rateBuckets":[{"capacity":10,"refillIntervalNs":"1000000000","refillTokens":10,
 *     "scope":"binance-usdm","weights":{"cancel":1,"new":1,"replace":1}}],
 *    "risk":{"maxOpenOrders":20,"maxOrderNotionalUnits":"50000000","maxOrderQtyUnits":100}}
 *
 * - `risk` replaces every built-in risk limit: a limit it leaves out is lifted. User rules
 *   (code, not data) stay as configured.
 * - `rateBuckets` replaces the bucket set: a scope it leaves out is no longer rate limited; a
 *   scope it keeps carries its tokens (capped at the new capacity) and starts its refill
 *   interval at the event; a new scope starts full.
 * - a field absent = that part unchanged.
 */
import type { RateBucketConfig, RiskConfig } from './config.ts';
import { ChassisError } from './errors.ts';

/** The built-in risk limits: RiskConfig without the user rules. */
export type RiskLimits = Omit<RiskConfig, 'rules'>;

export interface ConfigChange {
  readonly risk?: RiskLimits;
  readonly rateBuckets?: readonly RateBucketConfig[];
}

type Fail = (path: string, msg: string) => never;

const failChange: Fail = (path, msg) => {
  throw new ChassisError('E_CONFIG_CHANGE', `config change ${path}: ${msg}`);
};

/** The canonical text of a change (validated first: throws E_CONFIG_CHANGE naming the field). */
export function encodeConfigChange(change: ConfigChange): string {
  checkChange(change, failChange);
  return JSON.stringify(canonical(change));
}

/**
 * The change a `config_version` text carries; null for '' (label only). Throws
 * E_CONFIG_CHANGE naming the field when the text is not valid, complete-typed and canonical.
 */
export function parseConfigChange(text: string): ConfigChange | null {
  if (text === '') return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return failChange('text', `is not JSON (${(err as Error).message})`);
  }
  const change = revive(raw);
  checkChange(change, failChange);
  if (JSON.stringify(canonical(change)) !== text)
    failChange('text', 'is not canonical (keys sorted, no whitespace, bigints as decimal strings)');
  return change;
}

/** Rate bucket rules shared with the engine configuration (engine-config.ts). */
export function checkRateBuckets(buckets: readonly RateBucketConfig[], at: string, fail: Fail): void {
  if (!Array.isArray(buckets)) fail(at, 'must be an array');
  const scopes = new Set<string>();
  buckets.forEach((b, i) => {
    const p = `${at}[${i}]`;
    if (b === null || typeof b !== 'object') fail(p, 'must be an object');
    only(b, ['scope', 'capacity', 'refillTokens', 'refillIntervalNs', 'weights'], p, fail);
    if (typeof b.scope !== 'string') fail(`${p}.scope`, 'must be a string');
    if (scopes.has(b.scope)) fail(`${p}.scope`, `duplicate scope "${b.scope}"`);
    scopes.add(b.scope);
    if (!Number.isSafeInteger(b.capacity) || b.capacity <= 0) fail(`${p}.capacity`, 'must be a positive integer');
    if (!Number.isSafeInteger(b.refillTokens) || b.refillTokens <= 0)
      fail(`${p}.refillTokens`, 'must be a positive integer');
    if (typeof b.refillIntervalNs !== 'bigint' || b.refillIntervalNs <= 0n)
      fail(`${p}.refillIntervalNs`, 'must be a positive integer (ns)');
    if (b.weights === null || typeof b.weights !== 'object') fail(`${p}.weights`, 'must be an object');
    only(b.weights, ['new', 'replace', 'cancel'], `${p}.weights`, fail);
    for (const k of ['new', 'replace', 'cancel'] as const) {
      const w = b.weights[k];
      if (!Number.isSafeInteger(w) || w < 0 || w > b.capacity)
        fail(
          `${p}.weights.${k}`,
          `must be an integer in 0..capacity (${b.capacity}); a heavier request could never be sent`,
        );
    }
  });
}

const RISK_COUNTS = ['maxOrderQtyUnits', 'maxPositionQtyUnits', 'maxOpenOrders', 'priceBandPpm'] as const;

function checkChange(change: ConfigChange, fail: Fail): void {
  if (change === null || typeof change !== 'object' || Array.isArray(change)) fail('text', 'must be an object');
  only(change, ['risk', 'rateBuckets'], 'text', fail);
  if (change.rateBuckets !== undefined) checkRateBuckets(change.rateBuckets, 'rateBuckets', fail);
  const risk = change.risk;
  if (risk === undefined) return;
  if (risk === null || typeof risk !== 'object' || Array.isArray(risk)) fail('risk', 'must be an object');
  only(risk, [...RISK_COUNTS, 'maxOrderNotionalUnits', 'allowedInstruments'], 'risk', fail);
  for (const k of RISK_COUNTS) {
    const v = risk[k];
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) fail(`risk.${k}`, 'must be a non-negative integer');
  }
  const notional = risk.maxOrderNotionalUnits;
  if (notional !== undefined && (typeof notional !== 'bigint' || notional < 0n))
    fail('risk.maxOrderNotionalUnits', 'must be a non-negative integer (settlement units)');
  const allowed = risk.allowedInstruments;
  if (allowed !== undefined && (!Array.isArray(allowed) || allowed.some((id) => typeof id !== 'string')))
    fail('risk.allowedInstruments', 'must be an array of instrument ids');
}

/** Unknown fields are errors naming the path. */
function only(obj: object, keys: readonly string[], at: string, fail: Fail): void {
  for (const k of Object.keys(obj)) if (!keys.includes(k)) fail(`${at}.${k}`, 'is not a known field');
}

/** Keys sorted, bigints as decimal strings, undefined left out. */
function canonical(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

const BIGINT_TEXT = /^(0|-?[1-9][0-9]*)$/;

/** The bigint fields back from their decimal text (anything else is left for the checks to refuse). */
function revive(raw: unknown): ConfigChange {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw as ConfigChange;
  const r = raw as { risk?: Record<string, unknown>; rateBuckets?: unknown };
  const big = (v: unknown): unknown => (typeof v === 'string' && BIGINT_TEXT.test(v) ? BigInt(v) : v);
  if (r.risk !== null && typeof r.risk === 'object' && 'maxOrderNotionalUnits' in r.risk)
    r.risk.maxOrderNotionalUnits = big(r.risk.maxOrderNotionalUnits);
  if (Array.isArray(r.rateBuckets)) {
    for (const b of r.rateBuckets as Record<string, unknown>[])
      if (b !== null && typeof b === 'object' && 'refillIntervalNs' in b) b.refillIntervalNs = big(b.refillIntervalNs);
  }
  return raw as ConfigChange;
}
