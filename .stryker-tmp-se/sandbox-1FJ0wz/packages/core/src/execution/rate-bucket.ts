/**
 * Token bucket for one scope (a venue), refilled as a pure function of tsLocal (SPEC.md §4):
 * it starts full at its first observation `anchorNs`; every whole `refillIntervalNs` elapsed
 * since the anchor adds `refillTokens`, capped at `capacity`. Evaluating at intermediate times
 * gives the same tokens as evaluating once (min(cap, min(cap, a + x) + y) = min(cap, a + x + y)),
 * so lazy evaluation does not change behaviour.
 */
// @ts-nocheck

import type { RateBucketConfig } from '../config.ts';
import type { RequestKind } from '../events.ts';

export class RateBucket {
  readonly config: RateBucketConfig;
  /** Tokens available at `anchorNs`. */
  tokens: number;
  /** Start of the current refill interval, tsLocal ns; -1n before the first observation. */
  anchorNs = -1n;

  constructor(config: RateBucketConfig) {
    this.config = config;
    this.tokens = config.capacity;
  }

  weight(kind: RequestKind): number {
    return this.config.weights[kind];
  }

  /** Brings the bucket to time `nowNs` (tsLocal). */
  refill(nowNs: bigint): void {
    if (this.anchorNs < 0n) {
      this.anchorNs = nowNs;
      return;
    }
    if (nowNs <= this.anchorNs) return;
    const interval = this.config.refillIntervalNs;
    const steps = (nowNs - this.anchorNs) / interval;
    if (steps === 0n) return;
    this.anchorNs += steps * interval;
    if (this.tokens < this.config.capacity) {
      const cap = this.config.capacity;
      const gained = steps > BigInt(cap) ? cap : Number(steps) * this.config.refillTokens;
      this.tokens = Math.min(cap, this.tokens + gained);
    }
  }

  tryTake(weight: number): boolean {
    if (this.tokens < weight) return false;
    this.tokens -= weight;
    return true;
  }

  /** Earliest tsLocal at which `weight` tokens are available (after refill to now). */
  dueNs(weight: number): bigint {
    const deficit = weight - this.tokens;
    if (deficit <= 0) return this.anchorNs;
    const steps = Math.ceil(deficit / this.config.refillTokens);
    return this.anchorNs + BigInt(steps) * this.config.refillIntervalNs;
  }

  /** Tokens at `nowNs` without mutating: the canonical value used by the state hash. */
  tokensAt(nowNs: bigint): number {
    if (this.anchorNs < 0n || nowNs <= this.anchorNs) return this.tokens;
    const steps = (nowNs - this.anchorNs) / this.config.refillIntervalNs;
    const cap = this.config.capacity;
    const gained = steps > BigInt(cap) ? cap : Number(steps) * this.config.refillTokens;
    return Math.min(cap, this.tokens + gained);
  }

  /** Interval start at `nowNs` without mutating (canonical for the state hash). */
  anchorAt(nowNs: bigint): bigint {
    if (this.anchorNs < 0n || nowNs <= this.anchorNs) return this.anchorNs;
    const interval = this.config.refillIntervalNs;
    return this.anchorNs + ((nowNs - this.anchorNs) / interval) * interval;
  }
}
