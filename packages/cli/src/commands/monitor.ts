// `chassis monitor up`: a local Prometheus on loopback with the shipped config and alert rules
// (deploy/monitoring). Runs in the foreground until Ctrl-C; Grafana is not started (see
// deploy/monitoring/README.md for provisioning it against this Prometheus).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ChassisError } from '@chassis/core';
import { startLocalPrometheus } from '@chassis/monitoring';

const shippedConfig = fileURLToPath(new URL('../../../../deploy/monitoring/prometheus.yml', import.meta.url));

/** Whether `port` can be listened on (node:net loads here, not with the command line of every command). */
async function portFree(port: number, host: string): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, host, () => srv.close(() => res(true)));
  });
}

export function register(program: Command): void {
  const monitor = program.command('monitor').description('Monitoring stack: Prometheus with the shipped scrape config, alert rules and dashboards');
  monitor
    .command('up')
    .description('start a local Prometheus on 127.0.0.1 with deploy/monitoring/prometheus.yml and its alert rules (foreground; Ctrl-C stops it)')
    .option('--config <file>', 'Prometheus configuration file', 'deploy/monitoring/prometheus.yml')
    .option('--port <port>', 'Prometheus web port (loopback)', '9090')
    .option('--data-dir <dir>', 'Prometheus TSDB directory', '.chassis/prometheus')
    .action(async (opts: { config: string; port: string; dataDir: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ChassisError('E_PORT', `--port ${opts.port} is not a port number (1-65535)`);
      let config = resolve(opts.config);
      if (!existsSync(config)) {
        if (opts.config === 'deploy/monitoring/prometheus.yml' && existsSync(shippedConfig)) config = shippedConfig;
        else throw new ChassisError('E_CONFIG_NOT_FOUND', `Prometheus configuration ${opts.config} does not exist`);
      }
      if (!(await portFree(port, '127.0.0.1'))) {
        throw new ChassisError('E_PORT_IN_USE', `port ${port} is already in use on 127.0.0.1; choose another --port for Prometheus`);
      }
      const prom = await startLocalPrometheus({ configFile: config, port, dataDir: opts.dataDir });
      process.stdout.write(
        [
          `Prometheus ready at ${prom.url} (pid ${prom.pid})`,
          `  config  ${config}`,
          `  targets ${prom.url}/targets   alerts ${prom.url}/alerts`,
          `  log     ${prom.logFile}`,
          'Start Chassis jobs with --metrics-port (backtest 9464, sweep 9465, worker 9466, quality 9467) to be scraped.',
          'Grafana: provision deploy/monitoring/grafana (see deploy/monitoring/README.md). Ctrl-C stops Prometheus.',
          '',
        ].join('\n'),
      );
      const reason = await new Promise<string>((res) => {
        process.once('SIGINT', () => res('signal'));
        process.once('SIGTERM', () => res('signal'));
        void prom.exited.then(() => res('exited'));
      });
      await prom.stop();
      if (reason === 'exited') throw new ChassisError('E_PROMETHEUS_EXITED', `Prometheus stopped unexpectedly; see ${prom.logFile}`);
      process.stdout.write('Prometheus stopped\n');
    });
}
