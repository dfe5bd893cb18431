// `chassis sql`: DuckDB SQL over the data root — the catalog's canonical datasets, the runs'
// series, the experiments' index (views built by @chassis/analysis) — one query from the
// command line, or statements from stdin (interactive on a terminal).
import { Option, type Command } from 'commander';
import type { SqlSession } from '@chassis/analysis';
import { SQL_FORMATS, writeResult, type SqlFormat } from '../sql/result-format.ts';
import { OutputClosed, streamSink } from '../sql/text-sink.ts';

interface SqlFlags {
  data?: string;
  format: SqlFormat;
  interactive?: boolean;
}

async function runQuery(session: SqlSession, query: string, format: SqlFormat): Promise<void> {
  const out = streamSink(process.stdout);
  for await (const result of session.statements(query)) await writeResult(result, format, out);
}

export function register(program: Command): void {
  program
    .command('sql')
    .description(
      'SQL (DuckDB) over the data root: book_delta, trade, bbo; the catalog (datasets, dataset_transitions, dataset_checks, dataset_gaps); runs (orders, fills, positions, equity); experiments. No query: statements from stdin',
    )
    .argument('[query]', 'SQL statement(s); omitted: interactive on a terminal, else statements read from stdin')
    .option('--data <dir>', 'data root (default: $CHASSIS_DATA or ./data)')
    .addOption(
      new Option('--format <format>', 'output: aligned table, RFC 4180 CSV, or JSON Lines')
        .choices(SQL_FORMATS)
        .default('table'),
    )
    .option('-i, --interactive', 'prompt and go on after an error even when stdin is not a terminal')
    .action(async (query: string | undefined, flags: SqlFlags) => {
      const { openSqlSession } = await import('@chassis/analysis');
      const { resolveDataRoot } = await import('@chassis/storage');
      const session = await openSqlSession(resolveDataRoot(flags.data));
      try {
        for (const note of session.skipped) process.stderr.write(`warning: left out of the views: ${note}\n`);
        if (query !== undefined) return await runQuery(session, query, flags.format);
        const interactive = flags.interactive === true || process.stdin.isTTY === true;
        const { runSqlShell } = await import('../sql/sql-shell.ts');
        const { historyFilePath } = await import('../sql/history-file.ts');
        process.exitCode = await runSqlShell({
          session,
          format: flags.format,
          interactive,
          input: process.stdin,
          output: process.stdout,
          errors: process.stderr,
          historyFile: historyFilePath(),
        });
      } catch (err) {
        if (!(err instanceof OutputClosed)) throw err;
      } finally {
        session.close();
      }
    });
}
