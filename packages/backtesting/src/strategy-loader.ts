/**
 * Loads a strategy module by dynamic import: .js anywhere; .ts under the tsx loader the sources
 * run with, or, when this code runs compiled (the packages' dist directories), from its cached
 * esbuild bundle (strategy-bundle.ts), else through tsx's `tsImport` for that module alone. A
 * module exports `default` with `create(params)` or a named `create(params)`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ChassisError, type Strategy, type StrategyModule } from '@chassis/core';
import { sha256Hex } from './canonical-json.ts';
import { importStrategyBundle } from './strategy-bundle.ts';

export interface LoadedStrategy {
  readonly path: string;
  readonly sha256: string;
  readonly module: StrategyModule;
}

export function resolveStrategyPath(modulePath: string, baseDir: string): string {
  const p = isAbsolute(modulePath) ? modulePath : resolve(baseDir, modulePath);
  if (!existsSync(p)) {
    const fromCwd = resolve(modulePath);
    if (!isAbsolute(modulePath) && existsSync(fromCwd)) return fromCwd;
    throw new ChassisError('E_STRATEGY_NOT_FOUND', `strategy module ${modulePath} not found (looked in ${baseDir}${baseDir === process.cwd() ? '' : ` and ${process.cwd()}`})`);
  }
  return p;
}

function asModule(candidate: unknown): StrategyModule | null {
  if (candidate && (typeof candidate === 'object' || typeof candidate === 'function') && typeof (candidate as { create?: unknown }).create === 'function') {
    return candidate as StrategyModule;
  }
  return null;
}

/** Compiled JavaScript has no TypeScript loader registered: a .ts strategy goes through tsx. */
const needsTranspiler = (path: string): boolean => import.meta.url.endsWith('.js') && /\.[cm]?tsx?$/.test(path);

async function importModule(path: string): Promise<unknown> {
  if (!needsTranspiler(path)) return import(pathToFileURL(path).href);
  const bundled = await importStrategyBundle(path);
  if (bundled !== null) return bundled;
  const { tsImport } = await import('tsx/esm/api');
  return tsImport(pathToFileURL(path).href, import.meta.url);
}

/**
 * Modules loaded in this process, by path and content hash: a sweep worker runs many runs of one
 * strategy, and tsx's `tsImport` would otherwise register a fresh loader and transpile the
 * module again for every run (a native import() is cached by URL anyway).
 */
const loadedModules = new Map<string, Promise<unknown>>();

function importOnce(path: string, sha256: string): Promise<unknown> {
  const key = `${sha256} ${path}`;
  let mod = loadedModules.get(key);
  if (!mod) {
    mod = importModule(path);
    loadedModules.set(key, mod);
    // A module that failed to load is tried again next time (its error is reported each time).
    mod.catch(() => loadedModules.delete(key));
  }
  return mod;
}

export async function loadStrategy(path: string): Promise<LoadedStrategy> {
  const sha256 = sha256Hex(readFileSync(path));
  let mod: Record<string, unknown>;
  try {
    mod = (await importOnce(path, sha256)) as Record<string, unknown>;
  } catch (err) {
    throw new ChassisError('E_STRATEGY_LOAD', `cannot load strategy module ${path}: ${(err as Error).message}`);
  }
  const found = asModule(mod.default) ?? (typeof mod.create === 'function' ? (mod as unknown as StrategyModule) : null);
  if (!found) {
    throw new ChassisError(
      'E_STRATEGY_EXPORT',
      `${path} does not export a strategy: expected \`export default { create(params) { ... } }\` or \`export function create(params)\` (found exports: ${Object.keys(mod).join(', ') || 'none'})`,
    );
  }
  return { path, sha256, module: found };
}

export function instantiate(loaded: LoadedStrategy, params: Record<string, unknown>): Strategy {
  let s: Strategy;
  try {
    s = loaded.module.create(params);
  } catch (err) {
    throw new ChassisError('E_STRATEGY_PARAMS', `${loaded.path}: create(params) failed: ${(err as Error).message}`);
  }
  if (!s || typeof s.onEvent !== 'function') throw new ChassisError('E_STRATEGY_EXPORT', `${loaded.path}: create(params) must return an object with onEvent(view, event)`);
  return s;
}
