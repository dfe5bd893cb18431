/**
 * Writes reconciliation reports into the session directory. Stand-in until the session records
 * part (packages/live/src/records) provides the writer of the session directory: the Reconciler
 * takes the writer as a function, so swapping it changes only the caller.
 */
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReconciliationReport } from './report.ts';

const REPORT_NAME = /^reconciliation-(\d+)\.json$/;

export function reconciliationReportPath(sessionDir: string, n: number): string {
  return join(sessionDir, `reconciliation-${n}.json`);
}

/** Writes `reconciliation-{n}.json` whole or not at all (temporary file, then rename); resolves with its path. */
export async function writeReconciliationReport(sessionDir: string, report: ReconciliationReport): Promise<string> {
  await mkdir(sessionDir, { recursive: true });
  const path = reconciliationReportPath(sessionDir, report.n);
  const tmp = `${path}.tmp`;
  await writeFile(tmp, `${JSON.stringify(report, null, 2)}\n`);
  await rename(tmp, path);
  return path;
}

/** The number the next report takes: one more than the highest already in the directory (1 for none). */
export async function nextReconciliationNumber(sessionDir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(sessionDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 1;
    throw err;
  }
  let highest = 0;
  for (const name of names) {
    const m = REPORT_NAME.exec(name);
    if (m !== null) highest = Math.max(highest, Number(m[1]));
  }
  return highest + 1;
}
