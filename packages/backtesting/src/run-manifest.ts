/**
 * `manifest.json` of a run directory: what `runBacktest` writes last (run.ts) and what sweeps,
 * analysis and `chassis gc` read back. Read back, it is parsed by this schema like a run file,
 * so a hand-edited or truncated manifest is an error naming the field, never a wrong number.
 * A finished run (completed, strategy_halted, halted) records its outputs; a failed one only
 * the error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ChassisError } from '@chassis/core';
import { describeIssues } from './run-definition.ts';

/**
 * The manifest schemas, built on first use: zod builds a schema in ~0.1 ms per field, and a
 * backtest, which only writes a manifest, never parses one (issue 13: start-up).
 */
function buildSchemas() {
  const count = z.number().int().nonnegative();
  const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex');

  const finished = z.strictObject({
    format: z.literal('chassis-run-manifest-v1'),
    runId: z.string().min(1),
    /** Input fed this many times (benchmarks); absent for a real run. */
    repeat: z.number().int().min(2).optional(),
    status: z.enum(['completed', 'strategy_halted', 'halted']),
    diagnostic: z.string().nullable(),
    codeVersion: z.string(),
    startedAt: z.string(),
    endedAt: z.string(),
    datasets: z.array(z.strictObject({ id: z.string(), contentHash: sha256 })),
    events: z.strictObject({ total: count, market: count, controlTime: count, lastSeq: count }),
    /** The clock model's settings and how many market events it clamped (backtesting README, Clock model); absent in manifests written before it. */
    clock: z.strictObject({ offsetUs: z.number(), feedWindowMs: z.number().positive(), toReceipt: count, toWindow: count }).optional(),
    /**
     * `events`: events the journal stands for; `format` 2 (absent: 1, written before it) stores
     * `records` of them and references the market events (backtesting README, Journal).
     */
    journal: z.strictObject({
      file: z.string(),
      format: z.union([z.literal(1), z.literal(2)]).optional(),
      events: count,
      records: count.optional(),
      blocks: count,
      bytes: count,
      sha256,
      checkpointInterval: count,
      checkpoints: count,
    }),
    /** Data root the run read its datasets from (absolute path): where replay looks for them unless told. Not an output. */
    dataRoot: z.string().optional(),
    finalStateHash: z.string(),
    outputs: z.record(z.string(), sha256),
    outputHash: sha256,
  });

  const failed = z.strictObject({
    format: z.literal('chassis-run-manifest-v1'),
    runId: z.string().min(1),
    status: z.literal('failed'),
    error: z.strictObject({ code: z.string(), message: z.string() }),
    codeVersion: z.string(),
    endedAt: z.string(),
  });
  return { finished, failed, manifest: z.discriminatedUnion('status', [finished, failed]) };
}
let schemas: ReturnType<typeof buildSchemas> | undefined;

export type RunManifest = z.infer<ReturnType<typeof buildSchemas>['manifest']>;
export type FinishedRunManifest = z.infer<ReturnType<typeof buildSchemas>['finished']>;
export type FailedRunManifest = z.infer<ReturnType<typeof buildSchemas>['failed']>;

/** Validates a manifest read back; throws E_RUN_MANIFEST naming the field and `where` (its path). */
export function parseRunManifest(value: unknown, where: string): RunManifest {
  const r = (schemas ??= buildSchemas()).manifest.safeParse(value);
  if (!r.success) throw new ChassisError('E_RUN_MANIFEST', describeIssues(r.error, where));
  return r.data;
}

/** Reads and validates `<dir>/manifest.json`; E_RUN_MANIFEST when it is missing, not JSON or not a manifest. */
export function readRunManifest(dir: string): RunManifest {
  const path = join(dir, 'manifest.json');
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ChassisError('E_RUN_MANIFEST', `${path} is not readable JSON: ${(err as Error).message}`);
  }
  return parseRunManifest(value, path);
}
