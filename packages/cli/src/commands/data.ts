import type { Command } from 'commander';
import { ChassisError } from '@chassis/core';
import { registerDataReport } from './data-report.ts';
import type { DatasetMeta } from '@chassis/storage';

function row(d: DatasetMeta, nsToIso: (ns: bigint) => string): Record<string, unknown> {
  return {
    id: d.id, venue: d.venue, instrument: d.symbol, kind: d.kind, day: d.day, segment: d.segment, rows: d.rows,
    start: nsToIso(d.startNs), end: nsToIso(d.endNs), startNs: d.startNs.toString(), endNs: d.endNs.toString(),
    version: d.version, state: d.state, contentHash: d.contentHash,
  };
}

export function register(program: Command): void {
  const data = program.command('data').description('What canonical data exists (from the catalog, no scanning)');
  data
    .command('ls')
    .description('List datasets')
    .option('--data <dir>', 'data root (default: $CHASSIS_DATA or ./data)')
    .option('--json', 'print a JSON array')
    .action(async (opts: { data?: string; json?: boolean }) => {
      const { nsToIso, openCatalog, openStorage, resolveDataRoot } = await import('@chassis/storage');
      const list = await openCatalog(openStorage(resolveDataRoot(opts.data))).list();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(list.map((d) => row(d, nsToIso)), null, 2)}\n`);
        return;
      }
      if (list.length === 0) {
        process.stdout.write('no datasets\n');
        return;
      }
      const header = ['ID', 'VENUE', 'INSTRUMENT', 'KIND', 'START', 'END', 'ROWS', 'V', 'STATE', 'HASH'];
      const rows = list.map((d) => [d.id, d.venue, d.symbol, d.kind, nsToIso(d.startNs).slice(0, 23), nsToIso(d.endNs).slice(0, 23), String(d.rows), String(d.version), d.state, d.contentHash.slice(0, 12)]);
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const r of [header, ...rows]) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`);
    });
  data
    .command('show')
    .description('Full metadata of a dataset: instrument, quality results, provenance')
    .argument('<dataset-id>')
    .option('--data <dir>', 'data root')
    .action(async (id: string, opts: { data?: string }) => {
      const { datasetToJson, nsToIso, openCatalog, openStorage, resolveDataRoot } = await import('@chassis/storage');
      const d = await openCatalog(openStorage(resolveDataRoot(opts.data))).get(id);
      if (!d) throw new ChassisError('E_DATASET_NOT_FOUND', `no dataset ${id} in the catalog of ${resolveDataRoot(opts.data)}`);
      process.stdout.write(`${datasetToJson({ ...d, start: nsToIso(d.startNs), end: nsToIso(d.endNs) })}\n`);
    });
  registerDataReport(data);
}
