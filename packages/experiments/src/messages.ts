/**
 * Every value that crosses a process boundary in experiments, as zod schemas (one source for the
 * runtime check and the type, like the run files): pool IPC between a sweep and its run
 * children (run-process.ts), BullMQ job data and results between a sweep coordinator and queue
 * workers (queue-sweep.ts, queue-worker.ts), and the experiment index read back from disk
 * (experiment-index.ts). A value that does not parse is E_BAD_MESSAGE naming the field and
 * where it came from, never a run started with half a context or a result recorded wrong.
 */
import { z } from 'zod';
import { ChassisError } from '@chassis/core';
import { describeIssues } from '@chassis/backtesting';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const runContextSchema = z.strictObject({ dataRoot: z.string().min(1), baseDir: z.string().min(1) });

export const runOutcomeSchema = z.strictObject({
  runId: z.string().min(1),
  status: z.enum(['completed', 'failed']),
  outDir: z.string(),
  metrics: z.record(z.string(), z.number().nullable()),
  error: z.string().optional(),
});

/** A run's wall and CPU ms in its child, and the child's whole CPU ms so far (start-up and earlier runs included). */
const runUsageSchema = z.strictObject({ wallMs: z.number().nonnegative(), cpuMs: z.number().nonnegative(), processCpuMs: z.number().nonnegative() });

/** Parent → run child: run one definition (parsed again by the backend in the child). */
export const runRequestSchema = z.strictObject({
  type: z.literal('run'),
  runId: z.string().min(1),
  definition: z.unknown(),
  backendModule: z.string().min(1),
  ctx: runContextSchema,
});

/** Run child → parent: backend loaded, a run's result, or its error. */
export const childMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), error: z.string().optional(), processCpuMs: z.number().nonnegative().optional() }),
  z.strictObject({ type: z.literal('result'), outcome: runOutcomeSchema, usage: runUsageSchema.optional() }),
  z.strictObject({ type: z.literal('error'), message: z.string(), usage: runUsageSchema.optional() }),
]);

/** Coordinator → queue worker, through Redis. */
export const runJobDataSchema = z.strictObject({
  runId: z.string().min(1),
  definition: z.unknown(),
  baseDir: z.string().min(1),
  timeoutMs: z.number().int().positive(),
});

export const experimentManifestSchema = z.strictObject({
  experimentId: z.string().min(1),
  name: z.string(),
  source: z.string(),
  members: z.array(z.strictObject({ runId: z.string().min(1), params: z.record(z.string(), scalar), dataset: z.string() })),
});

export const memberRecordSchema = z.strictObject({
  runId: z.string().min(1),
  status: z.enum(['pending', 'completed', 'failed']),
  params: z.record(z.string(), scalar),
  dataset: z.string(),
  outDir: z.string().nullable(),
  metrics: z.record(z.string(), z.number().nullable()),
  error: z.string().nullable(),
});

/** Parses a value that crossed a process boundary; E_BAD_MESSAGE names each bad field and `where` it came from. */
export function parseMessage<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ChassisError('E_BAD_MESSAGE', describeIssues(r.error, where));
  return r.data;
}

/** Queue job data (coordinator → worker). */
export type RunJobData = z.output<typeof runJobDataSchema>;
