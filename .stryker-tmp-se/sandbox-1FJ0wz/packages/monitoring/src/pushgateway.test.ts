// @ts-nocheck
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunProbe, findBinary, MetricsRegistry, pushFinalMetrics, recordBatch, setRunState } from './index.ts';
import { freePort } from '../test/spawned-job.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function finishedRun(): MetricsRegistry {
  const metrics = new MetricsRegistry();
  const run = createRunProbe({ component: 'backtest', runId: 'run-42', strategy: 'mm' });
  metrics.attachRun(run);
  setRunState(run, 'running');
  recordBatch(run, 12_345, 0.05);
  run.progressRatio = 1;
  setRunState(run, 'completed');
  return metrics;
}

describe('pushing final metrics', () => {
  it('PUTs the whole registry as Prometheus text under /metrics/job/<job>/<grouping>', async () => {
    const received: Array<{ method: string; url: string; body: string }> = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => receiver.close(() => r())));
    const { port } = receiver.address() as { port: number };
    await pushFinalMetrics(`http://127.0.0.1:${port}`, 'chassis_backtest', { run_id: 'run-42' }, finishedRun());
    expect(received).toHaveLength(1);
    expect(received[0]!.method).toBe('PUT');
    expect(received[0]!.url).toBe('/metrics/job/chassis_backtest/run_id/run-42');
    expect(received[0]!.body).toContain('chassis_events_processed_total{component="backtest",run_id="run-42",strategy="mm"} 12345');
    expect(received[0]!.body).toContain('chassis_run_state{component="backtest",run_id="run-42",strategy="mm",state="completed"} 1');
  });

  it('lands in a real Prometheus Pushgateway, which then exposes the series with job and grouping labels', async () => {
    const binary = findBinary('prometheus-pushgateway');
    expect(binary, 'prometheus-pushgateway not on PATH: run bash scripts/ensure-services.sh').not.toBeNull();
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'chassis-pgw-'));
    const gw = spawn(binary!, [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${join(dir, 'pgw.data')}`, '--log.level=warn'], { stdio: 'ignore' });
    const exited = new Promise<void>((r) => gw.once('exit', () => r()));
    cleanups.push(async () => {
      gw.kill('SIGTERM');
      await exited;
    });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/-/ready`)).ok) break;
      } catch {
        if (i > 100) throw new Error('pushgateway did not start');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await pushFinalMetrics(url, 'chassis_backtest', { run_id: 'run-42' }, finishedRun());
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('chassis_events_processed_total{'));
    expect(line).toBeDefined();
    expect(line).toContain('job="chassis_backtest"');
    expect(line).toContain('run_id="run-42"');
    expect(line!.endsWith(' 12345')).toBe(true);
    expect(text).toMatch(/chassis_backtest_progress_ratio\{[^}]*job="chassis_backtest"[^}]*\} 1/);
  });

  it('names the gateway and the job when the push fails', async () => {
    const port = await freePort();
    await expect(pushFinalMetrics(`http://127.0.0.1:${port}`, 'chassis_sweep', { sweep_id: 's' }, finishedRun())).rejects.toMatchObject({
      code: 'E_PUSHGATEWAY',
      message: expect.stringContaining(`job chassis_sweep to http://127.0.0.1:${port}`),
    });
    await expect(pushFinalMetrics('not a url', 'j', {}, finishedRun())).rejects.toMatchObject({ code: 'E_PUSHGATEWAY_URL' });
  });
});
