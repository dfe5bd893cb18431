import type { Command } from 'commander';
import { ChassisError } from '@chassis/core';
import type { ImportResult } from '@chassis/quality';
import { VENUE_IDS, type VenueId } from '@chassis/venues';

function describe(r: ImportResult, nsToIso: (ns: bigint) => string): string {
  const lines = [`${r.file} → ${r.rawKey}${r.rawAlreadyPresent ? ' (raw already present)' : ''}: ${r.messages} records`];
  for (const x of r.rejected) lines.push(`  REJECTED  ${x.reason}`);
  for (const d of r.datasets) {
    const m = d.meta;
    const split = m.gaps.length ? ` split at ${m.gaps.map((g) => g.location).join(', ')}` : '';
    lines.push(
      `  ${d.outcome.toUpperCase().padEnd(15)} ${m.id}  ${m.venue} ${m.symbol} ${m.kind} ${m.day} seg ${m.segment} v${m.version}  ${m.rows} rows  ${nsToIso(m.startNs)} → ${nsToIso(m.endNs)}${split}`,
    );
    if (d.outcome !== 'promoted' && d.outcome !== 'already_present') lines.push(`      why: ${d.reason}`);
  }
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('import')
    .description('Import venue captures through the quality gate into canonical datasets')
    .argument('<files...>', 'capture files (plain, gzip or single-file zip)')
    .option('--venue <id>', `venue id (${VENUE_IDS.join(', ')})`)
    .option('--instrument <symbol>', 'instrument symbol override')
    .option('--data <dir>', 'data root (default: $CHASSIS_DATA or ./data)')
    .option('--gap-policy <policy>', 'split | quarantine', 'split')
    .option('--json', 'machine-readable output')
    .action(async (files: string[], opts: { venue?: string; instrument?: string; data?: string; json?: boolean; gapPolicy: string }) => {
      if (opts.venue && !(VENUE_IDS as readonly string[]).includes(opts.venue)) {
        throw new ChassisError('E_USAGE', `unknown venue "${opts.venue}"; expected one of ${VENUE_IDS.join(', ')}`);
      }
      if (opts.gapPolicy !== 'split' && opts.gapPolicy !== 'quarantine') throw new ChassisError('E_USAGE', `--gap-policy must be split or quarantine`);
      const { openStorage, resolveDataRoot, nsToIso } = await import('@chassis/storage');
      const { groupImportFiles, importCapture } = await import('@chassis/quality');
      const storage = openStorage(resolveDataRoot(opts.data));
      const results: ImportResult[] = [];
      // A cryptofeed {name}.http.* file given with its {name}.ws.* file is that capture's REST snapshots.
      for (const { file, httpFiles } of groupImportFiles(files)) {
        const r = await importCapture(storage, file, {
          ...(httpFiles ? { httpFiles } : {}),
          ...(opts.venue ? { venue: opts.venue as VenueId } : {}),
          ...(opts.instrument ? { instrument: opts.instrument } : {}),
          config: { gapPolicy: opts.gapPolicy },
        });
        results.push(r);
        if (!opts.json) process.stdout.write(`${describe(r, nsToIso)}\n`);
      }
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify(
            results.map((r) => ({
              file: r.file, rawKey: r.rawKey, records: r.messages, rejected: r.rejected,
              datasets: r.datasets.map((d) => ({ id: d.meta.id, kind: d.meta.kind, state: d.meta.state, outcome: d.outcome, rows: d.meta.rows, reason: d.reason, gaps: d.meta.gaps.map((g) => g.location) })),
            })),
            null,
            2,
          )}\n`,
        );
      }
      const bad = results.some((r) => r.rejected.length > 0 || r.datasets.some((d) => d.outcome === 'quarantined' || d.outcome === 'incomplete'));
      if (bad) process.exitCode = 3;
    });
}
