/**
 * Applies a `config_version` event (config-change.ts): the version label always; the risk
 * limits and rate buckets it carries, from this event on. Replaying the stream under the
 * starting configuration applies the same change at the same position (L2). A text that does
 * not parse halts the engine (L9): runtimes validate with parseConfigChange before appending,
 * so only a corrupt stream gets here, and guessing a configuration would be worse.
 */
import type { RateBucketConfig } from '../config.ts';
import type { ConfigVersionEvent } from '../events.ts';
import type { EngineState } from '../state/engine-state.ts';
import type { RiskEngine } from '../risk/risk-engine.ts';
import { parseConfigChange, type ConfigChange } from '../config-change.ts';
import { RateBucket } from '../execution/rate-bucket.ts';
import { violation } from './invariants.ts';
import type { StepContext } from './step-context.ts';

export function applyConfigVersion(ctx: StepContext, risk: RiskEngine, event: ConfigVersionEvent): void {
  const s = ctx.state;
  let change: ConfigChange | null;
  try {
    change = parseConfigChange(event.config);
  } catch (err) {
    ctx.halt(
      violation('config_change_valid', event.seq, `config_version ${event.version}: ${(err as Error).message}`, {
        version: event.version,
      }),
    );
    return;
  }
  s.configVersion = event.version;
  if (change === null) return;
  s.configText = event.config;
  if (change.risk !== undefined) risk.setLimits(change.risk);
  if (change.rateBuckets !== undefined) replaceBuckets(s, change.rateBuckets);
  s.queueDirty = true;
}

/**
 * The new bucket set: a kept scope carries its tokens now (capped at the new capacity) and
 * starts its refill interval at this event, so a change never hands out a free burst; a new
 * scope starts full at its first use; a dropped scope is no longer limited (and its
 * obligation is forgotten: nothing of it can block).
 */
function replaceBuckets(s: EngineState, configs: readonly RateBucketConfig[]): void {
  const next = new Map<string, RateBucket>();
  for (const c of configs) {
    const bucket = new RateBucket(c);
    const old = s.buckets.get(c.scope);
    if (old !== undefined && old.anchorNs >= 0n) {
      bucket.tokens = Math.min(old.tokensAt(s.nowNs), c.capacity);
      bucket.anchorNs = s.nowNs;
    }
    next.set(c.scope, bucket);
  }
  s.buckets.clear();
  for (const [scope, bucket] of next) s.buckets.set(scope, bucket);
  for (const inst of s.instruments.values()) inst.bucket = s.buckets.get(inst.instrument.venue) ?? null;
  for (const scope of [...s.obligations.keys()]) if (!s.buckets.has(scope)) s.obligations.delete(scope);
}
