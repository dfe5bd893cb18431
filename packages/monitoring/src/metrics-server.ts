/**
 * The HTTP endpoint of a Chassis process: `/metrics` (Prometheus text), `/healthz` (the
 * process is alive and its event loop turns) and `/readyz` (every readiness check passes).
 * node:http keeps the dependency set small; a request is served whenever the event loop is
 * free, which a CPU-bound runtime guarantees by yielding (see event-loop-yielder.ts).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChassisError } from '@chassis/core';
import type { MetricsRegistry } from './metrics-registry.ts';
import { ReadinessChecks } from './readiness.ts';

export interface MetricsServerOptions {
  readonly metrics: MetricsRegistry;
  /** 0 = an ephemeral port (tests). */
  readonly port: number;
  /** Default 127.0.0.1; use 0.0.0.0 in a container so Prometheus can reach it. */
  readonly host?: string;
  readonly readiness?: ReadinessChecks;
}

export interface MetricsServer {
  readonly port: number;
  readonly host: string;
  /** e.g. http://127.0.0.1:9464 */
  readonly url: string;
  readonly readiness: ReadinessChecks;
  close(): Promise<void>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const readiness = options.readiness ?? new ReadinessChecks();
  const { metrics } = options;
  // node:http (with net and streams, ~2 ms) loads only when a server starts, not with the package
  // (a backtest without --metrics-port imports it too).
  const { createServer } = await import('node:http');
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      metrics.text().then(
        (body) => res.writeHead(200, { 'content-type': metrics.contentType }).end(body),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${err.message}\n`),
      );
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const result = readiness.evaluate();
      res.writeHead(result.ready ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify(result)}\n`);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('endpoints: /metrics /healthz /readyz\n');
    }
  });
  // Scrapes are short; don't let an idle keep-alive socket hold the process open at exit.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new ChassisError(
            'E_METRICS_PORT_IN_USE',
            `port ${options.port} is already in use on ${host}; choose another --metrics-port (or monitoring.metricsPort) or stop the process holding it`,
            { cause: err },
          ),
        );
      } else if (err.code === 'EACCES') {
        reject(new ChassisError('E_METRICS_PORT_DENIED', `not allowed to listen on port ${options.port} on ${host}; use a port above 1023`, { cause: err }));
      } else {
        reject(new ChassisError('E_METRICS_SERVER', `cannot listen on ${host}:${options.port}: ${err.message}`, { cause: err }));
      }
    });
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    port,
    host,
    url: `http://${urlHost}:${port}`,
    readiness,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
