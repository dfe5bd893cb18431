import type { Command } from 'commander';
import { ChassisError } from '@chassis/core';
import type { ManifestRun } from '@chassis/quality';
import { createQualityProbe, monitoringOptionSpecs, resolveMonitoringOptions, startMonitoring, type MonitoringOptions } from '@chassis/monitoring';

/** Runs the gate over pending manifests; with monitoring options, serves/pushes a QualityProbe meanwhile. */
async function runQualityGate(root: string, monitoring: MonitoringOptions): Promise<ManifestRun[]> {
  const { openStorage } = await import('@chassis/storage');
  const { pendingManifests, runPendingManifests } = await import('@chassis/quality');
  const { observeQualityRun } = await import('../quality-probe-feed.ts');
  if (monitoring.metricsPort === undefined && monitoring.pushgateway === undefined) return runPendingManifests(openStorage(root));
  const mon = await startMonitoring({ component: 'quality', ...(root.startsWith('s3://') ? {} : { dataRoot: root }), ...monitoring });
  try {
    const listed = mon.readiness.flag('manifests_listed', 'listing raw/ manifests');
    const probe = createQualityProbe({ component: 'quality', venue: '' });
    mon.metrics.attachQuality(probe);
    const storage = openStorage(root);
    const observed = observeQualityRun(storage, probe, await pendingManifests(storage));
    listed.pass();
    return await runPendingManifests(observed);
  } finally {
    await mon.finish({ job: 'chassis_quality', groupings: { instance: 'quality_run' } });
  }
}

export function register(program: Command): void {
  const q = program.command('quality').description('Data quality gate');
  const run = q.command('run').description('Process pending raw datasets (manifests under raw/) through the gate').option('--data <dir>', 'data root');
  for (const o of monitoringOptionSpecs) run.option(o.flags, o.description, o.parse as (raw: string) => unknown);
  run.action(async (opts: { data?: string; metricsPort?: number; metricsHost?: string; pushgateway?: string }) => {
      const monitoring = resolveMonitoringOptions({
        ...(opts.metricsPort !== undefined ? { metricsPort: opts.metricsPort } : {}),
        ...(opts.metricsHost ? { metricsHost: opts.metricsHost } : {}),
        ...(opts.pushgateway ? { pushgateway: opts.pushgateway } : {}),
      });
      const { resolveDataRoot } = await import('@chassis/storage');
      const runs = await runQualityGate(resolveDataRoot(opts.data), monitoring);
      if (runs.length === 0) process.stdout.write('no pending manifests\n');
      for (const r of runs) {
        process.stdout.write(`${r.manifestKey}\n`);
        for (const res of r.results) {
          for (const x of res.rejected) process.stdout.write(`  REJECTED  ${x.reason}\n`);
          for (const g of res.sourceGaps) process.stdout.write(`  GAP       ${g.location}  ${g.message}\n`);
          for (const d of res.datasets) process.stdout.write(`  ${d.outcome.toUpperCase().padEnd(15)} ${d.meta.id} ${d.meta.kind} ${d.meta.rows} rows  ${d.reason}\n`);
        }
      }
    });
  q.command('report')
    .description('Checks, state transitions and provenance of a dataset')
    .argument('<dataset-id>')
    .option('--data <dir>', 'data root')
    .action(async (id: string, opts: { data?: string }) => {
      const { openCatalog, openStorage, resolveDataRoot } = await import('@chassis/storage');
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
