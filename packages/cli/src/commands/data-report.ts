// `chassis data report <dataset-id | venue:instrument>`: one self-contained HTML page about
// collected data (book, rates, trades, latency, the quality record), written to --out or to
// data-report-<target>.html in the current directory.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';

interface ReportFlags {
  data?: string;
  from?: string;
  to?: string;
  out?: string;
  open?: boolean;
}

export function registerDataReport(data: Command): void {
  data
    .command('report')
    .description('One self-contained HTML page about a dataset or an instrument: mid/spread with gaps, splits and quarantined spans, depth, rates, trades, feed latency, the quality record')
    .argument('<target>', 'a dataset id (ds_…) or venue:instrument (e.g. binance-usdm:BTCUSDT)')
    .option('--from <time>', 'window start (event time): ns since epoch or ISO 8601, e.g. 2024-08-08T23:55:00Z')
    .option('--to <time>', 'window end, inclusive')
    .option('--out <file>', 'where to write the HTML (default: data-report-<target>.html)')
    .option('--open', 'open the report in the default browser')
    .option('--data <dir>', 'data root (default: $CHASSIS_DATA or ./data)')
    .action(async (target: string, flags: ReportFlags) => {
      const t0 = performance.now();
      const { buildDatasetReport, parseReportTime } = await import('@chassis/analysis');
      const { openStorage, resolveDataRoot } = await import('@chassis/storage');
      const report = await buildDatasetReport(openStorage(resolveDataRoot(flags.data)), target, {
        ...(flags.from ? { fromNs: parseReportTime(flags.from, '--from') } : {}),
        ...(flags.to ? { toNs: parseReportTime(flags.to, '--to') } : {}),
      });
      const out = resolve(flags.out ?? `data-report-${target.replace(/[^A-Za-z0-9_.-]/g, '_')}.html`);
      writeFileSync(out, report.html);
      const seconds = ((performance.now() - t0) / 1000).toFixed(2);
      process.stdout.write(`data report: ${out} (${(report.html.length / 1e6).toFixed(2)} MB, self-contained, ${report.data.scope.datasets.length} datasets, built in ${seconds} s)\n`);
      if (flags.open) (await import('node:child_process')).spawn('xdg-open', [out], { stdio: 'ignore', detached: true }).on('error', () => process.stderr.write(`cannot open a browser here; open ${out} yourself\n`)).unref();
    });
}
