// prom-client, with the OpenTelemetry API it loads (~0.1 CPU-s together), is loaded when the first
// MetricsRegistry or Pushgateway is built, not when @chassis/monitoring is imported: a command
// that exports no metrics (`chassis backtest` without --metrics-port or --pushgateway, `chassis
// --help`) never pays for it. prom-client is CommonJS, so a synchronous require keeps the
// MetricsRegistry constructor synchronous; an ES import of it elsewhere gets the same instance.
import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';

let loaded: typeof PromClient | undefined;

export function promClient(): typeof PromClient {
  loaded ??= createRequire(import.meta.url)('prom-client') as typeof PromClient;
  return loaded;
}
