// `chassis demo`: the first command on a fresh clone. Imports the bundled Binance USD-M capture
// through the quality gate (once), backtests the example market maker on it, writes the HTML
// report (`chassis report`'s buildReport) to <run-dir>/report.html, prints the summary and where
// the artifacts are. Idempotent: a re-run reuses the imported data and
// replaces the run directory with an identical one.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ChassisError } from '@chassis/core';
import { DEMO_CAPTURE, REPO_ROOT } from '../repo-root.ts';
import { version } from '../version.ts';

export function register(program: Command): void {
  program
    .command('demo')
    .description('Import the bundled real Binance USD-M capture and backtest the example market maker on it')
    .option('--data <dir>', 'data root (default: $CHASSIS_DATA or ./data)')
    .option('--json', 'print the backtest result as JSON')
    .action(async (flags: { data?: string; json?: boolean }) => {
      const { openCatalog, openStorage, resolveDataRoot } = await import('@chassis/storage');
      const { importCapture } = await import('@chassis/quality');
      const { codeVersion, formatSummary, runBacktest } = await import('@chassis/backtesting');
      const { buildReport } = await import('./report-action.ts');
      const root = resolveDataRoot(flags.data);
      const storage = openStorage(root);
      const say = (s: string) => {
        if (!flags.json) process.stdout.write(`${s}\n`);
      };
      const have = await openCatalog(storage).find({ venue: 'binance-usdm', instrument: 'BTCUSDT', kind: 'book_delta' });
      if (have.length === 0) {
        if (!existsSync(DEMO_CAPTURE)) throw new ChassisError('E_DEMO_DATA', `bundled demo capture missing: ${DEMO_CAPTURE}`);
        say(`importing ${DEMO_CAPTURE.slice(REPO_ROOT.length)} through the quality gate into ${root} ...`);
        const r = await importCapture(storage, DEMO_CAPTURE, { venue: 'binance-usdm' });
        for (const d of r.datasets) say(`  ${d.meta.state.padEnd(10)} ${d.meta.kind.padEnd(10)} ${d.meta.id}  ${d.meta.rows} rows`);
      } else say(`using the imported demo data in ${root} (${have.length} book_delta dataset${have.length > 1 ? 's' : ''})`);
      say('backtesting examples/strategies/market-maker.ts ...');
      const result = await runBacktest({
        definition: {
          data: { venue: 'binance-usdm', instrument: 'BTCUSDT' },
          strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } },
          // The bundled capture's recorder clock runs ~1.275 s behind Binance's (tsLocal − tsEvent
          // spans −1.273 s … −1.181 s); with this offset its feed latencies are 2.5–94 ms and the
          // venue sees each event at its exchange time (backtesting README, Clock model).
          venue: { clockOffsetUs: -1_275_000 },
          seed: 1,
        },
        baseDir: REPO_ROOT,
        dataRoot: root,
        codeVersion: codeVersion(version),
        where: 'demo',
      });
      const report = join(result.outDir, 'report.html');
      writeFileSync(report, (await buildReport(result.outDir)).html);
      if (flags.json) {
        const { metrics: _m, ...rest } = result;
        process.stdout.write(`${JSON.stringify({ ...rest, report })}\n`);
        return;
      }
      say(formatSummary(result));
      say(`report      ${report}`);
      say(`\nnext: open ${report}, or chassis replay ${result.outDir}`);
    });
}
