/**
 * What a long-running command calls: one object that owns the registry, the optional HTTP
 * endpoint, readiness and the final push. Commands without --metrics-port still get a
 * registry (probes cost the same), so `--pushgateway` alone works for short jobs.
 *
 *   const mon = await startMonitoring({ component: 'backtest', ...resolveMonitoringOptions(opts, cfg) });
 *   const probe = createRunProbe({ component: 'backtest', runId, strategy });
 *   mon.metrics.attachRun(probe);
 *   const data = mon.readiness.flag('data_loaded');  …  data.pass();
 *   await runtime.run({ probe, yielder: mon.yielder });   // runtime updates probe per batch
 *   await mon.finish({ job: 'chassis_backtest', groupings: { run_id: runId } });
 */
// @ts-nocheck

import { MetricsRegistry } from './metrics-registry.ts';
import { startMetricsServer, type MetricsServer } from './metrics-server.ts';
import { pushFinalMetrics } from './pushgateway.ts';
import { ReadinessChecks } from './readiness.ts';
import { EventLoopYielder, type EventLoopYielderOptions } from './event-loop-yielder.ts';
import type { MonitoringOptions } from './monitoring-options.ts';

export interface StartMonitoringOptions extends MonitoringOptions {
  readonly component: string;
  /** Data root whose filesystem free space is exported (chassis_data_root_free_bytes). */
  readonly dataRoot?: string;
  readonly defaultMetrics?: boolean;
  readonly yielder?: EventLoopYielderOptions;
}

export interface Monitoring {
  readonly metrics: MetricsRegistry;
  readonly readiness: ReadinessChecks;
  /** null when no metrics port was requested. */
  readonly server: MetricsServer | null;
  /** Shared by the runtime loop; yields only matter when a server is listening, but are harmless otherwise. */
  readonly yielder: EventLoopYielder;
  /** Pushes final metrics (if a Pushgateway is configured), then closes the server. */
  finish(push?: { job: string; groupings: Record<string, string> }): Promise<void>;
}

export async function startMonitoring(options: StartMonitoringOptions): Promise<Monitoring> {
  const metrics = new MetricsRegistry({ defaultMetrics: options.defaultMetrics ?? true });
  if (options.dataRoot !== undefined) metrics.watchDataRoot(options.dataRoot, options.component);
  const readiness = new ReadinessChecks();
  const server =
    options.metricsPort === undefined
      ? null
      : await startMetricsServer({ metrics, readiness, port: options.metricsPort, ...(options.metricsHost === undefined ? {} : { host: options.metricsHost }) });
  const yielder = new EventLoopYielder(options.yielder);
  let finished = false;
  return {
    metrics,
    readiness,
    server,
    yielder,
    async finish(push) {
      if (finished) return;
      finished = true;
      try {
        if (push !== undefined && options.pushgateway !== undefined) await pushFinalMetrics(options.pushgateway, push.job, push.groupings, metrics);
      } finally {
        await server?.close();
      }
    },
  };
}
