/**
 * startup: how long `chassis` takes to start — Node, module loading and (from the sources) the
 * TypeScript transform — measured as `chassis --version`, which loads the same static module
 * graph every command loads (`chassis backtest` adds only its run). Interleaved in one run:
 * - compiled: the packages' dist directories (scripts/build-dist.mjs; built here if stale);
 * - sources: CHASSIS_FROM_SOURCE=1, the TypeScript through tsx (the before of issue 13 lever 4);
 * - baseline: bare `node -e ''`, the floor no CLI can go below.
 * Wall seconds of a fresh process each; on a loaded machine read the ratios.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildDist } from '../../scripts/build-dist.mjs';
import { distIsCurrent } from '../../packages/cli/bin/dist-freshness.js';
import { median, result, type BenchContext, type BenchResult, type BenchSection } from '../types.ts';

const BIN = fileURLToPath(new URL('../../packages/cli/bin/chassis.js', import.meta.url));
const PACKAGES = fileURLToPath(new URL('../../packages/', import.meta.url));
const STAMP = fileURLToPath(new URL('../../packages/cli/dist/.build.json', import.meta.url));

function secondsOf(args: readonly string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`startup: ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 400)}`);
  return s;
}

export const startup: BenchSection = {
  name: 'startup',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    if (!distIsCurrent(PACKAGES, STAMP)) {
      const { files, ms } = buildDist();
      process.stderr.write(`startup: the compiled build was stale; rebuilt ${files} modules in ${(ms / 1000).toFixed(1)} s\n`);
    }
    const env = { ...process.env, CHASSIS_FROM_SOURCE: '' };
    const fromSource = { ...process.env, CHASSIS_FROM_SOURCE: '1' };
    const rounds = ctx.quick ? 3 : 7;
    const compiled: number[] = [];
    const sources: number[] = [];
    const bare: number[] = [];
    secondsOf([BIN, '--version'], env); // warm the file cache and tsx's transform cache once each
    secondsOf([BIN, '--version'], fromSource);
    for (let i = 0; i < rounds; i++) {
      compiled.push(secondsOf([BIN, '--version'], env));
      sources.push(secondsOf([BIN, '--version'], fromSource));
      bare.push(secondsOf(['-e', ''], env));
    }
    return [
      result('startup-compiled', 's', compiled, median(sources), 'chassis --version from the compiled build (the static module graph of every command); baseline = the same from the TypeScript sources through tsx'),
      result('startup-sources', 's', sources, median(bare), 'chassis --version from the sources (tsx); baseline = bare node -e ""'),
      result('startup-node', 's', bare, null, 'bare node -e "": the floor'),
    ];
  },
};
