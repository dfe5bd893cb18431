// @ts-nocheck
import { afterEach, describe, expect, it } from 'vitest';
import { ChassisError } from '@chassis/core';
import { MetricsRegistry, ReadinessChecks, startMetricsServer, type MetricsServer } from './index.ts';
import { busyRunScript, freePort, spawnJob, type SpawnedJob } from '../test/spawned-job.ts';

const open: Array<MetricsServer | SpawnedJob> = [];
afterEach(async () => {
  for (const x of open.splice(0)) await ("close" in x ? x.close() : x.stop());
});

async function serve(readiness?: ReadinessChecks): Promise<MetricsServer> {
  const server = await startMetricsServer({ metrics: new MetricsRegistry(), port: 0, ...(readiness ? { readiness } : {}) });
  open.push(server);
  return server;
}

/** GET with a deadline; resolves to the status and body, or 'timeout'. */
async function get(url: string, timeoutMs: number): Promise<{ status: number; body: string } | 'timeout'> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') return 'timeout';
    throw err;
  }
}

describe('the metrics endpoint', () => {
  it('serves Prometheus text on /metrics and ok on /healthz', async () => {
    const server = await serve();
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(await metrics.text()).toContain('# TYPE chassis_events_processed_total counter');
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  it('answers /readyz 503 naming the failing check until every registered check passes', async () => {
    const readiness = new ReadinessChecks();
    const data = readiness.flag('data_loaded', 'reading canonical datasets');
    let venueUp = false;
    readiness.register('venue_reachable', () => venueUp || 'no answer from simulated venue');
    const server = await serve(readiness);
    let res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { ready: boolean; checks: Array<{ name: string; ok: boolean; detail: string }> };
    expect(body.checks).toEqual([
      { name: 'data_loaded', ok: false, detail: 'reading canonical datasets' },
      { name: 'venue_reachable', ok: false, detail: 'no answer from simulated venue' },
    ]);
    data.pass();
    venueUp = true;
    res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    data.fail('dataset hash mismatch');
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
  });

  it('refuses a port already in use with E_METRICS_PORT_IN_USE naming the port', async () => {
    const first = await serve();
    const attempt = startMetricsServer({ metrics: new MetricsRegistry(), port: first.port });
    await expect(attempt).rejects.toBeInstanceOf(ChassisError);
    await expect(attempt).rejects.toMatchObject({ code: 'E_METRICS_PORT_IN_USE', message: expect.stringContaining(`port ${first.port} is already in use`) });
  });
});

describe('a busy process', () => {
  it('keeps answering /metrics while its CPU-bound loop yields through the EventLoopYielder', async () => {
    const port = await freePort();
    const job = await spawnJob(busyRunScript, ['--metrics-port', String(port), '--seconds', '4']);
    open.push(job);
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 300));
      const res = await get(`${job.url}/metrics`, 500);
      expect(res, `scrape ${i} during the busy loop`).not.toBe('timeout');
      if (res === 'timeout') return;
      expect(res.status).toBe(200);
      const m = /chassis_events_processed_total\{[^}]*\} (\d+)/.exec(res.body);
      seen.push(Number(m![1]));
    }
    expect(job.stdout()).not.toContain('done');
    // The loop made progress between scrapes: the counter strictly increases.
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
  });

  it('starves /metrics when the same loop never yields (why the yielder exists)', async () => {
    const port = await freePort();
    const job = await spawnJob(busyRunScript, ['--metrics-port', String(port), '--seconds', '3', '--no-yield']);
    open.push(job);
    await new Promise((r) => setTimeout(r, 300));
    expect(await get(`${job.url}/metrics`, 700)).toBe('timeout');
  });
});
