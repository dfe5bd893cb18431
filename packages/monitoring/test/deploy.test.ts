// The shipped deploy/monitoring assets: Prometheus config and rules checked and unit-tested by
// the real promtool; Grafana dashboards validated against the metrics Chassis exports.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { findBinary, isExportedSeries, metricCatalog, metricSpec, MetricsRegistry } from '../src/index.ts';
import { repoRoot } from './spawned-job.ts';

const deployDir = join(repoRoot, 'deploy/monitoring');
const rulesDir = join(deployDir, 'rules');
const grafanaDir = join(deployDir, 'grafana');
const ruleFiles = readdirSync(rulesDir).filter((f) => f.endsWith('.rules.yml'));
const ruleTestFiles = readdirSync(rulesDir).filter((f) => f.endsWith('.test.yml'));
const dashboardFiles = readdirSync(grafanaDir).filter((f) => f.endsWith('.json'));

function promtool(args: string[]): string {
  const bin = findBinary('promtool');
  if (bin === null) throw new Error('promtool is not on PATH: run bash scripts/ensure-services.sh');
  try {
    return execFileSync(bin, args, { cwd: deployDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);

/** Metric names a PromQL expression selects (functions, keywords, labels and variables removed). */
export function referencedMetrics(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ')
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/gi, ' ');
  const names: string[] = [];
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = stripped.slice(m.index! + m[0].length).trimStart();
    if (after.startsWith('(') || keywords.has(m[0].toLowerCase())) continue;
    names.push(m[0]);
  }
  return names;
}

interface Panel {
  title: string;
  datasource?: { uid?: string };
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}
const dashboards = dashboardFiles.map((f) => ({ file: f, json: JSON.parse(readFileSync(join(grafanaDir, f), 'utf8')) as { uid: string; panels: Panel[]; templating: { list: Array<{ query: { query: string } | string }> } } }));
const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);

