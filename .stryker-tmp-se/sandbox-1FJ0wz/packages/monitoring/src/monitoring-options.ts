/**
 * The monitoring options every long-running command accepts, framework-neutral so the CLI
 * (commander) and config files share one parser. Flags win over the config key `monitoring`:
 *
 *   monitoring:
 *     metricsPort: 9464        # serve /metrics, /healthz, /readyz
 *     metricsHost: 0.0.0.0     # default 127.0.0.1
 *     pushgateway: http://pushgateway:9091
 */
// @ts-nocheck

import { ChassisError } from '@chassis/core';

export interface MonitoringOptions {
  readonly metricsPort?: number;
  readonly metricsHost?: string;
  readonly pushgateway?: string;
}

export interface OptionSpec {
  readonly flags: string;
  readonly description: string;
  readonly parse?: (raw: string) => unknown;
}

/** Conventional ports (documented in deploy/monitoring/README.md, scraped by prometheus.yml). */
export const defaultMetricsPorts = { backtest: 9464, sweep: 9465, worker: 9466, quality: 9467, record: 9468, paper: 9469, live: 9470 } as const;

export function parseMetricsPort(raw: string | number, where = '--metrics-port'): number {
  const text = String(raw).trim();
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ChassisError('E_METRICS_PORT', `${where} ${JSON.stringify(raw)} is not a port number (1-65535)`);
  }
  return port;
}

/** Add these to a command: `for (const o of monitoringOptionSpecs) cmd.option(o.flags, o.description, o.parse)`. */
export const monitoringOptionSpecs: readonly OptionSpec[] = [
  { flags: '--metrics-port <port>', description: 'serve Prometheus /metrics, /healthz and /readyz on this port (config: monitoring.metricsPort)', parse: (raw) => parseMetricsPort(raw) },
  { flags: '--metrics-host <host>', description: 'interface for --metrics-port (default 127.0.0.1; 0.0.0.0 inside containers)' },
  { flags: '--pushgateway <url>', description: 'push final metrics to this Prometheus Pushgateway when the job ends (config: monitoring.pushgateway)' },
];

/**
 * Merges flags (already parsed by the command) with the `monitoring` section of a config
 * object; validates the config section's types, naming the offending field.
 */
export function resolveMonitoringOptions(flags: MonitoringOptions, config?: unknown, configName = 'config'): MonitoringOptions {
  let fromConfig: Record<string, unknown> = {};
  if (config !== undefined && config !== null && typeof config === 'object' && 'monitoring' in config) {
    const section = (config as { monitoring: unknown }).monitoring;
    if (section !== undefined && section !== null) {
      if (typeof section !== 'object' || Array.isArray(section)) {
        throw new ChassisError('E_CONFIG', `${configName}: monitoring must be an object with metricsPort, metricsHost, pushgateway`);
      }
      fromConfig = section as Record<string, unknown>;
      for (const key of Object.keys(fromConfig)) {
        if (!['metricsPort', 'metricsHost', 'pushgateway'].includes(key)) {
          throw new ChassisError('E_CONFIG', `${configName}: unknown field monitoring.${key} (expected metricsPort, metricsHost, pushgateway)`);
        }
      }
    }
  }
  const port = flags.metricsPort ?? (fromConfig.metricsPort === undefined ? undefined : parseMetricsPort(fromConfig.metricsPort as string, `${configName}: monitoring.metricsPort`));
  const host = flags.metricsHost ?? stringField(fromConfig, 'metricsHost', configName);
  const pushgateway = flags.pushgateway ?? stringField(fromConfig, 'pushgateway', configName);
  return {
    ...(port === undefined ? {} : { metricsPort: port }),
    ...(host === undefined ? {} : { metricsHost: host }),
    ...(pushgateway === undefined ? {} : { pushgateway }),
  };
}

function stringField(section: Record<string, unknown>, key: string, configName: string): string | undefined {
  const v = section[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0) throw new ChassisError('E_CONFIG', `${configName}: monitoring.${key} must be a non-empty string`);
  return v;
}
