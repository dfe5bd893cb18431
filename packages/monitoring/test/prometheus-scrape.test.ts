// A real Prometheus (Debian binary, loopback, free port) scrapes a running Chassis job and the
// test reads the series back through the Prometheus HTTP API.
// The job is test/busy-run.ts (startMonitoring + a CPU-bound batch loop updating a RunProbe)
// until `chassis backtest|worker --metrics-port` exist; see packages/monitoring/README.md.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalPrometheus, type LocalPrometheus } from '../src/index.ts';
import { busyRunScript, freePort, spawnJob, type SpawnedJob } from './spawned-job.ts';

let prom: LocalPrometheus;
let job: SpawnedJob;
const runId = 'scrape-test-run';

async function query(q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  expect(body.status).toBe('success');
  return body.data.result;
}

/** Polls until the query returns at least one series satisfying `ok`, or fails with the last answer. */
async function eventually(q: string, ok: (v: number) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last: Awaited<ReturnType<typeof query>> = [];
  while (Date.now() < deadline) {
    last = await query(q);
    if (last.length > 0 && last.every((r) => ok(Number(r.value[1])))) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${q} never satisfied the check; last answer ${JSON.stringify(last)}`);
}

beforeAll(async () => {
  const jobPort = await freePort();
  job = await spawnJob(busyRunScript, ['--metrics-port', String(jobPort), '--seconds', '25', '--run-id', runId]);
  const dir = mkdtempSync(join(tmpdir(), 'chassis-prom-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global: { scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: chassis',
      `    static_configs: [{ targets: ['127.0.0.1:${jobPort}'] }]`,
      '',
    ].join('\n'),
  );
  prom = await startLocalPrometheus({ configFile: config, port: await freePort(), dataDir: join(dir, 'tsdb') });
});

afterAll(async () => {
  await job?.stop();
  await prom?.stop();
});

describe('a real Prometheus scraping a busy Chassis job', () => {
  it('sees the target up', async () => {
    await eventually('up{job="chassis"}', (v) => v === 1);
  });

  it('finds the run series with the documented labels and sane values', async () => {
    const events = await eventually(`chassis_events_processed_total{run_id="${runId}"}`, (v) => v > 0);
    expect(events[0]!.metric).toMatchObject({ component: 'backtest', run_id: runId, strategy: 'busy_loop', job: 'chassis' });
    await eventually(`chassis_run_state{run_id="${runId}",state="running"}`, (v) => v === 1);
    await eventually(`chassis_backtest_progress_ratio{run_id="${runId}"}`, (v) => v > 0 && v <= 1);
    await eventually(`chassis_backtest_events_per_second{run_id="${runId}"}`, (v) => v > 1_000);
    await eventually(`chassis_position{run_id="${runId}",venue="binance",instrument="BTCUSDT"}`, (v) => v >= -1 && v <= 1);
    await eventually('chassis_data_root_free_bytes', (v) => v > 0);
    await eventually('process_cpu_seconds_total{job="chassis"}', (v) => v > 0);
  });

  it('computes rates and histogram quantiles over the scraped series', async () => {
    await eventually(`rate(chassis_events_processed_total{run_id="${runId}"}[5s])`, (v) => v > 1_000, 25_000);
    // Mean step cost of the stand-in loop: well under a millisecond per event.
    await eventually(`histogram_quantile(0.5, rate(chassis_step_duration_seconds_bucket{run_id="${runId}"}[5s]))`, (v) => v > 0 && v < 1e-3, 25_000);
  });
});
