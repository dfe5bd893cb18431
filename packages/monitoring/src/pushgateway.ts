/**
 * Final metrics for jobs that can end before the next scrape (a backtest, a sweep): one PUT
 * of the whole registry to a Prometheus Pushgateway under `/metrics/job/<job>/<k>/<v>…`.
 * PUT replaces the group, so a re-run with the same grouping never leaves stale series.
 */
import { ChassisError } from '@chassis/core';
import type { MetricsRegistry } from './metrics-registry.ts';
import { promClient } from './prom-client-loader.ts';

export interface PushOptions {
  /** Request timeout in ms (default 5000). */
  readonly timeoutMs?: number;
}

export async function pushFinalMetrics(
  url: string,
  job: string,
  groupings: Readonly<Record<string, string>>,
  metrics: MetricsRegistry,
  options: PushOptions = {},
): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ChassisError('E_PUSHGATEWAY_URL', `--pushgateway ${url} is not a URL (expected e.g. http://localhost:9091)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ChassisError('E_PUSHGATEWAY_URL', `--pushgateway ${url} must be http:// or https://`);
  }
  const { Pushgateway } = promClient();
  const gateway = new Pushgateway(url, { timeout: options.timeoutMs ?? 5_000 }, metrics.registry);
  try {
    await gateway.push({ jobName: job, groupings: { ...groupings } });
  } catch (err) {
    throw new ChassisError('E_PUSHGATEWAY', `pushing final metrics of job ${job} to ${url} failed: ${(err as Error).message}`, { cause: err });
  }
}
