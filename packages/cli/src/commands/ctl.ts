// `chassis ctl status|pause|resume|kill|flatten|set-config <file>|reconcile`: talks to a running
// paper or live session through its control API (token and port from its session directory).
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { ChassisError } from '@chassis/core';
import type { ControlAction, ControlAnswer } from '@chassis/live';

interface CtlFlags {
  session?: string;
  data?: string;
  reason?: string;
  json?: boolean;
}

const DONE: Readonly<Record<ControlAction, string>> = {
  status: '',
  pause: 'strategy paused',
  resume: 'strategy resumed',
  kill: 'kill switch engaged: new intents blocked, queued work withdrawn, open orders being cancelled',
  flatten: 'flatten requested: reduce-only orders for every open position, through risk and execution control',
  config: 'configuration version',
  reconcile: 'reconciled; report',
};

function print(answer: ControlAnswer, json: boolean, formatSessionStatus: (status: ControlAnswer['status']) => string): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(answer)}\n`);
    return;
  }
  const extra = answer.version ?? answer.report;
  if (answer.action !== 'status')
    process.stdout.write(`${DONE[answer.action]}${extra === undefined ? '' : ` ${extra}`}\n`);
  process.stdout.write(`${formatSessionStatus(answer.status)}\n`);
}

async function run(action: ControlAction, body: (flags: CtlFlags) => string, flags: CtlFlags): Promise<void> {
  const { resolveDataRoot } = await import('@chassis/storage');
  const { formatSessionStatus, locateSession, sendControl } = await import('@chassis/live');
  const data = resolveDataRoot(flags.data);
  if (data.startsWith('s3://'))
    throw new ChassisError(
      'E_USAGE',
      `chassis ctl needs the local data root of the running session; ${data} is an object store`,
      { exitCode: 2 },
    );
  const endpoint = locateSession(data, flags.session);
  print(await sendControl(endpoint, action, body(flags)), flags.json === true, formatSessionStatus);
}

const operatorReason = (action: string) => (flags: CtlFlags) =>
  flags.reason ?? `chassis ctl ${action} by ${userInfo().username}`;

function withOptions(cmd: Command): Command {
  return cmd
    .option('--session <id>', 'session id (default: the newest running session)')
    .option('--data <dir>', 'data root (default: $CHASSIS_DATA or ./data)')
    .option('--json', 'print the answer as JSON');
}

const ACTIONS: ReadonlyArray<{ name: string; action: ControlAction; description: string }> = [
  { name: 'pause', action: 'pause', description: 'Stop evaluating the strategy (orders stay; no new intents)' },
  { name: 'resume', action: 'resume', description: 'Evaluate the strategy again' },
  {
    name: 'kill',
    action: 'kill',
    description: 'Engage the kill switch: block new intents, withdraw queued work, cancel every open order',
  },
  {
    name: 'flatten',
    action: 'flatten',
    description: 'Close every open position with reduce-only orders (through risk and execution control)',
  },
  {
    name: 'reconcile',
    action: 'reconcile',
    description: "Reconcile now: the venue's open orders, positions and balances against the session's state",
  },
];

export function register(program: Command): void {
  const ctl = program
    .command('ctl')
    .description(
      'Control a running paper or live session (status, pause, resume, kill, flatten, set-config, reconcile)',
    );
  withOptions(ctl.command('status').description('Print the session status')).action((flags: CtlFlags) =>
    run('status', () => '', flags),
  );
  for (const a of ACTIONS) {
    withOptions(ctl.command(a.name).description(a.description))
      .option('--reason <text>', 'why (logged, and recorded in the control event)')
      .action((flags: CtlFlags) => run(a.action, operatorReason(a.name), flags));
  }
  withOptions(
    ctl
      .command('set-config')
      .description(
        'Apply a new configuration version (a live.yaml; validated by the session, recorded as a control event)',
      ),
  )
    .argument('<file>', 'the new live.yaml')
    .action((file: string, flags: CtlFlags) => run('config', () => readFileSync(file, 'utf8'), flags));
}
