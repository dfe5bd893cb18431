/**
 * Runs one full backtest in a child process (bench/backtest-child.ts) and returns its report,
 * including the child's peak RSS. Exported for the full-backtest, scaling and synthetic-day
 * sections: a fresh process per measurement keeps peak RSS attributable to one input size.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildDist } from '../scripts/build-dist.mjs';
import { distIsCurrent } from '../packages/cli/bin/dist-freshness.cjs';
import type { ChildReport, ChildRequest } from './backtest-child.ts';

export type { ChildReport, ChildRequest };

const CHILD = fileURLToPath(new URL('./backtest-child.ts', import.meta.url));
const PACKAGES = fileURLToPath(new URL('../packages/', import.meta.url));
const STAMP = fileURLToPath(new URL('../packages/cli/dist/.build.json', import.meta.url));

/** The compiled build the child runs, rebuilt when a source is newer (as `npm run build` would). */
function ensureCompiled(): void {
  if (distIsCurrent(PACKAGES, STAMP)) return;
  const { files, ms } = buildDist();
  process.stderr.write(`bench: the compiled build was stale; rebuilt ${files} modules in ${(ms / 1000).toFixed(1)} s\n`);
}

export function runBacktestInChild(req: ChildRequest): Promise<ChildReport> {
  if (req.compiled !== false) ensureCompiled();
  return new Promise((resolve, reject) => {
    // stdout carries the report; stderr passes through (never the runner's stdout, so --json stays clean).
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(req)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => (out += s));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`backtest child exited with ${code} for ${JSON.stringify(req)}: ${out.slice(-500)}`));
      try {
        const report = JSON.parse(line) as ChildReport;
        if (req.allowFailure && report.status === 'error') return resolve(report);
        if (report.status !== 'completed') return reject(new Error(`backtest child: run status ${report.status} (${report.diagnostic ?? 'no diagnostic'}) for ${JSON.stringify(req)}`));
        resolve(report);
      } catch {
        reject(new Error(`backtest child printed no report: ${out.slice(-500)}`));
      }
    });
  });
}
