/**
 * Starting a local Prometheus (the Debian `prometheus` binary) on loopback with a given
 * configuration: used by `chassis monitor up` and by the integration tests. The binary is
 * looked up on PATH; Chassis never downloads it.
 */
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, mkdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { ChassisError } from '@chassis/core';

export function findBinary(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return null;
}

export interface LocalPrometheusOptions {
  readonly configFile: string;
  readonly port: number;
  /** TSDB directory (created). */
  readonly dataDir: string;
  readonly host?: string;
  readonly binary?: string;
  /** File receiving Prometheus' own log (default <dataDir>/prometheus.log). */
  readonly logFile?: string;
  readonly readyTimeoutMs?: number;
}

export interface LocalPrometheus {
  readonly url: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the process exited. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export async function startLocalPrometheus(options: LocalPrometheusOptions): Promise<LocalPrometheus> {
  const binary = options.binary ?? findBinary('prometheus');
  if (binary === null) {
    throw new ChassisError(
      'E_PROMETHEUS_MISSING',
      'the prometheus binary is not on PATH; install it (Debian/Ubuntu: apt-get install prometheus, or bash scripts/ensure-services.sh) or run Prometheus yourself with deploy/monitoring/prometheus.yml',
    );
  }
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const logFile = options.logFile ?? join(dataDir, 'prometheus.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  const url = `http://${host}:${options.port}`;
  // node:child_process (with net, dgram and streams, ~2 ms) loads here, not with the package.
  const { spawn } = await import('node:child_process');
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${resolve(options.configFile)}`,
      `--web.listen-address=${host}:${options.port}`,
      `--storage.tsdb.path=${dataDir}`,
      '--web.enable-lifecycle',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));
  for (;;) {
    if (exitCode !== undefined) {
      throw new ChassisError('E_PROMETHEUS_START', `prometheus exited with code ${exitCode} before becoming ready; see ${logFile}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new ChassisError('E_PROMETHEUS_START', `prometheus did not become ready at ${url} within ${options.readyTimeoutMs ?? 30_000} ms; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid ?? -1,
    logFile,
    exited,
    async stop() {
      if (exitCode === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}