describe('the shipped Prometheus configuration and alert rules', () => {
  it('passes promtool check config (including the rule files it loads)', () => {
    expect(promtool(['check', 'config', 'prometheus.yml'])).toContain('SUCCESS');
  });

  it('passes promtool check rules', () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    expect(promtool(['check', 'rules', ...ruleFiles.map((f) => join('rules', f))])).toContain('SUCCESS');
  });

  it('fires every alert in promtool unit tests on synthetic series', () => {
    expect(promtool(['test', 'rules', ...ruleTestFiles.map((f) => join('rules', f))])).toContain('SUCCESS');
    const alerts = ruleFiles.flatMap((f) => (parseYaml(readFileSync(join(rulesDir, f), 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string }> }> }).groups.flatMap((g) => g.rules.map((r) => r.alert!)));
    const tested = ruleTestFiles.map((f) => readFileSync(join(rulesDir, f), 'utf8')).join('\n');
    for (const alert of alerts) expect(tested, `${alert} has a firing unit test`).toMatch(new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels`));
  });

  it('feeds the promtool tests only series shaped like the exported ones: a catalog metric with exactly its catalog labels (plus the scrape labels job, instance, role)', () => {
    const scrapeLabels = new Set(['job', 'instance', 'role']);
    for (const file of ruleTestFiles) {
      const doc = parseYaml(readFileSync(join(rulesDir, file), 'utf8')) as { tests: Array<{ input_series?: Array<{ series: string }> }> };
      for (const { series } of doc.tests.flatMap((t) => t.input_series ?? [])) {
        const [, name, body] = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}$/.exec(series)!;
        if (name === 'up') continue;
        const labels = [...body!.matchAll(/(\w+)="[^"]*"/g)].map((m) => m[1]!).filter((l) => !scrapeLabels.has(l));
        expect([...labels].sort(), `${file}: ${series}`).toEqual([...(metricSpec(name!)?.labels ?? ['(not in the catalog)'])].sort());
      }
    }
  });

  it('covers the required alerts, each with a severity, and references only exported metrics', () => {
    const rules = ruleFiles.flatMap((f) => (parseYaml(readFileSync(join(rulesDir, f), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string; labels: { severity: string } }> }> }).groups.flatMap((g) => g.rules));
    const names = rules.map((r) => r.alert);
    for (const required of ['ChassisRiskDenialsSpike', 'ChassisKillSwitchEngaged', 'ChassisInvariantHalt', 'ChassisRunFailed', 'ChassisWorkerLost', 'ChassisSweepStalled', 'ChassisQuarantineSpike', 'ChassisDataRootNearlyFull', 'ChassisRecordFeedSilent', 'ChassisRecordGapBurst', 'ChassisRecordBufferFull', 'ChassisLiveKillSwitchEngaged', 'ChassisLiveReconciliationMismatch', 'ChassisLiveFeedDegraded', 'ChassisLiveOrderRejectsSpike']) {
      expect(names).toContain(required);
    }
    for (const rule of rules) {
      expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
      for (const metric of referencedMetrics(rule.expr)) expect(metric === 'up' || isExportedSeries(metric), `${rule.alert}: ${metric}`).toBe(true);
    }
  });
});

describe('the Grafana dashboards', () => {
  it('extracts metric names from PromQL, ignoring functions, labels, grouping and variables', () => {
    expect(referencedMetrics('histogram_quantile(0.99, sum by (le, run_id) (rate(chassis_step_duration_seconds_bucket{run_id=~"$run_id"}[$__rate_interval])))')).toEqual(['chassis_step_duration_seconds_bucket']);
    expect(referencedMetrics('a_total / on (x) group_left b_bytes > 1e9 and time() - c')).toEqual(['a_total', 'b_bytes', 'c']);
  });

  it('reference only metrics Chassis exports, with the default process metrics present in a real scrape', async () => {
    const scrape = await new MetricsRegistry().text();
    for (const { file, json } of dashboards) {
      const exprs = [
        ...allPanels(json.panels).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')),
        ...json.templating.list.map((v) => (typeof v.query === 'string' ? v.query : v.query.query)),
      ];
      for (const expr of exprs) {
        // label_values(<selector>, <label>): only the selector names a metric.
        const selector = /^label_values\((.*),\s*\w+\)$/.exec(expr)?.[1] ?? expr;
        for (const metric of referencedMetrics(selector)) {
          expect(metric === 'up' || isExportedSeries(metric), `${file}: ${metric} in ${expr}`).toBe(true);
          if (/^(process|nodejs)_/.test(metric)) expect(scrape, `${file}: default metric ${metric}`).toContain(`\n${metric}`);
        }
      }
    }
  });

  it('give every panel a query on the provisioned datasource', () => {
    const provisioned = parseYaml(readFileSync(join(grafanaDir, 'provisioning/datasources/chassis.yml'), 'utf8')) as { datasources: Array<{ uid: string }> };
    const uid = provisioned.datasources[0]!.uid;
    for (const { file, json } of dashboards) {
      expect(new Set(dashboards.map((d) => d.json.uid)).size).toBe(dashboards.length);
      for (const panel of allPanels(json.panels)) {
        expect(panel.datasource?.uid, `${file}: ${panel.title}`).toBe(uid);
        expect(panel.targets?.length ?? 0, `${file}: ${panel.title}`).toBeGreaterThan(0);
      }
    }
  });

  it('chart every catalog metric on some dashboard (runtime, execution, data quality and recording, sweeps)', () => {
    const used = new Set(dashboards.flatMap(({ json }) => allPanels(json.panels).flatMap((p) => (p.targets ?? []).flatMap((t) => referencedMetrics(t.expr ?? '')))));
    for (const spec of metricCatalog) {
      const family = spec.type === 'histogram' ? [`${spec.name}_bucket`, `${spec.name}_sum`, `${spec.name}_count`] : [spec.name];
      expect(family.some((n) => used.has(n)), spec.name).toBe(true);
    }
    expect(dashboards.map((d) => d.json.uid).sort()).toEqual(['chassis-data-quality', 'chassis-execution', 'chassis-runtime', 'chassis-sweeps']);
  });
});
