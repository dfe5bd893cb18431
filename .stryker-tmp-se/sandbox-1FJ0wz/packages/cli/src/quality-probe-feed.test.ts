// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '@chassis/storage';
import { pendingManifests, runPendingManifests } from '@chassis/quality';
import { createQualityProbe, MetricsRegistry } from '@chassis/monitoring';
import { observeQualityRun } from './quality-probe-feed.ts';
import { dataFixturesDir } from '../../../examples/data/index.ts';

const SPOT = `${dataFixturesDir}/binance-hftbacktest/spot_btcusdt_20240808.gz`;

describe('the quality probe fed from a real gate run', () => {
  it('counts the manifest bytes, the promoted rows and the datasets by final state', async () => {
    const storage = openStorage(mkdtempSync(join(tmpdir(), 'chassis-qprobe-')));
    const bytes = readFileSync(SPOT);
    const dir = 'raw/binance-spot/depth+trade+bookTicker/20240808T2354';
    await storage.put(`${dir}/part-0.gz`, bytes);
    const manifest = {
      format: 'chassis-manifest-v1', venue: 'binance-spot', feed: 'depth+trade+bookTicker', instrument: 'BTCUSDT',
      window: { startNs: '1723161200000000000', endNs: '1723161700000000000' },
      files: [{ key: `${dir}/part-0.gz`, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, messages: 41249 }],
      completeness: 'complete', gaps: [], capture: { session: 's1', connectionIds: ['c1'], recorderVersion: '0.1.0' },
    };
    await storage.put(`${dir}/manifest.json`, new TextEncoder().encode(JSON.stringify(manifest)));
    const probe = createQualityProbe({ component: 'quality', venue: '' });
    const observed = observeQualityRun(storage, probe, await pendingManifests(storage));
    expect(probe.datasetsByState.discovered).toBe(1);
    const [run] = await runPendingManifests(observed);
    const outcomes = run!.results[0]!.datasets;
    expect(probe.importBytes).toBe(bytes.length);
    expect(probe.datasetsByState.discovered).toBe(0);
    expect(probe.datasetsByState.in_validation).toBe(0);
    expect(probe.datasetsByState.promoted).toBe(outcomes.filter((d) => d.outcome === 'promoted').length);
    expect(probe.importRecords).toBe(outcomes.reduce((n, d) => n + d.meta.rows, 0));
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    metrics.attachQuality(probe);
    const text = await metrics.text();
    expect(text).toMatch(new RegExp(`chassis_import_records_total\\{component="quality",venue=""\\} ${probe.importRecords}`));
    expect(text).toContain('chassis_quality_datasets{component="quality",venue="",state="promoted"}');
  });
});
