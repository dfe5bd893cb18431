/**
 * Engine configuration validation: every field the engine relies on is checked before the
 * first event, and a bad one throws `ChassisError('E_ENGINE_CONFIG')` naming the field.
 */
import type { EngineConfig } from '../config.ts';
import { ChassisError } from '../errors.ts';
import { checkRateBuckets } from '../config-change.ts';

export function validateConfig(config: EngineConfig): void {
  const fail = (field: string, msg: string): never => {
    throw new ChassisError('E_ENGINE_CONFIG', `engine config ${field}: ${msg}`);
  };
  const ids = new Set<string>();
  config.instruments.forEach((inst, i) => {
    if (ids.has(inst.id)) fail(`instruments[${i}].id`, `duplicate instrument "${inst.id}"`);
    ids.add(inst.id);
    if (!Number.isSafeInteger(inst.tickUnits) || inst.tickUnits <= 0) fail(`instruments[${i}].tickUnits`, 'must be a positive integer');
    if (!Number.isSafeInteger(inst.lotUnits) || inst.lotUnits <= 0) fail(`instruments[${i}].lotUnits`, 'must be a positive integer');
    if (inst.contractType !== 'spot' && !(inst.multiplier > 0 && Number.isFinite(inst.multiplier))) fail(`instruments[${i}].multiplier`, `must be a positive number, got ${inst.multiplier}`);
  });
  checkRateBuckets(config.executionControl.rateBuckets, 'executionControl.rateBuckets', fail);
  for (const [i, t] of (config.triggers.everyN ?? []).entries()) {
    if (!Number.isSafeInteger(t.n) || t.n < 1) fail(`triggers.everyN[${i}].n`, 'must be a positive integer');
  }
  if (!Number.isSafeInteger(config.maxConsecutiveStrategyFailures) || config.maxConsecutiveStrategyFailures < 1) {
    fail('maxConsecutiveStrategyFailures', 'must be a positive integer');
  }
}
