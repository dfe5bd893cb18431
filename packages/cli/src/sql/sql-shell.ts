/**
 * `chassis sql` without a query: statements read line by line from stdin.
 * - interactive (stdin a terminal, or `--interactive`): a prompt (`sql> `, `...> ` while a
 *   statement continues), a statement runs when a line ends it with `;`, an error is printed and
 *   the session goes on; on a terminal, arrow-key history (kept in the history file).
 * - batch (stdin a pipe or file): the same statements without prompts; the first error stops
 *   with E_SQL (exit 1), like a script should; a last statement without `;` still runs.
 * Dot commands, alone on a line between statements: `.help`, `.tables`, `.quit` (or `.exit`).
 * Ctrl-C on a terminal stops the running statement, else drops the statement being typed, else
 * (at an empty prompt) leaves like Ctrl-D.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ChassisError } from '@chassis/core';
import { SQL_VIEWS, type SqlSession } from '@chassis/analysis';
import { writeResult, type SqlFormat } from './result-format.ts';
import { StatementBuffer } from './statement-buffer.ts';
import { streamSink, type TextSink } from './text-sink.ts';
import { appendHistory, HISTORY_LINES, readHistory } from './history-file.ts';

export interface SqlShellOptions {
  readonly session: SqlSession;
  readonly format: SqlFormat;
  readonly interactive: boolean;
  readonly input: Readable & { isTTY?: boolean };
  readonly output: Writable;
  readonly errors: Writable;
  /** History file of a terminal session; none: no history kept across sessions. */
  readonly historyFile?: string;
}

const PROMPT = 'sql> ';
const CONTINUATION = '...> ';

export function helpText(): string {
  const width = Math.max(...Object.keys(SQL_VIEWS).map((v) => v.length));
  return [
    'Statements end with ";" and may span lines. DuckDB SQL; DESCRIBE <view>; shows its columns.',
    'Prices and sizes are exact DECIMALs. The data views hold every dataset in the catalog, in every state:',
    "JOIN datasets USING (dataset_id) WHERE state = 'Promoted' keeps the promoted ones.",
    '.help     this text',
    '.tables   the views and tables of this session',
    '.quit     leave (also .exit, or end of input)',
    '',
    'Views:',
    ...Object.entries(SQL_VIEWS).map(([name, what]) => `  ${name.padEnd(width)}  ${what}`),
  ].join('\n');
}

type DotOutcome = 'continue' | 'quit';

async function dotCommand(line: string, session: SqlSession, out: TextSink): Promise<DotOutcome> {
  const command = line.trim().split(/\s+/)[0]!;
  switch (command) {
    case '.quit':
    case '.exit':
      return 'quit';
    case '.help':
      await out.write(`${helpText()}\n`);
      return 'continue';
    case '.tables':
      await out.write(`${(await session.tables()).join('\n')}\n`);
      return 'continue';
    default:
      throw new ChassisError('E_USAGE', `unknown command ${command} (see .help)`);
  }
}

async function runStatements(sql: string, o: SqlShellOptions, out: TextSink): Promise<void> {
  for await (const result of o.session.statements(sql)) await writeResult(result, o.format, out);
}

/** Reads statements until end of input or `.quit`; returns the exit code. */
export async function runSqlShell(o: SqlShellOptions): Promise<number> {
  const terminal = o.input.isTTY === true;
  const history = terminal && o.historyFile ? readHistory(o.historyFile) : [];
  const rl = createInterface({
    input: o.input,
    ...(o.interactive ? { output: o.output } : {}),
    terminal,
    history,
    historySize: HISTORY_LINES,
  });
  const out = streamSink(o.output);
  const buffer = new StatementBuffer();
  let running = false;
  const prompt = () => {
    if (!o.interactive) return;
    rl.setPrompt(buffer.pending ? CONTINUATION : PROMPT);
    rl.prompt();
  };
  /** Runs one step; in an interactive session an error is shown and reading goes on. */
  const attempt = async (step: () => Promise<DotOutcome>): Promise<DotOutcome> => {
    running = true;
    try {
      return await step();
    } catch (err) {
      if (!o.interactive || !(err instanceof ChassisError)) throw err;
      o.errors.write(`${err.code}: ${err.message}\n`);
      return 'continue';
    } finally {
      running = false;
    }
  };
  rl.on('SIGINT', () => {
    if (running) o.session.interrupt();
    else if (buffer.pending) {
      buffer.flush();
      o.output.write('\n');
      prompt();
    } else rl.close();
  });
  try {
    if (o.interactive)
      await out.write('chassis sql: statements end with ";"; .help for views and commands, .quit to leave\n');
    prompt();
    for await (const line of rl) {
      if (terminal && o.historyFile && line.trim() !== '') appendHistory(o.historyFile, line);
      let outcome: DotOutcome = 'continue';
      if (!buffer.pending && line.trim().startsWith('.'))
        outcome = await attempt(() => dotCommand(line, o.session, out));
      else {
        const statement = buffer.push(line);
        if (statement !== null)
          outcome = await attempt(async () => (await runStatements(statement, o, out), 'continue'));
      }
      if (outcome === 'quit') return 0;
      prompt();
    }
    const rest = buffer.flush();
    if (rest !== null) await attempt(async () => (await runStatements(rest, o, out), 'continue'));
    // End of input after a prompt: end its line.
    if (o.interactive) await out.write('\n');
    return 0;
  } finally {
    rl.close();
  }
}
