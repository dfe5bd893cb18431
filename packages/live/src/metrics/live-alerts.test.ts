// The shipped session alerts against what a session really exports: a real Prometheus scrapes a
// /metrics endpoint fed by createLiveMetrics over a real engine, and evaluates
// deploy/monitoring/rules/live.rules.yml. The promtool tests check the rules on synthetic series;
// this checks that the exporter's names and labels are the ones the rules select.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Event, type EventDraft } from '@chassis/core';
import {
  MetricsRegistry,
  startLocalPrometheus,
  startMetricsServer,
  type LocalPrometheus,
  type MetricsServer,
} from '@chassis/monitoring';
import { freePort } from '../../../../test/loopback-port.ts';
import { BTC, baseConfig } from '../../../core/src/testing/fixtures.ts';
import { createLiveMetrics, type LiveMetrics } from './live-metrics.ts';

const rules = fileURLToPath(new URL('../../../../deploy/monitoring/rules/live.rules.yml', import.meta.url));

let prom: LocalPrometheus;
let server: MetricsServer;
let engine: Engine;
let metrics: LiveMetrics;

beforeAll(async () => {
  const registry = new MetricsRegistry({ defaultMetrics: false });
  engine = createEngine(baseConfig(), { onEvent: () => [] });
  metrics = createLiveMetrics(
    registry.registry,
    { component: 'live', sessionId: 'live-alerts-1', strategy: 'mm', venue: 'binance-usdm' },
    { nowNs: () => 0n },
  );
  server = await startMetricsServer({ metrics: registry, port: 0 });
  const work = mkdtempSync(join(tmpdir(), 'chassis-live-alerts-'));
  const config = join(work, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global: { scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s }',
      `rule_files: ['${rules}']`,
      'scrape_configs:',
      '  - job_name: chassis',
      `    static_configs: [{ targets: ['127.0.0.1:${server.port}'], labels: { role: trading } }]`,
      '',
    ].join('\n'),
  );
  prom = await startLocalPrometheus({ configFile: config, port: await freePort(), dataDir: join(work, 'tsdb') });
}, 60_000);

afterAll(async () => {
  await prom?.stop();
  await server?.close();
});

let seq = 0;
function append(draft: EventDraft): void {
  const e = { ...draft, seq: seq++ } as Event;
  engine.step(e);
  metrics.observe(e, engine.view);
}

interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

async function alertsUntil(found: (alerts: Alert[]) => boolean, timeoutMs = 30_000): Promise<Alert[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${prom.url}/api/v1/alerts`);
    const alerts = ((await res.json()) as { data: { alerts: Alert[] } }).data.alerts;
    if (found(alerts)) return alerts;
    if (Date.now() > deadline) throw new Error(`alerts never matched; last: ${JSON.stringify(alerts)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the session alerts on a real Prometheus scraping a session', () => {
  it('fire ChassisLiveKillSwitchEngaged for the session whose kill switch the core engaged, and hold the mismatch pending', async () => {
    const t = 1_000_000_000n;
    append({
      kind: 'bbo',
      instrument: BTC.id,
      updateId: -1n,
      bidPriceUnits: 600_000,
      bidQtyUnits: 5,
      askPriceUnits: 600_001,
      askQtyUnits: 5,
      tsEventNs: t,
      tsLocalNs: t,
    });
    append({
      kind: 'reconciliation',
      outcome: 'mismatch',
      detail: 'an unknown venue order',
      tsEventNs: t,
      tsLocalNs: t,
    });
    append({ kind: 'kill_switch', engaged: true, reason: 'drill', tsEventNs: t, tsLocalNs: t });
    const alerts = await alertsUntil(
      (a) =>
        a.some((x) => x.labels.alertname === 'ChassisLiveKillSwitchEngaged' && x.state === 'firing') &&
        a.some((x) => x.labels.alertname === 'ChassisLiveReconciliationMismatch'),
    );
    const kill = alerts.find((x) => x.labels.alertname === 'ChassisLiveKillSwitchEngaged')!;
    expect(kill.labels).toMatchObject({
      severity: 'critical',
      component: 'live',
      run_id: 'live-alerts-1',
      strategy: 'mm',
      venue: 'binance-usdm',
    });
    // Held for 1 min before it fires: pending while the test runs.
    expect(alerts.find((x) => x.labels.alertname === 'ChassisLiveReconciliationMismatch')!.state).toBe('pending');
    expect(alerts.some((x) => x.labels.alertname === 'ChassisLiveFeedDegraded')).toBe(false);
  }, 60_000);
});
