// The options and the run shared by `chassis paper` and `chassis live` (run-session.ts in @chassis/live).
import type { Command } from 'commander';
import { ChassisError } from '@chassis/core';
import { REPO_ROOT } from '../repo-root.ts';
import { version } from '../version.ts';

export interface SessionFlags {
  data?: string;
  session?: string;
  endpoint?: string;
  restEndpoint?: string;
  userStreamEndpoint?: string;
  controlPort?: string;
  metricsPort?: string;
  iUnderstandThisTradesRealMoney?: boolean;
}

function port(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ChassisError('E_USAGE', `${flag} must be a port number 0..65535, got "${text}"`, { exitCode: 2 });
  return n;
}

export function sessionOptions(cmd: Command): Command {
  return cmd
    .argument('<live.yaml>', 'the session configuration (venue, instruments, strategy; see examples/live-full.yaml)')
    .option(
      '--data <dir>',
      'data root (default: $CHASSIS_DATA or ./data); the session lives in execution-records/<session>/',
    )
    .option('--session <id>', 'session id; an existing one is recovered from its journal and resumed')
    .option('--endpoint <url>', "WebSocket base URL replacing the venue's")
    .option('--rest-endpoint <url>', "REST base URL replacing the venue's (the ccxt adapter's only origin)")
    .option('--user-stream-endpoint <url>', 'live, native adapter: user-data WebSocket base URL (default: --endpoint)')
    .option('--control-port <port>', 'control API port on loopback (default: live.yaml control.port)')
    .option('--metrics-port <port>', 'Prometheus /metrics port (default: live.yaml monitoring.metricsPort)');
}

export async function runSessionCommand(
  mode: 'paper' | 'live',
  configPath: string,
  flags: SessionFlags,
): Promise<void> {
  const controlPort = port(flags.controlPort, '--control-port');
  const metricsPort = port(flags.metricsPort, '--metrics-port');
  const { codeVersion } = await import('@chassis/backtesting');
  const { resolveDataRoot } = await import('@chassis/storage');
  const { defaultWiring, runSession } = await import('@chassis/live');
  const r = await runSession({
    mode,
    configPath,
    dataRoot: resolveDataRoot(flags.data),
    ...(flags.session ? { sessionId: flags.session } : {}),
    ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
    ...(flags.restEndpoint ? { restEndpoint: flags.restEndpoint } : {}),
    ...(flags.userStreamEndpoint ? { userStreamEndpoint: flags.userStreamEndpoint } : {}),
    ...(controlPort !== undefined ? { controlPort } : {}),
    ...(metricsPort !== undefined ? { metricsPort } : {}),
    iUnderstandThisTradesRealMoney: flags.iUnderstandThisTradesRealMoney === true,
    env: process.env,
    wiring: defaultWiring(),
    codeVersion: codeVersion(version),
    baseDirs: [process.cwd(), REPO_ROOT],
    onRunning: (session) =>
      process.stderr.write(
        `${mode} session ${session.status().sessionId} running (seq ${session.lastSeq}); SIGINT or SIGTERM stops it\n`,
      ),
  });
  process.stdout.write(`session ${r.sessionId} stopped at seq ${r.lastSeq}, state ${r.stateHash}: ${r.dir}\n`);
}
