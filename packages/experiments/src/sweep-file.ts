/**
 * The sweep file (YAML or JSON): a base run definition plus parameter axes. Parsed by a strict
 * zod schema, so unknown fields are errors that name their path.
 *
 * ```yaml
 * base: run.yaml                      # a run file (relative to this file) or an inline definition
 * grid: { strategy.params.spreadTicks: [1, 2, 3], strategy.params.qty: { from: 1, to: 2, step: 1 } }
 * random: { samples: 4, seed: 7, params: { strategy.params.skew: { min: 0, max: 1 } } }
 * windows: [{ from: '2024-08-08T00:00:00Z', to: '2024-08-08T00:03:00Z' }]
 * limit: 200                          # more members than this needs --yes
 * ```
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ChassisError } from '@chassis/core';

const scalar = z.union([z.number(), z.string(), z.boolean()]);

const rangeAxis = z.strictObject({
  from: z.number(),
  to: z.number(),
  step: z.number().positive('step must be > 0'),
});

const axis = z.union([z.array(scalar).min(1, 'axis is empty: give at least one value'), rangeAxis]);

const randomParam = z.union([
  z.strictObject({ min: z.number(), max: z.number(), integer: z.boolean().default(false) }),
  z.array(scalar).min(1, 'choice list is empty: give at least one value'),
]);

const windowSchema = z.strictObject({ from: z.string().min(1), to: z.string().min(1) });

export const DEFAULT_SWEEP_LIMIT = 256;

export const sweepFileSchema = z.strictObject({
  name: z.string().optional(),
  base: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  grid: z.record(z.string(), axis).optional(),
  random: z
    .strictObject({
      samples: z.number().int().positive(),
      seed: z.number().int(),
      params: z.record(z.string(), randomParam),
    })
    .optional(),
  windows: z.array(windowSchema).min(1, 'windows is empty: give at least one window or omit it').optional(),
  limit: z.number().int().positive().default(DEFAULT_SWEEP_LIMIT),
  /** Observation settings for the coordinating `chassis sweep` (metricsPort, metricsHost, pushgateway); validated by @chassis/monitoring, not part of any run or the experiment id. */
  monitoring: z.record(z.string(), z.unknown()).optional(),
});

export type SweepFile = z.infer<typeof sweepFileSchema>;
export type Scalar = z.infer<typeof scalar>;
export type Axis = z.infer<typeof axis>;
export type RandomParam = z.infer<typeof randomParam>;
export type DatasetWindow = z.infer<typeof windowSchema>;

export interface LoadedSweep {
  readonly file: SweepFile;
  /** Absolute path of the sweep file ('<inline>' when parsed from text). */
  readonly source: string;
  /** The raw base run definition (not yet validated by the run backend). */
  readonly baseRaw: unknown;
  /** Where the base came from, for messages. */
  readonly baseSource: string;
  /** Folder relative paths in the base resolve against. */
  readonly baseDir: string;
}

/** Parses YAML or JSON text (JSON is YAML) and reports syntax errors with a line number. */
export function parseDocument(text: string, source: string): unknown {
  try {
    return parseYaml(text);
  } catch (err) {
    const e = err as Error & { linePos?: { line: number }[] };
    const line = e.linePos?.[0]?.line;
    throw new ChassisError('E_SWEEP_SYNTAX', `${source}${line ? `:${line}` : ''}: ${e.message.split('\n')[0]}`);
  }
}

function formatIssues(error: z.ZodError, source: string): string {
  return error.issues
    .map((i) => `${source}: ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('\n');
}

/** Validates a parsed sweep document; `dir` resolves a `base` given as a path. */
export function parseSweep(doc: unknown, source: string, dir: string): LoadedSweep {
  const parsed = sweepFileSchema.safeParse(doc);
  if (!parsed.success) throw new ChassisError('E_SWEEP_INVALID', formatIssues(parsed.error, source));
  const file = parsed.data;
  for (const [path, ax] of Object.entries(file.grid ?? {})) {
    if (!Array.isArray(ax) && ax.to < ax.from) {
      throw new ChassisError('E_SWEEP_INVALID', `${source}: grid.${path}: range is empty (to ${ax.to} < from ${ax.from})`);
    }
  }
  for (const [path, p] of Object.entries(file.random?.params ?? {})) {
    if (!Array.isArray(p) && p.max < p.min) {
      throw new ChassisError('E_SWEEP_INVALID', `${source}: random.params.${path}: max ${p.max} < min ${p.min}`);
    }
  }
  if (!file.grid && !file.random && !file.windows) {
    throw new ChassisError('E_SWEEP_INVALID', `${source}: nothing to sweep: give grid, random or windows`);
  }
  if (typeof file.base === 'string') {
    const basePath = resolve(dir, file.base);
    let text: string;
    try {
      text = readFileSync(basePath, 'utf8');
    } catch {
      throw new ChassisError('E_SWEEP_BASE', `${source}: base: run file ${basePath} cannot be read`);
    }
    return { file, source, baseRaw: parseDocument(text, basePath), baseSource: basePath, baseDir: dirname(basePath) };
  }
  return { file, source, baseRaw: file.base, baseSource: `${source} (inline base)`, baseDir: dir };
}

/** Reads and validates a sweep file from disk. */
export function loadSweepFile(path: string): LoadedSweep {
  const abs = resolve(path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch {
    throw new ChassisError('E_SWEEP_NOT_FOUND', `sweep file ${abs} cannot be read`);
  }
  return parseSweep(parseDocument(text, abs), abs, dirname(abs));
}
