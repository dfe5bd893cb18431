// `chassis record`: capture live venue feeds into raw/ until SIGINT/SIGTERM; `chassis record status`.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { parseMetricsPort } from '@chassis/monitoring';
import type { RecordFlags } from '@chassis/recording';

/** Runs the recorder until a signal stops it (resolves) or a writer fails (rejects with its ChassisError). */
export async function recordCommand(flags: RecordFlags): Promise<void> {
  const { createRecordingLog, recorderConfigFromFlags, recorderParts, Recorder, stopOnSignals } = await import('@chassis/recording');
  const config = recorderConfigFromFlags(flags);
  const log = createRecordingLog(config.logFormat);
  const recorder = await Recorder.start({ config, parts: recorderParts(), log });
  const dispose = stopOnSignals(recorder, log);
  try {
    await recorder.done;
  } finally {
    dispose();
  }
}

async function statusCommand(opts: { data?: string; spool?: string; json?: boolean }): Promise<void> {
  const { FsStorage, openStorage, resolveDataRoot } = await import('@chassis/storage');
  const { formatRecordStatus, recordStatus, recordStatusJson } = await import('@chassis/recording');
  const root = resolveDataRoot(opts.data);
  const spool = opts.spool === undefined ? {} : { spool: new FsStorage(resolve(opts.spool)) };
  const windows = await recordStatus(openStorage(root), { nowNs: BigInt(Date.now()) * 1_000_000n, ...spool });
  process.stdout.write(`${opts.json ? recordStatusJson(windows) : formatRecordStatus(windows, root)}\n`);
}

export function register(program: Command): void {
  const record = program
    .command('record')
    .description('Record live venue feeds into raw/{venue}/{feed}/{window}/ until SIGINT/SIGTERM (one feed by flags, or --config recorder.yaml)')
    .option('--config <file>', 'recorder.yaml: several venues and feeds in one process')
    .option('--venue <id>', 'venue: binance-spot, binance-usdm, binance-coinm, okx, bybit-spot, bybit-linear')
    .option('--symbols <list>', "comma-separated symbols in the venue's spelling, e.g. BTCUSDT,ETHUSDT")
    .option('--channels <list>', 'comma-separated channels: depth, trade, bbo')
    .option('--name <feed>', 'feed directory under raw/{venue}/ (default: the channels joined by +)')
    .option('--endpoint <url>', "WebSocket base URL (scheme, host, port) replacing the venue's; paths stay the venue's")
    .option('--rest-endpoint <url>', "REST base URL replacing the venue's (snapshots)")
    .option('--data <dir>', 'data root (default: $CHASSIS_DATA or ./data; s3://bucket/prefix needs --spool)')
    .option('--spool <dir>', 'local directory for open windows (required with an s3:// data root)')
    .option('--window <length>', 'window length aligned to the UTC epoch, dividing a day: 1m, 15m, 1h (default), 1d')
    .option('--flush-interval-ms <ms>', 'flush to disk at least this often, ≤ 1000 (the most a SIGKILL loses; default 1000)')
    .option('--buffer-limit-bytes <n>', 'per-feed buffer bound; beyond it drops are recorded as gaps (default 64 MiB)')
    .option('--metrics-port <port>', 'serve Prometheus /metrics, /healthz and /readyz on this port (conventional: 9468)', (raw: string) => parseMetricsPort(raw))
    .option('--metrics-host <host>', 'interface for --metrics-port (default 127.0.0.1)')
    .option('--log-format <format>', 'json (default) or pretty')
    .action(async (flags: RecordFlags) => recordCommand(flags));
  record
    .command('status')
    .description('Open and closed recording windows per venue feed: heartbeat, messages, gaps, capture span, lag, promotion state')
    .option('--data <dir>', 'data root (default: $CHASSIS_DATA or ./data)')
    .option('--spool <dir>', "an object-store recorder's spool on this machine: its open windows are there until published")
    .option('--json', 'print the windows as JSON')
    .action(async (_opts: unknown, cmd: Command) => statusCommand(cmd.optsWithGlobals<{ data?: string; spool?: string; json?: boolean }>()));
}
