import type { Command } from 'commander';
import { ChassisError } from '@chassis/core';
import { openCatalog, openStorage, resolveDataRoot } from '@chassis/storage';
import { runPendingManifests } from '@chassis/quality';

export function register(program: Command): void {
  const q = program.command('quality').description('Data quality gate');
  q.command('run')
    .description('Process pending raw datasets (manifests under raw/) through the gate')
    .option('--data <dir>', 'data root')
    .action(async (opts: { data?: string }) => {
      const runs = await runPendingManifests(openStorage(resolveDataRoot(opts.data)));
      if (runs.length === 0) process.stdout.write('no pending manifests\n');
      for (const r of runs) {
        process.stdout.write(`${r.manifestKey}\n`);
        for (const res of r.results) {
          for (const x of res.rejected) process.stdout.write(`  REJECTED  ${x.reason}\n`);
          for (const d of res.datasets) process.stdout.write(`  ${d.outcome.toUpperCase().padEnd(15)} ${d.meta.id} ${d.meta.kind} ${d.meta.rows} rows  ${d.reason}\n`);
        }
      }
    });
  q.command('report')
    .description('Checks, state transitions and provenance of a dataset')
    .argument('<dataset-id>')
    .option('--data <dir>', 'data root')
    .action(async (id: string, opts: { data?: string }) => {
      const d = await openCatalog(openStorage(resolveDataRoot(opts.data))).get(id);
      if (!d) throw new ChassisError('E_DATASET_NOT_FOUND', `no dataset ${id} in the catalog of ${resolveDataRoot(opts.data)}`);
      const out = [`${d.id}  ${d.venue} ${d.symbol} ${d.kind} ${d.day} segment ${d.segment} v${d.version}  state ${d.state}`, 'checks:'];
      for (const c of d.checks) out.push(`  ${c.status.toUpperCase().padEnd(5)} ${c.name.padEnd(14)} ${c.detail}${c.location ? ` @ ${c.location}` : ''}`);
      out.push('gaps:', ...(d.gaps.length ? d.gaps.map((g) => `  ${g.location}: ${g.message}`) : ['  none']));
      out.push('transitions:', ...d.transitions.map((t) => `  ${t.at}  ${t.from ?? '-'} → ${t.to}: ${t.reason}`));
      out.push(`provenance: ${d.provenance.rawKeys.join(', ')} lines ${d.provenance.firstLine ?? '?'} … ${d.provenance.lastLine ?? '?'}`);
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
